"""Practices published on two platforms: the duplicates across platforms a detector must pair.

Cities send the same practice to several networks: an initiative uploaded to Cities for Global
Health is also a Mercociudades post, a practice of the Bank of Best Practices is also announced
by Mercociudades. Each `SharedPractice` here is one practice published on two replicas, with
the differences real copies have: other title wording, often another language (a translation on
one platform), other dates and date formats, other body text; but the same city and country and
the same outbound page or the same PDF (an absolute URL on a third host, which no replica
serves). A detector comparing title similarity (through translations), city, country, dates and
shared resource URLs can pair them; neither copy is a byte copy of the other.

Every replica of a platform places its copies in state 1 whatever its seed, as long as its size
is at least `MIN_SIZE`: each copy takes the place of one drawn record (its id, and a date close to
the copy's), so ``size`` stays the number of records. States 2 and 3 never add, edit or remove a
copy. ``site.shared_ids`` maps each practice's `key` to the record id it has on that site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "MIN_SIZE",
    "SHARED_PRACTICES",
    "Publication",
    "SharedPractice",
    "Version",
    "publications_on",
    "shared_practices",
]

# Smaller replicas (quirk and error tests build sites of 3 to 12 records) carry no copies.
MIN_SIZE = 20


@dataclass(frozen=True)
class Version:
    """The copy in one language: its title and what was done, as the platform's text needs it."""

    language: str  # es, en, pt
    title: str
    what: str  # a noun phrase, lower case: "un centro de seguimiento telefónico para ..."


@dataclass(frozen=True)
class Publication:
    """One platform's copy of a shared practice."""

    platform: str  # the source key: mercociudades_covid, cities_for_global_health, ...
    versions: tuple[Version, ...]  # the original first, then any translation on that platform
    published: date
    # In the platform's own vocabulary: Mercociudades categories (Spanish), Cities for Global
    # Health topics (English names), Bank of Best Practices thematic areas.
    categories: tuple[str, ...]
    resource_title: str  # the anchor text of the shared link or document on this platform
    partners: tuple[str, ...] = ()  # Bank of Best Practices: the universities
    sdgs: tuple[int, ...] = ()  # Bank of Best Practices

    @property
    def title(self) -> str:
        return self.versions[0].title

    @property
    def language(self) -> str:
        return self.versions[0].language

    @property
    def titles(self) -> tuple[str, ...]:
        """The titles of every version (original first)."""
        return tuple(version.title for version in self.versions)


@dataclass(frozen=True)
class SharedPractice:
    key: str
    city: str  # as both platforms write it
    country: str  # ISO 3166-1 alpha-2
    # What both copies point to: an outbound page (``link``) or a PDF hosted elsewhere
    # (``document``), the same absolute URL on both platforms.
    link: str | None
    document: str | None
    publications: tuple[Publication, Publication]

    @property
    def platforms(self) -> tuple[str, str]:
        first, second = self.publications
        return first.platform, second.platform

    @property
    def resource_url(self) -> str:
        found = self.link or self.document
        assert found is not None
        return found

    def on(self, platform: str) -> Publication | None:
        return next((p for p in self.publications if p.platform == platform), None)


MERCOCIUDADES = "mercociudades_covid"
CITIES_FOR_GLOBAL_HEALTH = "cities_for_global_health"
BANK_OF_BEST_PRACTICES = "bank_of_best_practices"

