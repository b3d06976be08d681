"""The nginx rules of a static copy of the site: ``map`` blocks and a ``location``.

nginx has no arithmetic, but its ``map`` reads regular expressions with captures: each
media type of :data:`.static_rules.CHAIN` gets its key from the Accept header
(:mod:`cap_ptce.rdf.accept`), and a chain of maps keeps the first highest one, two keys
being compared by :data:`cap_ptce.rdf.accept.GREATER`. Nothing but nginx's own modules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..i18n import LANGUAGES, other_language
from ..rdf.accept import GREATER, KEY_RULES, NOT_ACCEPTABLE, element_pattern, language_ranges, media_type_ranges
from .headers import ANY_ORIGIN, NEGOTIATED_VARY, READ_METHODS, SECURITY_HEADERS, STATIC_METHODS, cors_headers
from .static_rules import (
    CHAIN,
    CLASSES,
    DOWNLOAD,
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
    not_acceptable_text,
    table_link_value,
)

__all__ = ["nginx_rules"]

V = "$cap_ptce_"  # the prefix of every variable we define
HTTP_FILE = "nginx-cap-ptce-http.conf"
SERVER_FILE = "nginx-cap-ptce-server.conf"


def nginx_rules(
    base_path: str, default_lang: str, base_iri: str, aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """nginx configuration files: the ``map`` blocks (``http`` context) and the ``location`` (``server``).

    ``aliases``: paths whose page has one address per language (``explorer``), with their document.
    """
    files = {HTTP_FILE: _http(base_path, default_lang, base_iri), SERVER_FILE: _server(base_path, aliases or {})}
    return {name: _own_names(text, base_iri) for name, text in files.items()}


def _own_names(text: str, base_iri: str) -> str:
    """``text`` with its variables named after the site: ``$cap_ptce_3f9a1c_accept``.

    nginx's variables are global to its configuration, and of two ``map`` blocks
    that define one, the later wins without a word (``nginx -t`` passes): two
    sites published at different bases in one nginx (a copy at the root and one
    under ``/cap-ptce/``, staging and production) answered with each other's
    paths. Sites of the same base write the same rules.
    """
    site = hashlib.sha256(base_iri.encode("utf-8")).hexdigest()[:6]
    return text.replace(V, f"{V}{site}_").replace("${" + V[1:], "${" + V[1:] + site + "_")


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _value(text: str) -> str:
    """A map's value, quoted (a # would start a comment) unless it is already."""
    return text if text[:1] in "'\"" else _quote(text)


def _map(source: str, target: str, entries: list[tuple[str, str]], default: str = "''") -> list[str]:
    lines = [f"map {source} {V}{target} {{"]
    lines += [f"    {key} {_value(value)};" for key, value in entries]
    return [*lines, f"    default {_value(default)};", "}"]


def _key_maps(name: str, source: str, ranges) -> list[str]:
    """The key (QQQQL) of one candidate: first the element that names it ("level:q"), then the key."""
    raw = [(_quote("~*" + element_pattern(pattern)), f"'{level}:$1'") for level, pattern in ranges]
    keys = [
        (_quote("~" + pattern), "".join(p if isinstance(p, str) else f"${p}" for p in parts))
        for pattern, parts in KEY_RULES
    ]
    return _map(source, f"raw_{name}", raw) + _map(f"{V}raw_{name}", f"key_{name}", keys, NOT_ACCEPTABLE)


def _chain_maps() -> list[str]:
    """best_i and doc_i after each step: the first step wins if acceptable, a later one only if greater."""
    first = CHAIN[0]
    lines = _map(f"{V}key_{first.name}", f"doc_{first.name}", [(NOT_ACCEPTABLE, "''")], first.token)
    for previous, step in zip(CHAIN, CHAIN[1:]):
        best = f"{V}best_{previous.name}" if previous is not first else f"{V}key_{first.name}"
        lines += _map(f'"{best}:{V}key_{step.name}"', f"win_{step.name}", [(_quote("~" + GREATER), "1")], "0")
        lines += _map(f"{V}win_{step.name}", f"best_{step.name}", [("1", f"{V}key_{step.name}")], best)
        lines += _map(f"{V}win_{step.name}", f"doc_{step.name}", [("1", step.token)], f"{V}doc_{previous.name}")
    return lines


def _language_maps(default_lang: str) -> list[str]:
    other = other_language(default_lang)
    lines = _map(
        "$http_accept_language", "accept_language", [("''", "'*'"), ("'~^[ \\t]*$'", "'*'")], "$http_accept_language"
    )
    for lang in (default_lang, other):
        lines += _key_maps(f"lang_{lang}", f"{V}accept_language", language_ranges(lang))
    compare = f'"{V}key_lang_{default_lang}:{V}key_lang_{other}"'
    lines += _map(compare, "lang_header", [(_quote("~" + GREATER), other)], default_lang)
    # ?lang= first, as the app reads it: one of our languages, exactly; anything else is ignored.
    return lines + _map("$arg_lang", "lang", [(_quote(f"~^{lang}$"), lang) for lang in LANGUAGES], f"{V}lang_header")


