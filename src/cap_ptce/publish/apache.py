"""The Apache rules of a static copy of the site: one ``.htaccess`` (Apache 2.4).

mod_rewrite reads the Accept header with the patterns of :mod:`cap_ptce.rdf.accept`
into one key per media type of :data:`.static_rules.CHAIN` (environment variables),
and compares keys as integers (``RewriteCond expr … -gt …``); mod_headers adds CORS,
``Vary`` and ``Link`` from the same variables. Needs ``AllowOverride FileInfo Indexes
Options=MultiViews`` (MultiViews must be named for the file to switch it off).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..i18n import LANGUAGES, other_language
from ..rdf.accept import KEY_RULES, NOT_ACCEPTABLE, element_pattern, language_ranges, media_type_ranges
from .headers import ANY_ORIGIN, NEGOTIATED_VARY, READ_METHODS, SECURITY_HEADERS, STATIC_METHODS, cors_headers
from .static_rules import (
    CHAIN,
    CLASSES,
    DOWNLOAD,
    NOT_ACCEPTABLE_FILE,
    NOT_DOCUMENTS,
    OVER,
    PAGE_TABLE,
    PART_DEPTHS,
    PART_SEGMENT,
    UNDER_BASE_PATTERN,
    UNPUBLISHED,
    describes_prefix,
    document_pattern,
    documents_of_class,
    link_value,
    media_types,
    names_its_charset,
    table_link_value,
)

__all__ = ["apache_rules"]


def apache_rules(base_path: str, default_lang: str, base_iri: str, aliases: Mapping[str, str] | None = None) -> str:
    """An ``.htaccess`` for Apache 2.4 (mod_rewrite, mod_headers, mod_mime, mod_dir) at ``base_path``.

    ``aliases``: paths whose page has one address per language (``explorer``), with their document.
    """
    sections = (
        _files(base_path),
        _headers(),
        _paths(base_path, base_iri, aliases or {}),
        _keys(default_lang),
        _answers(),
    )
    return "\n".join(line for section in sections for line in section) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _files(base_path: str) -> list[str]:
    """Media types and charset of the site's files; the error pages."""
    lines = [
        "# CAP PTCE: content negotiation for Apache 2.4, written by `cap-ptce publish`.",
        f"# The site is deployed at {base_path}; needs AllowOverride FileInfo Indexes Options=MultiViews",
        "# (MultiViews must be allowed by name for this file to switch it off).",
        "# Redirects are absolute: set `ServerName https://your.host` and `UseCanonicalName On` in the server's",
        "# configuration (not allowed here) so that they never use the client's Host header nor a wrong scheme.",
        "Options -MultiViews",
        "DirectoryIndex index.html",
        "DirectorySlash Off",
        f"ErrorDocument 404 {base_path}404.html",
        f"ErrorDocument 406 {base_path}{NOT_ACCEPTABLE_FILE}",
    ]
    lines += [f"AddType {media_type} .{suffix}" for suffix, media_type in media_types()]
    text = " ".join("." + suffix for suffix, media_type in media_types() if names_its_charset(media_type))
    return [*lines, f"AddCharset utf-8 .html .css {text}", ""]  # .txt (the 406's text) is among media_types()


