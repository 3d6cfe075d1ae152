"""What error pages look like: bot walls (CDN and WAF refusals) and soft-404 pages.

Data only; `pipeline.links.classify` applies it. Every entry is meant to be specific enough
that an ordinary page never matches: a bot wall counted as broken is the false alarm users of
link checkers complain about most, and an ordinary page taken for an error page is the next.

Sources: the vendors' documentation where they publish the signal (cited per entry), the
signatures of wafw00f (github.com/EnableSecurity/wafw00f, wafw00f/plugins/*.py) and the pages
these services actually serve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BOT_WALLS",
    "DENIAL_STATUSES",
    "ERROR_PAGE_MAX_WORDS",
    "NOT_FOUND_PATH",
    "NOT_FOUND_QUERY",
    "SOFT_404_BODY_PATTERNS",
    "SOFT_404_FILLERS",
    "SOFT_404_HEADINGS",
    "BotWallSignature",
]

# Statuses a bot wall answers with when it refuses or challenges. 404 and 410 are not here:
# a real "not found" from a site behind a WAF carries the WAF's headers too.
# 405: AWS WAF CAPTCHA; 428: Akamai Bot Manager; 999: LinkedIn's refusal of non-browsers.
DENIAL_STATUSES = frozenset({401, 403, 405, 406, 428, 429, 503, 999})


@dataclass(frozen=True, slots=True)
class BotWallSignature:
    """One way a bot wall shows itself. Every condition given must hold.

    `header` must be present (and match `header_value`, searched case-insensitively, when
    given); `body` is searched, case-insensitively, in the start of the body with its HTML
    entities decoded (Akamai writes "Reference&#32;&#35;...").
    """

    vendor: str
    evidence: str  # what the verdict's evidence says: {"signature": evidence, "vendor": vendor}
    statuses: frozenset[int] | None = DENIAL_STATUSES  # None: any status, 2xx included
    header: str | None = None  # lower-case name
    header_value: re.Pattern[str] | None = None
    body: re.Pattern[str] | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


# Cloudflare injects /cdn-cgi/challenge-platform/scripts/jsd/main.js into ordinary pages (and
# into a site's own 403 pages), so only the challenge's own paths and markers count.
_CLOUDFLARE_CHALLENGE = _re(
    r"<title>\s*just a moment\.\.\.\s*</title>|attention required! \| cloudflare"
    r"|/cdn-cgi/challenge-platform/(?!scripts/)|_cf_chl_opt|cf-browser-verification"
    r"|cf_chl_prog|enable javascript and cookies to continue"
    # Error 1020 / 1010 / WAF block pages: "Sorry, you have been blocked".
    r"|used cloudflare to restrict access|sorry, you have been blocked"
)

BOT_WALLS: tuple[BotWallSignature, ...] = (
    # "the Challenge Page response (regardless of the Challenge Page type) will have the
    # cf-mitigated header present and set to challenge" - developers.cloudflare.com/
    # cloudflare-challenges/challenge-types/challenge-pages/detect-response/. Also sent with a
    # 429 by Super Bot Fight Mode, so it is looked at before the status.
    BotWallSignature(
        vendor="cloudflare",
        evidence="cf-mitigated: challenge",
        statuses=None,
        header="cf-mitigated",
        header_value=_re(r"challenge"),
    ),
    # The challenge and block pages themselves (older zones do not send cf-mitigated). Only
    # with server: cloudflare: Cloudflare's 52x pages (origin down) are server errors, and
    # carry none of these markers.
    BotWallSignature(
        vendor="cloudflare",
        evidence="server: cloudflare + challenge page",
        header="server",
        header_value=_re(r"cloudflare"),
        body=_CLOUDFLARE_CHALLENGE,
    ),
    # Vercel's firewall challenge: "x-vercel-mitigated: challenge" (vercel.com/docs/
    # vercel-firewall/firewall-concepts).
    BotWallSignature(
        vendor="vercel",
        evidence="x-vercel-mitigated: challenge",
        statuses=None,
        header="x-vercel-mitigated",
        header_value=_re(r"challenge"),
    ),
    # Akamai's edge denial: <TITLE>Access Denied</TITLE> ... "Reference #18.5f3d1402...",
    # served with Server: AkamaiGHost (wafw00f plugins/kona.py).
    BotWallSignature(
        vendor="akamai",
        evidence="server: AkamaiGHost + Access Denied, Reference #",
        header="server",
        header_value=_re(r"akamaighost"),
        body=_re(r"access denied.{0,2000}?reference\s*#"),
    ),
    # Akamai Bot Manager's crypto challenge (sec-cpt), served under /_sec/.
    BotWallSignature(
        vendor="akamai",
        evidence="Akamai Bot Manager challenge",
        body=_re(r"/_sec/cp_challenge/|sec-if-cpt-container"),
    ),
    # Imperva (Incapsula): "Request unsuccessful. Incapsula incident ID: ...", and the
    # _Incapsula_Resource iframe of its JavaScript challenge, sometimes answered 200.
    BotWallSignature(
        vendor="imperva",
        evidence="Incapsula incident ID",
        body=_re(r"incapsula incident id|_incapsula_resource"),
    ),
    BotWallSignature(
        vendor="imperva",
        evidence="x-iinfo + Incapsula challenge",
        statuses=None,
        header="x-iinfo",
        body=_re(r"_incapsula_resource|incapsula incident id"),
    ),
    # Sucuri: "<title>Sucuri WebSite Firewall - Access Denied</title>"; X-Sucuri-Block is only
    # sent on a block, X-Sucuri-ID on everything it serves (wafw00f plugins/sucuri.py).
    BotWallSignature(
        vendor="sucuri",
        evidence="Sucuri WebSite Firewall - Access Denied",
        body=_re(
            r"sucuri website firewall.{0,20}?access denied"
            r"|access denied.{0,6}?sucuri website firewall|cloudproxy@sucuri\.net"
        ),
    ),
    BotWallSignature(vendor="sucuri", evidence="x-sucuri-block", header="x-sucuri-block"),
    BotWallSignature(
        vendor="sucuri",
        evidence="x-sucuri-id + sucuri block page",
        header="x-sucuri-id",
        body=_re(r"sucuri[-_]firewall[-_]block|sucuri\.net/privacy-policy"),
    ),
    # AWS WAF: CAPTCHA answers 405, Challenge 202, both with x-amzn-waf-action (docs.aws.
    # amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html).
    BotWallSignature(
        vendor="aws-waf",
        evidence="x-amzn-waf-action",
        statuses=None,
        header="x-amzn-waf-action",
    ),
    # CloudFront's "Request blocked" page, which is what a WAF block looks like through it.
    BotWallSignature(
        vendor="aws-cloudfront",
        evidence="CloudFront: Request blocked",
        statuses=frozenset({403}),
        body=_re(r"the request could not be satisfied.{0,2000}?request blocked"),
    ),
    # DataDome: a 403 (sometimes 401) whose page loads its captcha from captcha-delivery.com;
    # x-datadome is on every answer it serves, so only with a denial status.
    BotWallSignature(
        vendor="datadome",
        evidence="x-datadome",
        statuses=frozenset({401, 403}),
        header="x-datadome",
    ),
    BotWallSignature(
        vendor="datadome",
        evidence="captcha-delivery.com",
        body=_re(r"captcha-delivery\.com"),
    ),
    # PerimeterX / HUMAN: "Access to this page has been denied" with the px-captcha element.
    BotWallSignature(
        vendor="perimeterx",
        evidence="px-captcha",
        body=_re(r"px-captcha|captcha\.px-cdn\.net|/captcha/captcha\.js\?a=c&u="),
    ),
    # DDoS-Guard: Server: ddos-guard (wafw00f plugins/ddosguard.py) and its check page.
    BotWallSignature(
        vendor="ddos-guard",
        evidence="server: ddos-guard + check page",
        header="server",
        header_value=_re(r"ddos-guard"),
        body=_re(r"ddos-guard|checking your browser"),
    ),
    BotWallSignature(
        vendor="ddos-guard",
        evidence="DDoS-Guard check page",
        body=_re(r"/\.well-known/ddos-guard/"),
    ),
    # Wordfence (WordPress plugin, common on the platforms we watch): "Your access to this
    # site has been limited by the site owner" ... "Generated by Wordfence".
    BotWallSignature(
        vendor="wordfence",
        evidence="Generated by Wordfence",
        body=_re(r"generated by wordfence|access to this site has been limited by the site owner"),
    ),
    # LinkedIn answers non-browsers "999 Request denied".
    BotWallSignature(vendor="linkedin", evidence="status 999", statuses=frozenset({999})),
)


# --- Soft 404s -------------------------------------------------------------------------------
# Phrases are written as people read them, with accents; the classifier folds case, accents,
# apostrophes (a curly one is straightened) and punctuation on both sides before comparing.

# A <title> segment (titles are split at " | ", " - ", ...) or a first <h1> that, once
# the fillers below are stripped from its ends, is exactly one of these is an error page's.
# Exact, never "contains": "Error handling in city budgets" or "What a 404 error means" are
# ordinary titles.
SOFT_404_HEADINGS: tuple[str, ...] = (
    # English: WordPress core ("Page not found"), Twenty Fifteen/Sixteen ("Oops! That page
    # can't be found."), Twenty Twenty-One ("Nothing here"), Drupal ("Page not found"),
    # Next.js ("404: This page could not be found."), Apache/nginx ("404 Not Found").
    "page not found",
    "not found",
    "nothing found",
    "nothing here",
    "oops! that page can't be found",
    "that page can't be found",
    "this page could not be found",
    "the page you requested could not be found",
    "the page you are looking for does not exist",
    "page does not exist",
    "this page doesn't exist",
    "file not found",
    "document not found",
    "content not found",
    "article not found",
    # Spanish (WordPress es_ES / es_MX, Drupal, Joomla).
    "página no encontrada",
    "no se encontró la página",
    "no se ha encontrado la página",
    "la página que buscas no existe",
    "la página que busca no existe",
    "la página no existe",
    "esta página no existe",
    "¡vaya! no se puede encontrar esa página",
    "no se puede encontrar esa página",
    "aquí no hay nada",
    "no se encontró nada",
    "no encontrado",
    "contenido no encontrado",
    "artículo no encontrado",
    # Portuguese (WordPress pt_BR / pt_PT, Drupal, Joomla).
    "página não encontrada",
    "a página que você procura não existe",
    "a página que procura não existe",
    "a página não existe",
    "página não existe",
    "esta página não existe",
    "ops! essa página não pode ser encontrada",
    "essa página não pode ser encontrada",
    "nada aqui",
    "nada encontrado",
    "não encontrado",
    "não encontrada",
    "conteúdo não encontrado",
    "artigo não encontrado",
)

# Words an error heading wraps its message in: "Oops!", "Error 404", "404 -", "Lo sentimos".
# "404" (or "410") alone, once these are stripped, is an error heading too ("Error 404").
SOFT_404_FILLERS: tuple[str, ...] = (
    "404",
    "410",
    "error",
    "erro",
    "http",
    "oops",
    "ops",
    "whoops",
    "uh oh",
    "sorry",
    "ups",
    "vaya",
    "uy",
    "lo sentimos",
    "disculpa",
    "disculpe",
    "desculpe",
    "opa",
)

# Sentences only error pages open with, searched in the first ~300 characters of the main
# text (regular expressions over folded text: lower case, no accents, straight apostrophes).
# A bare "page not found" is not here: articles about broken links say it in passing.
SOFT_404_BODY_PATTERNS: tuple[str, ...] = (
    # English
    r"it looks like nothing was found at this location",
    r"the (?:page|url|file|document) you (?:requested|were looking for|are looking for|"
    r"tried to access)(?: \S+){0,3} (?:could not|cannot|can't|couldn't|was not|wasn't|"
    r"does not|doesn't|no longer) (?:be found|found|exist)",
    r"the requested (?:page|url|resource)(?: \S+){0,3} (?:could not be found|was not found|"
    r"does not exist)",
    r"(?:we|i) (?:can't|cannot|couldn't|could not) find (?:the|that|this) page",
    r"this page (?:could not be found|doesn't exist|does not exist|no longer exists)",
    r"that page can't be found",
    # Spanish
    r"parece que (?:no se encontro nada|no hay nada) en esta ubicacion",
    r"la pagina que (?:buscas|busca|estas buscando|esta buscando|solicitaste|solicito|"
    r"has solicitado|ha solicitado) no (?:existe|se encuentra|esta disponible|"
    r"(?:pudo|puede) (?:ser )?encontra(?:r|da|rse))",
    r"la pagina solicitada no (?:existe|se encuentra|(?:pudo|puede) (?:ser )?encontra\w+)",
    r"no (?:pudimos|podemos|hemos podido) encontrar la pagina",
    r"no se (?:puede|pudo) encontrar (?:esa|la|esta) pagina",
    r"no se (?:encontro|ha encontrado) la pagina",
    # Portuguese
    r"parece que nada foi encontrado (?:neste|nesse) local",
    r"a pagina que (?:voce )?(?:procura|esta procurando|solicitou|tentou acessar) "
    r"(?:nao existe|nao foi encontrada|nao pode ser encontrada)",
    r"a pagina solicitada (?:nao existe|nao foi encontrada|nao pode ser encontrada)",
    r"(?:nao (?:foi possivel|conseguimos)) encontrar (?:a|esta|essa) pagina",
    r"essa pagina nao pode ser encontrada",
)

# An error page is short. A page with more words than this in its main text is an article,
# whatever its title says (an article titled "Page not found | why it happens" exists).
ERROR_PAGE_MAX_WORDS = 500

# A path segment that names an error page ("/404", "/404.html", "/not-found",
# "/pagina-no-encontrada", "/error?code=404", "/errors/404.aspx"): where sites redirect what
# they cannot find.
NOT_FOUND_PATH = re.compile(
    r"^(?:404|410|error|errors|erro|error[-_]?404|404[-_]?error|not[-_]?found"
    r"|page[-_]?not[-_]?found|pagina[-_]no[-_]encontrada|pagina[-_]nao[-_]encontrada"
    r"|no[-_]encontrada|nao[-_]encontrada|no[-_]encontrado|nao[-_]encontrado)"
    r"(?:\.[a-z0-9]{2,5})?$",
    re.IGNORECASE,
)
# ASP.NET's customErrors redirect (?aspxerrorpath=/old) and "?error=404".
NOT_FOUND_QUERY = re.compile(r"(?:^|&)(?:aspxerrorpath=|error=404\b|status=404\b)", re.I)
