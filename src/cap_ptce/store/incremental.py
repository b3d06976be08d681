"""Writing a load into an embedded store at the cost of what changed: descriptions and their derived facts.

A load used to rewrite the provenance, places, indicators and organisations
graphs whole, from CONSTRUCTs over the whole on-disk store: 22 s to reload one
changed file among 1,000. Here each changed description brings its own facts:

- its indicators (:mod:`.derived`, worked out in memory) replace the old
  ones — the triples whose subject is the project, its tallies, its fundings;
- its provenance record replaces the old one;
- the places graph is made again from the places still named (those it held,
  looked up one by one in the store, and those the new descriptions name);
- the organisations are worked out in the store for the actors the change
  touches: the changed descriptions' actors, the actors whose RNA takes its
  SIREN from one of them, and every actor of an organisation these have.

Every description of the store new at once (a first load, or every file
changed): the processes that read the descriptions worked out each batch's
indicators (:func:`.derived.batch_facts`); the load puts every derived graph
together from them before the descriptions go to Oxigraph's bulk loader, and
the derived graphs follow, whole, in a second bulk load.

The tests hold both to the store that :meth:`~cap_ptce.store.KnowledgeBase.refresh_indicators`
makes over the whole store, quad for quad (``tests/test_incremental_loads.py``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.oxigraph import ChunkReader, in_graph
from .derived import construct, fingerprint, indicators_of, scratch_store
from .indicators import INDICATORS_GRAPH, ORGANISATIONS_GRAPH, organisations_query
from .places import PLACES_GRAPH, places_ntriples
from .provenance import FORGET_UNREAD, PROVENANCE_GRAPH, records_to_ntriples

__all__ = ["write_all", "write_changed"]

_CAP = "https://w3id.org/cap-ptce/def#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PROJECT, _ACTOR = ox.NamedNode(_CAP + "Project"), ox.NamedNode(_CAP + "Actor")
_FUNDING = ox.NamedNode("https://schema.org/funding")
_RNA = ox.NamedNode(_CAP + "rna")
_ORGANISATION = ox.NamedNode(_CAP + "organisation")
_ONLY_DESCRIPTIONS = (PLACES_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH)  # what PLACE_IRIS_QUERY leaves out
_NQ = ox.RdfFormat.N_QUADS
_DERIVED = (PROVENANCE_GRAPH, PLACES_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH)  # what write_all makes whole


def write_all(
    backend, reference: Mapping[str, bytes], written: Mapping[str, bytes], dropped, provenance: bytes, read_from=None
) -> None:
    """Every description of the store is in ``written``: write them, the ``provenance`` graph (N-Triples) and every
    derived graph.

    The derived graphs are put together first (:func:`_derived`), from what the
    reading processes worked out (``read_from``: each written graph's read
    description): the store's bulk loader then has both cores to itself. They
    follow the descriptions in a second, smaller bulk load.
    """
    derived = {PROVENANCE_GRAPH: provenance, **_derived(reference, written, read_from or {})}
    backend.rewrite(drop=[*dropped, *written, *_DERIVED], add=_quads(written))
    backend.rewrite(drop=[], add=_quads(derived))


def _derived(reference: Mapping[str, bytes], written: Mapping[str, bytes], read_from: Mapping) -> dict[str, bytes]:
    """The places, indicators and organisations graphs of the descriptions ``written``.

    A batch that a reading process worked out counts when each of its
    descriptions is written as read and its vocabulary is the store's (the same
    :func:`~.derived.fingerprint`); the other descriptions are worked out here,
    in a store in memory. The organisations' query, the one that reads across
    descriptions, runs there over all of them: the batches give the quads it
    can match.
    """
    batches = {id(read.batch): read.batch for read in read_from.values() if read.batch is not None}.values()
    derivation = fingerprint(reference)
    usable = [batch for batch in batches if batch.fingerprint == derivation and _as_read(batch, read_from)]
    covered = {graph for batch in usable for graph in batch.graphs}
    scratch, named = scratch_store(reference, {graph: text for graph, text in written.items() if graph not in covered})
    indicators = b"".join(batch.indicators for batch in usable) + indicators_of(scratch)
    matched = (batch.organisations for batch in usable)
    scratch.bulk_load(io.BufferedReader(ChunkReader(matched)), format=ox.RdfFormat.N_QUADS)
    return {
        PLACES_GRAPH: places_ntriples(named.union(*(batch.places for batch in usable))),
        INDICATORS_GRAPH: indicators,
        ORGANISATIONS_GRAPH: construct(scratch, organisations_query()),
    }


def _as_read(batch, read_from: Mapping) -> bool:
    """Whether each graph of ``batch`` is written from the file the batch read it from (not from another file)."""
    return all(
        graph in read_from and read_from[graph].record.source == source for graph, source in batch.graphs.items()
    )


@dataclass
class _Before:
    """What the store says, before a load writes, of the descriptions it replaces or removes."""

    graphs: list[str]
    projects: set
    fundings: list
    actors: set
    rnas: set[str]
    places: set[str]


def write_changed(
    backend, reference: Mapping[str, bytes], written: Mapping[str, bytes], dropped, records, unread: bytes = b""
) -> None:
    """Write the changed descriptions ``written`` (their ``records``), remove ``dropped``; the derived facts follow.
    The provenance graph's account of the unread files is ``unread`` (N-Triples) afterwards.

    No frame that may be on the stack when a write fails holds the store: a
    failed load puts the store's folder back, which its last handle must have closed.
    """
    before = _read_before(backend.store, {*dropped, *written})
    scratch, named = scratch_store(reference, written)
    new_records = [record for record in records if record.graph in written]
    backend.update(_forget(before) + " ;\n" + FORGET_UNREAD)
    provenance = records_to_ntriples(new_records) + unread
    derived = {PROVENANCE_GRAPH: provenance, INDICATORS_GRAPH: indicators_of(scratch)}
    backend.rewrite(drop=before.graphs, add=b"".join(_quads({**written, **derived})))
    backend.replace_graph(PLACES_GRAPH, places_ntriples(_still_named(backend.store, before.places | named)))
    new_actors = _subjects(scratch, _ACTOR, written)
    _organisations(backend, before.actors | new_actors, before.rnas | _rnas(scratch, written))


def _read_before(store: ox.Store, graphs: set[str]) -> _Before:
    old = sorted(iri for iri in graphs if store.contains_named_graph(ox.NamedNode(iri)))
    projects = _subjects(store, _PROJECT, old)
    fundings = [q.object for p in projects for q in store.quads_for_pattern(p, _FUNDING, None, None)]
    return _Before(
        graphs=old,
        projects=projects,
        fundings=[funding for funding in fundings if isinstance(funding, ox.NamedNode)],  # VALUES takes no blank node
        actors=_subjects(store, _ACTOR, old),
        rnas=_rnas(store, old),
        places={q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(PLACES_GRAPH))},
    )


def _quads(graphs: Mapping[str, bytes]) -> Iterator[bytes]:
    """Each graph's N-Quads, one after the other."""
    return (in_graph(text, iri) for iri, text in graphs.items())


