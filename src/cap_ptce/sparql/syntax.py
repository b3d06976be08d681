"""The engine's parse errors in words that say what is wrong, where, and what to do.

pyoxigraph reports a syntax error as a position and the tokens it expected
there. A few of its sentences mislead, and are said otherwise here.
"""

from __future__ import annotations

import re

from .. import errors

__all__ = ["syntax_error"]

_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
_MAX_MESSAGE = 300
# the engine lists the character ranges it expected: noise for a person reading the error, but for digits
_CHAR_CLASS = re.compile(r",?\s*\[(?:'[^\]]*|_)\](?=,|$)", re.DOTALL)
_DIGITS = re.compile(r"\['0'\.\.='9'\]")
# a sentence of the engine's own among what it expected (LIMIT past 2^64 - 1): the whole message
_SENTENCE = re.compile(r"expected one of ([A-Z][a-z][^,\[]*?)(?:,|$)")


def syntax_error(exc: SyntaxError, query: str | None = None) -> errors.QuerySyntaxError:
    """pyoxigraph's parse error as a QuerySyntaxError with its line and column.

    With the ``query``'s text, two of the engine's sentences that mislead are
    said otherwise: « Prefix not found » names the prefix, and « should be a
    non negative integer » says that a LIMIT or OFFSET past 2^64 - 1 is too large.
    """
    text = str(exc)
    match = _POSITION.search(text)
    message = _DIGITS.sub("a digit", _POSITION.sub("", text, count=1).strip())
    sentence = _SENTENCE.search(message)
    if sentence:
        message = sentence.group(1).strip()
    message = _CHAR_CLASS.sub("", message).replace(", ,", ",").strip(" ,")
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE].rstrip() + "…"
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    said = _said_otherwise(message, query, line, column) if query is not None else None
    return errors.QuerySyntaxError(
        said or f"SPARQL syntax error: {message}",
        line=line,
        column=column,
        hint="corrigez la requête à cette position / fix the query at this position",
    )


_PREFIXED = re.compile(r"(?<![\w<\"'?$])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
_TOO_LARGE = re.compile(r"The query (limit|offset) should be a non negative integer")


def _said_otherwise(message: str, query: str, line: int | None, column: int | None) -> str | None:
    """Our words for an engine's sentence that misleads, or None."""
    large = _TOO_LARGE.search(message)
    if large:
        word = large.group(1).upper()
        return f"{word} trop grand : au plus 18446744073709551615 / {word} too large: at most 18446744073709551615"
    if "Prefix not found" in message and line is not None and column is not None:
        lines = query.splitlines()
        before = lines[line - 1][: max(column - 1, 0)] if 0 < line <= len(lines) else ""
        used = [found.group(1) or "" for found in _PREFIXED.finditer(before)]
        if used:
            name = used[-1]
            return (
                f"préfixe inconnu « {name}: » : déclarez-le en tête (PREFIX {name}: <…>) / "
                f"unknown prefix '{name}:': declare it first (PREFIX {name}: <…>)"
            )
    return None
