"""What a query declares and groups, read from its tokens, to word the engine's errors.

The engine says « The SELECT contains a variable that is unbound » when a
SELECT aggregates (``COUNT(?o)``) and also keeps a plain variable that no
``GROUP BY`` names; it does not say which, nor that GROUP BY is the cure.
"""

from __future__ import annotations

from .inspect import tokens_at

__all__ = ["declared_prefixes", "ungrouped_variables"]

AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
_PROJECTION_ENDS = frozenset({"WHERE", "FROM"})
_MODIFIERS = frozenset({"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


def declared_prefixes(query: str) -> list[str]:
    """The prefixes that ``query`` declares (``PREFIX schema: <…>`` gives ``schema``)."""
    tokens = _tokens(query)
    return [
        tokens[index + 1][1].rstrip(":")
        for index, (kind, value) in enumerate(tokens[:-1])
        if kind == "word" and value.upper() == "PREFIX" and tokens[index + 1][0] == "pname"
    ]


def ungrouped_variables(query: str) -> tuple[list[str], bool] | None:
    """For the first SELECT that aggregates and keeps plain variables no GROUP BY names: those
    variables, and whether it has a GROUP BY at all. None when no SELECT is so."""
    tokens = _tokens(query)
    for index, (kind, value) in enumerate(tokens):
        if kind == "word" and value.upper() == "SELECT":
            plain, aggregates, where = _projection(tokens, index + 1)
            if not aggregates or not plain:
                continue
            grouped = _group_by(tokens, where)
            missing = [name for name in plain if name not in (grouped or ())]
            if missing:
                return missing, grouped is not None
    return None


def _tokens(query: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value, _ in tokens_at(query)]


def _projection(tokens, start: int) -> tuple[list[str], bool, int]:
    """The plain variables and whether there is an aggregate, from ``start`` to the WHERE clause's ``{``."""
    plain: list[str] = []
    aggregates = False
    depth = 0
    index = start
    while index < len(tokens):
        kind, value = tokens[index]
        word = value.upper() if kind == "word" else ""
        if depth == 0 and (word in _PROJECTION_ENDS or value == "{"):
            break
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
        elif kind == "var" and depth == 0 and value[1:] not in plain:
            plain.append(value[1:])
        aggregates = aggregates or word in AGGREGATES
        index += 1
    while index < len(tokens) and tokens[index][1] != "{":
        index += 1
    return plain, aggregates, index


def _group_by(tokens, where: int) -> list[str] | None:
    """The variables that the GROUP BY after the group at ``where`` names (``(… AS ?v)`` too), or None."""
    index = _after_group(tokens, where)
    if index + 1 >= len(tokens) or [v.upper() for _, v in tokens[index : index + 2]] != ["GROUP", "BY"]:
        return None
    grouped = []
    for kind, value in tokens[index + 2 :]:
        if value == "}" or value == "{" or (kind == "word" and value.upper() in _MODIFIERS):
            break
        if kind == "var":
            grouped.append(value[1:])
    return grouped


def _after_group(tokens, start: int) -> int:
    """The index after the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        value = tokens[index][1]
        depth += value == "{"
        depth -= value == "}"
        if depth == 0:
            return index + 1
    return len(tokens)
