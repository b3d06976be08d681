"""The derived facts of the descriptions a load writes, worked out before the store is touched.

The indicators (``indicators.rq``, with the grid's answers) and the places are
facts of one description each: a project's counts, tallies, fundings and
régions read its own graph, the vocabulary (the reference graphs) and the
official geography of the places it names, never another description. So a
load works them out in a small store in memory that holds the reference
graphs, the descriptions it is about to write and their places, with the very
queries that :func:`~.indicators.derived_graphs` runs over the whole store —
the same triples, at the cost of the changed descriptions alone (0.9 s for
1,000 descriptions in memory, against 3.3 s over the on-disk store).

The organisations are the one cross-description fact (an RNA number takes the
SIREN that another description gives beside it): :mod:`.incremental` works
them out in the store, for the actors a load touches.

A load's reading processes already hold the descriptions they read in a store
in memory (:class:`~cap_ptce.rdf.oxigraph.StoredForms`, which gives each one's
text): :func:`batch_facts` works their indicators out there, batch by batch, in
parallel, and takes from each batch the places it names and the quads the
organisations' query can match (:func:`matching_quads`). The load keeps a
batch when it writes every description of the batch as read and the batch's
vocabulary is the store's (the same :func:`fingerprint`); it works the others
out as above. At 10,000 descriptions, the load's own process no longer fills a
store in memory with the 4.2 million quads of the descriptions.

A store remembers which derivation wrote its derived graphs
(:func:`fingerprint`: the queries, the vocabulary, the geography's millésime):
when that changes, the next load works out every derived graph again over the
whole store, as :meth:`~cap_ptce.store.KnowledgeBase.refresh_indicators` does.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import chain

import pyoxigraph as ox

from ..corpus.reading import GRAPH_SUFFIX
from ..geo import load_geography
from ..rdf.oxigraph import ChunkReader, StoredForms, in_graph
from .graphs import REFERENCE_GRAPHS, reference_sources
from .indicators import (
    INDICATORS_GRAPH,
    PROJECT_COUNT_QUERY,
    STATUSES_QUERY,
    answers_query,
    check_complete,
    facts_before_counts,
    indicators_query,
    left_over_query,
    organisations_outline,
    organisations_query,
)
from .places import INSEE_GEO, PLACES_GRAPH, places_ntriples

__all__ = [
    "DERIVATION",
    "named_places",
    "scratch_store",
    "indicators_of",
    "construct",
    "reference_ntriples",
    "fingerprint",
    "batch_facts",
    "BatchFacts",
    "matching_quads",
    "query_patterns",
]

# Bumped when the code that writes a derived graph changes in a way its queries do not show.
DERIVATION = "2026-12-07"
_NT = ox.RdfFormat.N_TRIPLES
# A place named as the object of a triple: N-Triples end such a line with "<IRI> .".
_NAMED_PLACE = re.compile(rb" <(" + re.escape(INSEE_GEO.encode()) + rb"[^>]*)> \.$", re.MULTILINE)
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_VOCABULARY = (_SKOS + "inScheme", _SKOS + "broader", _SKOS + "topConceptOf")


def named_places(ntriples: bytes) -> set[str]:
    """The INSEE IRIs that these N-Triples name as an object (what ``PLACE_IRIS_QUERY`` finds in a graph)."""
    return {iri.decode("utf-8") for iri in _NAMED_PLACE.findall(ntriples)}


def scratch_store(reference: Mapping[str, bytes], graphs: Mapping[str, bytes]) -> tuple[ox.Store, set[str]]:
    """A store in memory with the reference graphs, the description ``graphs`` and the places they name; those places."""
    scratch = ox.Store()
    named: set[str] = set()
    for text in (*reference.values(), *graphs.values()):
        named |= named_places(text)
    parts = (in_graph(text, iri) for iri, text in {**reference, **graphs, PLACES_GRAPH: places_ntriples(named)}.items())
    scratch.bulk_load(io.BufferedReader(ChunkReader(parts)), format=ox.RdfFormat.N_QUADS)
    return scratch, named


def construct(store: ox.Store, query: str) -> bytes:
    """A CONSTRUCT run over the union of the graphs, as N-Triples."""
    return ox.serialize(store.query(query, use_default_graph_as_union=True), format=_NT) or b""


def indicators_of(scratch: ox.Store) -> bytes:
    """The indicators graph's triples for the projects of ``scratch``: what their counts read (their answers,
    their actors' ESS statuses…), then their counts."""
    first = facts_before_counts(lambda text: construct(scratch, text), lambda text: _rows(scratch, text))
    scratch.load(first, format=_NT, to_graph=ox.NamedNode(INDICATORS_GRAPH))
    indicators = construct(scratch, indicators_query())
    projects = int(next(iter(scratch.query(PROJECT_COUNT_QUERY)))["n"].value)
    check_complete(indicators, projects)
    return first + indicators


