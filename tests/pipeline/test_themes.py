from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from pipeline.themes import (
    Theme,
    ThemeMapping,
    ThemesDataError,
    map_labels,
    parse_theme_table,
    theme_list,
    themes_markdown,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "themes.md"
THEME_IDS = {theme.id for theme in theme_list()}


def _data() -> dict[str, object]:
    text = resources.files("pipeline.data").joinpath("themes.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_theme_list_is_one_controlled_list_of_twenty_to_thirty() -> None:
    themes = theme_list()
    assert 20 <= len(themes) <= 30
    assert len(THEME_IDS) == len(themes)
    for theme in themes:
        assert isinstance(theme, Theme)
        assert theme.id.isidentifier() and theme.id.islower()
        assert theme.es and theme.pt and theme.en and theme.description


def test_every_mapping_target_is_a_known_theme() -> None:
    mappings = _data()["mappings"]
    assert isinstance(mappings, dict)
    for platform, labels in mappings.items():
        for label, ids in labels.items():
            unknown = set(ids) - THEME_IDS
            assert not unknown, f"[mappings.{platform}] {label!r} -> {sorted(unknown)}"


@pytest.mark.parametrize("label", ["Salud", "SALUD", "salud ", "  Salud\u00a0", "Saúde", "SAUDE"])
def test_labels_match_whatever_their_case_accents_or_spacing(label: str) -> None:
    assert map_labels([label]).themes == ("public_health",)


@pytest.mark.parametrize(
    ("label", "themes"),
    [
        # Mercociudades categories, es and pt
        ("Desarrollo social", {"social_inclusion"}),
        ("Desenvolvimento social", {"social_inclusion"}),
        ("Género", {"gender_equality"}),
        ("Gênero", {"gender_equality"}),
        ("Cultura", {"culture"}),
        ("Ambiente", {"environment_climate"}),
        ("Meio ambiente", {"environment_climate"}),
        ("Economía", {"local_economic_development"}),
        ("Economia", {"local_economic_development"}),
        ("Educación", {"education_knowledge"}),
        ("Educação", {"education_knowledge"}),
        ("Gobernabilidad", {"governance_cooperation"}),
        ("Governança", {"governance_cooperation"}),
        ("Movilidad urbana", {"mobility_transport"}),
        ("Mobilidade urbana", {"mobility_transport"}),
        ("Innovación", {"digital_innovation"}),
        ("Inovação", {"digital_innovation"}),
        ("COVID-19", {"emergency_response", "public_health"}),
        ("Covid 19", {"emergency_response", "public_health"}),
        ("Desarrollo urbano", {"urban_planning"}),
        ("Seguridad ciudadana", {"security_peace"}),
        ("Turismo", {"tourism"}),
        ("Juventudes", {"youth"}),
        ("Integración fronteriza", {"border_integration"}),
        ("Integração fronteiriça", {"border_integration"}),
        ("Cooperación internacional", {"governance_cooperation"}),
        ("Derechos humanos", {"human_rights_diversity"}),
        ("Direitos humanos", {"human_rights_diversity"}),
        # Bank of Best Practices: original areas and newer axes
        ("Ciudadanía participativa", {"participatory_democracy"}),
        ("Desarrollo local-territorial", {"local_economic_development"}),
        ("Energía, infraestructura y redes de comunicación", {"energy_infrastructure"}),
        ("Inclusión social y políticas públicas", {"social_inclusion"}),
        (
            "Integración fronteriza, planificación urbana y gestión territorial",
            {"border_integration", "urban_planning"},
        ),
        ("Política y gestión ambiental", {"environment_climate"}),
        ("Política e gestão cultural", {"culture"}),
        ("Salud pública", {"public_health"}),
        ("Educación, conocimiento y territorio", {"education_knowledge"}),
        (
            "Inclusión social, derechos humanos, género y diversidad",
            {"social_inclusion", "human_rights_diversity", "gender_equality"},
        ),
        ("Ciudades cuidadoras", {"care"}),
        ("Cidades cuidadoras", {"care"}),
        ("Ambiente y sostenibilidad", {"environment_climate"}),
        (
            "Gestión y planificación de ciudades y áreas metropolitanas",
            {"urban_planning", "metropolitan_governance"},
        ),
        ("Innovación pública", {"digital_innovation"}),
        ("Turismo y desarrollo sostenible", {"tourism"}),
        # #BeyondTheOutbreak sessions, en and es
        ("Public services", {"public_services"}),
        ("Local government associations", {"governance_cooperation"}),
        ("Digital technologies", {"digital_innovation"}),
        ("Migration", {"migration"}),
        ("Migración", {"migration"}),
        ("Local finance", {"local_finance"}),
        ("Informality", {"informality"}),
        ("Women's leadership", {"gender_equality"}),
        ("Women\u2019s Leadership", {"gender_equality"}),
        ("Accessibility", {"accessibility"}),
        ("Local democracy", {"participatory_democracy"}),
        ("Security", {"security_peace"}),
        ("Housing", {"housing"}),
        ("Vivienda", {"housing"}),
        ("Mobility", {"mobility_transport"}),
        ("Public service workers", {"public_services", "employment"}),
        ("Peace", {"security_peace"}),
        ("Paz", {"security_peace"}),
        # Cities for Global Health topics and phases
        ("Plans", {"emergency_response"}),
        ("Protocolos", {"emergency_response", "public_health"}),
        ("Health", {"public_health"}),
        ("Social protection", {"social_inclusion"}),
        ("Protección social", {"social_inclusion"}),
        ("Economic recovery", {"local_economic_development", "employment"}),
        ("Recuperación económica", {"local_economic_development", "employment"}),
        ("Urban mobility", {"mobility_transport"}),
        ("Communication", {"participatory_democracy", "emergency_response"}),
        # a theme's own labels
        ("Water and sanitation", {"water_sanitation"}),
        ("Água e saneamento", {"water_sanitation"}),
        ("Seguridad alimentaria", {"food_security"}),
    ],
)
def test_platform_labels_map_to_catalogue_themes(label: str, themes: set[str]) -> None:
    mapping = map_labels([label])
    assert set(mapping.themes) == themes
    assert mapping.unmapped == ()


def test_unmapped_label_is_reported_not_dropped() -> None:
    mapping = map_labels(["Salud", "Deportes", "Ajedrez municipal"])
    assert mapping == ThemeMapping(
        themes=("public_health",),
        labels=("Salud", "Deportes", "Ajedrez municipal"),
        unmapped=("Deportes", "Ajedrez municipal"),
    )


def test_label_known_to_carry_no_theme_is_neither_mapped_nor_reported() -> None:
    mapping = map_labels(["Noticias", "Sin categoría", "Uncategorized"])
    assert mapping.themes == ()
    assert mapping.unmapped == ()
    assert mapping.labels == ("Noticias", "Sin categoría", "Uncategorized")


def test_themes_are_deduplicated_in_theme_list_order() -> None:
    mapping = map_labels(["Turismo", "COVID-19", "Salud", "Saúde", "Salud pública"])
    order = [theme.id for theme in theme_list()]
    assert mapping.themes == tuple(sorted(set(mapping.themes), key=order.index))
    assert mapping.themes.count("public_health") == 1
    assert set(mapping.themes) == {"tourism", "emergency_response", "public_health"}


def test_labels_are_cleaned_and_deduplicated_in_input_order() -> None:
    mapping = map_labels(
        ["  Salud ", "SALUD", "Desarrollo&nbsp;social", "<b>Cultura</b>", "", "Cultura", "Deportes"]
    )
    assert mapping.labels == ("Salud", "Desarrollo social", "Cultura", "Deportes")
    assert mapping.unmapped == ("Deportes",)


def test_hostile_labels_are_bounded_and_never_markup() -> None:
    mapping = map_labels(["<script>alert(1)</script>Salud", "x" * 10_000, *["Tag"] * 10_000])
    assert mapping.themes == ("public_health",)
    assert mapping.labels[0] == "Salud"
    assert all(len(label) <= 200 for label in mapping.labels)


def test_no_labels_give_an_empty_mapping() -> None:
    assert map_labels([]) == ThemeMapping(themes=(), labels=(), unmapped=())


def test_mapping_to_an_unknown_theme_names_the_file_and_the_label() -> None:
    text = """
    [[themes]]
    id = "public_health"
    es = "Salud pública"
    pt = "Saúde pública"
    en = "Public health"
    description = "Health."

    [mappings.mercociudades]
    "Salud" = ["public_heath"]
    """
    with pytest.raises(ThemesDataError) as error:
        parse_theme_table(text, "pipeline/data/themes.toml")
    message = str(error.value)
    assert "pipeline/data/themes.toml" in message
    assert "'Salud'" in message and "'public_heath'" in message


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "no [[themes]]"),
        ("[[themes]]\nid = 'x'\n", "needs text for es, pt, en, description"),
        (
            "[[themes]]\nid = 'Bad Id'\nes = 'a'\npt = 'a'\nen = 'a'\ndescription = 'a'\n",
            "lowercase_with_underscores",
        ),
        (
            "[[themes]]\nid = 'a'\nes = 'a'\npt = 'a'\nen = 'a'\ndescription = 'a'\n" * 2,
            "used twice",
        ),
        (
            "[[themes]]\nid = 'a'\nes = 'a'\npt = 'a'\nen = 'a'\ndescription = 'a'\n"
            "[mappings.x]\nLabel = 'a'\n",
            "needs a list of theme ids",
        ),
        ("not toml = = =", "not valid TOML"),
    ],
)
def test_broken_theme_data_is_refused_with_a_clear_message(text: str, complaint: str) -> None:
    with pytest.raises(ThemesDataError, match=r"themes\.toml") as error:
        parse_theme_table(text, "themes.toml")
    assert complaint in str(error.value)


def test_shipped_data_parses_through_the_public_parser() -> None:
    text = resources.files("pipeline.data").joinpath("themes.toml").read_text(encoding="utf-8")
    table = parse_theme_table(text)
    assert [theme.id for theme in table.themes] == [theme.id for theme in theme_list()]
    assert {"mercociudades", "bank_of_best_practices", "beyond_the_outbreak"} <= set(
        table.platforms
    )
    assert "cities_for_global_health" in table.platforms


def test_committed_doc_equals_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == themes_markdown(), (
        "docs/themes.md is stale: run .venv/bin/python -m pipeline.themes > docs/themes.md"
    )


def test_doc_lists_every_theme_and_explains_how_to_add_a_mapping() -> None:
    markdown = themes_markdown()
    for theme in theme_list():
        assert f"| {theme.id} |" in markdown
    assert "## How to add a mapping" in markdown
