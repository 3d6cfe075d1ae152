"""The zoo's markup, as the real software prints it: WordPress and Drupal pages, Apache and nginx
error pages, and the bot walls of Cloudflare, Akamai and Imperva.

Entities are left as the software leaves them (``&#8211;`` in WordPress titles, ``can&rsquo;t``,
Akamai's ``&#46;`` in its reference): a classifier must read pages as a browser does.
"""

from __future__ import annotations

import html

from pipeline.replicas.link_zoo.writing import Writing

__all__ = [
    "MAIN_SITE",
    "PORTAL_SITE",
    "akamai_denied",
    "apache_error",
    "article",
    "cloudflare_challenge",
    "drupal_page",
    "incapsula_block",
    "nginx_error",
    "portal_page",
    "wordpress_critical_error",
    "wordpress_not_found",
    "wordpress_page",
]

MAIN_SITE = "Red de Ciudades Resilientes"
SERVER_NAME = "ciudadesresilientes.org"
PORTAL_SITE = "Prefeitura Municipal de Santa Aurora"
# Two menus: a redesign changes the navigation around the same articles.
MENUS = (
    ("Inicio", "Prácticas", "Publicaciones", "Noticias", "Contacto"),
    ("Buenas prácticas", "Biblioteca", "Agenda", "Quiénes somos", "Prensa"),
)


def article(writing: Writing) -> str:
    """A post's content: its heading, paragraphs, and a ``#section`` anchor links may target."""
    paragraphs = [f"<p>{html.escape(p, quote=False)}</p>" for p in writing.paragraphs]
    results = "Results" if writing.language == "en" else "Resultados"
    paragraphs.insert(1, f'<h2 id="section">{results}</h2>')
    heading = html.escape(writing.title, quote=False)
    return f'<h1 class="entry-title">{heading}</h1>\n<div class="entry-content">\n' + (
        "\n".join(paragraphs) + "\n</div>"
    )


def wordpress_page(
    title: str,
    content: str,
    *,
    canonical: str = "",
    language: str = "es",
    body_class: str = "post-template-default single single-post",
    menu: int = 0,
    document_title: str | None = None,
) -> bytes:
    """A WordPress 6 page with a classic theme; ``document_title`` defaults to WordPress's
    ``title &#8211; site``."""
    shown = document_title if document_title is not None else f"{title} &#8211; {MAIN_SITE}"
    locale = {"es": "es-ES", "pt": "pt-BR", "en": "en-US"}.get(language, "es-ES")
    items = "".join(f'<li class="menu-item"><a href="/">{item}</a></li>' for item in MENUS[menu])
    # Yoast SEO's tags, on posts only (an error page has no canonical URL).
    seo_tags = (
        f'<link rel="canonical" href="{canonical}">\n<meta property="og:url" content="{canonical}">'
        f'\n<meta property="og:title" content="{html.escape(title)}">'
        if canonical
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{locale}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{shown}</title>
<meta name="robots" content="max-image-preview:large">
<link rel="stylesheet" id="twentytwentyone-style-css" href="/wp-content/themes/twentytwentyone/style.css?ver=2.1" media="all">
{seo_tags}
<meta name="generator" content="WordPress 6.4.3">
</head>
<body class="{body_class} wp-embed-responsive">
<div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">{MAIN_SITE}</a></p>
<nav id="site-navigation" class="primary-navigation"><ul id="primary-menu-list" class="menu-wrapper">{items}</ul></nav>
</header>
<main id="main" class="site-main">
<article class="post type-post status-publish format-standard hentry entry">
{content}
</article>
</main>
<footer id="colophon" class="site-footer"><div class="powered-by">Funciona gracias a <a href="https://es.wordpress.org/">WordPress</a>.</div></footer>
</div>
</body>
</html>
""".encode()  # noqa: E501


def drupal_page(title: str, content: str, *, site: str, language: str = "es") -> bytes:
    """A Drupal 10 page with the Olivero theme."""
    return f"""<!DOCTYPE html>
<html lang="{language}" dir="ltr" style="--color--primary-hue:202;">
<head>
<meta charset="utf-8">
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">
<meta name="MobileOptimized" content="width">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)} | {site}</title>
<link rel="stylesheet" media="all" href="/core/themes/olivero/css/base/base.css?s8x2kq">
</head>
<body class="path-node page-node-type-page">
<a href="#main-content" class="visually-hidden focusable skip-link">Pasar al contenido principal</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div id="page-wrapper" class="page-wrapper"><div id="page">
<header id="header" class="site-header"><div class="site-branding__text"><a href="/" rel="home">{site}</a></div></header>
<main id="main" class="main"><a id="main-content" tabindex="-1"></a>
<div class="region region--content-above"><div class="block block-core block-page-title-block">
<h1 class="title page-title"><span class="field field--name-title">{html.escape(title)}</span></h1>
</div></div>
<div class="region region--content"><article class="node node--type-page"><div class="text-content clearfix field field--name-body">
{content}
</div></article></div>
</main></div></div></div>
</body>
</html>
""".encode()  # noqa: E501


# The 404 templates of the themes, by language: (document title, heading, text).
NOT_FOUND = {
    "en": (
        f"Page not found &#8211; {MAIN_SITE}",
        "Nothing here",
        "It looks like nothing was found at this location. Maybe try a search?",
    ),
    "pt": (
        f"Página não encontrada &#8211; {MAIN_SITE}",
        "Nada aqui",
        "Parece que nada foi encontrado neste local. Talvez tente fazer uma pesquisa?",
    ),
    "es": (
        f"Página no encontrada &#8211; {MAIN_SITE}",
        "Aquí no hay nada",
        "Parece que aquí no hay nada. ¿Quieres probar con una búsqueda?",
    ),
    # An _s-based theme whose header forgets the 404 title: only the heading tells.
    "oops": (
        MAIN_SITE,
        "Oops! That page can&rsquo;t be found.",
        "It looks like nothing was found at this location. Maybe try one of the links below "
        "or a search?",
    ),
}


def wordpress_not_found(variant: str) -> bytes:
    document_title, heading, text = NOT_FOUND[variant]
    content = f"""<header class="page-header alignwide"><h1 class="page-title">{heading}</h1></header>
