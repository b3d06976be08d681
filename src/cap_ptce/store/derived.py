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

import pyoxigraph as ox

from ..geo import load_geography
from ..rdf.oxigraph import ChunkReader, in_graph
from .indicators import (
    INDICATORS_GRAPH,
    PROJECT_COUNT_QUERY,
    answers_query,
    check_complete,
    indicators_query,
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
]

# Bumped when the code that writes a derived graph changes in a way its queries do not show.
DERIVATION = "2026-12-05"
_NT = ox.RdfFormat.N_TRIPLES
# A place named as the object of a triple: N-Triples end such a line with "<IRI> .".
_NAMED_PLACE = re.compile(rb" <(" + re.escape(INSEE_GEO.encode()) + rb"[^>]*)> \.$", re.MULTILINE)
_SKOS = "http://www.w3.org/2004/02/skos/core#"
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
    """The indicators graph's triples for the projects of ``scratch``: their answers, then their counts."""
    answers = construct(scratch, answers_query())
    scratch.load(answers, format=_NT, to_graph=ox.NamedNode(INDICATORS_GRAPH))
    indicators = construct(scratch, indicators_query())
    projects = int(next(iter(scratch.query(PROJECT_COUNT_QUERY)))["n"].value)
    check_complete(indicators, projects)
    return answers + indicators


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
    for part in (DERIVATION, answers_query(), indicators_query(), organisations_query(), str(load_geography().source)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(b"\n".join(vocabulary))
    return digest.hexdigest()