def _rows(store: ox.Store, query: str) -> list[dict]:
    results = store.query(query)
    names = [variable.value for variable in results.variables]
    return [dict(zip(names, row)) for row in results]


def reference_ntriples(store: ox.Store, iris: Iterable[str]) -> dict[str, bytes]:
    """The N-Triples of each reference graph as ``store`` holds it."""
    return {iri: store.dump(format=_NT, from_graph=ox.NamedNode(iri)) or b"" for iri in iris}


def fingerprint(reference: Mapping[str, bytes]) -> str:
    """What the derived graphs depend on besides the descriptions: queries, vocabulary, geography."""
    vocabulary = sorted(
        line
        for text in reference.values()
        for line in text.splitlines()
        if any(f"<{term}>".encode() in line for term in _VOCABULARY)
    )
    digest = hashlib.sha256()
    parts = (DERIVATION, answers_query(), left_over_query(), STATUSES_QUERY, indicators_query(), organisations_query())
    for part in (*parts, str(load_geography().source)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(b"\n".join(vocabulary))
    return digest.hexdigest()


# --- worked out while the descriptions are read ------------------------------------------------


@dataclass(frozen=True)
class BatchFacts:
    """What a reading process works out for a batch of descriptions, with a vocabulary (its :func:`fingerprint`)."""

    fingerprint: str
    indicators: bytes  # N-Triples
    organisations: bytes  # the N-Quads of the descriptions that organisations.rq can match
    places: frozenset[str]  # the INSEE IRIs the descriptions name
    graphs: dict[str, str]  # each graph of the batch and the source it was read from


def batch_facts(forms: StoredForms) -> BatchFacts | None:
    """The facts of the descriptions ``forms`` holds (each in its graph), worked out by the process that read them
    (:mod:`cap_ptce.corpus.reading` calls it); their store gets the reference graphs. None when a description says
    something of a node outside its project.

    What it needs (the reference graphs, the organisations' patterns) each process builds once.
    """
    if not forms.graphs or _reaches_out(forms):
        return None
    organisations = matching_quads(forms.store, organisations_outline())  # the descriptions' alone
    places = frozenset().union(*map(named_places, forms.texts.values()))
    reference = own_reference()
    parts = (in_graph(text, iri) for iri, text in {**reference, PLACES_GRAPH: places_ntriples(places)}.items())
    forms.store.bulk_load(io.BufferedReader(ChunkReader(parts)), format=ox.RdfFormat.N_QUADS)
    indicators = indicators_of(forms.store)
    return BatchFacts(_fingerprint_of(reference), indicators, organisations, places, dict(forms.graphs))


_LAST_FINGERPRINT: list = [None, ""]  # the reference graphs a process last fingerprinted, and their fingerprint


def _fingerprint_of(reference: Mapping[str, bytes]) -> str:
    """:func:`fingerprint`, worked out once for the reference graphs a process gives every batch (it reads
    each of their lines: 10 ms a batch)."""
    if _LAST_FINGERPRINT[0] is not reference:
        _LAST_FINGERPRINT[:] = [reference, fingerprint(reference)]
    return _LAST_FINGERPRINT[1]


# A description whose graph says something of a node that is not its project's, or of a blank node
# (another description may say more of it), or of a term of the vocabulary (a loader given by a
# library user may do so; ours never does).
_REACHING_OUT = """ASK {
  VALUES (?g ?own) { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isBlank(?s) || (STR(?s) != ?own && !STRSTARTS(STR(?s), CONCAT(?own, "/"))))
}"""


def _reaches_out(forms: StoredForms) -> bool:
    """Whether a description of ``forms`` says something of a node outside its project (then the indicators
    of the batch may depend on another batch's descriptions: the load works them out itself)."""
    pairs = " ".join(f"({ox.NamedNode(g)} {ox.Literal(g.removesuffix(GRAPH_SUFFIX))})" for g in forms.graphs)
    return bool(forms.store.query(_REACHING_OUT % pairs))


@cache
def own_reference() -> dict[str, bytes]:
    """The reference graphs as this version of the code makes them, as a store holds them (see :func:`fingerprint`)."""
    store = ox.Store()
    for name, make_graph in reference_sources().items():
        text = make_graph().serialize(format="nt", encoding="utf-8")
        store.load(text, format=_NT, to_graph=ox.NamedNode(REFERENCE_GRAPHS[name]))
    return reference_ntriples(store, REFERENCE_GRAPHS.values())


def matching_quads(store: ox.Store, query: str) -> bytes:
    """The N-Quads of ``store`` that ``query``'s patterns can match (:func:`query_patterns`).

    Over them, the query gives the answers it gives over ``store`` (a query that
    asks for the graphs' names alone, ``GRAPH ?g {}``, has no such patterns: all
    of ``store``'s quads, then).
    """
    patterns = query_patterns(query)
    if patterns is None:
        return store.dump(format=ox.RdfFormat.N_QUADS) or b""
    predicates, classes = patterns
    wanted = [
        (ox.NamedNode(predicate), ox.NamedNode(kind) if kind else None)
        for predicate in sorted(predicates)
        for kind in (sorted(classes) if predicate == _RDF_TYPE and classes is not None else [None])
    ]
    # Each store iterator made as it is read, and let go once read: none is left in this frame, which
    # rdflib's parser (above, at a query's first use) may keep for the cycle collector, maybe in another
    # thread, where Oxigraph cannot drop it.
    found = (store.quads_for_pattern(None, predicate, kind) for predicate, kind in wanted)
    return ox.serialize(chain.from_iterable(found), format=ox.RdfFormat.N_QUADS) or b""


@cache
def query_patterns(query: str) -> tuple[frozenset[str], frozenset[str] | None] | None:
    """The predicates that ``query``'s patterns and property paths name, and the classes its ``rdf:type``
    patterns name (None when one has a variable class); None when a pattern's predicate is a variable."""
    from rdflib import RDF, URIRef
    from rdflib.paths import NegatedPath, Path
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    predicates: set[str] = set()
    classes: set[str] | None = set()

    def predicate(term) -> bool:
        if isinstance(term, URIRef):
            predicates.add(str(term))
            return True
        if isinstance(term, Path) and not isinstance(term, NegatedPath):  # a negated one matches others
            parts = [getattr(term, name, None) for name in ("args", "path", "arg")]
            steps = [
                step for part in parts if part is not None for step in (part if isinstance(part, list) else [part])
            ]
            if RDF.type in steps:  # the class is the path's next step, not a constant
                nonlocal classes
                classes = None
            return all(predicate(step) for step in steps)
        return False  # a variable

    def pattern(triple) -> bool:
        nonlocal classes
        _subject, verb, thing = triple
        if verb == RDF.type and classes is not None:
            if isinstance(thing, URIRef):
                classes.add(str(thing))
            else:
                classes = None
        return predicate(verb)

    def walk(node) -> bool:
        if isinstance(node, Mapping):
            if getattr(node, "name", None) == "Graph" and not has_triples(node.get("p")):
                return False  # GRAPH ?g {}: answered by the graphs' names alone, whatever their quads
            triples = node.get("triples") if "triples" in node else None
            if triples and not all(pattern(triple) for triple in triples):
                return False
            return all(walk(value) for value in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(value) for value in node)
        return True

    def has_triples(node) -> bool:
        if isinstance(node, Mapping):
            return bool(node.get("triples")) or any(has_triples(value) for value in node.values())
        return isinstance(node, (list, tuple)) and any(has_triples(value) for value in node)

    if not walk(translateQuery(parseQuery(query)).algebra):
        return None
    return frozenset(predicates), (frozenset(classes) if classes is not None else None)
