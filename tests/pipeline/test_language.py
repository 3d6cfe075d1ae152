from __future__ import annotations

import pytest

from pipeline.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "es"),
        ("es-ES", "es"),
        ("es_AR", "es"),
        ("es_ES", "es"),  # og:locale
        ("es-419", "es"),
        ("pt-BR", "pt"),
        ("pt_br", "pt"),
        ("PT", "pt"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("spa", "es"),
        ("por", "pt"),
        ("eng", "en"),
        ("Español", "es"),
        ("español", "es"),
        ("Espanol", "es"),
        ("Castellano", "es"),
        ("Português", "pt"),
        ("Português (Brasil)", "pt"),
        ("English", "en"),
        ("fr-FR", "fr"),
        ("fra", "fr"),
        ("Français", "fr"),
        ("it_IT", "it"),
        ("de-DE", "de"),
        ("ger", "de"),
        ("ca", "ca"),
        ("Català", "ca"),
        ("  es-es  ", "es"),
    ],
)
def test_language_labels_become_iso_639_1(code: str, expected: str) -> None:
    assert normalise_language(code) == expected


@pytest.mark.parametrize("code", [None, "", "x-default", "zz", "klingon", "123", "-", "und"])
def test_unknown_language_label_is_none(code: str | None) -> None:
    assert normalise_language(code) is None


SPANISH = [
    # Municipal news, naming São Paulo and Porto Alegre: their Portuguese spelling proves nothing.
    """La Municipalidad de Rosario presentó este martes su plan de movilidad sostenible, que prevé
    la ampliación de la red de ciclovías y la renovación de la flota de transporte público. La
    iniciativa fue compartida en la Red de Mercociudades junto a experiencias de São Paulo y Porto
    Alegre, donde los gobiernos locales impulsan políticas similares desde hace una década.""",
    """La Intendencia de Montevideo distribuyó más de diez mil canastas de alimentos a familias
    afectadas por la emergencia sanitaria. Según informó la directora de Desarrollo Social, el
    programa se coordina con las organizaciones barriales y los comedores populares, y continuará
    mientras dure la pandemia.

    Además, el gobierno departamental habilitó una línea telefónica gratuita para que las personas
    mayores soliciten la entrega de medicamentos en sus hogares.""",
    """Con el objetivo de fortalecer la cooperación descentralizada, la Secretaría Ejecutiva de
    Mercociudades convocó a las ciudades miembro a compartir sus prácticas en salud, inclusión
    social y desarrollo económico local. Las experiencias seleccionadas serán publicadas en el
    Banco de Buenas Prácticas y presentadas en la próxima Cumbre de la red en Asunción.""",
]
PORTUGUESE = [
    # Names Rosario and Montevideo: Spanish place names must not tip the guess.
    """A Prefeitura de São Paulo lançou nesta segunda-feira um programa de atenção à saúde mental
    para profissionais da rede municipal. A iniciativa, que foi apresentada na reunião da Unidade
    Temática de Saúde da Rede Mercocidades, inspira-se em experiências de Rosario e Montevideo e
    prevê o atendimento gratuito de mais de dez mil trabalhadores até o fim do ano.""",
    """A cidade de Porto Alegre ampliou a distribuição de cestas básicas para as famílias em
    situação de vulnerabilidade durante a pandemia. Segundo a secretaria municipal, as entregas
    são feitas pelos agentes comunitários de saúde, que também orientam os moradores sobre as
    medidas de prevenção. Não houve interrupção do serviço nos fins de semana.""",
    """O Banco de Boas Práticas da Rede Mercocidades e da Associação de Universidades Grupo
    Montevidéu reúne experiências desenvolvidas em conjunto por governos locais e universidades
    públicas. As práticas são avaliadas pela sua pertinência, inovação, sustentabilidade e
    capacidade de replicação em outros municípios da região.""",
]
ENGLISH = [
    """The city of Montevideo has launched a new food security programme for families affected by
    the COVID-19 pandemic. The initiative, which was presented at the Mercociudades network
    meeting, builds on experiences from Rosario and São Paulo and will reach more than ten thousand
    households by the end of the year, according to the municipal government.""",
    """This learning note summarises the discussion held during the live learning experience on
    housing. Mayors and experts from Latin America, Africa and Europe shared how their cities
    protected tenants from eviction, provided emergency shelter for homeless people and worked
    with informal settlements to improve access to water and sanitation.""",
    """The IDB Cities Network brings together more than two hundred member cities of Latin America
    and the Caribbean. Its webinars and publications are intended to help local governments
    exchange knowledge on urban development, housing and public services, and to connect them
    with the experts of the Bank.""",
]


@pytest.mark.parametrize("text", SPANISH)
def test_spanish_municipal_news_is_detected(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", PORTUGUESE)
def test_portuguese_municipal_news_is_detected(text: str) -> None:
    assert detect_language(text) == "pt"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_network_text_is_detected(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Rosario lanza su plan de movilidad sostenible",
        "São Paulo lança programa de saúde mental",
        "Montevideo: canasta de alimentos para familias afectadas por la pandemia",
        "1234 5678 ---- ....",
    ],
)
def test_short_text_is_not_guessed(text: str | None) -> None:
    assert detect_language(text) is None


def test_half_spanish_half_english_text_is_ambiguous() -> None:
    assert detect_language(SPANISH[0] + "\n\n" + ENGLISH[0]) is None


def test_half_spanish_half_portuguese_text_is_ambiguous() -> None:
    assert detect_language(SPANISH[0] + "\n\n" + PORTUGUESE[0]) is None


@pytest.mark.parametrize(
    "text",
    [
        """La ville de Montréal a présenté hier son nouveau plan de mobilité durable, qui prévoit
        l'extension du réseau de pistes cyclables et le renouvellement de la flotte de bus. Cette
        initiative a été partagée avec les autres villes du réseau lors de la rencontre.""",
        """Il Comune di Roma ha presentato ieri il nuovo piano per la mobilità sostenibile, che
        prevede l'ampliamento della rete di piste ciclabili e il rinnovo della flotta di autobus.
        L'iniziativa è stata condivisa con le altre città della rete durante l'incontro annuale.""",
    ],
)
def test_french_and_italian_are_not_taken_for_spanish(text: str) -> None:
    assert detect_language(text) is None


def test_a_list_of_capitalised_names_is_not_guessed() -> None:
    names = "São Paulo, Porto Alegre, Belo Horizonte, Florianópolis, Assunção, Curitiba, " * 5
    assert detect_language(names) is None


def test_spanish_text_full_of_brazilian_city_names_stays_spanish() -> None:
    text = """Participaron de la reunión las ciudades de São Paulo, Foz do Iguaçu, Porto Alegre,
    Santana do Livramento, Caxias do Sul y São Leopoldo, junto a los intendentes de Rivera, Salto
    y Paysandú, para acordar una agenda común de integración fronteriza."""
    assert detect_language(text) == "es"


def test_very_long_text_is_read_only_in_part() -> None:
    assert detect_language(SPANISH[0] * 2000) == "es"
