"""Query results as rows of plain Python values.

An IRI becomes its text, a blank node ``_:id``, a literal the Python value of
its datatype (``int`` for the integer types, ``Decimal`` for ``xsd:decimal``,
``float``, ``bool``, ``datetime.date`` and ``datetime.datetime``), and a plain
or language-tagged string its text. An unbound variable becomes ``None``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from ..errors import ParameterError, QueryRefusedError
from ..sparql import TABLE_FORMATS, QueryRequest, by_name

__all__ = ["TWIN_FORMATS", "python_value", "solutions_to_rows", "rows", "run_table", "serialise"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
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


# name -> Content-Type of the SPARQL 1.1 result formats (the endpoint's own table), CSV first
TWIN_FORMATS: dict[str, str] = {fmt.name: fmt.content_type for fmt in sorted(TABLE_FORMATS, key=lambda fmt: fmt.name)}


def run_table(
    kb: Any, sparql: str, *, timeout: float | None = None, max_rows: int = 10_000, client: str | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The variables and rows of a SELECT query run on the knowledge base ``kb``.

    The query goes through the knowledge base's checks (read-only, nothing
    outside the store) and, with a ``timeout``, runs in a worker that is stopped
    at the limit, shared with other ``client``s.
    """
    body, _ = serialise(kb, sparql, "json", timeout=timeout, max_rows=max_rows, client=client)
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    variables = [variable.value for variable in solutions.variables]
    return variables, solutions_to_rows(solutions, variables)


def rows(kb: Any, sparql: str, *, timeout: float | None = None, max_rows: int = 10_000) -> list[dict[str, Any]]:
    """The rows of a SELECT query run on ``kb``, as dicts of Python values."""
    return run_table(kb, sparql, timeout=timeout, max_rows=max_rows)[1]


def serialise(
    kb: Any, sparql: str, fmt: str, *, timeout: float | None = None, max_rows: int = 10_000, client: str | None = None
) -> tuple[bytes, str]:
    """The results of a SELECT query in a SPARQL 1.1 result format (csv, json, tsv, xml), and its media type."""
    if fmt not in TWIN_FORMATS:
        raise ParameterError(
            f"format de résultats inconnu / unknown result format {fmt!r}",
            key="format",
            hint=f"formats : {', '.join(TWIN_FORMATS)}",
        )
    request = QueryRequest(sparql)
    info = kb.check(request)
    if info.form != "SELECT":
        raise QueryRefusedError(
            f"une requête {info.form} ne donne pas de tableau / a {info.form} query gives no table",
            hint="écrivez une requête SELECT / write a SELECT query",
        )
    result = kb.run(request, by_name("SELECT", fmt), timeout=timeout, max_rows=max_rows, info=info, client=client)
    return result.body, result.format.content_type