def _path_maps(base_path: str, base_iri: str) -> list[str]:
    """From the URI: the stem of the resource's documents, its file name, the way up, the anchor and the IRI."""
    root = base_path.rstrip("/")
    docs = document_pattern()
    stems = [
        (_quote(f"~^{root}/{NOT_DOCUMENTS}"), "''"),
        (f"{root}/", f"{root}/index"),
        (_quote(f"~^({root}/(?:[^.]*/)?[^/]+?)\\.(?:{docs}|html)$"), "$1"),
        (_quote(f"~^({root}/(?:[^.]*/)?(?:[^/.]+|[0-9]+\\.[0-9]+\\.[0-9]+))$"), "$1"),
    ]
    selves = [(_quote(f"~^{root}/(?:[^.]*/)?[^/]+?\\.({docs}|html)$"), "$1")]
    names, ups, anchors = [(_quote("~/([^/]+)$"), "$1")], [], []
    for depth in PART_DEPTHS:
        pattern = f"~^{root}/projet/({PART_SEGMENT})" + f"/({PART_SEGMENT})" * depth + "$"
        part = "-".join(f"${i + 2}" for i in range(depth))
        stems.insert(1, (_quote(pattern), f"{root}/projet/$1"))
        ups.append((_quote(pattern), "../" * depth))
        anchors.append((_quote(pattern), f"#{part}"))
    iris = [
        (_quote(f"~^{root}/({UNDER_BASE_PATTERN}.*)$"), f"{describes_prefix('projet/', base_iri)}$1"),
        (_quote(f"~^{root}/(.*)$"), f"{describes_prefix('', base_iri)}$1"),
    ]
    return (
        _map("$uri", "stem", stems)
        + _map(f"{V}stem", "name", names)
        + _map("$uri", "self", selves)
        + _map("$uri", "up", ups)
        + _map("$uri", "anchor", anchors)
        + _map(f"{V}stem", "iri", iris)
    )


def _answer_maps() -> list[str]:
    """What to answer: the document chosen for the kind of resource, the 303's target, Vary and Link."""
    chosen = [(kind, f"{V}doc_{CHAIN[steps - 1].name}") for kind, _, steps in CLASSES]
    targets = [
        ("'~^:[a-z]+:$'", "406"),
        ("'~^:[a-z]+:html$'", f"{V}stem.{V}lang.html{V}anchor"),
        ("'~^:[a-z]+:([a-z]+)$'", f"{V}stem.$1"),
        ("'~^html:[a-z]+:'", f"{V}stem.{V}lang.html"),
    ]
    varies = [("''", "''"), ("406", "Accept")]
    links = [("'~^406\\|'", "''")]
    for kind, _, _ in CLASSES:
        links.append((_quote(f"~^.+\\|{kind}\\|"), _quote(link_value(kind, f"{V}up{V}name"))))
        for suffix, _, _ in documents_of_class(kind):
            value = link_value(kind, f"{V}name", current=suffix, describes=None if kind == "page" else f"{V}iri")
            links.append((_quote(f"|{kind}|{suffix}"), _quote(value)))
    links.append((_quote(f"|page|{PAGE_TABLE}"), _quote(table_link_value(f"{V}name"))))
    return (
        _map(f"{V}class", "chosen", chosen)
        + _map(f'"{V}self:{V}class:{V}chosen"', "target", targets)
        + _map(f"{V}target", "vary", varies, f'"{NEGOTIATED_VARY}"')
        + _map(f'"{V}target|{V}class|{V}self"', "link", links)
    )


def _http(base_path: str, default_lang: str, base_iri: str) -> str:
    head = [
        "# CAP PTCE: content negotiation for nginx, written by `cap-ptce publish`.",
        f"# Include this file in the http {{ }} context, and {SERVER_FILE} in the server {{ }}.",
        "# Accept and Accept-Language are read as the app reads them (q-values, most specific range first):",
        "# each media type gets a key QQQQL (q-value in thousandths, level of the range), the first highest wins.",
    ]
    accept = _map("$http_accept", "accept", [("''", "'*/*'"), ("'~^[ \\t]*$'", "'*/*'")], "$http_accept")
    for step in CHAIN:
        accept += [
            f"# {step.name}: {step.media_type}",
            *_key_maps(step.name, f"{V}accept", media_type_ranges(step.media_type)),
        ]
    body = accept + _chain_maps() + _language_maps(default_lang) + _path_maps(base_path, base_iri) + _answer_maps()
    body += [
        "# A download is an attachment, under its own name, as the app sends it.",
        *_map("$uri", "disposition", [(_quote(f"~^{base_path}{DOWNLOAD}$"), "'attachment; filename=\"$1\"'")]),
    ]
    return "\n".join(head + body + [""])


