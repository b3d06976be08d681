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
:mod:`.remote`, with what Virtuoso answers differently in :mod:`.virtuoso`), loading a corpus (:mod:`.loading`) atomically (:mod:`.checkpoint`),
the provenance graph (:mod:`.provenance`), the places graph (:mod:`.places`),
the per-project indicators and the organisations (:mod:`.indicators`), kept up
to date description by description (:mod:`.derived`, :mod:`.incremental`), which
quads the register of real PTCEs and the corpus each publish (:mod:`.parts`) and
the knowledge base that a deployment's settings describe (:func:`.build.build_kb`).
May import: the foundations, ``rdf``, ``geo`` (the places), ``grid``,
``validation`` (for the reference graphs), ``corpus`` and ``sparql``; never
``queries``, ``publish``, ``web`` or ``cli``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..corpus import (
    FileOutcome,
    GraphRecord,
    LoadReport,
    UnreadFile,
    corpus_files,
    default_loader,
    default_validator,
)
from ..corpus.reading import GRAPH_SUFFIX
from ..errors import ParameterError, QueryRefusedError, RdfSyntaxError, StoreDamagedError, StoreError, is_damage
from ..sparql.execute import QueryRequest, QueryResult
from ..sparql.formats import ResultFormat, choose_format
from ..sparql.inspect import QueryInfo, inspect_query
from ..sparql.sharing import Sharing
from .graphs import GRID_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPHS, SHAPES_GRAPH, reference_sources
from .indicators import INDICATORS_GRAPH, ORGANISATIONS_GRAPH, derived_graphs
from .local import LocalStore
from .places import PLACES_GRAPH
from .provenance import PROVENANCE_GRAPH, RECORDS_QUERY, REGISTER_SCOPE, UNREAD_QUERY, record_from_row, unread_from_row
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
    "REGISTER_SCOPE",
]

# What the knowledge base writes itself after each load, beside the descriptions.
DERIVED_GRAPHS = (PROVENANCE_GRAPH, PLACES_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH)


def _prefixes() -> dict[str, str]:
    from ..rdf.namespaces import PREFIXES

    return {name: str(namespace) for name, namespace in PREFIXES.items()}