def _subjects(store: ox.Store, kind: ox.NamedNode, graphs: Iterable[str]) -> set:
    return {q.subject for g in graphs for q in store.quads_for_pattern(None, _RDF_TYPE, kind, ox.NamedNode(g))}


def _rnas(store: ox.Store, graphs: Iterable[str]) -> set[str]:
    """Every RNA number given in ``graphs`` (any subject: the organisations' query pairs them so)."""
    return {q.object.value for g in graphs for q in store.quads_for_pattern(None, _RNA, None, ox.NamedNode(g))}


def _values(terms: Iterable) -> str:
    return " ".join(str(term) for term in terms)


def _forget(before: _Before) -> str:
    """The update that removes what the indicators (of the projects, their fundings and their actors) and the
    provenance said of the old descriptions."""
    projects, actors = before.projects, [actor for actor in before.actors if isinstance(actor, ox.NamedNode)]
    subjects = _values([*projects, *before.fundings, *actors])
    described = _values(ox.NamedNode(g) for g in before.graphs)
    ind, prov = f"<{INDICATORS_GRAPH}>", f"<{PROVENANCE_GRAPH}>"
    return f"""
DELETE {{ GRAPH {ind} {{ ?t ?p ?o }} }} WHERE {{ VALUES ?s {{ {_values(projects)} }}
  GRAPH {ind} {{ ?s <{_CAP}memberKindTally> ?t . ?t ?p ?o }} }} ;
DELETE {{ GRAPH {ind} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {subjects} }} GRAPH {ind} {{ ?s ?p ?o }} }} ;
DELETE {{ GRAPH {prov} {{ ?b ?p ?o }} }} WHERE {{ VALUES ?g {{ {described} }}
  GRAPH {prov} {{ ?g ?link ?b . ?b ?p ?o FILTER(isBlank(?b)) }} }} ;
DELETE {{ GRAPH {prov} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {described} {_values(projects)} }}
  GRAPH {prov} {{ ?s ?p ?o }} }}
"""


