"""What the #BeyondTheOutbreak sessions say: topics, speakers, dates, briefing notes, videos.

Seventeen thematic sessions (March to July 2020, in English; some with a Spanish version under
``/es/``). A replica larger than 17 repeats the topics as follow-up sessions (``/housing2/``,
``/housing3/``, ...), later in time, so that every size is deterministic from the seed alone.
Everything here is metadata drawn up front; page text is written when a page is first rendered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

__all__ = [
    "TOPICS",
    "Briefing",
    "Session",
    "Speaker",
    "Topic",
    "Translation",
    "draw_session",
    "edited_session",
    "revised_session",
]

FIRST_SESSION = date(2020, 3, 25)
EN_DASH = "\u2013"  # WordPress prints " - " in titles as &#8211;
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


@dataclass(frozen=True)
class Topic:
    slug: str  # one word, at the site root
    label: str  # the topic label the page shows (maps to the catalogue's themes)
    title: str
    focus: str  # what the narrative talks about
    es_slug: str | None  # the Spanish version's slug under /es/, when there is one
    es_label: str
    es_title: str


TOPICS: tuple[Topic, ...] = (
    Topic("services", "Public services", "Public service provision in times of crisis",
          "water, sanitation, waste collection and energy kept running", "servicios",
          "Servicios públicos", "La provisión de servicios públicos en tiempos de crisis"),
    Topic("associations", "Local government associations", "The role of local government "
          "associations", "national associations speaking for their members", "asociaciones",
          "Asociaciones de gobiernos locales", "El papel de las asociaciones de gobiernos locales"),
    Topic("digital", "Digital technologies", "Digital technologies and the pandemic",
          "open data, digital rights and online public services", "digital",
          "Tecnologías digitales", "Tecnologías digitales y pandemia"),
    Topic("migration", "Migration", "Migration and the right to the city",
          "migrants and refugees left out of national relief", "migracion", "Migración",
          "Migración y derecho a la ciudad"),
    Topic("culture", "Culture", "Culture: the fourth pillar of recovery",
          "libraries, artists and cultural rights at home", None, "Cultura",
          "Cultura: el cuarto pilar de la recuperación"),
    Topic("finance", "Local finance", "Local finance after the outbreak",
          "falling own revenues and emergency transfers", "finanzas", "Finanzas locales",
          "Finanzas locales después del brote"),
    Topic("informality", "Informality", "Informality and the urban economy",
          "street vendors, waste pickers and informal settlements", None, "Informalidad",
          "Informalidad y economía urbana"),
    Topic("women", "Women's leadership", "Women's leadership in the response",
          "care work, gender-based violence and women mayors", "mujeres",
          "Liderazgo de las mujeres", "El liderazgo de las mujeres en la respuesta"),
    Topic("accessibility", "Accessibility", "Accessible cities for all",
          "persons with disabilities and accessible information", None, "Accesibilidad",
          "Ciudades accesibles para todas las personas"),
    Topic("democracy", "Local democracy and security", "Local democracy and security",
          "trust, participation and policing during lockdowns", "democracia",
          "Democracia local y seguridad", "Democracia local y seguridad"),
    Topic("housing", "Housing", "Housing: stay at home, but which home?",
          "evictions, homelessness and overcrowded housing", "vivienda", "Vivienda",
          "Vivienda: quédate en casa, pero ¿en qué casa?"),
    Topic("mobility", "Mobility", "Mobility and public transport",
          "safe public transport, cycling and walking", None, "Movilidad",
          "Movilidad y transporte público"),
    Topic("workers", "Public service workers", "Caring for public service workers",
          "the health, safety and rights of frontline workers", "trabajadores",
          "Trabajadores de los servicios públicos", "Cuidar a quienes cuidan: trabajadores "
          "de los servicios públicos"),
    Topic("peace", "Peace", "Peace and solidarity beyond the outbreak",
          "conflict, social cohesion and city diplomacy", None, "Paz",
          "Paz y solidaridad más allá del brote"),
    Topic("food", "Food", "Food systems under lockdown",
          "markets, school meals and food banks", "alimentacion", "Alimentación",
          "Sistemas alimentarios en confinamiento"),
    Topic("health", "Health", "Local health systems and primary care",
          "testing, primary care and mental health", None, "Salud",
          "Sistemas locales de salud y atención primaria"),
    Topic("metropolitan", "Metropolitan governance", "Metropolitan areas and the outbreak",
          "coordination across municipalities of one urban area", "metropolitana",
          "Gobernanza metropolitana", "Las áreas metropolitanas ante el brote"),
)  # fmt: skip

FIRST_NAMES = (
    "Laura", "Thabo", "Inés", "Kwame", "Sofía", "Mehmet", "Ana Lucía", "Jean-Pierre", "Nour",
    "Daniela", "Rajesh", "Marta", "João", "Amina", "Carlos", "Yuki", "Fatoumata", "Óscar",
)  # fmt: skip
SURNAMES = (
    "Méndez", "Nkosi", "Ibáñez", "Mensah", "Quiroga", "Öztürk", "Ferreira", "Dubois", "Haddad",
    "Castaño", "Iyer", "Suárez", "Okafor", "Brandão", "Lindqvist", "Pérez Gil", "Tanaka",
)  # fmt: skip
ROLES = (
    "Mayor", "Deputy Mayor", "Secretary General", "President", "Executive Director",
    "Councillor for Social Rights", "Director of International Relations", "Head of Policy",
    "Special Rapporteur on the Right to Adequate Housing", "Programme Coordinator",
    "Minister of Local Government", "Senior Researcher",
)  # fmt: skip
ORGANISATIONS = (
    "UCLG", "Metropolis", "UN-Habitat", "Barcelona City Council", "Mexico City Government",
    "Montevideo City Council", "FLACMA", "Mercociudades", "Cities Alliance", "WIEGO",
    "Habitat International Coalition", "Prefeitura de São Paulo", "Alcaldía de Bogotá",
    "Public Services International", "Federation of Canadian Municipalities", "UNESCO",
    "Municipalidad de Lima", "Gobierno de la Ciudad de Buenos Aires",
)  # fmt: skip


@dataclass(frozen=True)
class Speaker:
    name: str  # shown on the page; a spider must never store it
    role: str
    organisation: str | None


@dataclass(frozen=True)
class Briefing:
    path: str  # /wp-content/uploads/2020/MM/....pdf
    title: str  # the link text on the session page
    uploaded: datetime


@dataclass(frozen=True)
class Translation:
    language: str
    path: str
    title: str


@dataclass(frozen=True)
class Session:
    """One learning session: the ground truth a spider must extract from its page."""

    index: int
    slug: str
    path: str
    title: str
    topic: str  # the topic label (categories)
    es_topic: str
    date: date
    date_text: str  # how the page writes the date
    number: int | None  # "Session N", where the page gives it
    summary: str | None  # Yoast meta description, when set
    speakers: tuple[Speaker, ...]
    video_url: str | None
    video_title: str | None
    briefing: Briefing
    figure: str | None  # an image under /wp-content/uploads/
    translation: Translation | None
    modified: datetime  # UTC
    focus: str
    edited: bool = False
    revised: bool = False  # state 3's edit

    @property
    def stable_id(self) -> str:
        return f"beyond_the_outbreak:session:{self.slug}"

    @property
    def organisations(self) -> tuple[str, ...]:
        """The speakers' institutions, each once, in the order the page lists them."""
        found = (s.organisation for s in self.speakers if s.organisation)
        return tuple(dict.fromkeys(found))

    @property
    def speaker_roles(self) -> tuple[str, ...]:
        return tuple(s.role for s in self.speakers)


