"""Run a checked query on a pyoxigraph store and write its results.

This is what a worker process does (see :mod:`cap_ptce.sparql.workers`); it is
also called in-process by Python users who need no time limit.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import QueryTooLargeError
from .formats import ResultFormat
from .inspect import QueryInfo

__all__ = ["QueryRequest", "QueryResult", "execute", "dataset_options", "write_solutions", "write_triples"]

_SPARQL_SPACE = " \t\r\n"  # the grammar's WS; str.rstrip() alone would also take U+00A0, which the engine refuses


@dataclass(frozen=True)
class QueryRequest:
    """A query and its protocol dataset (None: not given, so the query's own FROM or the union).

    ``ready_made``: the text is one of the catalogue's ready-made queries (with
    checked parameters), or another of the program's own queries (the
    explorer's table), whose cost is known; such a query may run where it
    cannot be stopped at the time limit, on the shared in-memory copy
    (:mod:`.memory`). Never set it for a text that a user wrote.
    """

    text: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    ready_made: bool = False

    @property
    def has_protocol_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class QueryResult:
    """Serialised results: the format, the bytes and how many rows (or triples) they hold."""

    format: ResultFormat
    body: bytes
    count: int


def dataset_options(request: QueryRequest, info: QueryInfo) -> dict:
    """pyoxigraph keyword arguments for the request's dataset.

    The protocol's dataset wins over the query's FROM; a graph that is named but
    does not exist is simply empty. Without either, the default graph is the
    union of every graph, so that one query spans all the projects.
    """
    if request.has_protocol_dataset:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in request.default_graphs or ()],
            "named_graphs": [ox.NamedNode(iri) for iri in request.named_graphs or ()],
        }
    if info.from_graphs or info.from_named_graphs:
        return {}  # the engine reads FROM and FROM NAMED itself, from the store only
    return {"use_default_graph_as_union": True}


def execute(
    store: ox.Store,
    request: QueryRequest,
    info: QueryInfo,
    fmt: ResultFormat,
    max_rows: int,
    prefixes: dict[str, str] | None = None,
) -> QueryResult:
    """Run ``request`` on ``store`` and write its results as ``fmt``, refusing more than ``max_rows``.

    The engine reads the text without its trailing spaces and newlines: they mean
    nothing, but they move where it reports a syntax error at the end of the query
    (« expected OPTIONAL » at 2:1, a line a one-line query has not, for a final
    newline; 1:26 and « expected one of LATERAL, SERVICE » without it). What is
    left is the user's text from its first character, so a position is theirs.
    """
    results = store.query(
        request.text.rstrip(_SPARQL_SPACE), base_iri=request.base_iri, **dataset_options(request, info)
    )
    if isinstance(results, ox.QueryBoolean):
        return QueryResult(fmt, results.serialize(format=fmt.oxigraph), 1)
    if isinstance(results, ox.QuerySolutions):
        return write_solutions(results, fmt, max_rows)
    return write_triples(results, fmt, max_rows, prefixes)


_WHAT = {"rows": "lignes", "triples": "triplets"}  # what a result counts, in French


def _too_large(max_rows: int, what: str) -> QueryTooLargeError:
    return QueryTooLargeError(
        f"le résultat a plus de {max_rows} {_WHAT[what]} / the result has more than {max_rows} {what}",
        hint=f"ajoutez LIMIT/OFFSET pour paginer / add LIMIT and OFFSET to page through (max {max_rows})",
    )


def _capped(iterable, max_rows: int, what: str) -> list:
    """The items of ``iterable``, or QueryTooLargeError when there are more than ``max_rows``."""
    rows = list(itertools.islice(iterable, max_rows + 1))
    if len(rows) > max_rows:
        raise _too_large(max_rows, what)
    return rows


class _RowCap(io.RawIOBase):
    """A sink for pyoxigraph's TSV writer that keeps the bytes and stops past ``max_rows`` lines.

    TSV writes one line per row after the header (a newline inside a literal is
    escaped), so counting newlines counts rows exactly; raising from ``write``
    stops the engine's writer, and with it the query, at the cap.
    """

    def __init__(self, max_rows: int) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.lines = 0
        self.max_lines = max_rows + 1  # the header line

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_lines:
            raise _TooManyRows
        self.parts.append(chunk)
        return len(chunk)


class _TooManyRows(Exception):
    pass


def write_solutions(solutions: ox.QuerySolutions, fmt: ResultFormat, max_rows: int) -> QueryResult:
    """The solutions written as ``fmt``, or QueryTooLargeError past ``max_rows`` rows.

    pyoxigraph writes TSV into a sink that counts rows, then reads it back and
    writes ``fmt``: both steps run in the engine, never row by row in Python
    (which took 40 % more time than the query itself on 1,000 rows of 10 columns).
    TSV's term syntax is lossless, so the bytes are those of a direct write.
    """
    sink = _RowCap(max_rows)
    try:
        solutions.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _TooManyRows:
        raise _too_large(max_rows, "rows") from None
    parsed = ox.parse_query_results(b"".join(sink.parts), ox.QueryResultsFormat.TSV)
    return QueryResult(fmt, parsed.serialize(format=fmt.oxigraph), max(0, sink.lines - 1))


def write_triples(triples, fmt: ResultFormat, max_rows: int, prefixes) -> QueryResult:
    rows = _capped(triples, max_rows, "triples")
    if fmt.name == "ntriples":
        prefixes = None
    body = ox.serialize(rows, format=fmt.oxigraph, prefixes=prefixes)
    return QueryResult(fmt, body, len(rows))