def _still_named(store: ox.Store, candidates: set[str]) -> set[str]:
    """The ``candidates`` that some graph other than the derived ones names (as ``PLACE_IRIS_QUERY`` does)."""
    named = set()
    for iri in candidates:
        for quad in store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value not in _ONLY_DESCRIPTIONS:
                named.add(iri)
                break
    return named


_RNA_ONLY = f"""PREFIX cap: <{_CAP}>
SELECT DISTINCT ?acteur WHERE {{
  ?acteur cap:rna ?rna . VALUES ?cle {{ %s }} FILTER(STR(?rna) = ?cle)
  GRAPH ?description {{ ?projet a cap:Project . ?acteur a cap:Actor . }}
}}"""


def _organisations(backend, actors: set, rnas: set[str]) -> None:
    """Work the organisations out again for the actors a change touches, and for every actor of theirs.

    The touched actors: the changed descriptions' (old and new) and those that
    give an RNA the change may pair with another SIREN. Their organisations,
    before and after, are touched too, and so is every actor of these: each
    organisation is then made from all its actors, as over the whole store.
    """
    subjects, organisations = _touched(backend.store, actors, rnas)
    backend.update(
        f"""DELETE {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{
  VALUES ?s {{ {_values(subjects)} }} GRAPH <{ORGANISATIONS_GRAPH}> {{ ?s ?p ?o }} }}"""
    )
    backend.rewrite(drop=[], add=in_graph(organisations, ORGANISATIONS_GRAPH))


def _touched(store: ox.Store, actors: set, rnas: set[str]) -> tuple[set, bytes]:
    """The subjects whose triples in the organisations graph go, and the organisations' triples that replace them."""
    actors = {actor for actor in actors if isinstance(actor, ox.NamedNode)}  # VALUES takes no blank node
    if rnas:
        literals = _values(ox.Literal(rna) for rna in sorted(rnas))
        actors |= {row["acteur"] for row in store.query(_RNA_ONLY % literals, use_default_graph_as_union=True)}
    graph = ox.NamedNode(ORGANISATIONS_GRAPH)
    touched = {q.object for a in actors for q in store.quads_for_pattern(a, _ORGANISATION, None, graph)}
    found = ox.parse(_restricted(store, actors), format=ox.RdfFormat.N_TRIPLES)
    touched |= {q.object for q in found if q.predicate == _ORGANISATION}
    actors |= {q.subject for o in touched for q in store.quads_for_pattern(None, _ORGANISATION, o, graph)}
    return touched | actors, _restricted(store, actors)


def _restricted(store: ox.Store, actors: set) -> bytes:
    """The organisations' query for ``actors`` only."""
    if not actors:
        return b""
    query = organisations_query()
    head, where, rest = query.partition("\nWHERE {\n")
    assert where, "organisations.rq has its WHERE on a line of its own"
    return construct(store, f"{head}{where}  VALUES ?acteur {{ {_values(actors)} }}\n{rest}")