def _alias_lines(root: str, aliases: Mapping[str, str]) -> list[str]:
    if not aliases:
        return []
    lines = ["    # Pages with one address per language (the app's /explorer is the English explorer): their document."]
    return lines + [f"    if ($uri = {root}/{path}) {{ return 303 {root}/{doc}; }}" for path, doc in aliases.items()]


def _add_headers(headers: dict[str, str], indent: int = 4) -> list[str]:
    """``add_header`` lines for ``headers`` and the security headers, on every answer (errors too)."""
    both = {**headers, **SECURITY_HEADERS}
    return [f'{" " * indent}add_header {name} "{value}" always;' for name, value in both.items()]


def _bare_base(root: str) -> list[str]:
    """The base path without its slash: nginx's own 301 would name the client's Host, and add no header of ours."""
    if not root:
        return []
    return [
        f"location = {root} {{",
        "    absolute_redirect off;",
        *_add_headers(cors_headers(ANY_ORIGIN)),
        f"    return 301 {root}/;",
        "}",
    ]


def _server(base_path: str, aliases: Mapping[str, str]) -> str:
    root = base_path.rstrip("/")
    types = " ".join(f"{media_type} {suffix};" for suffix, media_type in media_types())
    text_types = " ".join(media_type for _, media_type in media_types() if names_its_charset(media_type))
    lines = [
        "# CAP PTCE: content negotiation for nginx, written by `cap-ptce publish`.",
        f"# Include in the server {{ }} whose `root` serves the site's files at {base_path};",
        f"# {HTTP_FILE} must be included in the http {{ }} context.",
        *_bare_base(root),
        f"location {base_path} {{",
        f"    error_page 404 {root}/404.html;",
        "    charset utf-8;",
        f"    charset_types text/css {text_types};",
        f"    types {{ text/html html; text/css css; {types} }}",
        "    default_type text/plain;",
        "    # Redirects say the path only: never the client's Host header, nor a scheme a TLS proxy would hide.",
        "    absolute_redirect off;",
        *_add_headers(cors_headers(ANY_ORIGIN)),
        f"    add_header Vary {V}vary always;",
        f"    add_header Link {V}link always;",
        f"    add_header Content-Disposition {V}disposition;  # a download's, on a 200 (or 304) only",
        "    # The rules themselves are not published.",
        f'    if ($uri ~ "^{root}/{UNPUBLISHED}$") {{ return 404; }}',
        "    # A browser's CORS preflight (a long Accept makes one): allowed, as the app allows it. nginx gives an",
        "    # if block none of the add_header above, hence all of them again.",
        "    if ($request_method = OPTIONS) {",
        *_add_headers(cors_headers(ANY_ORIGIN, preflight=True, methods=STATIC_METHODS), indent=8),
        "        return 204;",
        "    }",
        "    # Only GET and HEAD read the site, as in the app: any other method is refused (not sent on a 303).",
        f"    if ($request_method !~ ^({'|'.join(READ_METHODS)})$) {{",
        *_add_headers({**cors_headers(ANY_ORIGIN), "Allow": STATIC_METHODS}, indent=8),
        "        return 405;",
        "    }",
        "    # The kind of resource a path names, by the documents beside it: none until found, and none for the",
        "    # redirects below (the Vary and Link maps read it: unset, nginx warns on each request, the icon's too).",
        f'    set {V}class "";',
        "    # VoID discovery (RFC 5785).",
        f"    if ($uri = {root}/.well-known/void) {{ return 303 {root}/dataset.ttl; }}",
        "    # The icon that browsers ask of every site, as the app answers it.",
        f"    if ($uri = {root}/favicon.ico) {{ return 301 {root}/static/favicon.svg; }}",
        *_alias_lines(root, aliases),
    ]
    for kind, suffix, _ in CLASSES:
        if kind not in OVER:
            lines.append(f"    if (-f $document_root{V}stem.{suffix}) {{ set {V}class {kind}; }}")
            continue
        # nginx has no "and": the kind found so far and the document, read together
        lines += [
            f'    set {V}over_{kind} "";',
            f'    if (-f $document_root{V}stem.{suffix}) {{ set {V}over_{kind} "${{cap_ptce_class}}:{suffix}"; }}',
            f'    if ({V}over_{kind} = "{OVER[kind]}:{suffix}") {{ set {V}class {kind}; }}',
        ]
    lines += [
        "    # A folder that is no resource is not found, as in the app (nginx would answer 403, or 301 and 403).",
        f'    set {V}folder "";',
        f'    if (-d $request_filename) {{ set {V}folder "${{cap_ptce_class}}:folder"; }}',
        f'    if ({V}folder = ":folder") {{ return 404; }}',
    ]
    lines += [
        "    # An IRI: 303 See Other to the document asked for, or 406 when none is acceptable.",
        f"    if ({V}target = 406) {{ return 406 {_quote(not_acceptable_text())}; }}",
        f"    if ({V}target) {{ return 303 {V}target; }}",
        "}",
        "",
    ]
    return "\n".join(lines)