SHARED_PRACTICES: tuple[SharedPractice, ...] = (
    SharedPractice(
        key="rosario-telephone-follow-up",
        city="Rosario",
        country="AR",
        link="https://www.rosario.gob.ar/inicio/centro-de-seguimiento-telefonico-covid-19",
        document=None,
        publications=(
            Publication(
                MERCOCIUDADES,
                (
                    Version(
                        "es",
                        "Rosario: un centro de seguimiento telefónico acompaña a los pacientes "
                        "con COVID-19",
                        "un centro de seguimiento telefónico para los pacientes con COVID-19 que "
                        "cumplen el aislamiento en sus casas",
                    ),
                ),
                date(2020, 5, 12),
                ("Salud",),
                "sitio del centro de seguimiento telefónico",
            ),
            Publication(
                CITIES_FOR_GLOBAL_HEALTH,
                (
                    Version(
                        "en",
                        "Rosario: telephone follow-up centre for COVID-19 patients",
                        "a telephone follow-up centre for COVID-19 patients isolating at home",
                    ),
                    Version(
                        "es",
                        "Rosario: centro de seguimiento telefónico de pacientes con COVID-19",
                        "un centro de seguimiento telefónico de pacientes con COVID-19 aislados "
                        "en sus domicilios",
                    ),
                ),
                date(2020, 5, 19),
                ("Health", "Vulnerable groups"),
                "Telephone follow-up centre",
            ),
        ),
    ),
    SharedPractice(
        key="montevideo-plan-abc",
        city="Montevideo",
        country="UY",
        link="https://montevideo.gub.uy/areas-tematicas/plan-abc-apoyo-basico-a-la-ciudadania",
        document=None,
        publications=(
            Publication(
                MERCOCIUDADES,
                (
                    Version(
                        "es",
                        "Montevideo lanza el Plan ABC de apoyo básico a la ciudadanía frente a "
                        "la emergencia",
                        "el Plan ABC, con canastas de alimentos, apoyo a las ollas populares y "
                        "empleo transitorio",
                    ),
                ),
                date(2020, 6, 3),
                ("Desarrollo social",),
                "sitio del Plan ABC",
            ),
            Publication(
                CITIES_FOR_GLOBAL_HEALTH,
                (
                    Version(
                        "es",
                        "Plan ABC - Apoyo Básico a la Ciudadanía en Montevideo",
                        "canastas de alimentos, apoyo a las ollas populares y empleo transitorio "
                        "para trabajadores informales",
                    ),
                ),
                date(2020, 6, 16),
                ("Social protection", "Food"),
                "Plan ABC - Intendencia de Montevideo",
            ),
        ),
    ),
    SharedPractice(
        key="cordoba-community-gardens",
        city="Córdoba",
        country="AR",
        link=None,
        document="https://rdu.unc.edu.ar/bitstream/handle/11086/17452/"
        "Informe-huertas-comunitarias-Cordoba-2020.pdf",
        publications=(
            Publication(
                BANK_OF_BEST_PRACTICES,
                (
                    Version(
                        "es",
                        "Huertas comunitarias y soberanía alimentaria en los barrios de Córdoba",
                        "una red de huertas comunitarias en los barrios, con asistencia técnica "
                        "de la Facultad de Ciencias Agropecuarias",
                    ),
                ),
                date(2020, 9, 14),
                ("Ciudades cuidadoras", "Ambiente y sostenibilidad"),
                "Informe final: huertas comunitarias de Córdoba",
                partners=("Universidad Nacional de Córdoba",),
                sdgs=(11, 12),
            ),
            Publication(
                MERCOCIUDADES,
                (
                    Version(
                        "es",
                        "Córdoba: la Municipalidad y la Universidad Nacional impulsan huertas "
                        "comunitarias en los barrios",
                        "una red de huertas comunitarias junto a la Universidad Nacional de "
                        "Córdoba para asegurar alimentos frescos",
                    ),
                ),
                date(2020, 9, 2),
                ("Desarrollo social", "Ambiente"),
                "Informe de las huertas comunitarias (UNC)",
            ),
        ),
    ),
    SharedPractice(
        key="porto-alegre-older-people",
        city="Porto Alegre",
        country="BR",
        link=None,
        document="https://lume.ufrgs.br/bitstream/handle/10183/219874/"
        "Relatorio-acompanhamento-remoto-idosos-Porto-Alegre.pdf",
        publications=(
            Publication(
                BANK_OF_BEST_PRACTICES,
                (
                    Version(
                        "pt",
                        "Acompanhamento remoto de idosos durante a pandemia em Porto Alegre",
                        "um programa de acompanhamento remoto de idosos com estudantes de "
                        "enfermagem e medicina",
                    ),
                ),
                date(2021, 3, 22),
                ("Ciudades cuidadoras",),
                "Relatório do acompanhamento remoto de idosos",
                partners=("Universidade Federal do Rio Grande do Sul",),
                sdgs=(3, 10),
            ),
            Publication(
                MERCOCIUDADES,
                (
                    Version(
                        "es",
                        "Porto Alegre y la UFRGS acompañan a distancia a las personas mayores",
                        "un programa de acompañamiento a distancia de personas mayores con "
                        "estudiantes de la Universidade Federal do Rio Grande do Sul",
                    ),
                ),
                date(2021, 3, 9),
                ("Salud", "Desarrollo social"),
                "Informe del acompañamiento a distancia de personas mayores",
            ),
        ),
    ),
)


def shared_practices() -> tuple[SharedPractice, ...]:
    """Every practice published on two platforms (see the module docstring)."""
    return SHARED_PRACTICES


def publications_on(platform: str) -> list[tuple[SharedPractice, Publication]]:
    """The shared practices ``platform`` publishes, each with its copy there."""
    found = []
    for practice in SHARED_PRACTICES:
        publication = practice.on(platform)
        if publication is not None:
            found.append((practice, publication))
    return found
