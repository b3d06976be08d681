"""French and English for everything the web app shows.

Strings live in ``messages/*.yaml`` (one file per area, ``key: {fr: ..., en: ...}``);
:func:`t` looks one up. :func:`current_lang` decides the language of a request:
a language fixed by the URL (``page.en.html``), then ``?lang=``, then the best
match of ``Accept-Language``, then the ``DEFAULT_LANG`` setting. Data labels
(grid texts, concept labels) are localised with :func:`localise`, so that a page
never mixes two languages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode

import yaml
from flask import Flask, current_app, g, has_request_context, request

from . import links

__all__ = ["LANGS", "catalogue", "t", "localise", "choose_lang", "current_lang", "other_lang", "init_app"]

LANGS = ("fr", "en")
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message key with its French and English text, from all message files."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: message key {key!r} is already defined in another file")
            if not isinstance(texts, dict) or set(texts) != set(LANGS):
                raise ValueError(f"{path.name}: message {key!r} must have exactly the keys fr and en")
            merged[key] = texts
    return merged


def t(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    try:
        text = catalogue()[key][lang]
    except KeyError:
        # A missing key is a bug in a template: fail loudly in tests, never show a raw key.
        raise KeyError(f"no message {key!r} in {lang!r}; add it to src/cap_ptce/web/messages/") from None
    return text.format(**params) if params else text


def localise(value: Any, lang: str) -> str:
    """A data label in ``lang``: ``value`` has ``fr``/``en`` attributes or keys, or is a plain string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return value.get(lang) or value.get("fr") or ""
    return getattr(value, lang, None) or getattr(value, "fr", "") or ""


def choose_lang(fixed: str | None, param: str | None, accept_languages: Any, default: str) -> str:
    """The language of a page, from the most explicit wish to the least (see the module doc)."""
    for wish in (fixed, param):
        if wish in LANGS:
            return wish
    best = accept_languages.best_match(LANGS) if accept_languages is not None else None
    return best or (default if default in LANGS else LANGS[0])


def current_lang() -> str:
    """The language of the current request (``DEFAULT_LANG`` outside a request)."""
    default = current_app.config.get("DEFAULT_LANG", LANGS[0])
    if not has_request_context():
        return default
    return choose_lang(g.get("lang"), request.args.get("lang"), request.accept_languages, default)


def other_lang(lang: str) -> str:
    """The language the switch on a page in ``lang`` offers."""
    return LANGS[1] if lang == LANGS[0] else LANGS[0]


def _switch_url(lang: str) -> str:
    """The current page in the other language: its document twin, or the same URL with ``?lang=``."""
    target = other_lang(lang)
    doc_path = g.get("doc_path")
    if doc_path is not None:
        return links.relative(request.path, links.html_document(doc_path, target))
    args = request.args.to_dict()
    args["lang"] = target
    return links.relative(request.path, request.path) + "?" + urlencode(sorted(args.items()))


def _template_context() -> dict[str, Any]:
    lang = current_lang()
    here = request.path if has_request_context() else "/"
    return {
        "lang": lang,
        "other_lang": other_lang(lang),
        "t": lambda key, **params: t(key, lang, **params),
        "loc": lambda value: localise(value, lang),
        "rel": lambda path: links.relative(here, path),
        "page": lambda path: links.relative(here, links.html_document(path, lang)),
        "switch_url": _switch_url(lang) if has_request_context() else "",
        "publishing": current_app.config.get("PUBLISHING", False),
    }


def init_app(app: Flask) -> None:
    """Give every template ``lang``, ``t()``, ``loc()``, ``rel()``, ``page()`` and ``switch_url``."""
    app.context_processor(_template_context)