def draw_session(seed: int, index: int) -> Session:
    """Session ``index`` (0-based): the real 17 topics, then follow-ups of the same topics."""
    rng = random.Random(f"beyond_the_outbreak:{seed}:{index}")
    topic = TOPICS[index % len(TOPICS)]
    round_ = index // len(TOPICS) + 1
    suffix = "" if round_ == 1 else str(round_)
    day = FIRST_SESSION + timedelta(days=_day_offset(index))
    title = topic.title if round_ == 1 else f"{topic.title} (follow-up {round_})"
    es_title = topic.es_title if round_ == 1 else f"{topic.es_title} (seguimiento {round_})"
    translation = None
    if topic.es_slug is not None:
        translation = Translation("es", f"/es/{topic.es_slug}{suffix}/", es_title)
    uploaded_day = day + timedelta(days=rng.randint(2, 20))
    uploaded = datetime(uploaded_day.year, uploaded_day.month, uploaded_day.day, 10, 12, tzinfo=UTC)
    note = (
        "Briefing & Learning Note" + (f" {EN_DASH} " if rng.random() < 0.5 else ": ") + topic.label
    )
    if round_ > 1:
        note += f" {round_}"
    stem = f"BTO-{topic.slug.capitalize()}{suffix}-Briefing-Learning-Note"
    briefing = Briefing(f"/wp-content/uploads/{uploaded:%Y/%m}/{stem}.pdf", note, uploaded)
    video_url = video_title = None
    if index % 9 != 4:  # a few sessions were never posted as a recording
        if rng.random() < 0.15:
            video_url = f"https://player.vimeo.com/video/{rng.randint(400000000, 420000000)}"
        else:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
            video_id = "".join(rng.choice(alphabet) for _ in range(11))
            video_url = f"https://www.youtube.com/embed/{video_id}?feature=oembed"
        video_title = f"#BeyondTheOutbreak {EN_DASH} {topic.label}" + (
            f" {round_}" if suffix else ""
        )
    speakers = tuple(
        Speaker(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            rng.choice(ROLES),
            None if rng.random() < 0.12 else rng.choice(ORGANISATIONS),
        )
        for _ in range(rng.randint(3, 5))
    )
    modified = uploaded + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 8))
    return Session(
        index=index,
        slug=f"{topic.slug}{suffix}",
        path=f"/{topic.slug}{suffix}/",
        title=title,
        topic=topic.label,
        es_topic=topic.es_label,
        date=day,
        date_text=_date_text(day, rng.randrange(4)),
        number=None if index % 7 == 3 else index + 1,
        summary=None if rng.random() < 0.25 else f"{title}: {topic.focus}.",
        speakers=speakers,
        video_url=video_url,
        video_title=video_title,
        briefing=briefing,
        figure=None
        if rng.random() < 0.3
        else f"/wp-content/uploads/{uploaded:%Y/%m}/{topic.slug}{suffix}-figure-1024x576.png",
        translation=translation,
        modified=modified,
        focus=topic.focus,
    )


