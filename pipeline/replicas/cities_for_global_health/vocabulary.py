# ruff: noqa: E501  (data: places and initiatives, one a line, as typed)
"""What the Cities for Global Health replica writes about: places, topics, phases, initiatives.

Every text comes in English and Spanish, as uploaders type them; ``{place}`` stands for the city
(or region) in the text's language, ``{org}`` for the uploading government.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACTIONS",
    "CITIES",
    "PARTNERS",
    "PHASES",
    "REGIONS",
    "REVISED",
    "TOPICS",
    "Action",
    "Place",
]


@dataclass(frozen=True)
class Place:
    """A city (``is_city``) or a region whose government uploads initiatives."""

    name: tuple[str, str]  # (en, es)
    country: str  # ISO 3166-1 alpha-2
    country_name: tuple[str, str]
    government: tuple[str, str]
    is_city: bool = True

    def text(self, lang: str) -> str:
        return self.name[0 if lang == "en" else 1]


def _city(en: str, es: str, iso: str, country: tuple[str, str], gov: tuple[str, str]) -> Place:
    return Place((en, es), iso, country, (gov[0].format(en), gov[1].format(es)))


_AR, _CO, _ES = ("Argentina", "Argentina"), ("Colombia", "Colombia"), ("Spain", "España")
_MX, _BR = ("Mexico", "México"), ("Brazil", "Brasil")
_CITY_HALL = ("{} City Council", "Ayuntamiento de {}")
_MUNICIPALITY = ("Municipality of {}", "Municipalidad de {}")
_MAYORALTY = ("Mayor's Office of {}", "Alcaldía de {}")

CITIES = (
    _city("Rosario", "Rosario", "AR", _AR, _MUNICIPALITY),
    _city("Córdoba", "Córdoba", "AR", _AR, _MUNICIPALITY),
    _city("Montevideo", "Montevideo", "UY", ("Uruguay", "Uruguay"), ("Intendencia de {}",) * 2),
    _city("Bogotá", "Bogotá", "CO", _CO, _MAYORALTY),
    _city("Medellín", "Medellín", "CO", _CO, _MAYORALTY),
    _city("Quito", "Quito", "EC", ("Ecuador", "Ecuador"), ("Municipality of {}", "Municipio de {}")),
    _city("Lima", "Lima", "PE", ("Peru", "Perú"), _MUNICIPALITY),
    _city("Santiago", "Santiago", "CL", ("Chile", "Chile"), _MUNICIPALITY),
    _city("Mexico City", "Ciudad de México", "MX", _MX, ("Government of {}", "Gobierno de la {}")),
    _city("Guadalajara", "Guadalajara", "MX", _MX, ("Government of {}", "Gobierno de {}")),
    _city("São Paulo", "São Paulo", "BR", _BR, ("City Hall of {}", "Prefeitura de {}")),
    _city("Porto Alegre", "Porto Alegre", "BR", _BR, ("City Hall of {}", "Prefeitura de {}")),
    _city("Barcelona", "Barcelona", "ES", _ES, _CITY_HALL),
    _city("Madrid", "Madrid", "ES", _ES, _CITY_HALL),
    _city("Seville", "Sevilla", "ES", _ES, _CITY_HALL),
    _city("Lisbon", "Lisboa", "PT", ("Portugal", "Portugal"), ("Lisbon City Council", "Cámara Municipal de Lisboa")),
    _city("Montreal", "Montreal", "CA", ("Canada", "Canadá"), ("City of {}", "Ciudad de {}")),
    _city("Seoul", "Seúl", "KR", ("South Korea", "Corea del Sur"), ("{} Metropolitan Government", "Gobierno Metropolitano de {}")),
    _city("Johannesburg", "Johannesburgo", "ZA", ("South Africa", "Sudáfrica"), ("City of {}", "Ciudad de {}")),
)  # fmt: skip

# Regional governments: no city field; their names must not contain a city's.
REGIONS = (
    Place(("Antioquia", "Antioquia"), "CO", _CO, ("Government of Antioquia", "Gobernación de Antioquia"), False),
    Place(("Basque Country", "País Vasco"), "ES", _ES, ("Basque Government", "Gobierno Vasco"), False),
    Place(("Jalisco", "Jalisco"), "MX", _MX, ("Government of the State of Jalisco", "Gobierno del Estado de Jalisco"), False),
)  # fmt: skip

# (en, es): the site's taxonomy "Topics"; the last two are known to no theme mapping.
TOPICS = (
    ("Health", "Salud"),
    ("Mental health", "Salud mental"),
    ("Social protection", "Protección social"),
    ("Vulnerable groups", "Grupos vulnerables"),
    ("Older people", "Personas mayores"),
    ("Homeless people", "Personas en situación de calle"),
    ("Economic recovery", "Recuperación económica"),
    ("Public transport", "Transporte público"),
    ("Communication", "Comunicación"),
    ("Education", "Educación"),
    ("Food", "Alimentación"),
    ("Public space", "Espacio público"),
    ("Waste management", "Gestión de residuos"),
    ("Teleworking", "Teletrabajo"),
    ("Digital government", "Gobierno digital"),
    ("Data and evidence", "Datos y evidencia"),
)

# The phases of the crisis the site sorts initiatives by, then the recovery plans.
PHASES = (
    ("Preparedness", "Preparación"),
    ("Response", "Respuesta"),
    ("Recovery", "Recuperación"),
    ("Recovery plans", "Planes de recuperación"),
)

PARTNERS = ("Metropolis", "UCLG", "UN-Habitat", "AL-LAs", "Pan American Health Organization")


@dataclass(frozen=True)
class Action:
    """One kind of initiative: title and what it does in both languages, its topics (indexes)."""

    title: tuple[str, str]
    what: tuple[str, str]
    topics: tuple[int, ...]
    document: tuple[str, str]


ACTIONS = (
    Action(("{place}: emergency food plan for vulnerable households",
            "{place}: plan de emergencia alimentaria para hogares vulnerables"),
           ("food baskets delivered every week to households in vulnerable situations",
            "canastas de alimentos entregadas cada semana a hogares en situación de vulnerabilidad"),
           (10, 3, 2), ("Emergency food plan", "Plan de emergencia alimentaria")),
    Action(("Protocol for the care of older people in {place}",
            "Protocolo de atención a personas mayores en {place}"),
           ("telephone follow-up and home delivery of medicines for people over 65",
            "seguimiento telefónico y entrega a domicilio de medicamentos para mayores de 65 años"),
           (4, 0), ("Care protocol for older people", "Protocolo de atención a personas mayores")),
    Action(("{place} opens emergency shelters for homeless people",
            "{place} abre albergues de emergencia para personas en situación de calle"),
           ("temporary shelters with health checks for people living on the street",
            "albergues temporales con controles sanitarios para personas que viven en la calle"),
           (5, 0, 3), ("Shelter operating protocol", "Protocolo de funcionamiento de albergues")),
    Action(("Economic recovery strategy of {place}",
            "Estrategia de recuperación económica de {place}"),
           ("tax relief and credit lines for small businesses and street vendors",
            "alivios tributarios y líneas de crédito para pequeños comercios y vendedores ambulantes"),
           (6,), ("Economic recovery strategy", "Estrategia de recuperación económica")),
    Action(("Safe public transport plan in {place}",
            "Plan de transporte público seguro en {place}"),
           ("capacity limits, disinfection of vehicles and new bicycle lanes",
            "límites de aforo, desinfección de unidades y nuevos carriles para bicicletas"),
           (7, 11, 0), ("Safe public transport plan", "Plan de transporte público seguro")),
    Action(("{place} launches a mental health helpline",
            "{place} pone en marcha una línea de atención en salud mental"),
           ("a free helpline staffed by psychologists, open every day",
            "una línea gratuita atendida por psicólogos, abierta todos los días"),
           (1, 0), ("Mental health helpline guide", "Guía de la línea de salud mental")),
    Action(("Risk communication campaign of {place}",
            "Campaña de comunicación de riesgo de {place}"),
           ("clear messages on prevention in several languages, on radio and social media",
            "mensajes claros de prevención en varios idiomas, en radio y redes sociales"),
           (8, 0), ("Risk communication guide", "Guía de comunicación de riesgo")),
    Action(("Remote schooling support in {place}",
            "Apoyo a la educación a distancia en {place}"),
           ("tablets and mobile data for pupils without connection at home",
            "tabletas y datos móviles para estudiantes sin conexión en casa"),
           (9, 14), ("Remote schooling programme", "Programa de educación a distancia")),
    Action(("Waste collection protocol during the pandemic in {place}",
            "Protocolo de recolección de residuos durante la pandemia en {place}"),
           ("separate collection of waste from homes in isolation and protection for workers",
            "recolección diferenciada de residuos de hogares en aislamiento y protección para los trabajadores"),
           (12, 0), ("Waste collection protocol", "Protocolo de recolección de residuos")),
    Action(("Teleworking decree for the municipal staff of {place}",
            "Decreto de teletrabajo para el personal municipal de {place}"),
           ("teleworking for municipal staff and digital procedures for residents",
            "teletrabajo para el personal municipal y trámites digitales para los vecinos"),
           (13, 14), ("Teleworking decree", "Decreto de teletrabajo")),
    Action(("COVID-19 data dashboard of {place}",
            "Tablero de datos COVID-19 de {place}"),
           ("an open dashboard of cases, hospital beds and vaccination by district",
            "un tablero abierto de casos, camas hospitalarias y vacunación por distrito"),
           (15, 0, 14), ("Methodological note of the dashboard", "Nota metodológica del tablero")),
    Action(("Reopening plan for public spaces in {place}",
            "Plan de reapertura de espacios públicos en {place}"),
           ("parks and squares reopened by stages, with markings to keep distances",
            "parques y plazas reabiertos por etapas, con señalización para mantener la distancia"),
           (11, 6), ("Public space reopening plan", "Plan de reapertura de espacios públicos")),
)  # fmt: skip

# (en, es) paragraphs; {place}, {org}, {what}, {number}, {partner} filled in.
OPENINGS = (
    ("{org} approved an initiative to respond to the COVID-19 emergency: {what}.",
     "{org} aprobó una iniciativa para responder a la emergencia del COVID-19: {what}."),
    ("Facing the health emergency, {org} put in place {what}.",
     "Frente a la emergencia sanitaria, {org} puso en marcha {what}."),
)  # fmt: skip
MIDDLES = (
    ("More than {number} people have benefited since the measure started.",
     "Más de {number} personas se beneficiaron desde el inicio de la medida."),
    ("The measure was designed together with neighbourhood organisations and health centres.",
     "La medida se diseñó junto con organizaciones barriales y centros de salud."),
    ("Municipal teams follow up each case and publish a weekly report.",
     "Los equipos municipales hacen seguimiento de cada caso y publican un informe semanal."),
    ("The experience was shared with other local governments through {partner}.",
     "La experiencia se compartió con otros gobiernos locales a través de {partner}."),
    ("The plan sets out three stages, from the first lockdown to the reopening.",
     "El plan establece tres etapas, desde el primer confinamiento hasta la reapertura."),
)  # fmt: skip
UPDATE = (
    "Update: the initiative was extended and its budget increased.",
    "Actualización: la iniciativa se amplió y aumentó su presupuesto.",
)
REVISED = ("Revised description.", "Descripción revisada.")
