"""Run a checked query on a pyoxigraph store and write its results.

This is what a worker process does (see :mod:`cap_ptce.sparql.workers`); it is
also called in-process by Python users who need no time limit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import QueryTooLargeError
from .formats import ResultFormat
from .inspect import QueryInfo

__all__ = ["QueryRequest", "QueryResult", "execute", "dataset_options", "write_solutions", "write_triples"]


@dataclass(frozen=True)
class QueryRequest:
    """A query and its protocol dataset (None: not given, so the query's own FROM or the union)."""

    text: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None

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


def execute(store: ox.Store, request: QueryRequest, info: QueryInfo, fmt: ResultFormat,
            max_rows: int, prefixes: dict[str, str] | None = None) -> QueryResult:
    """Run ``request`` on ``store`` and write its results as ``fmt``, refusing more than ``max_rows``."""
    results = store.query(request.text, base_iri=request.base_iri, **dataset_options(request, info))
    if isinstance(results, ox.QueryBoolean):
        return QueryResult(fmt, results.serialize(format=fmt.oxigraph), 1)
    if isinstance(results, ox.QuerySolutions):
        return write_solutions(results, fmt, max_rows)
    return write_triples(results, fmt, max_rows, prefixes)


def _capped(iterable, max_rows: int, what: str) -> list:
    rows = list(itertools.islice(iterable, max_rows + 1))
    if len(rows) > max_rows:
        raise QueryTooLargeError(
            f"the result has more than {max_rows} {what}",
            hint=f"ajoutez LIMIT/OFFSET pour paginer / add LIMIT and OFFSET to page through (max {max_rows})",
        )
    return rows


def write_solutions(solutions: ox.QuerySolutions, fmt: ResultFormat, max_rows: int) -> QueryResult:
    # pyoxigraph only writes results that it produced or parsed. To stop at the
    # cap and still use its writers, rows are drawn one by one and handed back
    # in TSV, whose term syntax is exactly str(term): the bytes are identical.
    names = [str(variable) for variable in solutions.variables]
    rows = _capped(solutions, max_rows, "rows")
    lines = ["\t".join(names)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in rows)
    tsv = ("\n".join(lines) + "\n").encode()
    parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return QueryResult(fmt, parsed.serialize(format=fmt.oxigraph), len(rows))


def write_triples(triples, fmt: ResultFormat, max_rows: int, prefixes) -> QueryResult:
    rows = _capped(triples, max_rows, "triples")
    if fmt.name == "ntriples":
        prefixes = None
    body = ox.serialize(rows, format=fmt.oxigraph, prefixes=prefixes)
    return QueryResult(fmt, body, len(rows))