def _headers() -> list[str]:
    """CORS and the security headers on every answer, Vary on a 303 and a 406, Link on a 303 and on a document."""
    lines = [
        "<IfModule mod_headers.c>",
        *(f"  Header always set {name} {_quote(value)}" for name, value in cors_headers(ANY_ORIGIN).items()),
        *(f"  Header always set {name} {_quote(value)}" for name, value in SECURITY_HEADERS.items()),
        *(f"  Header always set {name} {_quote(value)} env=CAP_PREFLIGHT" for name, value in _preflight().items()),
        f"  Header always set Allow {_quote(STATIC_METHODS)} env=CAP_REFUSED",
        f"  Header always set Vary {_quote(NEGOTIATED_VARY)} env=CAP_SEE_OTHER",
        "  # A download is an attachment, under its own name, as the app sends it (on a success only: not on a 404).",
        '  Header set Content-Disposition "attachment; filename=\\"%{CAP_DOWNLOAD}e\\"" env=CAP_DOWNLOAD',
        '  Header always set Vary "Accept" env=CAP_NOT_ACCEPTABLE',
        "  # (the 406's text is a file: Apache reaches it by an internal redirect, which renames the variable)",
        '  Header always set Vary "Accept" env=REDIRECT_CAP_NOT_ACCEPTABLE',
    ]
    for kind, _, _ in CLASSES:
        value = link_value(kind, "%{CAP_UP}e%{CAP_NAME}e")
        lines.append(
            f"  Header always set Link {_quote(value)} \"expr=-n %{{env:CAP_SEE_OTHER}} && %{{env:CAP_CLASS}} == '{kind}'\""
        )
        for suffix, _, _ in documents_of_class(kind):
            describes = None if kind == "page" else "%{CAP_IRI}e"
            value = link_value(kind, "%{CAP_NAME}e", current=suffix, describes=describes)
            condition = (
                f"-z %{{env:CAP_SEE_OTHER}} && %{{env:CAP_CLASS}} == '{kind}' && %{{env:CAP_SELF}} == '{suffix}'"
            )
            lines.append(f"  Header always set Link {_quote(value)} {_quote('expr=' + condition)}")
    condition = f"-z %{{env:CAP_SEE_OTHER}} && %{{env:CAP_CLASS}} == 'page' && %{{env:CAP_SELF}} == '{PAGE_TABLE}'"
    lines.append(f"  Header always set Link {_quote(table_link_value('%{CAP_NAME}e'))} {_quote('expr=' + condition)}")
    return [*lines, "</IfModule>", ""]


def _preflight() -> dict[str, str]:
    """The headers a preflight (``OPTIONS``) gets besides those of every answer."""
    every = cors_headers(ANY_ORIGIN)
    return {k: v for k, v in cors_headers(ANY_ORIGIN, preflight=True, methods=STATIC_METHODS).items() if k not in every}


def _paths(base_path: str, base_iri: str, aliases: Mapping[str, str]) -> list[str]:
    """From the path: the rule files (404), VoID, the documents' stem, name and kind; files are served as they are."""
    docs = document_pattern()
    lines = [
        "RewriteEngine On",
        f"RewriteBase {base_path}",
        "RewriteRule ^ - [E=CAP_UP:,E=CAP_ANCHOR:,E=CAP_SELF:,E=CAP_CLASS:]",
        f"RewriteRule ^{DOWNLOAD}$ - [E=CAP_DOWNLOAD:$1]",
        "# The rules themselves are not published; VoID discovery (RFC 5785).",
        f"RewriteRule ^{UNPUBLISHED}$ - [R=404,L]",
        "# A browser's CORS preflight (a long Accept makes one): allowed, as the app allows it.",
        "RewriteCond %{REQUEST_METHOD} =OPTIONS",
        "RewriteRule ^ - [R=204,L,E=CAP_PREFLIGHT:1]",
        "# Only GET and HEAD read the site, as in the app: any other method is refused (not sent on a 303).",
        f"RewriteCond %{{REQUEST_METHOD}} !^({'|'.join(READ_METHODS)})$",
        "RewriteRule ^ - [R=405,L,E=CAP_REFUSED:1]",
        "RewriteRule ^\\.well-known/void$ dataset.ttl [R=303,L]",
        "# The icon that browsers ask of every site, as the app answers it.",
        "RewriteRule ^favicon\\.ico$ static/favicon.svg [R=301,L]",
        *_alias_lines(aliases),
        "# A folder that is no resource is not found, as in the app (Apache would answer 403).",
        "RewriteCond %{REQUEST_FILENAME} -d",
        f"RewriteRule ^{NOT_DOCUMENTS} - [R=404,L]",
        f"RewriteRule ^{NOT_DOCUMENTS} - [L]",
        "# The folder of the site on disk, to look for the documents of a path.",
        'RewriteCond "%{REQUEST_FILENAME}%{PATH_INFO}#$1" "^(.*)(.*)#\\2$"',
        "RewriteRule ^(.*)$ - [E=CAP_ROOT:%1]",
        "# The stem of the documents a path names (q01 for q01, q01.ttl, q01.fr.html, q01.html), its file name.",
        "RewriteRule ^$ - [E=CAP_STEM:index,E=CAP_NAME:index]",
        "RewriteRule ^((?:[^.]*/)?([^/.]+|[0-9]+\\.[0-9]+\\.[0-9]+))$ - [E=CAP_STEM:$1,E=CAP_NAME:$2]",
        f"RewriteRule ^((?:[^.]*/)?([^/]+?))\\.({docs}|html)$ - [E=CAP_STEM:$1,E=CAP_NAME:$2,E=CAP_SELF:$3]",
        "# A part of a project (projet/x/acteur/y) is described in the project's document, at #acteur-y.",
    ]
    for depth in PART_DEPTHS:
        pattern = f"^projet/({PART_SEGMENT})" + f"/({PART_SEGMENT})" * depth + "$"
        anchor = "-".join(f"${i + 2}" for i in range(depth))
        lines.append(
            f"RewriteRule {pattern} - [E=CAP_STEM:projet/$1,E=CAP_NAME:$1,E=CAP_UP:{'../' * depth},E=CAP_ANCHOR:#{anchor}]"
        )
    lines += ["# What the documents are about: projects and organisations under the base, the rest under w3id."]
    lines += [
        f"RewriteCond %{{ENV:CAP_STEM}} ^{UNDER_BASE_PATTERN}",
        f"RewriteRule ^ - [E=CAP_IRI:{describes_prefix('projet/', base_iri)}%{{ENV:CAP_STEM}}]",
        f"RewriteCond %{{ENV:CAP_STEM}} !^{UNDER_BASE_PATTERN}",
        f"RewriteRule ^ - [E=CAP_IRI:{describes_prefix('', base_iri)}%{{ENV:CAP_STEM}}]",
        "# The kind of resource, by the documents beside it.",
    ]
    for kind, suffix, _ in CLASSES:
        lines += ["RewriteCond %{ENV:CAP_STEM} !^$", f"RewriteCond %{{ENV:CAP_ROOT}}%{{ENV:CAP_STEM}}.{suffix} -f"]
        if kind in OVER:  # found only over that kind
            lines.append(f"RewriteCond %{{ENV:CAP_CLASS}} ={OVER[kind]}")
        lines.append(f"RewriteRule ^ - [E=CAP_CLASS:{kind}]")
    lines += ["RewriteCond %{ENV:CAP_CLASS} ^$", "RewriteCond %{REQUEST_FILENAME} -d", "RewriteRule ^.+$ - [R=404,L]"]
    return [
        *lines,
        "# A file is served as it is; but the home page's copy (index.html, for a host without rules), negotiated",
        "# as the app negotiates /index.html.",
        "RewriteCond %{ENV:CAP_STEM}.%{ENV:CAP_SELF} !=index.html",
        "RewriteCond %{REQUEST_FILENAME} -f",
        "RewriteRule ^ - [L]",
        "",
    ]


