"""Language codes as ISO 639-1, and a guess among Spanish, Portuguese and English for bare text.

Platforms label language in many ways (``es-ES``, ``pt_BR`` from ``og:locale``, ``spa``, "Español");
the catalogue stores two letters. When a page says nothing, `detect_language` guesses from function
words, which even a short municipal news item repeats, and answers ``None`` rather than guess badly.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.text import match_key

__all__ = ["MIN_WORDS", "detect_language", "normalise_language"]

_LANGUAGES = {
    "es": "es spa spanish espanol castellano espanhol",
    "pt": "pt por portuguese portugues",
    "en": "en eng english ingles",
    "fr": "fr fra fre french francais frances",
    "it": "it ita italian italiano",
    "de": "de deu ger german deutsch aleman alemao",
    "ca": "ca cat catalan catala",
    "gl": "gl glg galician galego gallego",
    "eu": "eu eus baq basque euskara",
    "nl": "nl nld dut dutch nederlands",
    "gn": "gn grn guarani",
    "qu": "qu que quechua",
    "ay": "ay aym aymara",
}
_CODES = {name: code for code, names in _LANGUAGES.items() for name in names.split()}

# Fewer words than this and the guess is a coin toss.
MIN_WORDS = 20
_MAX_SAMPLE_CHARS = 20_000
_MIN_EVIDENCE = 4  # marker words needed for the winner
_MIN_RATIO = 2.0  # and the winner needs this many times the runner-up's evidence
_OTHER = "other"

# Function words that belong to one of the three languages only: "de", "que", "a", "o", "se",
# "por", "para", "como" are shared by Spanish and Portuguese and prove nothing.
_MARKERS = {
    "es": """el la los las del al y en un una unos unas es son fue fueron ha han lo le les con
        su sus pero muy ya hasta cuando donde desde este esta estos estas esto también más
        sino según sobre ante cada otro otra otros otras entre hay ser está están""",
    "pt": """os as do da dos das no na nos nas ao aos à às pelo pela pelos pelas um uma uns umas
        e é são foi foram em com seu sua seus suas mas muito já até quando onde também mais
        não isso essa esse estes estas ela ele eles elas tem têm está estão ser sobre entre há
        cada outro outra outros outras num numa""",
    "en": """the and of to in is are was were for with on that this these those by from at it
        its be been has have had which their they will would an or not but as also more
        than other into about between""",
    # French and Italian: their evidence makes the text "none of the three", not Spanish.
    _OTHER: """des du au aux et est une qui dans pour avec sur pas par ce cette ces été sont ont
        leur leurs nous vous il ils elle elles être della delle dei degli dello nel nella nei
        negli alla alle agli che di gli è sono anche più stata stato questo questa tra""",
}
# A word in two lists counts for neither ("ser", "sobre", "entre", "cada" are es and pt).
_MARKER_LANGUAGES: dict[str, str] = {}
for _language, _words in _MARKERS.items():
    for _word in _words.split():
        _known = _MARKER_LANGUAGES.setdefault(_word, _language)
        if _known != _language:
            _MARKER_LANGUAGES[_word] = ""
_SPELLINGS = {
    "es": re.compile(r"ñ|ción$|ciones$|sión$|dad$"),
    "pt": re.compile(r"ç|ã|õ|lh|nh|ção$|ções$|ão$|ões$|dade$|agem$"),
}
_WORD = re.compile(r"[^\W\d_]+")


def normalise_language(code: str | None) -> str | None:
    """ISO 639-1 code for a BCP 47 tag, a locale, an ISO 639-2 code or a language's own name."""
    # "pt_BR" -> "pt br", "Español (Argentina)" -> "espanol argentina": the first word decides.
    key = match_key(code[:40]) if code else None
    return _CODES.get(key.split()[0]) if key else None


def detect_language(text: str | None) -> str | None:
    """``es``, ``pt`` or ``en``, or ``None`` when the text is short, mixed or none of them."""
    if not text:
        return None
    words = _WORD.findall(text[:_MAX_SAMPLE_CHARS])
    if len(words) < MIN_WORDS:
        return None
    evidence: Counter[str] = Counter()
    for word in words:
        if not word[0].islower():
            continue  # names ("São Paulo", "Las Piedras", "Rio do Sul") say nothing of the text
        language = _MARKER_LANGUAGES.get(word)
        if language:
            evidence[language] += 1
        for language, spelling in _SPELLINGS.items():
            if spelling.search(word):
                evidence[language] += 1
    ranked = [*evidence.most_common(2), ("", 0), ("", 0)]
    (best, best_count), (_, second_count) = ranked[0], ranked[1]
    if best_count < _MIN_EVIDENCE or best_count < _MIN_RATIO * second_count:
        return None
    return None if best == _OTHER else best
