from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from pipeline import places
from pipeline.places import country_code, find_city, normalise_city


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Argentina", "AR"),
        ("Brasil", "BR"),
        ("Brazil", "BR"),
        ("BRASIL", "BR"),
        ("Perú", "PE"),
        ("Peru", "PE"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Estados Unidos", "US"),
        ("EUA", "US"),
        ("EE.UU.", "US"),
        ("United States of America", "US"),
        ("Paraguay", "PY"),
        ("Paraguai", "PY"),
        ("Uruguay", "UY"),
        ("Uruguai", "UY"),
        ("República Oriental del Uruguay", "UY"),
        ("Bolivia (Estado Plurinacional de)", "BO"),
        ("Estado Plurinacional de Bolivia", "BO"),
        ("Venezuela", "VE"),
        ("Venezuela (República Bolivariana de)", "VE"),
        ("Colômbia", "CO"),
        ("Colombia", "CO"),
        ("Chile", "CL"),
        ("Ecuador", "EC"),
        ("Equador", "EC"),
        ("Costa Rica", "CR"),
        ("Panamá", "PA"),
        ("El Salvador", "SV"),
        ("República Dominicana", "DO"),
        ("Haití", "HT"),
        ("Trinidad y Tobago", "TT"),
        ("España", "ES"),
        ("Espanha", "ES"),
        ("Portugal", "PT"),
        ("Itália", "IT"),
        ("Francia", "FR"),
        ("Canadá", "CA"),
        ("Reino Unido", "GB"),
        ("  colombia ", "CO"),
    ],
)
def test_country_names_in_three_languages_give_alpha_2(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("code", "expected"), [("AR", "AR"), ("br", "BR"), ("URY", "UY"), ("usa", "US"), ("MEX", "MX")]
)
def test_country_codes_are_accepted(code: str, expected: str) -> None:
    assert country_code(code) == expected


@pytest.mark.parametrize(
    "name", [None, "", "Narnia", "América Latina", "Mercosur", "XX", "Granada"]
)
def test_unknown_country_is_none(name: str | None) -> None:
    assert country_code(name) is None


def test_every_south_and_central_american_country_is_known() -> None:
    codes = ("AR BO BR CL CO EC GY PY PE SR UY VE", "MX GT BZ SV HN NI CR PA CU DO HT JM")
    for code in " ".join(codes).split(" "):
        assert country_code(code) == code


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("São Paulo", "sao paulo"),
        ("  SÃO   PAULO ", "sao paulo"),
        ("Sant'Ana do Livramento", "sant ana do livramento"),
        ("Bogotá, D.C.", "bogota d c"),
        ("Asunción", "asuncion"),
        ("", None),
        (None, None),
    ],
)
def test_city_key_is_lowercase_unaccented_and_folded(name: str | None, key: str | None) -> None:
    assert normalise_city(name) == key


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Montevideo", ("Montevideo", "UY")),
        ("São Paulo", ("São Paulo", "BR")),
        ("Sao Paulo", ("São Paulo", "BR")),
        ("San Pablo", ("São Paulo", "BR")),
        ("Asunción", ("Asunción", "PY")),
        ("Assunção", ("Asunción", "PY")),
        ("Ciudad de México", ("Ciudad de México", "MX")),
        ("Mexico City", ("Ciudad de México", "MX")),
        ("CDMX", ("Ciudad de México", "MX")),
        ("Bogotá", ("Bogotá", "CO")),
        ("Bogota", ("Bogotá", "CO")),
        ("Bogotá D.C.", ("Bogotá", "CO")),
        ("CABA", ("Buenos Aires", "AR")),
        ("Medellín", ("Medellín", "CO")),
        ("Quito", ("Quito", "EC")),
        ("Lima", ("Lima", "PE")),
        ("La Habana", ("La Habana", "CU")),
        ("Havana", ("La Habana", "CU")),
        ("Santo Domingo", ("Santo Domingo", "DO")),
        ("Tegucigalpa", ("Tegucigalpa", "HN")),
        ("Ciudad de Guatemala", ("Ciudad de Guatemala", "GT")),
        ("Ciudad de Panamá", ("Ciudad de Panamá", "PA")),
        ("MONTEVIDEO ", ("Montevideo", "UY")),
        ("Rosario, Argentina", ("Rosario", "AR")),
        ("Intendencia de Montevideo", ("Montevideo", "UY")),
        ("Prefeitura de Porto Alegre", ("Porto Alegre", "BR")),
    ],
)
def test_label_that_is_a_city_name_is_found(label: str, expected: tuple[str, str]) -> None:
    assert find_city([label]) == expected


