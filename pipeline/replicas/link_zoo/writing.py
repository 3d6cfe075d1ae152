"""The zoo's prose: practice pages in Spanish, Portuguese and English, written from a key.

A page's text is drawn from its own `random.Random` seeded with its key, so every URL of the zoo
has its own title and text (pages share sentence templates, so simhashes of two pages can be as
close as ~9 bits of 64; never equal) and the same key always gives the same page. `rewritten`
writes a different text under the same title: what an editor's rewrite looks like to a drift
detector.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

__all__ = ["LANGUAGES", "Writing", "language_of", "practice", "rewritten"]

LANGUAGES = ("es", "pt", "en")

CITIES = (
    ("Montevideo", "Uruguay"),
    ("Rosario", "Argentina"),
    ("Curitiba", "Brasil"),
    ("Medellín", "Colombia"),
    ("Quito", "Ecuador"),
    ("Valparaíso", "Chile"),
    ("Porto Alegre", "Brasil"),
    ("Asunción", "Paraguay"),
    ("Lima", "Perú"),
    ("Bogotá", "Colombia"),
    ("Belo Horizonte", "Brasil"),
    ("Córdoba", "Argentina"),
    ("Cuenca", "Ecuador"),
    ("Recife", "Brasil"),
)
DISTRICTS = (
    "Cerro Norte", "La Teja", "Villa Gobernador", "Boqueirão", "Manrique", "Chillogallo",
    "Playa Ancha", "Restinga", "Bañado Sur", "San Juan de Lurigancho", "Ciudad Bolívar",
    "Barreiro", "Alta Córdoba", "Ibura", "Santa Elena", "Capão Raso",
)  # fmt: skip

TOPICS: dict[str, tuple[str, ...]] = {
    "es": (
        "Huertas urbanas comunitarias", "Ollas populares y comedores barriales",
        "Telemedicina en centros de salud", "Bicicletas públicas para trabajadores esenciales",
        "Refugios nocturnos para personas en situación de calle", "Mercados de cercanía",
        "Escuelas abiertas en verano", "Presupuesto participativo digital",
        "Cuidado de personas mayores a domicilio", "Reciclaje con cooperativas de recicladores",
    ),
    "pt": (
        "Hortas urbanas comunitárias", "Cozinhas solidárias nos bairros",
        "Telemedicina nas unidades de saúde", "Bicicletas públicas para trabalhadores essenciais",
        "Abrigos noturnos para pessoas em situação de rua", "Feiras de proximidade",
        "Escolas abertas nas férias", "Orçamento participativo digital",
        "Cuidado domiciliar de pessoas idosas", "Reciclagem com cooperativas de catadores",
    ),
    "en": (
        "Community gardens on vacant lots", "Neighbourhood soup kitchens",
        "Telehealth in primary care centres", "Public bikes for essential workers",
        "Night shelters for people experiencing homelessness", "Local producers' markets",
        "Schools open through the summer", "Digital participatory budgeting",
        "Home care for older residents", "Recycling with waste-picker cooperatives",
    ),
}  # fmt: skip

# Sentence templates: {city}, {country}, {district}, {n}, {m}, {year} (and a {report} and a
# {later} year), {partner}, {group}, {thing}.
SENTENCES: dict[str, tuple[str, ...]] = {
    "es": (
        "En {year}, el gobierno de {city} puso en marcha la iniciativa en el barrio {district}.",
        "Hoy participan {n} {group} y la demanda sigue creciendo cada mes.",
        "{partner} aporta la logística, la capacitación y el seguimiento de los equipos.",
        "Cada semana se entregan {m} {thing} en los puntos de atención del municipio.",
        "La inscripción se hace en línea o por la línea telefónica gratuita de la intendencia.",
        "Las organizaciones barriales de {district} eligen a sus coordinadores por asamblea.",
        "El costo anual ronda los {m} mil pesos, financiados con recursos propios.",
        "Un informe de evaluación de {report} destaca la reducción de los tiempos de espera.",
        "La experiencia fue presentada en la red de ciudades de {country} como caso de éxito.",
        "Los vecinos pueden proponer mejoras en las reuniones abiertas de cada trimestre.",
        "El municipio publica los datos de cobertura en su portal de datos abiertos.",
        "Para {later} se prevé extender el programa a otros {n} barrios de la periferia.",
    ),
    "pt": (
        "Em {year}, a prefeitura de {city} lançou a iniciativa no bairro {district}.",
        "Hoje participam {n} {group} e a procura continua aumentando a cada mês.",
        "{partner} cuida da logística, da capacitação e do acompanhamento das equipes.",
        "Toda semana são entregues {m} {thing} nos postos de atendimento da cidade.",
        "A inscrição é feita pela internet ou pelo telefone gratuito da prefeitura.",
        "As associações de moradores de {district} escolhem seus coordenadores em assembleia.",
        "O custo anual fica em torno de {m} mil reais, pagos com recursos próprios.",
        "Um relatório de avaliação de {report} aponta a redução do tempo de espera.",
        "A experiência foi apresentada à rede de cidades do {country} como caso de sucesso.",
        "Os moradores podem sugerir melhorias nas reuniões abertas de cada trimestre.",
        "A prefeitura publica os dados de cobertura no seu portal de dados abertos.",
        "Para {later} está prevista a ampliação do programa para mais {n} bairros da periferia.",
    ),
    "en": (
        "In {year}, the city government of {city} launched the scheme in {district}.",
        "Today {n} {group} take part, and demand keeps growing every month.",
        "{partner} runs the logistics, trains the staff and follows up on every case.",
        "Each week {m} {thing} are handed out at the council's service points.",
        "People sign up online or through the council's free telephone line.",
        "Neighbourhood associations in {district} elect their coordinators at open meetings.",
        "The yearly cost is about {m} thousand dollars, paid from the city's own budget.",
        "An evaluation report from {report} credits the scheme with shorter waiting times.",
        "The experience was presented to the cities network of {country} as a success story.",
        "Residents can suggest improvements at the open meetings held every quarter.",
        "The council publishes coverage figures on its open data portal.",
        "By {later} the programme is expected to reach {n} more outlying neighbourhoods.",
    ),
}
GROUPS = {
    "es": ("familias", "hogares", "vecinos y vecinas", "comerciantes", "estudiantes"),
    "pt": ("famílias", "domicílios", "moradores", "comerciantes", "estudantes"),
    "en": ("families", "households", "residents", "small traders", "students"),
}
THINGS = {
    "es": ("canastas", "raciones", "kits de higiene", "bolsones de verduras", "tablets"),
    "pt": ("cestas básicas", "refeições", "kits de higiene", "sacolas de verduras", "tablets"),
    "en": ("food parcels", "hot meals", "hygiene kits", "vegetable boxes", "tablets"),
}
# What an editor writes when a practice ends: {city}, {country}, {year}.
REWRITES: dict[str, tuple[str, ...]] = {
    "es": (
        "Esta página fue actualizada tras el cierre del programa.",
        "El servicio dejó de funcionar a fines de {year} por falta de presupuesto.",
        "Quienes estaban inscriptos fueron derivados a otras prestaciones sociales.",
        "Las consultas ahora se atienden en la oficina central de {city}.",
        "Un nuevo proyecto, todavía en discusión, retomaría algunas de sus ideas.",
        "Para más información escriba a la mesa de entradas del gobierno local de {country}.",
    ),
    "pt": (
        "Esta página foi atualizada depois do encerramento do programa.",
        "O serviço parou de funcionar no fim de {year} por falta de orçamento.",
        "Quem estava inscrito foi encaminhado para outros benefícios sociais.",
        "Os atendimentos agora acontecem na sede administrativa de {city}.",
        "Um novo projeto, ainda em discussão, retomaria algumas de suas ideias.",
        "Para mais informações escreva para o protocolo do governo local do {country}.",
    ),
    "en": (
        "This page was updated after the programme closed.",
        "The service stopped at the end of {year} when its funding ran out.",
        "Everyone enrolled was referred to other social benefits instead.",
        "Enquiries are now handled at the central office of {city}.",
        "A new project, still under discussion, may take up some of its ideas.",
        "For more information write to the local government's front desk in {country}.",
    ),
}
PARTNERS = (
    "La Universidad de la República", "A Fiocruz", "UN-Habitat", "The Inter-American Bank",
    "Cáritas", "O SESC", "UCLG", "The Red Cross", "Mercociudades", "The WHO regional office",
)  # fmt: skip


@dataclass(frozen=True)
class Writing:
    """A page's words: its title, its language and its paragraphs (plain text)."""

    title: str
    language: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _rng(key: str) -> random.Random:
    return random.Random(zlib.crc32(key.encode()))


