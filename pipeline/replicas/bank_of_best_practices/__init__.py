"""Replica of the Bank of Best Practices (Observatorio de Cooperación Ciudad-Universidad,
Mercociudades + AUGM): WordPress with a custom post type ``practica``, ACF fields, Yoast SEO.

Everything follows from ``seed`` and ``size`` (the number of practices of state 1): metadata is
drawn up front, pages are rendered when requested. State 2 adds one practice (`added_id`, the
newest, highest id), edits one (`edited_id`: title and description) and removes one
(`removed_id`: 404 everywhere). State 3 edits about 1% of them (`churned_ids`: title, summary,
a closing note, modified date). Ground truth: `practices(state)`, newest first; `shared_ids`
names the copies of practices Mercociudades publishes too (`pipeline.replicas.shared_practices`).

Quirks (`QUIRKS`): ``redesign``, the same content in a new theme's markup (see `pages`);
``acf-hidden``, practices in the REST API without their ACF fields. Other names are refused.
``rest_api=False``: the REST API answers 401 and is not advertised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipeline.replicas.bank_of_best_practices.model import (
    Contact,
    Document,
    Practice,
    Practices,
    draw_practices,
)
from pipeline.replicas.bank_of_best_practices.site import PER_PAGE, Routes, area_terms
from pipeline.replicas.server import Response, SiteOptions

__all__ = [
    "ACF_HIDDEN",
    "DEFAULT_SIZE",
    "PER_PAGE",
    "QUIRKS",
    "REDESIGN",
    "BankOfBestPracticesSite",
    "Contact",
    "Document",
    "Practice",
    "make_site",
]

DEFAULT_SIZE = 30
REDESIGN = "redesign"
ACF_HIDDEN = "acf-hidden"
QUIRKS = {
    REDESIGN: "the site's new theme: same content, renamed and moved markup",
    ACF_HIDDEN: "ACF fields not shown in the REST API (the field group's default): practices "
    "come without `acf`, their fields are only on the pages",
}


class BankOfBestPracticesSite:
    def __init__(
        self,
        seed: int = 1,
        size: int = DEFAULT_SIZE,
        rest_api: bool = True,
        quirks: Iterable[str] = frozenset(),
    ) -> None:
        found = frozenset(quirks)
        unknown = sorted(found - QUIRKS.keys())
        if unknown:
            raise ValueError(
                f"unknown quirk(s): {', '.join(unknown)} (known: {', '.join(sorted(QUIRKS))})"
            )
        self.seed, self.size, self.rest_api, self.quirks = seed, size, rest_api, found
        self.landing_path = "/practicas/"
        self._practices: Practices = draw_practices(seed, size)
        self._routes = Routes(
            self._practices,
            rest_api=rest_api,
            redesign=REDESIGN in found,
            acf_in_rest=ACF_HIDDEN not in found,
        )

    # -- ground truth ----------------------------------------------------------------------------

    def practices(self, state: int = 1) -> list[Practice]:
        """The published practices of a state, newest first (the archive's order)."""
        return list(self._practices.state(state))

    def practice(self, practice_id: int, state: int = 1) -> Practice | None:
        return next((p for p in self._practices.state(state) if p.id == practice_id), None)

    def area_slug(self, label: str) -> str:
        return next(slug for _, name, slug in area_terms() if name == label)

    @property
    def added_id(self) -> int:
        return self._practices.added.id

    @property
    def edited_id(self) -> int:
        return self._practices.edited.id

    @property
    def removed_id(self) -> int:
        return self._practices.removed_id

    @property
    def churned_ids(self) -> tuple[int, ...]:
        """The practices state 3 edits, by id."""
        return tuple(sorted(p.id for p in self._practices.churned))

    @property
    def shared_ids(self) -> dict[str, int]:
        """Shared practice key -> id of this platform's copy (none below the minimum size)."""
        return dict(self._practices.shared_ids)

    # -- Site ------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        return self._routes.handle(method, target, headers, state)


def make_site(options: SiteOptions) -> BankOfBestPracticesSite:
    size = DEFAULT_SIZE if options.size is None else options.size
    return BankOfBestPracticesSite(
        seed=options.seed, size=size, rest_api=options.rest_api, quirks=options.quirks
    )
