"""Query results as rows of plain Python values.

An IRI becomes its text, a blank node ``_:id``, a literal the Python value of
its datatype (``int`` for the integer types, ``Decimal`` for ``xsd:decimal``,
``float``, ``bool``, ``datetime.date`` and ``datetime.datetime``), and a plain
or language-tagged string its text. An unbound variable becomes ``None``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import pyoxigraph as ox

__all__ = ["python_value", "solutions_to_rows"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte",
}


def _boolean(text: str) -> bool:
    return text.strip() in {"true", "1"}


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    **{_XSD + name: int for name in _INTEGER_TYPES},
    _XSD + "decimal": Decimal,
    _XSD + "double": float,
    _XSD + "float": float,
    _XSD + "boolean": _boolean,
    _XSD + "date": datetime.date.fromisoformat,
    _XSD + "dateTime": datetime.datetime.fromisoformat,
}


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """The Python value of one RDF term (None for an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        convert = _CONVERTERS.get(term.datatype.value)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except (ValueError, InvalidOperation):
            return term.value  # an ill-typed literal keeps its lexical form rather than failing
    return str(term)


def solutions_to_rows(solutions: Iterable[ox.QuerySolution], variables: list[str]) -> list[dict[str, Any]]:
    """Rows as dicts, keyed by variable name in the query's projection order."""
    return [{name: python_value(solution[name]) for name in variables} for solution in solutions]
