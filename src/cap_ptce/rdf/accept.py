"""How ``Accept`` and ``Accept-Language`` are read, written as regular expressions.

The app and the static servers' rules (nginx, Apache: :mod:`cap_ptce.publish.server_rules`)
must answer an IRI alike, and a web server can only match regular expressions. So the
reading is defined here once, as patterns that Python's ``re`` and PCRE read the same way:

- An element of the header names a range (``text/turtle``, ``text/*``, ``*/*``; ``fr``,
  ``fr-CA``, ``*``) with parameters and a q-value (RFC 9110, § 12.4.2: ``0`` to ``1``,
  three decimals at most). An element whose q-value is not one of these is ignored.
- The preference for a type is that of the most specific range naming it (``text/turtle``,
  then ``text/*``, then ``*/*``); among several elements of the same range, the first one.
  For a language, the first range of that language (``fr``, ``fr-FR``…), else ``*``.
- Each preference is a key of five digits, ``QQQQL``: the q-value in thousandths and the
  level of the range (2 exact, 1 ``type/*``, 0 ``*/*``). ``00000`` means not acceptable.
- Among the candidates, in the order offered, the first with the highest key wins
  (:func:`best`): werkzeug's ``best_match`` in all but duplicated and invalid elements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

__all__ = [
    "NOT_ACCEPTABLE",
    "element_pattern",
    "media_type_ranges",
    "language_ranges",
    "KEY_RULES",
    "GREATER",
    "preference",
    "best",
]

NOT_ACCEPTABLE = "00000"
_QVALUE = r"(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)"
_SPACE = r"[ \t]*"
# Parameters other than q (charset, profile…): they do not change what we answer.
_PARAMETERS = rf"(?:{_SPACE};(?!{_SPACE}[qQ]{_SPACE}=)[^;,]*)*"
# The q-value, then any extension parameters after it.
_WEIGHT = rf"(?:{_SPACE};{_SPACE}[qQ]{_SPACE}={_SPACE}{_QVALUE}(?:{_SPACE};[^,]*)?)?"


def element_pattern(range_pattern: str) -> str:
    """An element of a header naming ``range_pattern``; group 1 is its q-value (empty when none)."""
    return rf"(?:^|,){_SPACE}{range_pattern}{_PARAMETERS}{_WEIGHT}{_SPACE}(?:,|$)"


def media_type_ranges(media_type: str) -> tuple[tuple[int, str], ...]:
    """(level, range pattern) of the ranges that name ``media_type``, the most specific first."""
    kind = media_type.split("/", 1)[0]
    return ((2, re.escape(media_type)), (1, re.escape(kind) + r"/\*"), (0, r"\*/\*"))


def language_ranges(language: str) -> tuple[tuple[int, str], ...]:
    """(level, range pattern) of the ranges that name ``language`` (a primary subtag), then ``*``."""
    return ((1, re.escape(language) + r"(?:-[a-zA-Z0-9]{1,8})*"), (0, r"\*"))


# From "level:q-value" (what the patterns above capture) to the five-digit key, first match wins.
# Written once for the three readers: Python below, nginx maps and Apache rewrite rules.
# Each rule is (pattern, [group number or literal digits…]).
KEY_RULES: tuple[tuple[str, tuple[int | str, ...]], ...] = (
    (r"^[0-2]:0(?:\.0{0,3})?$", (NOT_ACCEPTABLE,)),
    (r"^([0-2]):$", ("1000", 1)),
    (r"^([0-2]):1", ("1000", 1)),
    (r"^([0-2]):0\.([0-9])([0-9])([0-9])$", ("0", 2, 3, 4, 1)),
    (r"^([0-2]):0\.([0-9])([0-9])$", ("0", 2, 3, "0", 1)),
    (r"^([0-2]):0\.([0-9])$", ("0", 2, "00", 1)),
)

# Matches "A:B" (two keys) when B is greater than A: the first digit where they differ is greater in B.
GREATER = r"^([0-9]*)(?:" + "|".join(f"{d}[0-9]*:\\1[{d + 1}-9]" for d in range(9)) + ")"


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _key(raw: str) -> str:
    for pattern, parts in KEY_RULES:
        match = re.search(pattern, raw)
        if match:
            return "".join(part if isinstance(part, str) else match[part] for part in parts)
    return NOT_ACCEPTABLE


def preference(header: str, ranges: Sequence[tuple[int, str]]) -> str:
    """The key (``QQQQL``) of what ``header`` says of a candidate named by ``ranges``."""
    for level, range_pattern in ranges:
        match = _compiled(element_pattern(range_pattern)).search(header)
        if match:
            return _key(f"{level}:{match[1] or ''}")
    return NOT_ACCEPTABLE


def best(header: str | None, candidates: Sequence[Sequence[tuple[int, str]]], *, anything: str = "*/*") -> int | None:
    """The index of the candidate ``header`` prefers (the first of the best), None if none is acceptable.

    A missing or blank header is read as ``anything`` (``*/*``, or ``*`` for languages):
    every candidate alike, so the first one wins.
    """
    header = header if header and header.strip() else anything
    found, best_key = None, NOT_ACCEPTABLE
    for index, ranges in enumerate(candidates):
        key = preference(header, ranges)
        if key > best_key:
            found, best_key = index, key
    return found