def _alias_lines(aliases: Mapping[str, str]) -> list[str]:
    if not aliases:
        return []
    lines = ["# Pages with one address per language (the app's /explorer is the English explorer): their document."]
    return lines + [f"RewriteRule ^{re.escape(path)}$ {doc} [R=303,L,QSD]" for path, doc in aliases.items()]


def _raw_and_key(var: str, source: str, ranges) -> list[str]:
    """One candidate's key (QQQQL) in CAP_<var>: the element that names it ("level:q"), then the key."""
    lines = []
    for level, pattern in ranges:
        lines += [
            f"RewriteCond %{{ENV:CAP_RAW_{var}}} ^$",
            f"RewriteCond %{{ENV:{source}}} {_quote(element_pattern(pattern))} [NC]",
        ]
        lines.append(f"RewriteRule ^ - [E=CAP_RAW_{var}:{level}:%1]")
    for pattern, parts in KEY_RULES:
        value = "".join(p if isinstance(p, str) else f"%{p}" for p in parts)
        lines += [f"RewriteCond %{{ENV:CAP_{var}}} ^$", f"RewriteCond %{{ENV:CAP_RAW_{var}}} {_quote(pattern)}"]
        lines.append(f"RewriteRule ^ - [E=CAP_{var}:{value}]")
    return [*lines, f"RewriteCond %{{ENV:CAP_{var}}} ^$", f"RewriteRule ^ - [E=CAP_{var}:{NOT_ACCEPTABLE}]"]