<div class="error-404 not-found default-max-width"><div class="page-content"><p>{text}</p>
<form role="search" method="get" class="search-form" action="/"><input type="search" name="s"></form>
</div></div>"""  # noqa: E501
    return wordpress_page(
        heading,
        content,
        language="en" if variant == "oops" else variant,
        body_class="error404 hfeed",
        document_title=document_title,
    )


def wordpress_critical_error() -> bytes:
    """What WordPress 5.2+ answers (500) when a plugin dies."""
    return b"""<!DOCTYPE html>
<html lang="es-ES">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width">
<meta name='robots' content='max-image-preview:large, noindex, follow'>
<title>Error de WordPress</title>
</head>
<body id="error-page">
<div class="wp-die-message"><p>Ha habido un error cr&iacute;tico en esta web.</p><p><a href="https://es.wordpress.org/documentation/article/faq-troubleshooting/">Aprende m&aacute;s sobre la depuraci&oacute;n en WordPress.</a></p></div></body>
</html>
"""  # noqa: E501


def apache_error(status: int, reason: str, message: str) -> bytes:
    """Apache 2.4's built-in error document."""
    return f"""<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>{status} {reason}</title>
</head><body>
<h1>{reason}</h1>
<p>{message}</p>
<hr>
<address>Apache/2.4.57 (Debian) Server at {SERVER_NAME} Port 443</address>
</body></html>
""".encode()


def nginx_error(status: int, reason: str) -> bytes:
    return f"""<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx/1.24.0 (Ubuntu)</center>
</body>
</html>
""".encode()


def cloudflare_challenge(host: str, ray: str) -> bytes:
    """Cloudflare's managed challenge ("Just a moment..."), served 403 to clients without JS."""
    return f"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1"><style>*{{box-sizing:border-box;margin:0;padding:0}}html{{line-height:1.15;-webkit-text-size-adjust:100%;color:#313131}}</style><meta http-equiv="refresh" content="390"></head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content"><noscript><div id="challenge-error-title"><div class="h2"><span class="icon-wrapper"><div class="heading-icon warning-icon"></div></span><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></div></noscript></div></div><script>(function(){{window._cf_chl_opt={{cvId: '3',cZone: "{host}",cType: 'managed',cNounce: '30921',cRay: '{ray}',cHash: 'b3a4d2c1e0f98765',cUPMDTk: "\\/?__cf_chl_tk=Yx3.kq0",cFPWv: 'g',cTTimeMs: '1000',cMTimeMs: '390000'}};var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray={ray}';window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;document.getElementsByTagName('head')[0].appendChild(cpo);}}());</script></body></html>""".encode()  # noqa: E501


def _akamai_escape(text: str) -> str:
    """Akamai writes the URL and the reference with numeric entities for ``:/.`` and spaces."""
    table = {":": "&#58;", "/": "&#47;", ".": "&#46;", " ": "&#32;", "#": "&#35;"}
    return "".join(table.get(char, char) for char in text)


def akamai_denied(url: str, reference: str) -> bytes:
    """Akamai's "Access Denied" (its bot manager or a WAF rule), served 403 by AkamaiGHost."""
    return f"""<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access "{_akamai_escape(url)}" on this server.<P>
{_akamai_escape("Reference #" + reference)}
<P>{_akamai_escape("https://errors.edgesuite.net/" + reference)}</P>
</BODY>
</HTML>
""".encode()


def incapsula_block(incident: str) -> bytes:
    """Imperva (Incapsula)'s block page: an iframe and its fallback text."""
    return f"""<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"><meta name="format-detection" content="telephone=no"><meta name="viewport" content="initial-scale=1.0"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1"></head><body style="margin:0px;height:100%"><iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=24&xinfo=5-61432877-0%200NNN%20RT%281700000000000%2018%29&incident_id={incident}&edet=15&cinfo=04000000&rpinfo=0&mth=GET" frameborder=0 width="100%" height="100%" marginheight="0px" marginwidth="0px">Request unsuccessful. Incapsula incident ID: {incident}</iframe></body></html>""".encode()  # noqa: E501


def portal_page(title: str, content: str) -> bytes:
    """The catch-all portal's pages (a home-made CMS behind nginx)."""
    return f"""<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} - {PORTAL_SITE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/portal.min.css?v=4.2.1">
</head>
<body>
<header class="topo"><a class="marca" href="/">{PORTAL_SITE}</a>
<nav><a href="/servicos/">Serviços</a> <a href="/noticias/">Notícias</a> <a href="/praticas/">Boas práticas</a> <a href="/transparencia/">Transparência</a></nav>
</header>
<main id="conteudo">
{content}
</main>
<footer class="rodape">Praça da Matriz, 100 - Centro - CEP 95000-000 - Telefone 156</footer>
</body>
</html>
""".encode()  # noqa: E501
