"""Content-negotiation rules for Apache and nginx, written from the negotiation table.

A static copy of the site holds documents only (``q01.fr.html``, ``q01.ttl``…).
These rules let a web server answer the extensionless IRIs as the app does:
``303 See Other`` to the document that ``Accept`` and ``Accept-Language`` ask
for, with ``Vary``. A server matches ``Accept`` by pattern, not by q-value: HTML
wins whenever the client accepts it (every browser), otherwise the first RDF type
named in the table order below; ``*/*`` or no ``Accept`` gives HTML, as in the app.
"""

from __future__ import annotations

import re

from ..i18n import other_language
from ..rdf.formats import DATA_SUFFIXES, QUAD_FORMATS
from ..rdf.negotiation import Representation, representations
from .headers import ANY_ORIGIN, NEGOTIATED_VARY, SECURITY_HEADERS

__all__ = ["apache_rules", "nginx_rules", "media_types"]


def media_types() -> list[tuple[str, str]]:
    """(suffix, media type) of every file the site holds besides HTML and CSS."""
    found = [(rep.suffix, rep.media_type) for rep in representations(csv=True, html=False)]
    return found + [(fmt.suffix.lstrip("."), fmt.media_type) for fmt in QUAD_FORMATS]


def _negotiated() -> list[Representation]:
    """The documents other than HTML that an IRI may be answered with, in the table's order."""
    return list(representations(html=False, csv=True))


def _accept_pattern(rep: Representation) -> str:
    return "(" + "|".join(re.escape(t) for t in (rep.media_type, *rep.aliases)) + r")(\s*[;,]|\s*$)"


def apache_rules(base_path: str, default_lang: str) -> str:
    """An ``.htaccess`` for Apache 2.4 (mod_rewrite, mod_headers, mod_mime) at ``base_path``."""
    return "\n".join(_apache_files(base_path) + _apache_rewrites(base_path, default_lang))


def _apache_files(base_path: str) -> list[str]:
    """Media types, charset and CORS of the site's files."""
    lines = [
        "# CAP PTCE: content negotiation for Apache 2.4, written by `cap-ptce publish`.",
        f"# The site is deployed at {base_path}; needs AllowOverride FileInfo Indexes Options=MultiViews",
        "# (MultiViews must be allowed by name for this file to switch it off).",
        "Options -MultiViews",
        "DirectoryIndex index.html",
        f"ErrorDocument 404 {base_path}404.html",
    ]
    lines += [f"AddType {media_type} .{suffix}" for suffix, media_type in media_types()]
    lines += [
        "AddCharset utf-8 .html .css " + " ".join("." + s for s in DATA_SUFFIXES if s != "rdf"),
        "<IfModule mod_headers.c>",
        '  <FilesMatch "\\.(' + "|".join(DATA_SUFFIXES) + ')$">',
        f'    Header set Access-Control-Allow-Origin "{ANY_ORIGIN}"',
        "  </FilesMatch>",
        f'  Header always set Vary "{NEGOTIATED_VARY}" env=CAP_NEGOTIATED',
        *(f'  Header always set {name} "{value}"' for name, value in SECURITY_HEADERS.items()),
        "</IfModule>",
        "",
    ]
    return lines


def _apache_rewrites(base_path: str, default_lang: str) -> list[str]:
    """303 See Other from each IRI to the document that Accept and Accept-Language ask for."""
    other = other_language(default_lang)
    lines = [
        "RewriteEngine On",
        f"RewriteBase {base_path}",
        "",
        "# The language of HTML: the default, unless Accept-Language puts the other one first.",
        f"RewriteRule ^ - [E=CAP_LANG:{default_lang}]",
        f"RewriteCond %{{HTTP:Accept-Language}} ^\\s*{other} [NC]",
        f"RewriteRule ^ - [E=CAP_LANG:{other}]",
        "",
        "# The document asked for: HTML unless Accept names an RDF type (or CSV) and not HTML.",
        "RewriteRule ^ - [E=CAP_DOC:%{ENV:CAP_LANG}.html]",
    ]
    for rep in reversed(_negotiated()):  # the first of the table wins: it is written last
        lines += [
            "RewriteCond %{HTTP_ACCEPT} !(text/html|application/xhtml\\+xml)",
            f"RewriteCond %{{HTTP_ACCEPT}} {_accept_pattern(rep)}",
            f"RewriteRule ^ - [E=CAP_DOC:{rep.suffix}]",
        ]
    lines += [
        "",
        "# An IRI whose document exists: 303 See Other to it. (With a PATH_INFO, REQUEST_FILENAME",
        "# is only the part of the path that exists, such as projet/ for projet/x/acteur/y.)",
        "RewriteCond %{PATH_INFO} ^$",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:CAP_DOC} -f",
        "RewriteRule ^(.+)$ $1.%{ENV:CAP_DOC} [R=303,L,E=CAP_NEGOTIATED:1]",
        "# The home page, and an .html document without a language.",
        "RewriteCond %{ENV:CAP_DOC} \\.html$",
        "RewriteRule ^$ index.%{ENV:CAP_LANG}.html [R=303,L,E=CAP_NEGOTIATED:1]",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME} ^(.+)\\.html$",
        "RewriteCond %1.%{ENV:CAP_LANG}.html -f",
        "RewriteRule ^(.+)\\.html$ $1.%{ENV:CAP_LANG}.html [R=303,L,E=CAP_NEGOTIATED:1]",
        "# A part of a project (projet/x/acteur/y) is described in the project's document, at #acteur-y.",
        "RewriteCond %{ENV:CAP_DOC} \\.html$",
        "RewriteRule ^projet/([^/.]+)/([^/.]+)/([^/.]+)$ projet/$1.%{ENV:CAP_DOC}#$2-$3 [R=303,NE,L,E=CAP_NEGOTIATED:1]",
        "RewriteRule ^projet/([^/.]+)/([^.]+)$ projet/$1.%{ENV:CAP_DOC} [R=303,L,E=CAP_NEGOTIATED:1]",
        "",
        "# VoID discovery (RFC 5785).",
        "RewriteRule ^\\.well-known/void$ dataset.ttl [R=303,L]",
        "",
    ]
    return lines


