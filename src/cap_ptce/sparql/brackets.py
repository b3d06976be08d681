"""Find the first bracket of a query left open, or closed without being opened.

The engine reports a missing ``)`` or ``}`` where it gave up reading, often a
line later and with a list of words it expected instead (« expected NOT »).
Counting the brackets ourselves points at the one that is wrong. Strings, IRIs
and comments are skipped by the tokenizer of :mod:`.inspect`, which reads them
as the SPARQL grammar does: ``<`` opens an IRI only when a ``>`` follows with
no space or ``<>"{}|^`\\`` before it, so ``?x < 3`` is a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from .inspect import line_column, tokens_at

__all__ = ["CLOSER_OF", "Bracket", "Unbalanced", "find_unbalanced"]

CLOSER_OF = {"(": ")", "[": "]", "{": "}"}
_OPENER_OF = {closing: opening for opening, closing in CLOSER_OF.items()}
_QUOTES = frozenset("'\"")


@dataclass(frozen=True)
class Bracket:
    """One bracket of the query and where it stands (line and column from 1)."""

    char: str
    line: int
    column: int


@dataclass(frozen=True)
class Unbalanced:
    """What is wrong with the brackets: ``bracket`` is the one to fix.

    ``kind`` is ``"unclosed"`` (opened, never closed), ``"unopened"`` (closes
    nothing) or ``"mismatched"`` (closes ``opened``, a bracket of another kind).
    """

    kind: str
    bracket: Bracket
    opened: Bracket | None = None


def find_unbalanced(text: str) -> Unbalanced | None:
    """The first bracket of ``text`` that is not balanced, or None when all are (or the text cannot be read)."""
    stack: list[Bracket] = []
    for kind, value, offset in tokens_at(text):
        if kind != "other":
            continue
        if value in _QUOTES:  # a string never ended: its brackets cannot be told from the query's
            return None
        if value in CLOSER_OF:
            stack.append(_bracket(text, value, offset))
        elif value in _OPENER_OF:
            found = _closes(stack, _bracket(text, value, offset))
            if found is not None:
                return found
    return Unbalanced("unclosed", stack[-1]) if stack else None


def _closes(stack: list[Bracket], closing: Bracket) -> Unbalanced | None:
    """Close the innermost open bracket with ``closing``, or say what is wrong."""
    if not stack:
        return Unbalanced("unopened", closing)
    wanted = _OPENER_OF[closing.char]
    if stack[-1].char == wanted:
        stack.pop()
        return None
    if any(open_.char == wanted for open_ in stack):  # it closes an outer one: the inner one was left open
        return Unbalanced("unclosed", stack[-1])
    return Unbalanced("mismatched", closing, stack[-1])


def _bracket(text: str, char: str, offset: int) -> Bracket:
    return Bracket(char, *line_column(text, offset))