def language_of(key: str) -> str:
    return LANGUAGES[zlib.crc32(key.encode()) % len(LANGUAGES)]


def _paragraphs(rng: random.Random, language: str) -> tuple[str, ...]:
    city, country = rng.choice(CITIES)
    year = rng.randrange(2015, 2022)
    slots = {
        "city": city,
        "country": country,
        "district": rng.choice(DISTRICTS),
        "n": f"{rng.randrange(12, 4800):,}",
        "m": f"{rng.randrange(30, 900):,}",
        "year": str(year),
        "report": str(year + rng.randrange(1, 3)),
        "later": str(year + rng.randrange(3, 6)),
        "partner": rng.choice(PARTNERS),
        "group": rng.choice(GROUPS[language]),
        "thing": rng.choice(THINGS[language]),
    }
    sentences = rng.sample(SENTENCES[language], 9)
    return tuple(
        " ".join(sentence.format(**slots) for sentence in sentences[start : start + 3])
        for start in range(0, 9, 3)
    )


def practice(key: str, language: str | None = None) -> Writing:
    """The practice page written for ``key``; its number keeps titles distinct on big zoos."""
    language = language or language_of(key)
    rng = _rng(key)
    topic = rng.choice(TOPICS[language])
    city = rng.choice(CITIES)[0]
    where = {"es": "en", "pt": "em", "en": "in"}[language]
    number = zlib.crc32(key.encode()) % 9000 + 1000
    title = f"{topic} {where} {city} ({number})"
    return Writing(title, language, _paragraphs(rng, language))


def rewritten(key: str) -> Writing:
    """``practice(key)``'s title over a text rewritten from scratch: what a drift detector must
    notice (well over half of the words change)."""
    first = practice(key)
    rng = _rng(key + "/rewritten")
    city, country = rng.choice(CITIES)
    slots = {"city": city, "country": country, "year": str(rng.randrange(2021, 2025))}
    sentences = [sentence.format(**slots) for sentence in REWRITES[first.language]]
    return Writing(first.title, first.language, (" ".join(sentences[:3]), " ".join(sentences[3:])))