def edited_session(session: Session, when: datetime) -> Session:
    """State 2's edit: a new title (and Spanish title) and an update paragraph."""
    translation = session.translation
    if translation is not None:
        translation = replace(translation, title=translation.title + " (actualizado)")
    return replace(
        session,
        title=session.title + " (updated)",
        translation=translation,
        modified=when,
        edited=True,
    )


def revised_session(session: Session, when: datetime) -> Session:
    """State 3's edit: the editors retitle the page (both languages) and rewrite the Yoast
    description to match; the narrative gains a closing note."""
    title = session.title + " (revised)"
    translation = session.translation
    if translation is not None:
        translation = replace(translation, title=translation.title + " (revisado)")
    summary = None if session.summary is None else f"{title}: {session.focus}."
    return replace(
        session,
        title=title,
        translation=translation,
        summary=summary,
        modified=when,
        revised=True,
    )


def spanish_date(day: date) -> str:
    return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"


def _day_offset(index: int) -> int:
    """Two sessions a week from 25 March 2020: Wednesday, then Monday or Tuesday."""
    weeks, second = divmod(index, 2)
    return weeks * 7 + (5 if second else 0)


def _date_text(day: date, style: int) -> str:
    month = MONTHS_EN[day.month - 1]
    return (
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day:%d/%m/%Y}",
        day.isoformat(),
    )[style]