def nginx_rules(base_path: str, default_lang: str) -> dict[str, str]:
    """nginx configuration files: the ``map`` blocks (``http`` context) and the ``location`` (``server``)."""
    return {
        "nginx-cap-ptce-http.conf": _nginx_maps(default_lang),
        "nginx-cap-ptce-server.conf": _nginx_location(base_path),
    }


def _nginx_maps(default_lang: str) -> str:
    other = other_language(default_lang)
    maps = [
        "# CAP PTCE: content negotiation for nginx, written by `cap-ptce publish`.",
        "# Include this file in the http { } context, and nginx-cap-ptce-server.conf in the server { }.",
        "map $http_accept $cap_ptce_doc {",
        "    default html;",
        '    "~*(text/html|application/xhtml\\+xml)" html;',
    ]
    maps += [f'    "~*{_accept_pattern(rep)}" {rep.suffix};' for rep in _negotiated()]
    maps += [
        "}",
        "map $http_accept_language $cap_ptce_lang {",
        f"    default {default_lang};",
        f'    "~*^\\s*{other}" {other};',
        "}",
        "map $cap_ptce_doc $cap_ptce_suffix {",
        "    default $cap_ptce_doc;",
        "    html $cap_ptce_lang.html;",
        "}",
        "",
    ]
    return "\n".join(maps)


def _nginx_location(base_path: str) -> str:
    root = base_path.rstrip("/")
    header = [
        "# CAP PTCE: content negotiation for nginx, written by `cap-ptce publish`.",
        f"# Include in the server {{ }} whose `root` serves the site's files at {base_path};",
        "# nginx-cap-ptce-http.conf must be included in the http { } context.",
    ]
    types = " ".join(f"{media_type} {suffix};" for suffix, media_type in media_types())
    location = [
        "# The security headers are repeated in every block that adds a header of its own:",
        "# nginx inherits add_header only into blocks that have none.",
        f"location {base_path} {{",
        *_nginx_security("    "),
        "    index index.html;",
        f"    error_page 404 {root}/404.html;",
        "    charset utf-8;",
        f"    charset_types text/css {_text_types()};",
        f"    types {{ text/html html; text/css css; {types} }}",
        f"    location = {root}/.well-known/void {{ return 303 {root}/dataset.ttl; }}",
        f'    location ~ "\\.({"|".join(DATA_SUFFIXES)})$" {{',
        f'        add_header Access-Control-Allow-Origin "{ANY_ORIGIN}";',
        *_nginx_security("        "),
        "    }",
        f"    if ($uri = {root}/) {{",
        f'        add_header Vary "{NEGOTIATED_VARY}" always;',
        *_nginx_security("        "),
        f"        return 303 {root}/index.$cap_ptce_lang.html;",
        "    }",
        "    # A part of a project (projet/x/acteur/y) is described in the project's document, at #acteur-y.",
        f'    location ~ "^{root}/projet/(?<cap_ptce_project>[^/.]+)/(?<cap_ptce_part>[^/.]+)/'
        '(?<cap_ptce_id>[^/.]+)$" {',
        f'        add_header Vary "{NEGOTIATED_VARY}" always;',
        *_nginx_security("        "),
        "        if ($cap_ptce_doc = html) {",
        f"            return 303 {root}/projet/$cap_ptce_project.$cap_ptce_suffix#$cap_ptce_part-$cap_ptce_id;",
        "        }",
        f"        return 303 {root}/projet/$cap_ptce_project.$cap_ptce_suffix;",
        "    }",
        "    if (-f $request_filename.$cap_ptce_suffix) {",
        f'        add_header Vary "{NEGOTIATED_VARY}" always;',
        *_nginx_security("        "),
        "        return 303 $uri.$cap_ptce_suffix;",
        "    }",
        "    # An .html document without a language (q01.html): 303 to the page in the language asked for.",
        f'    location ~ "^(?<cap_ptce_stem>{root}/.+)\\.html$" {{ try_files $uri @cap_ptce_html; }}',
        "    try_files $uri =404;",
        "}",
        "location @cap_ptce_html {",
        *_nginx_security("    "),
        f"    error_page 404 {root}/404.html;",
        "    if (-f $document_root$cap_ptce_stem.$cap_ptce_lang.html) {",
        f'        add_header Vary "{NEGOTIATED_VARY}" always;',
        *_nginx_security("        "),
        "        return 303 $cap_ptce_stem.$cap_ptce_lang.html;",
        "    }",
        "    return 404;",
        "}",
        "",
    ]
    return "\n".join(header + location)


def _nginx_security(indent: str) -> list[str]:
    """The security headers of :mod:`.headers`, as nginx directives sent with every status."""
    return [f'{indent}add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS.items()]


def _text_types() -> str:
    """The media types of the site's text files whose charset nginx names (all but RDF/XML, which says it)."""
    return " ".join(media_type for suffix, media_type in media_types() if suffix != "rdf")
