"""The knowledge base: the ontology, the grid, the shapes and a corpus of descriptions.

Each part sits in its own named graph:

==========================================  =====================================
``https://w3id.org/cap-ptce/def``            the ontology
``https://w3id.org/cap-ptce/grille/cap-ptce``  the grid
``https://w3id.org/cap-ptce/shapes``         the SHACL shapes
``{project IRI}/graphe``                     one project's description
``https://w3id.org/cap-ptce/graphe/provenance``  where each description came from
``https://w3id.org/cap-ptce/graphe/indicateurs``  per-project counts, recomputed at each load
``https://w3id.org/cap-ptce/graphe/lieux``   the places the corpus names, from the COG
``https://w3id.org/cap-ptce/graphe/organisations``  one organisation per SIREN or RNA
==========================================  =====================================

Queries without a dataset see the union of all graphs, and no triple sits in two
graphs, so that the union is a merge: a fact is counted once. The store is pyoxigraph
in memory, in a folder, or a remote SPARQL 1.1 server given by URL::

    >>> kb = KnowledgeBase.open()              # memory; a folder; or "http://host/sparql"
    >>> kb.load_reference_graphs()             # ontology, grid, shapes
    >>> report = kb.load_corpus("examples/corpus")
    >>> kb.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value

Owns: :class:`KnowledgeBase`, the embedded and remote back-ends (:mod:`.local`,
:mod:`.remote`), the provenance graph (:mod:`.provenance`), the places graph
(:mod:`.places`), the per-project indicators and the organisations
(:mod:`.indicators`) and the knowledge base that a deployment's settings
describe (:func:`.build.build_kb`). May import: the foundations, ``rdf``,
``geo`` (the places), ``grid``, ``validation`` (for the reference graphs),
``corpus`` and ``sparql``; never ``queries``, ``publish``, ``web`` or ``cli``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..corpus import (
    FileOutcome,
    GraphRecord,
    LoadReport,
    checksum_or_error,
    corpus_files,
    default_loader,
    default_validator,
    read_descriptions,
)
from ..errors import ParameterError, QueryRefusedError, RdfSyntaxError, StoreError
from ..sparql.execute import QueryRequest, QueryResult
from ..sparql.formats import ResultFormat, choose_format
from ..sparql.inspect import QueryInfo, inspect_query
from .indicators import INDICATORS_GRAPH, ORGANISATIONS_GRAPH, derived_graphs
from .local import LocalStore
from .places import PLACES_GRAPH
from .provenance import PROVENANCE_GRAPH, RECORDS_QUERY, record_from_row, records_to_ntriples
from .remote import RemoteStore, is_url

__all__ = [
    "KnowledgeBase",
    "LoadReport",
    "FileOutcome",
    "GraphRecord",
    "ONTOLOGY_GRAPH",
    "GRID_GRAPH",
    "SHAPES_GRAPH",
    "PROVENANCE_GRAPH",
    "INDICATORS_GRAPH",
    "ORGANISATIONS_GRAPH",
    "PLACES_GRAPH",
    "DERIVED_GRAPHS",
    "REFERENCE_GRAPHS",
]

ONTOLOGY_GRAPH = "https://w3id.org/cap-ptce/def"
GRID_GRAPH = "https://w3id.org/cap-ptce/grille/cap-ptce"
SHAPES_GRAPH = "https://w3id.org/cap-ptce/shapes"
REFERENCE_GRAPHS = {"ontology": ONTOLOGY_GRAPH, "grid": GRID_GRAPH, "shapes": SHAPES_GRAPH}
# What the knowledge base writes itself after each load, beside the descriptions.
DERIVED_GRAPHS = (PROVENANCE_GRAPH, PLACES_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH)


def _prefixes() -> dict[str, str]:
    from ..rdf.namespaces import PREFIXES

    return {name: str(namespace) for name, namespace in PREFIXES.items()}


def _reference_sources(license: str | None = None) -> dict[str, Callable[[], Any]]:
    from ..grid.rdf import grid_graph  # late: the grid and the shapes load rdflib and pySHACL's helpers
    from ..rdf.vocabulary import ontology_graph
    from ..validation.shapes import shapes_graph

    return {
        "ontology": partial(ontology_graph, license=license),
        "grid": partial(grid_graph, license=license),
        "shapes": shapes_graph,
    }


class KnowledgeBase:
    """Named graphs in a store, with their provenance, and safe SPARQL over them."""

    def __init__(self, backend: LocalStore | RemoteStore, location: str | None = None) -> None:
        self._backend = backend
        self.location = location
        self._graphs: frozenset[str] | None = None

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: str | Path | None = None,
        *,
        workers: int = 2,
        workers_in_memory: bool = True,
        query_memory_mib: int | None = None,
        graph_store: str | None = None,
    ) -> KnowledgeBase:
        """A knowledge base in memory (None), in a folder, or on a SPARQL server (an http(s) URL).

        ``workers`` query processes answer queries run with a time limit; with
        ``workers_in_memory`` each holds its own in-memory copy of the store. A
        query may use ``query_memory_mib`` MiB in its worker (None: no limit).
        """
        options = {"workers": workers, "query_memory_mib": query_memory_mib, "prefixes": _prefixes()}
        if location is None or str(location) == "":
            return cls(LocalStore(None, **options))
        if is_url(str(location)):
            return cls(RemoteStore(str(location), graph_store, prefixes=_prefixes()), str(location))
        return cls(LocalStore(Path(location), workers_in_memory=workers_in_memory, **options), str(location))

    @classmethod
    def temporary(
        cls, *, workers: int = 2, workers_in_memory: bool = True, query_memory_mib: int | None = None
    ) -> KnowledgeBase:
        """An on-disk knowledge base in a temporary folder, removed when it is closed."""
        folder = tempfile.mkdtemp(prefix="cap-ptce-store-")
        return cls(
            LocalStore(
                folder,
                temporary=True,
                workers=workers,
                workers_in_memory=workers_in_memory,
                query_memory_mib=query_memory_mib,
                prefixes=_prefixes(),
            )
        )

    def start_workers(self, *, wait: float | None = None) -> None:
        """Start the query processes now (rather than with the first query); ``wait`` for one to be ready."""
        if self.is_remote:
            return
        pool = self._backend.start_workers()
        if wait:
            pool.wait_until_ready(wait)

    @property
    def is_remote(self) -> bool:
        return isinstance(self._backend, RemoteStore)

    @property
    def store(self) -> ox.Store:
        """The embedded pyoxigraph store (not for remote knowledge bases)."""
        if self.is_remote:
            raise StoreError("a remote knowledge base has no embedded store", source=self.location)
        return self._backend.store

    # --- graphs -----------------------------------------------------------------------

    def graph_names(self) -> frozenset[str]:
        """The IRIs of the named graphs in the store (cached until the next load)."""
        if self._graphs is None:
            self._graphs = frozenset(self._backend.graph_names())
        return self._graphs

    def load_graph(self, iri: str, data: bytes | str, format: str = "text/turtle") -> int:
        """Replace the named graph ``iri`` with ``data`` (any RDF syntax pyoxigraph reads); its size."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        rdf_format = ox.RdfFormat.from_media_type(format) or ox.RdfFormat.from_extension(format)
        if rdf_format is None:
            raise ParameterError(
                f"unknown RDF format {format!r}",
                key="format",
                hint="a media type such as text/turtle, or an extension such as ttl",
            )
        try:
            quads = ox.parse(raw, format=rdf_format, base_iri=iri)
            triples = [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads]
        except SyntaxError as exc:
            raise RdfSyntaxError(f"the data for <{iri}> does not parse: {exc}") from None
        self._replace(iri, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        return len(triples)

    def _replace(self, iri: str, ntriples: bytes) -> None:
        self._backend.replace_graph(iri, ntriples)
        self._graphs = None

    def _drop(self, iri: str) -> None:
        self._backend.drop_graph(iri)
        self._graphs = None

    def load_reference_graphs(
        self, sources: Mapping[str, Callable[[], Any]] | None = None, *, license: str | None = None
    ) -> dict[str, int]:
        """Load the ontology, the grid (both under ``license``) and the shapes, each into its graph; their sizes."""
        sizes = {}
        for name, make_graph in (sources or _reference_sources(license)).items():
            graph = make_graph()
            self._replace(REFERENCE_GRAPHS[name], graph.serialize(format="nt", encoding="utf-8"))
            sizes[name] = len(graph)
        self._backend.flush()
        return sizes

    # --- corpus -----------------------------------------------------------------------

    def records(self) -> list[GraphRecord]:
        """The provenance of every description in the store."""
        return [record_from_row(row) for row in self._backend.select(RECORDS_QUERY)]

    def corpus_sources(self, folder: str | Path, *, scope: str | None = None) -> dict[str, Path]:
        """The description files under ``folder`` by the name the store records: relative, under ``scope``."""
        files = corpus_files(Path(folder))
        return {f"{scope}/{source}" if scope else source: path for source, path in files.items()}

    def removals(self, folder: str | Path, *, scope: str | None = None) -> list[GraphRecord]:
        """The descriptions that loading ``folder`` (in ``scope``) would remove: the store has them, the folder not."""
        sources = self.corpus_sources(folder, scope=scope)
        return [r for r in self.records() if _in_scope(r.source, scope) and r.source not in sources]

    def load_corpus(
        self,
        folder: str | Path,
        *,
        loader: Callable[[Path], Any] | None = None,
        validator: Callable[[Any], Any] | None = default_validator,
        now: datetime | None = None,
        jobs: int = 1,
        scope: str | None = None,
    ) -> LoadReport:
        """Load the descriptions under ``folder``, touching only files whose checksum changed.

        ``loader(path)`` returns an object with ``graph`` (rdflib) and ``iri``;
        ``validator(description)`` returns a :class:`~.provenance.Validation`
        (None: do not validate); one with a ``many(descriptions)`` method, like
        the default, validates the changed files in batches. Graphs of files
        that disappeared are removed (:meth:`removals` says which, before). With
        ``jobs`` > 1, changed files are read and validated in that many
        processes when there are enough of them. With a ``scope``, the files are
        recorded as ``{scope}/{relative name}`` and only the descriptions of that
        scope are compared with the folder: the others stay as they are.
        """
        loaded_at = (now or datetime.now(UTC)).replace(microsecond=0)
        records = self.records()
        previous = {record.source: record for record in records if _in_scope(record.source, scope)}
        files = self.corpus_sources(folder, scope=scope)
        sums = {source: checksum_or_error(path) for source, path in files.items()}
        to_read = [
            (files[source], source, sha)
            for source, sha in sums.items()
            if isinstance(sha, str) and getattr(previous.get(source), "sha256", None) != sha
        ]
        read = read_descriptions(to_read, loader or default_loader, validator, loaded_at, jobs)
        report, kept = LoadReport(), [record for record in records if not _in_scope(record.source, scope)]
        for source in files:
            record = self._apply(source, previous.get(source), sums[source], read.get(source), report, kept)
            if record is not None:
                kept.append(record)
        for source, record in previous.items():
            if source not in files:
                self._drop(record.graph)
                report.outcomes.append(FileOutcome(source, "removed", record.graph))
        self._replace(PROVENANCE_GRAPH, records_to_ntriples(kept))
        self.refresh_indicators()
        self._backend.flush()
        return report

    def refresh_indicators(self) -> int:
        """Write the derived graphs again: places, indicators, organisations; the triples written.

        The places graph comes first (the indicators read it), from the official
        geography (:mod:`.places`); then one CONSTRUCT each (``store/indicators.rq``,
        ``store/organisations.rq``) over the whole store, run here without a time
        limit: 3.8 s at 10,000 descriptions in memory for the indicators. Call it
        after changing description graphs with :meth:`load_graph`;
        :meth:`load_corpus` calls it itself, since the vocabulary may have changed
        as well as the files.
        """
        written = {}
        for graph, ntriples in derived_graphs(self._backend):  # each written before the next is worked out
            self._replace(graph, ntriples)
            written[graph] = ntriples.count(b"\n")  # a graph written twice: its last contents
        return sum(written.values())

    def _apply(self, source, before, sha, read, report, kept) -> GraphRecord | None:
        """Put one file's outcome in the store and the report; the record to keep, if any."""
        if read is None and isinstance(sha, str):  # same checksum as before
            report.outcomes.append(FileOutcome(source, "unchanged", before.graph, before.validation))
            return before
        error = str(sha) if not isinstance(sha, str) else read.error or _duplicate(read.record, kept)
        if error:
            report.outcomes.append(FileOutcome(source, "failed", error=error))
            return before  # keep what was loaded before, if anything
        record = read.record
        if before is not None and before.graph != record.graph:
            self._drop(before.graph)
        self._replace(record.graph, read.ntriples)
        status = "added" if before is None else "updated"
        report.outcomes.append(FileOutcome(source, status, record.graph, record.validation))
        return record

    # --- queries ----------------------------------------------------------------------

    def check(self, request: QueryRequest) -> QueryInfo:
        """Inspect a query; refuse it if its FROM names a graph that is not in the store."""
        info = inspect_query(request.text, base_iri=request.base_iri)
        for iri in (*(request.default_graphs or ()), *(request.named_graphs or ())):
            _check_graph_iri(iri)
        if not request.has_protocol_dataset:
            unknown = sorted(set(info.from_graphs + info.from_named_graphs) - self.graph_names())
            if unknown:
                raise QueryRefusedError(
                    f"FROM names a graph that is not in the store: <{unknown[0]}>",
                    hint="FROM ne lit que les graphes de la base (jamais un fichier ni le web) ; "
                    "listez-les avec SELECT DISTINCT ?g { GRAPH ?g {} } / FROM only reads graphs "
                    "of the store (never a file or the web)",
                )
        return info

    def run(
        self,
        request: QueryRequest,
        fmt: ResultFormat | None = None,
        *,
        timeout: float | None = None,
        max_rows: int = 10_000,
        info: QueryInfo | None = None,
    ) -> QueryResult:
        """Check and run ``request``; results written in ``fmt`` (default: JSON or Turtle)."""
        info = info or self.check(request)
        fmt = fmt or choose_format(info.form, None)
        return self._backend.run(request, info, fmt, timeout=timeout, max_rows=max_rows)

    def select(self, sparql: str, *, max_rows: int = 10_000, timeout: float | None = None) -> list[dict]:
        """Rows of a SELECT query as dicts of pyoxigraph terms (unbound variables are absent)."""
        if self.check(QueryRequest(sparql)).form != "SELECT":
            raise QueryRefusedError("select() runs SELECT queries only", hint="use run() for the others")
        result = self.run(
            QueryRequest(sparql), choose_format("SELECT", None, ["json"]), timeout=timeout, max_rows=max_rows
        )
        solutions = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        names = [variable.value for variable in solutions.variables]
        return [{n: t for n, t in zip(names, row) if t is not None} for row in solutions]

    def __len__(self) -> int:
        """The number of quads in the store."""
        if not self.is_remote:
            return len(self._backend)
        return int(self.select("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value)

    def close(self) -> None:
        """Stop the query workers and release the store."""
        self._backend.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _check_graph_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ParameterError(
            f"not a graph IRI: {iri!r} ({exc})",
            key="default-graph-uri/named-graph-uri",
            hint="donnez l'IRI absolue d'un graphe / give a graph's absolute IRI",
        ) from None


def _in_scope(source: str, scope: str | None) -> bool:
    return scope is None or source.startswith(scope + "/")


def _duplicate(record: GraphRecord, kept: list[GraphRecord]) -> str | None:
    """Why ``record`` cannot be loaded beside ``kept`` (two files for one project), or None."""
    for other in kept:
        if other.graph == record.graph:
            return (
                f"the project <{record.project}> is already described by {other.source} "
                "(un projet, un fichier : fusionnez-les ou changez l'identifiant / "
                "one project per file: merge them or change the identifier)"
            )
    return None
