"""What ``python -m pipeline.replicas list`` shows: every replica with its options and quirks,
the states, and the practices shared across platforms.

Each replica's module (`pipeline.replicas.server.SITE_MODULES`) declares its own ``QUIRKS``
(name -> what it changes) and ``DEFAULT_SIZE``; modules are imported only when described.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from pipeline.replicas.server import SITE_MODULES
from pipeline.replicas.shared_practices import MIN_SIZE, shared_practices
from pipeline.replicas.states import STATES

__all__ = ["REST_API_SITES", "SiteDescription", "catalogue_text", "describe_sites"]

# The replicas that honour ``--no-rest-api`` (WordPress installs with their REST API on).
REST_API_SITES = frozenset({"mercociudades_covid", "bank_of_best_practices"})


@dataclass(frozen=True)
class SiteDescription:
    key: str
    summary: str  # the first paragraph of the module's docstring
    default_size: int | None  # None: fixed content, ``--size`` is ignored
    rest_api_option: bool
    quirks: dict[str, str]


def describe_sites() -> list[SiteDescription]:
    """Every replica of `SITE_MODULES`, by key."""
    described = []
    for key in sorted(SITE_MODULES):
        module = importlib.import_module(SITE_MODULES[key])
        summary = " ".join((module.__doc__ or "").strip().split("\n\n", 1)[0].split())
        described.append(
            SiteDescription(
                key=key,
                summary=summary,
                default_size=getattr(module, "DEFAULT_SIZE", None),
                rest_api_option=key in REST_API_SITES,
                quirks=dict(module.QUIRKS),
            )
        )
    return described


def catalogue_text() -> str:
    lines = ["sites (serve KEY; --quirk NAME is repeatable and the quirks combine):"]
    for site in describe_sites():
        lines.append(f"  {site.key}: {site.summary}")
        options = ["--size N (ignored: fixed documents)"]
        if site.default_size is not None:
            options = [f"--size N (default {site.default_size})", "--seed N"]
        if site.rest_api_option:
            options.append("--no-rest-api")
        lines.append(f"    options: {', '.join(options)}")
        if not site.quirks:
            lines.append("    quirks: none")
            continue
        lines.append("    quirks:")
        width = max(len(name) for name in site.quirks)
        lines += [f"      {name:<{width}}  {text}" for name, text in sorted(site.quirks.items())]
    lines.append("states (serve --state N, or POST /__replica__/state with body N):")
    lines += [f"  {number}  {text}" for number, text in STATES.items()]
    lines.append(f"practices published on two platforms (sites of size {MIN_SIZE} or more):")
    for practice in shared_practices():
        lines.append(f"  {practice.key} ({practice.city}, {practice.country}):")
        lines += [f"    {p.platform}: {p.title}" for p in practice.publications]
    return "\n".join(lines)