class KnowledgeBase:
    """Named graphs in a store, with their provenance, and safe SPARQL over them."""

    def __init__(self, backend: LocalStore | RemoteStore, location: str | None = None) -> None:
        self._backend = backend
        self.location = location
        self._graphs: frozenset[str] | None = None
        self.version = 0  # counts the writes: what is read from the store stays true until it changes
        self._records: tuple[int, list[GraphRecord]] | None = None  # (version, records) read at that version

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
        sharing: Sharing | None = None,
        store_timeout: float | None = None,
    ) -> KnowledgeBase:
        """A knowledge base in memory (None), in a folder, or on a SPARQL server (an http(s) URL).

        ``workers`` query processes answer queries run with a time limit; with
        ``workers_in_memory`` the ready-made queries run on one in-memory copy
        of the store (see :class:`cap_ptce.sparql.WorkerPool`). A query may use
        ``query_memory_mib`` MiB in its worker (None: no limit).
        ``sharing`` says how clients share the workers (:mod:`cap_ptce.sparql.sharing`).
        A SPARQL server gets ``store_timeout`` seconds to answer each write and
        each of our own queries (None: the ``STORE_TIMEOUT`` setting's default).
        """
        options = {
            "workers": workers,
            "query_memory_mib": query_memory_mib,
            "prefixes": _prefixes(),
            "sharing": sharing,
        }
        if location is None or str(location) == "":
            return cls(LocalStore(None, **options))
        if is_url(str(location)):
            remote = RemoteStore(
                str(location), graph_store, prefixes=_prefixes(), timeout=store_timeout, sharing=sharing
            )
            return cls(remote, str(location))
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
            raise StoreError(
                "une base distante n'a pas de store embarqué / a remote knowledge base has no embedded store",
                source=self.location,
            )
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
                f"format RDF inconnu {format!r} / unknown RDF format {format!r}",
                key="format",
                hint="un type de média comme text/turtle, ou une extension comme ttl / "
                "a media type such as text/turtle, or an extension such as ttl",
            )
        try:
            quads = ox.parse(raw, format=rdf_format, base_iri=iri)
            triples = [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads]
        except SyntaxError as exc:
            raise RdfSyntaxError(
                f"les données de <{iri}> sont illisibles / the data for <{iri}> does not parse: {exc}"
            ) from None
        self._replace(iri, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        if not self.is_remote:  # the derived graphs may no longer follow: the next load makes them all again
            self._backend.derivation = None
        return len(triples)

    def _replace(self, iri: str, ntriples: bytes) -> None:
        self._backend.replace_graph(iri, ntriples)
        self._changed()

    def _replace_many(self, graphs: Mapping[str, bytes]) -> None:
        """Give each graph of ``graphs`` its N-Triples, in one bulk write where the store has one."""
        self._backend.replace_graphs(graphs)
        self._changed()

    def _drop(self, iri: str) -> None:
        self._backend.drop_graph(iri)
        self._changed()

    def _changed(self) -> None:
        self._graphs = None
        self.version += 1

    def load_reference_graphs(
        self, sources: Mapping[str, Callable[[], Any]] | None = None, *, license: str | None = None
    ) -> dict[str, int]:
        """Load the ontology, the grid (both under ``license``) and the shapes, each into its graph; their sizes.

        ``sources`` maps each part to a function that builds its graph; all are
        built before the first is written.
        """
        graphs = {name: make_graph() for name, make_graph in (sources or reference_sources(license)).items()}
        for name, graph in graphs.items():
            self._replace(REFERENCE_GRAPHS[name], graph.serialize(format="nt", encoding="utf-8"))
        self._backend.flush()
        return {name: len(graph) for name, graph in graphs.items()}

    # --- corpus -----------------------------------------------------------------------

    def records(self) -> list[GraphRecord]:
        """The provenance of every description in the store (read once between two writes: a load asks twice)."""
        if self._records is None or self._records[0] != self.version:
            self._records = (self.version, [record_from_row(row) for row in self._backend.select(RECORDS_QUERY)])
        return list(self._records[1])

    def unread_files(self) -> list[UnreadFile]:
        """The files that the last load of each folder could not read, and why: the store holds no description of
        them (a figure counts one project less), and says so."""
        return [unread_from_row(row) for row in self._backend.select(UNREAD_QUERY)]

    def corpus_sources(self, folder: str | Path, *, scope: str | None = None) -> dict[str, Path]:
        """The description files under ``folder`` by the name the store records: relative, under ``scope``."""
        files = corpus_files(Path(folder))
        return {f"{scope}/{source}" if scope else source: path for source, path in files.items()}

    def removals(self, folder: str | Path, *, scope: str | None = None) -> list[GraphRecord]:
        """The descriptions that loading ``folder`` (in ``scope``) would remove: the store has them, the folder not.

        A file renamed or moved, its bytes unchanged, keeps its description: it is no removal. This is
        known before reading the files; :meth:`load_corpus`'s ``confirm`` is told, once they are read, the
        exact list (a file moved and edited is no removal either; a file whose identifier changed makes its
        former project one).
        """
        from .loading import renamed_sources

        sources = self.corpus_sources(folder, scope=scope)
        records = [record for record in self.records() if record.scope == scope]
        renamed = renamed_sources(records, sources)
        return [r for r in records if r.source not in sources and r.source not in renamed]

    def load_corpus(
        self,
        folder: str | Path,
        *,
        loader: Callable[[Path], Any] | None = None,
        validator: Callable[[Any], Any] | None = default_validator,
        now: datetime | None = None,
        jobs: int = 1,
        scope: str | None = None,
        with_references: bool = False,
        license: str | None = None,
        verify: bool = False,
        progress: Callable[[str, int, int], Any] | None = None,
        confirm: Callable[[list[GraphRecord]], bool] | None = None,
    ) -> LoadReport:
        """Load the descriptions under ``folder``, touching only files whose checksum changed.

        ``loader(path)`` returns an object with ``graph`` (rdflib) and ``iri``;
        ``validator(description)`` returns a :class:`~.provenance.Validation`
        (None: do not validate); one with a ``many(descriptions)`` method, like
        the default, validates the changed files in batches. Graphs of files
        that disappeared are removed (:meth:`removals` says which, before); a
        graph whose size is no longer the one recorded (with ``verify``: whose
        content no longer gives its recorded checksum) is loaded
        again. With ``jobs`` > 1, changed files are read and validated in that
        many processes when there are enough of them. With a ``scope``, the
        files are recorded as ``{scope}/{relative name}`` and only the
        descriptions of that scope are compared with the folder: the others stay
        as they are (:data:`REGISTER_SCOPE` is the register of real PTCEs, loaded
        beside the corpus; without a scope, the corpus is every description
        outside the register). The writes are atomic on an on-disk store (:meth:`atomic`);
        with ``with_references``, the reference graphs (under ``license``) are
        built with the rest before the first write and written in the same block.
        ``progress(step, done, total)`` is told how far the load is: ``("read",
        files read so far, files to read)`` at first and as each batch of changed
        files is read and validated (at most 250 a batch, in the corpus's order), then
        ``("write", 0, descriptions to write)`` once, before they are written
        (not when none changed), and ``("derive", 0, descriptions)`` before the
        derived graphs of the whole corpus are worked out again (a SPARQL server;
        an on-disk store whose last load was interrupted, or written by another
        version), which takes longer than the changed files' own.

        ``confirm(records)``, once the files are read and before anything is
        written, is told the records of the descriptions the load would remove:
        the projects no file describes any more, their file gone or now
        describing another project (not a file renamed or moved, even edited,
        whose project is still described). When it returns False, the load raises
        :class:`~cap_ptce.errors.LoadRefusedError` and writes nothing. Without
        it, they are removed.
        """
        from .loading import load_corpus

        references = reference_sources(license) if with_references else None
        loader = loader or default_loader
        return load_corpus(
            self, Path(folder), loader, validator, now, jobs, references, scope, verify, progress, confirm
        )

    def atomic(self):
        """A block whose writes all happen or none (on disk): ``with kb.atomic(): …``.

        An on-disk store is copied before the block (a checkpoint of hard links)
        and put back if the block fails or the process dies before its end
        (:mod:`.checkpoint`); blocks nest. A remote store writes graph by graph.
        """
        return self._backend.atomic()

    def derived_facts_outdated(self) -> bool:
        """Whether the derived graphs (the counts' indicators, the organisations) were worked out otherwise than
        this version works them out, or it is not known how: a store loaded by an earlier version, or whose
        last load was cut short. The next load (or :meth:`refresh_indicators`) works them out again. A remote
        store cannot tell: False."""
        if self.is_remote or not any(iri.endswith(GRAPH_SUFFIX) for iri in self.graph_names()):  # none derived
            return False
        damaged = None
        try:
            current = self._derivation()
        except RuntimeError as exc:  # RocksDB finds a block altered: said as any read of this store says it
            if not is_damage(exc):
                raise
            damaged = StoreDamagedError.of(exc, self.location)
        if damaged is not None:  # raised out of the except clause, as LocalStore does: see _damage_said
            raise damaged
        return self._backend.derivation != current

    def _derivation(self) -> str:
        """The :func:`~.derived.fingerprint` this version gives the derived graphs of this embedded store."""
        from .derived import fingerprint, reference_ntriples

        return fingerprint(reference_ntriples(self._backend.store, REFERENCE_GRAPHS.values()))

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
        if not self.is_remote:  # what worked them out (see derived_facts_outdated)
            self._backend.derivation = self._derivation()
        return sum(written.values())

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
                    f"FROM nomme un graphe absent de la base : <{unknown[0]}> / "
                    f"FROM names a graph that is not in the store: <{unknown[0]}>",
                    hint="FROM ne lit que les graphes de la base (jamais un fichier ni le web) ; "
                    "listez-les avec SELECT DISTINCT ?g { GRAPH ?g {} } / FROM only reads graphs "
                    "of the store (never a file or the web); list them with SELECT DISTINCT ?g { GRAPH ?g {} }",
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
        client: str | None = None,
    ) -> QueryResult:
        """Check and run ``request``; results written in ``fmt`` (default: JSON or Turtle).

        With a ``timeout``, the query runs in a worker shared with other
        ``client``s (an address, say) under :mod:`cap_ptce.sparql.sharing`'s rules.
        """
        info = info or self.check(request)
        fmt = fmt or choose_format(info.form, None)
        return self._backend.run(request, info, fmt, timeout=timeout, max_rows=max_rows, client=client)

    def select(
        self, sparql: str, *, max_rows: int = 10_000, timeout: float | None = None, ready_made: bool = False
    ) -> list[dict]:
        """Rows of a SELECT query as dicts of pyoxigraph terms (unbound variables are absent).

        ``ready_made``: the query is one of the program's own, of known cost (see
        :attr:`~cap_ptce.sparql.QueryRequest.ready_made`): it may run on the
        server's in-memory copy. Never for a text that a user wrote.
        """
        request = QueryRequest(sparql, ready_made=ready_made)
        if self.check(request).form != "SELECT":
            raise QueryRefusedError(
                "select() n'exécute que des requêtes SELECT / select() runs SELECT queries only",
                hint="run() exécute les autres / use run() for the others",
            )
        result = self.run(request, choose_format("SELECT", None, ["json"]), timeout=timeout, max_rows=max_rows)
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
            f"pas une IRI de graphe : {iri!r} / not a graph IRI: {iri!r} ({exc})",
            key="default-graph-uri/named-graph-uri",
            hint="donnez l'IRI absolue d'un graphe / give a graph's absolute IRI",
        ) from None