def test_first_label_naming_a_city_wins() -> None:
    labels = ["Noticias", "Salud", "Rosario", "Montevideo"]
    assert find_city(labels, "Montevideo: canasta de alimentos") == ("Rosario", "AR")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montevideo: canasta de alimentos para familias", ("Montevideo", "UY")),
        ("Rosario lanza su plan de movilidad sostenible", ("Rosario", "AR")),
        ("São Paulo lança programa de saúde mental", ("São Paulo", "BR")),
        ("“Quito Solidario” entrega kits de alimentos", ("Quito", "EC")),
        ("Intendencia de Salto presenta protocolo sanitario", ("Salto", "UY")),
        ("La ciudad de Córdoba amplía su red de salud", ("Córdoba", "AR")),
        ("Prefeitura de Belo Horizonte amplia atendimento", ("Belo Horizonte", "BR")),
        ("Ciudad de México reabre espacios públicos", ("Ciudad de México", "MX")),
        ("Salto, Uruguay: nueva policlínica barrial", ("Salto", "UY")),
    ],
)
def test_city_named_at_the_start_of_a_title_is_found(text: str, expected: tuple[str, str]) -> None:
    assert find_city([], text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Santa Fe presentó su plan de cuidados", ("Santa Fe", "AR")),
        ("Santiago del Estero inaugura un centro de salud", ("Santiago del Estero", "AR")),
        ("Santiago de Cuba restablece el transporte", ("Santiago de Cuba", "CU")),
        ("Santiago lanza un plan de vivienda", ("Santiago", "CL")),
        ("Buenos Aires y Montevideo firman un acuerdo", ("Buenos Aires", "AR")),
        ("Mar del Plata recibe la cumbre", ("Mar del Plata", "AR")),
        ("San Salvador de Jujuy se suma a la red", ("San Salvador de Jujuy", "AR")),
    ],
)
def test_longest_city_name_is_preferred(text: str, expected: tuple[str, str]) -> None:
    assert find_city([], text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Aires de cambio en la gestión local",  # "Aires" is not "Buenos Aires"
        "Rosarinos celebran el día de la bandera",  # whole words only
        "Salto cualitativo en la atención primaria",  # a city that is also a word
        "La paz social como política pública",
        "Sucre y la independencia: un homenaje",
        "Paraná: el río crece en el litoral",
        "Florida, el estado con más turismo",
        "Salud mental en tiempos de pandemia",
        "Encuentro de ciudades en Montevideo",  # only a city opening the text counts
        "",
    ],
)
def test_words_and_names_that_are_not_a_city_at_the_start_give_none(text: str) -> None:
    assert find_city([], text) is None


@pytest.mark.parametrize("label", ["Salud", "Paz", "Santa", "Aires", "Sucre", "Paraná", "Noticias"])
def test_ambiguous_or_partial_labels_are_not_cities(label: str) -> None:
    assert find_city([label]) is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Salto", ("Salto", "UY")),
        ("La Paz", ("La Paz", "BO")),
        ("Sucre, Bolivia", ("Sucre", "BO")),
        ("Paraná (Argentina)", ("Paraná", "AR")),
        ("Municipalidad de Sucre", ("Sucre", "BO")),
    ],
)
def test_ambiguous_names_match_as_a_whole_label_or_in_full_form(
    label: str, expected: tuple[str, str]
) -> None:
    assert find_city([label]) == expected


def test_label_with_the_wrong_country_is_not_a_city() -> None:
    assert find_city(["Rosario, Uruguay"]) is None


def test_nothing_to_go_on_gives_none() -> None:
    assert find_city([]) is None
    assert find_city([], None) is None
    assert find_city(["", "   "], "   ") is None


def test_gazetteer_ships_with_the_package_and_covers_the_networks() -> None:
    text = resources.files("pipeline.data").joinpath("places.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    cities = [name for entries in data["cities"].values() for name in entries]
    assert len(cities) >= 120
    capitals = ["Buenos Aires", "Brasília", "Montevideo", "Asunción", "Santiago", "La Paz", "Lima"]
    capitals += ["Quito", "Bogotá", "Caracas", "Ciudad de México", "San José", "La Habana"]
    for capital in capitals:
        assert find_city([capital]) is not None, capital


def test_every_gazetteer_city_is_found_by_its_own_name() -> None:
    text = resources.files("pipeline.data").joinpath("places.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    qualified_only = set(data["matching"]["qualified_only"])
    for code, entries in data["cities"].items():
        country = data["countries"][code]["names"][0]
        for name in entries:
            label = f"{name}, {country}" if name in qualified_only else name
            assert find_city([label]) == (name, code), label


def test_a_name_claimed_by_two_cities_is_refused() -> None:
    data: dict[str, Any] = {
        "countries": {"UY": {"alpha3": "URY", "names": ["Uruguay"]}},
        "cities": {"UY": {"San José de Mayo": ["San José"], "San José": []}},
    }
    with pytest.raises(places.PlacesDataError, match=r"places\.toml.*'San José'"):
        places._build(data, "pipeline/data/places.toml")


def test_a_city_in_an_unknown_country_is_refused() -> None:
    data: dict[str, Any] = {"countries": {}, "cities": {"XX": {"Gotham": []}}}
    with pytest.raises(places.PlacesDataError, match=r"\[cities\.XX\]"):
        places._build(data, "pipeline/data/places.toml")
