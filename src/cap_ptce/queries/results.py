"""Query results as rows of plain Python values.

An IRI becomes its text, a blank node ``_:id``, a literal the Python value of
its datatype (``int`` for the integer types, ``Decimal`` for ``xsd:decimal``,
``float``, ``bool``, ``datetime.date`` and ``datetime.datetime``), and a plain
or language-tagged string its text. An unbound variable becomes ``None``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from ..errors import ParameterError, QueryRefusedError
from ..sparql import TABLE_FORMATS, QueryRequest, by_name

__all__ = [
    "TWIN_FORMATS",
    "CSVW",
    "python_value",
    "solutions_to_rows",
    "rows",
    "run_table",
    "run_terms",
    "serialise",
    "tsv_with_plain_numbers",
    "column_datatypes",
    "csvw_metadata",
]

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


def run_terms(
    kb: Any,
    sparql: str,
    *,
    timeout: float | None = None,
    max_rows: int = 10_000,
    client: str | None = None,
    ready_made: bool = False,
) -> tuple[list[str], list[list[Any]]]:
    """The variables and rows of a SELECT query run on ``kb``, as pyoxigraph terms (None when unbound)."""
    body, _ = serialise(kb, sparql, "json", timeout=timeout, max_rows=max_rows, client=client, ready_made=ready_made)
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    variables = [variable.value for variable in solutions.variables]
    return variables, [[solution[name] for name in variables] for solution in solutions]


def run_table(
    kb: Any,
    sparql: str,
    *,
    timeout: float | None = None,
    max_rows: int = 10_000,
    client: str | None = None,
    ready_made: bool = False,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The variables and rows of a SELECT query run on the knowledge base ``kb``.

    The query goes through the knowledge base's checks (read-only, nothing
    outside the store) and, with a ``timeout``, runs in a worker that is stopped
    at the limit, shared with other ``client``s. ``ready_made``: the text is a
    ready-made query of the catalogue, which may run on the server's shared
    in-memory copy (:attr:`cap_ptce.sparql.QueryRequest.ready_made`); never for
    a text that a user wrote.
    """
    variables, terms = run_terms(kb, sparql, timeout=timeout, max_rows=max_rows, client=client, ready_made=ready_made)
    return variables, [{name: python_value(term) for name, term in zip(variables, row)} for row in terms]


def rows(kb: Any, sparql: str, *, timeout: float | None = None, max_rows: int = 10_000) -> list[dict[str, Any]]:
    """The rows of a SELECT query run on ``kb``, as dicts of Python values."""
    return run_table(kb, sparql, timeout=timeout, max_rows=max_rows)[1]


def serialise(
    kb: Any,
    sparql: str,
    fmt: str,
    *,
    timeout: float | None = None,
    max_rows: int = 10_000,
    client: str | None = None,
    ready_made: bool = False,
) -> tuple[bytes, str]:
    """The results of a SELECT query in a SPARQL 1.1 result format (csv, json, tsv, xml), and its media type."""
    if fmt not in TWIN_FORMATS:
        raise ParameterError(
            f"format de résultats inconnu / unknown result format {fmt!r}",
            key="format",
            hint=f"formats : {', '.join(TWIN_FORMATS)}",
        )
    request = QueryRequest(sparql, ready_made=ready_made)
    info = kb.check(request)
    if info.form != "SELECT":
        raise QueryRefusedError(
            f"une requête {info.form} ne donne pas de tableau / a {info.form} query gives no table",
            hint="écrivez une requête SELECT / write a SELECT query",
        )
    wanted = "json" if fmt == "tsv" else fmt
    result = kb.run(request, by_name("SELECT", wanted), timeout=timeout, max_rows=max_rows, info=info, client=client)
    if fmt == "tsv":
        solutions = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        variables = [variable.value for variable in solutions.variables]
        return tsv_with_plain_numbers(variables, [[s[name] for name in variables] for s in solutions]), TWIN_FORMATS[
            fmt
        ]
    return result.body, result.format.content_type


# --- TSV and CSV for analysis tools ----------------------------------------------------

_NUMBER_TYPES = {**dict.fromkeys((_XSD + name for name in _INTEGER_TYPES), "integer")}
_NUMBER_TYPES.update({_XSD + "decimal": "decimal", _XSD + "double": "double", _XSD + "float": "float"})


def _tsv_cell(term: Any) -> str:
    """A term as SPARQL TSV writes it (Turtle syntax), numbers as plain numbers of the same datatype.

    Turtle writes an integer as ``3``, a decimal as ``3.0`` and a double as
    ``3.0E0``; a decimal whose lexical form has no point (``"3"^^xsd:decimal``,
    what SUM gives for 3) is written ``3.0``: the same value and datatype, and a
    number for R, pandas or a spreadsheet rather than a string with a datatype.
    """
    if term is None:
        return ""
    kind = _NUMBER_TYPES.get(term.datatype.value) if isinstance(term, ox.Literal) else None
    text = term.value if kind else ""
    if kind == "integer" and re.fullmatch(r"[+-]?[0-9]+", text):
        return text
    if kind == "decimal" and re.fullmatch(r"[+-]?[0-9]*(\.[0-9]+)?", text) and text.strip("+-"):
        return text if "." in text else text + ".0"
    if kind in {"double", "float"} and re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+([eE][+-]?[0-9]+)?", text):
        return text if text.lower().count("e") else text + "E0"
    return str(term)


def tsv_with_plain_numbers(variables: list[str], rows: list[list[Any]]) -> bytes:
    """SPARQL 1.1 TSV results (header ``?name``…), with numbers written as plain Turtle numbers."""
    lines = ["\t".join("?" + name for name in variables)]
    lines += ["\t".join(_tsv_cell(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


CSVW = "application/csvm+json"
_CSVW_TYPES = {
    **_NUMBER_TYPES,
    _XSD + "boolean": "boolean",
    _XSD + "date": "date",
    _XSD + "dateTime": "dateTime",
    _XSD + "gYear": "gYear",
    _XSD + "gYearMonth": "gYearMonth",
}


def _csvw_type(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return "anyURI"
    if isinstance(term, ox.Literal):
        return _CSVW_TYPES.get(term.datatype.value, "string")
    return "string"


def column_datatypes(variables: list[str], rows: list[list[Any]]) -> dict[str, str]:
    """Each column's CSVW datatype, from the terms it holds: a code stays a ``string`` ("01")."""
    found = {}
    for index, name in enumerate(variables):
        kinds = {_csvw_type(row[index]) for row in rows if row[index] is not None}
        if kinds == {"integer", "decimal"}:
            kinds = {"decimal"}
        found[name] = kinds.pop() if len(kinds) == 1 else "string"
    return found


def csvw_metadata(query: Any, variables: list[str], rows: list[list[Any]], url: str) -> dict[str, Any]:
    """The CSVW metadata (JSON-LD) of a ready-made query's CSV results at ``url``."""
    datatypes = column_datatypes(variables, rows)
    columns = [
        {
            "name": name,
            "titles": query.columns.get(name, {"fr": name, "en": name}),
            "datatype": datatypes[name],
            "required": False,
        }
        for name in variables
    ]
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": [{"@value": text, "@language": lang} for lang, text in query.title.items()],
        "dc:description": [{"@value": text, "@language": lang} for lang, text in query.description.items()],
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n", "\n"]},
        "tableSchema": {"columns": columns},
    }
