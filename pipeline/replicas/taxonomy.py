"""The categories and tags of the Mercociudades replica, as Polylang pairs them.

Every theme of `vocabulary.CATEGORY_NAMES` is a Spanish and a Portuguese category (ids from
`COVID_ID` on, the COVID-19 one carrying the network's message as its description), every member
city a Spanish and a Portuguese tag.
"""

from __future__ import annotations

from pipeline.replicas.text import landing_blocks
from pipeline.replicas.vocabulary import CATEGORY_NAMES, CITIES
from pipeline.replicas.wordpress.formatting import sanitize_title
from pipeline.replicas.wordpress.model import PdfResource, Term

__all__ = ["COVID_ID", "LANDING_PDF", "site_terms"]

COVID_ID = 47
LANDING_PDF = PdfResource(
    "/wp-content/uploads/2020/03/Recomendaciones-para-gobiernos-locales-frente-al-COVID-19.pdf",
    "Recomendaciones para gobiernos locales frente al COVID-19",
)


def site_terms(category_base: str) -> list[Term]:
    """Categories (ids from 47 on, a Spanish and a Portuguese term per theme) and city tags.

    ``category_base`` is "" when Yoast strips it (``/covid-19/``), else "/category".
    """
    base = category_base
    terms = [
        Term(
            1, "category", "Sin categoría", "sin-categoria", "es", f"{base}/sin-categoria/", "uncat"
        ),
        Term(
            2,
            "category",
            "Sem categoria",
            "sem-categoria",
            "pt",
            f"/pt-br{base}/sem-categoria/",
            "uncat",
        ),
    ]
    for number, (spanish, portuguese) in enumerate(CATEGORY_NAMES):
        es_slug = sanitize_title(spanish)
        pt_slug = sanitize_title(portuguese)
        pt_slug = pt_slug + "-pt" if pt_slug == es_slug else pt_slug
        description = number == 0
        terms.append(
            Term(
                COVID_ID + 2 * number,
                "category",
                spanish,
                es_slug,
                "es",
                f"{base}/{es_slug}/",
                spanish,
                landing_blocks("es", LANDING_PDF) if description else (),
            )
        )
        terms.append(
            Term(
                COVID_ID + 2 * number + 1,
                "category",
                portuguese,
                pt_slug,
                "pt",
                f"/pt-br{base}/{pt_slug}/",
                spanish,
                landing_blocks("pt", LANDING_PDF) if description else (),
            )
        )
    for number, city in enumerate(CITIES):
        es_slug = sanitize_title(city.name)
        pt_slug = sanitize_title(city.name_pt)
        pt_slug = pt_slug + "-pt" if pt_slug == es_slug else pt_slug
        group = f"tag:{city.name}"
        terms.append(
            Term(200 + 2 * number, "post_tag", city.name, es_slug, "es", f"/tag/{es_slug}/", group)
        )
        terms.append(
            Term(
                201 + 2 * number,
                "post_tag",
                city.name_pt,
                pt_slug,
                "pt",
                f"/pt-br/tag/{pt_slug}/",
                group,
            )
        )
    return terms
