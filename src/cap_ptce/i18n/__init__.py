"""French and English: the languages, and the one catalogue of every message we show or print.

Owns: :data:`LANGUAGES` (French first: the carriers are French), the message
catalogue in ``messages/*.yaml`` (one file per area, ``key: {fr: …, en: …}``),
:func:`t` to look a message up, :func:`localise` for data labels that come in
both languages, :func:`one_language` for a page showing a reader's « français /
English » error, the nearest-word hint (:mod:`.suggest`) and text folded for
search (:mod:`.folding`). The web, the
command line and the report renderers all read their wording here. May import:
``errors`` only; it is a foundation of every stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "catalogue",
    "t",
    "texts",
    "both",
    "words",
    "localise",
    "other_language",
    "one_language",
]

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message key with its French and English text, from all message files."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        # our own files, so the C loader (ten times faster; a cold start reads them all)
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for key, texts in (loaded or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: message key {key!r} is already defined in another file")
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
                raise ValueError(f"{path.name}: message {key!r} must have exactly the keys fr and en")
            merged[key] = texts
    return merged


def t(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    try:
        text = catalogue()[key][lang]
    except KeyError:
        # A missing key is a bug in a template: fail loudly in tests, never show a raw key.
        raise KeyError(f"no message {key!r} in {lang!r}; add it to src/cap_ptce/i18n/messages/") from None
    return text.format(**params) if params else text


def texts(key: str, **params: Any) -> dict[str, str]:
    """The message ``key`` in every language, French first (for RDF literals and bilingual data)."""
    return {lang: t(key, lang, **params) for lang in LANGUAGES}


def both(key: str, **params: Any) -> str:
    """The message ``key`` in French, then in English, as the command line writes its messages."""
    return " / ".join(texts(key, **params).values())


def words(area: str, lang: str) -> dict[str, str]:
    """Every message of ``area`` (``report`` for ``report.*`` keys) in ``lang``, by its name in the area."""
    prefix = area + "."
    return {key[len(prefix) :]: text[lang] for key, text in catalogue().items() if key.startswith(prefix)}


def localise(value: Any, lang: str) -> str:
    """A data label in ``lang``: ``value`` has ``fr``/``en`` attributes or keys, or is a plain string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return value.get(lang) or value.get(DEFAULT_LANGUAGE) or ""
    return getattr(value, lang, None) or getattr(value, DEFAULT_LANGUAGE, "") or ""


def other_language(lang: str) -> str:
    """The language a switch offers from ``lang``."""
    return LANGUAGES[1] if lang == LANGUAGES[0] else LANGUAGES[0]


# What a half of « français / English » must keep of the other: quoted values and figures.
# A single quote after a letter is an apostrophe (« l'indentation »), not the start of a value.
_QUOTED = re.compile(r"«\s*(.*?)\s*»|(?<!\w)'([^']*)'(?!\w)|\"([^\"]*)\"|(\d+)")


def one_language(text: str | None, lang: str) -> str | None:
    """The ``lang`` half of a reader's message written « français / English », for a page in ``lang``.

    The readers (``yamlstrict``, ``project``) write their errors in both languages
    in one string, which the command line prints as it is. A page shows one half,
    and the whole text whenever a half would lose something: more than one
    separator (where to cut is unknown), a half of one or two words (« écrire »,
    « au choix »), or a quoted value or figure that only the other half gives.
    """
    if not text:
        return text
    halves = text.split(" / ")
    if len(halves) != 2 or lang not in LANGUAGES:
        return text
    mine, other = halves[LANGUAGES.index(lang)], halves[1 - LANGUAGES.index(lang)]
    if len(mine.split()) < 3 or not _quoted(other) <= _quoted(mine):
        return text
    return mine


def _quoted(text: str) -> set[str]:
    # one group matched, the others are ""; a quoted sign alone (« " », ':') is written differently in
    # each language and names no value
    found = ("".join(groups) for groups in _QUOTED.findall(text))
    return {value for value in found if any(char.isalnum() for char in value)}
