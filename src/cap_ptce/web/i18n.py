"""The language of each request, and the wording that every template gets.

Messages come from the one catalogue, :mod:`cap_ptce.i18n`.
:func:`current_lang` decides the language of a request:
a language fixed by the URL (``page.en.html``), then ``?lang=``, then the best
match of ``Accept-Language``, then the ``DEFAULT_LANG`` setting. Data labels
(grid texts, concept labels) are localised with :func:`localise`, so that a page
never mixes two languages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request

from ..dossier.values import readable_date
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, localise, one_language, other_language, t
from ..rdf.negotiation import negotiate_language
from ..rdf.weblinks import web_link
from . import links

__all__ = ["choose_lang", "current_lang", "init_app"]


def choose_lang(fixed: str | None, param: str | None, accept_language: str | None, default: str) -> str:
    """The language of a page, from the most explicit wish to the least (see the module doc).

    ``Accept-Language`` is read as the static servers' rules read it
    (:func:`cap_ptce.rdf.negotiation.negotiate_language`): a tie, or no language of ours, gives ``default``.
    """
    for wish in (fixed, param):
        if wish in LANGUAGES:
            return wish
    default = default if default in LANGUAGES else DEFAULT_LANGUAGE
    return negotiate_language(accept_language, [default, *(lang for lang in LANGUAGES if lang != default)])


def route_lang(routes: dict[str, str]) -> str:
    """The language of a page served under one path per language (``routes``: language -> path), fixed for the request."""
    lang = next(code for code, path in routes.items() if request.path.startswith(path))
    g.lang = lang
    return lang


def peek_lang() -> str:
    """The language :func:`current_lang` would give, without marking the answer as depending on it."""
    default = current_app.config.get("DEFAULT_LANG", DEFAULT_LANGUAGE)
    if not has_request_context():
        return default
    return choose_lang(g.get("lang"), request.args.get("lang"), request.headers.get("Accept-Language"), default)


def current_lang() -> str:
    """The language of the current request (``DEFAULT_LANG`` outside a request).

    When neither the URL nor ``?lang=`` fixes it, the answer depends on
    ``Accept-Language``: the request is marked so, and the answer gets
    ``Vary: Accept-Language`` (:mod:`.headers`), so that no cache serves a
    French page to an English reader.
    """
    default = current_app.config.get("DEFAULT_LANG", DEFAULT_LANGUAGE)
    if not has_request_context():
        return default
    fixed, param = g.get("lang"), request.args.get("lang")
    if fixed not in LANGUAGES and param not in LANGUAGES:
        g.lang_from_header = True
    return choose_lang(fixed, param, request.headers.get("Accept-Language"), default)


def _switch_url(lang: str) -> str:
    """The current page in the other language: its document twin, or the same URL with ``?lang=``."""
    target = other_language(lang)
    doc_path = g.get("doc_path")
    if doc_path is not None:
        return links.relative(request.path, links.html_document(doc_path, target))
    args = request.args.to_dict()
    args["lang"] = target
    return links.relative(request.path, request.path) + "?" + urlencode(sorted(args.items()))


def _canonical() -> str | None:
    """The address of this document under the base, for ``<link rel="canonical">``: pages only, no query."""
    if not has_request_context() or g.get("doc_path") is None or g.get("error_page"):
        return None
    return links.base_iri(current_app.config) + request.path.lstrip("/")


def _template_context() -> dict[str, Any]:
    lang = current_lang()
    here = request.path if has_request_context() else "/"
    return {
        "lang": lang,
        "other_lang": other_language(lang),
        "t": lambda key, **params: t(key, lang, **params),
        "t_in": lambda key, other, **params: t(key, other, **params),
        "has_text": lambda key: key in catalogue(),
        "page_in": lambda path, other: links.relative(here, links.html_document(path, other)),
        "canonical": _canonical(),
        "loc": lambda value: localise(value, lang),
        "one": lambda text: one_language(text, lang),  # a reader's « français / English » message
        "date_words": lambda value: readable_date(value, lang),  # « 10 janvier 2014 »
        "rel": lambda path: links.relative(here, path),
        "page": lambda path: links.relative(here, links.html_document(path, lang)),
        "switch_url": _switch_url(lang) if has_request_context() else "",
        "publishing": current_app.config.get("PUBLISHING", False),
    }


def init_app(app: Flask) -> None:
    """Give every template ``lang``, ``t()``, ``loc()``, ``date_words()``, ``rel()``, ``page()``, ``switch_url`` and
    ``|web_link``."""
    app.context_processor(_template_context)
    app.add_template_filter(web_link, "web_link")