def _keys(default_lang: str) -> list[str]:
    """Accept and Accept-Language read into keys; the chain keeps the first highest."""
    other = other_language(default_lang)
    lines = [
        "# Accept and Accept-Language as the app reads them: each candidate gets a key QQQQL",
        "# (q-value in thousandths, level of the range); the first highest wins.",
        "RewriteRule ^ - [E=CAP_ACCEPT:*/*,E=CAP_ACCEPT_LANGUAGE:*]",
        "RewriteCond %{HTTP_ACCEPT} ^(.*[^\\ \\t].*)$",
        "RewriteRule ^ - [E=CAP_ACCEPT:%1]",
        "RewriteCond %{HTTP:Accept-Language} ^(.*[^\\ \\t].*)$",
        "RewriteRule ^ - [E=CAP_ACCEPT_LANGUAGE:%1]",
    ]
    for step in CHAIN:
        lines += [
            f"# {step.name}: {step.media_type}",
            *_raw_and_key(step.name.upper(), "CAP_ACCEPT", media_type_ranges(step.media_type)),
        ]
    first = CHAIN[0]
    lines += [f"RewriteRule ^ - [E=CAP_BEST:%{{ENV:CAP_{first.name.upper()}}},E=CAP_DOC:{first.token}]"]
    lines += [f"RewriteCond %{{ENV:CAP_BEST}} ={NOT_ACCEPTABLE}", "RewriteRule ^ - [E=!CAP_DOC]"]
    ends = {steps - 1: kind for kind, _, steps in CLASSES}
    for index, step in enumerate(CHAIN):
        key = f"CAP_{step.name.upper()}"
        if index:
            lines += [f'RewriteCond expr "%{{env:{key}}} -gt %{{env:CAP_BEST}}"']
            lines += [f"RewriteRule ^ - [E=CAP_BEST:%{{ENV:{key}}},E=CAP_DOC:{step.token}]"]
        if index in ends:
            lines += [f"RewriteRule ^ - [E=CAP_DOC_{ends[index].upper()}:%{{ENV:CAP_DOC}}]"]
    for lang in (default_lang, other):
        lines += _raw_and_key(f"LANG_{lang.upper()}", "CAP_ACCEPT_LANGUAGE", language_ranges(lang))
    lines += [f"RewriteRule ^ - [E=CAP_LANG:{default_lang}]"]
    lines += [f'RewriteCond expr "%{{env:CAP_LANG_{other.upper()}}} -gt %{{env:CAP_LANG_{default_lang.upper()}}}"']
    lines += [f"RewriteRule ^ - [E=CAP_LANG:{other}]"]
    return [
        *lines,
        "# ?lang= first, as the app reads it: its first value, if it is one of our languages exactly.",
        "RewriteCond %{QUERY_STRING} (?:^|&)lang=([^&]*)",
        f"RewriteCond %1 ^({'|'.join(LANGUAGES)})$",
        "RewriteRule ^ - [E=CAP_LANG:%1]",
        "",
    ]


def _answers() -> list[str]:
    """303 See Other from an IRI (or an .html without language) to its document, or 406."""
    lines = ["# The document chosen for the kind of resource."]
    for kind, _, _ in CLASSES:
        lines += [
            f"RewriteCond %{{ENV:CAP_CLASS}} ={kind}",
            f"RewriteRule ^ - [E=CAP_CHOSEN:%{{ENV:CAP_DOC_{kind.upper()}}}]",
        ]
    return [
        *lines,
        "# An IRI: 303 See Other to the document asked for, or 406 when none is acceptable.",
        "RewriteCond %{ENV:CAP_SELF} ^$",
        "RewriteCond %{ENV:CAP_CLASS} !^$",
        "RewriteCond %{ENV:CAP_CHOSEN} ^$",
        "RewriteRule ^ - [R=406,L,E=CAP_NOT_ACCEPTABLE:1]",
        "RewriteCond %{ENV:CAP_SELF} ^$",
        "RewriteCond %{ENV:CAP_CHOSEN} =html",
        "RewriteRule ^ %{ENV:CAP_STEM}.%{ENV:CAP_LANG}.html%{ENV:CAP_ANCHOR} [R=303,NE,L,QSD,E=CAP_SEE_OTHER:1]",
        "RewriteCond %{ENV:CAP_SELF} ^$",
        "RewriteCond %{ENV:CAP_CHOSEN} !^$",
        "RewriteRule ^ %{ENV:CAP_STEM}.%{ENV:CAP_CHOSEN} [R=303,L,QSD,E=CAP_SEE_OTHER:1]",
        "# An .html document without a language: the page in the language asked for.",
        "RewriteCond %{ENV:CAP_SELF} =html",
        "RewriteCond %{ENV:CAP_CLASS} !^$",
        "RewriteRule ^ %{ENV:CAP_STEM}.%{ENV:CAP_LANG}.html [R=303,L,QSD,E=CAP_SEE_OTHER:1]",
        "",
    ]
