"""Serialisation formats, and serialisation that gives the same bytes for the same graph.

:data:`FORMATS` are the RDF formats we write (from the one table,
:mod:`cap_ptce.rdf.formats`), and :data:`GRID_CSV` the grid's table for
spreadsheets (written by :func:`cap_ptce.grid.tabular.grid_csv`): the command line's
``--format``, the web's content negotiation (:func:`format_for_media_type`,
:func:`format_for_suffix`) and the static site all read them.

rdflib alone is not deterministic: its JSON-LD writer walks ``set(subjects)``
and its RDF/XML writer the store's subjects, whose order changes with
``PYTHONHASHSEED``, and blank-node labels are random. :func:`serialize`
therefore relabels blank nodes canonically and hands the writers a graph that
lists its subjects and predicate-object pairs in sorted order.
"""

from __future__ import annotations

import json

from rdflib import XSD, BNode, Graph, Literal
from rdflib.compare import to_canonical_graph

from ..errors import ParameterError
from .formats import EXPORT_FORMATS, FORMATS, GRID_CSV, Format
from .namespaces import PREFIXES, bind_prefixes

__all__ = [
    "triples_of_quads",
    "Format",
    "FORMATS",
    "GRID_CSV",
    "EXPORT_FORMATS",
    "get_format",
    "format_for_media_type",
    "format_for_suffix",
    "serialize",
    "canonical_graph",
]


_BY_NAME = {fmt.name: fmt for fmt in EXPORT_FORMATS}
_BY_MEDIA_TYPE = {media_type: fmt for fmt in EXPORT_FORMATS for media_type in fmt.media_types}
_BY_SUFFIX = {fmt.suffix: fmt for fmt in EXPORT_FORMATS}


def get_format(name: str) -> Format:
    """The format called ``name`` (``turtle``, ``json-ld``, ``xml``, ``nt``, ``csv``)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ParameterError(
            f"format inconnu / unknown format {name!r}",
            hint=f"choisir parmi / choose one of: {', '.join(_BY_NAME)}",
        ) from None


def format_for_media_type(media_type: str) -> Format:
    """The format of a media type, ignoring parameters and case (``text/turtle; charset=utf-8``)."""
    bare = media_type.split(";", 1)[0].strip().lower()
    try:
        return _BY_MEDIA_TYPE[bare]
    except KeyError:
        raise ParameterError(
            f"type de média non pris en charge / unsupported media type {media_type!r}",
            hint=f"choisir parmi / choose one of: {', '.join(_BY_MEDIA_TYPE)}",
        ) from None


def format_for_suffix(suffix: str) -> Format:
    """The format of a file suffix, with or without its dot (``.ttl``, ``jsonld``)."""
    dotted = "." + suffix.lower().lstrip(".")
    try:
        return _BY_SUFFIX[dotted]
    except KeyError:
        raise ParameterError(
            f"extension inconnue / unknown suffix {suffix!r}",
            hint=f"choisir parmi / choose one of: {', '.join(_BY_SUFFIX)}",
        ) from None


def serialize(graph: Graph, fmt: str | Format = "turtle", *, canonical: Graph | None = None) -> bytes:
    """``graph`` in an RDF format, as UTF-8 bytes that depend only on the graph's triples and prefixes.

    ``canonical``: ``canonical_graph(graph)`` made already, so that several
    formats of one graph pay once for labelling its blank nodes (rdflib's
    canonicalisation is the costly part: seconds for the shapes).
    """
    fmt = fmt if isinstance(fmt, Format) else get_format(fmt)
    if not fmt.is_rdf:
        raise ParameterError(
            f"{fmt.label} n'est pas une syntaxe RDF / is not an RDF syntax",
            hint="la grille existe en CSV : grid_csv() / the grid exists as CSV: grid_csv()",
        )
    canonical = canonical_graph(graph) if canonical is None else canonical
    if fmt.name == "nt":
        return _sorted_ntriples(canonical)
    if fmt.name == "json-ld":
        return _stable_jsonld(canonical)
    return canonical.serialize(format=fmt.rdflib_format, encoding="utf-8")


def canonical_graph(graph: Graph, *, relabel: bool = True) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels and triples inserted in sorted order.

    ``relabel=False`` keeps the labels of a graph whose blank nodes are labelled
    canonically already (:func:`cap_ptce.publish.catalog.whole_graph`): rdflib's
    canonical labelling takes a time that grows faster than the graph.
    """
    triples = graph
    if relabel and any(isinstance(term, BNode) for triple in graph for term in triple):
        triples = _leaf_labelled(graph)
        if triples is None:
            triples = to_canonical_graph(graph)
    canonical = _OrderedGraph(bind_namespaces="core")
    for prefix, namespace in sorted(graph.namespaces()):
        canonical.bind(prefix, namespace, override=False)
    bind_prefixes(canonical)
    for triple in sorted(triples, key=_triple_key):
        canonical.add(tuple(_as_stored(term) for term in triple))
    return canonical


_UTC_OFFSET = "+00:00"


def _as_stored(term):
    """A UTC xsd:dateTime spelt "…Z", as Oxigraph writes it back (rdflib writes "+00:00").

    The descriptions' documents are written by the store, the other parts and
    the whole dataset by rdflib: spelt alike, a part merged with the whole adds
    no second copy of a triple.
    """
    if isinstance(term, Literal) and term.datatype == XSD.dateTime and str(term).endswith(_UTC_OFFSET):
        return Literal(str(term).removesuffix(_UTC_OFFSET) + "Z", datatype=XSD.dateTime, normalize=False)
    return term


class _OrderedGraph(Graph):
    """A graph whose subjects and predicate-object pairs come out sorted.

    rdflib's RDF/XML and JSON-LD writers walk ``subjects()`` and
    ``predicate_objects()``; sorting them here fixes the order of their output.
    """

    def subjects(self, predicate=None, object=None, unique=False):
        found = set(super().subjects(predicate, object, unique=True))
        return iter(sorted(found, key=_term_key))

    def predicate_objects(self, subject=None, unique=False):
        return iter(sorted(super().predicate_objects(subject, unique), key=_pair_key))


def _term_key(term) -> str:
    return term.n3()


def _pair_key(pair) -> tuple[str, str]:
    return (pair[0].n3(), pair[1].n3())


def _leaf_labelled(graph: Graph) -> list[tuple] | None:
    """``graph``'s triples with each blank node labelled by what it is, when every blank node is a leaf: named by
    at most one triple, of a subject that is no blank node, and naming no blank node itself (the knowledge base's
    tallies, its validation reports, its accounts of unread files). None for any other graph.

    A leaf's label is the hash of the triple that names it and of its own triples: the same graph gives the same
    labels, as rdflib's canonical labelling gives, whose time grows faster than the graph (more than five
    minutes for the 92,000 triples and 14,000 tallies of the indicators of 1,000 descriptions). Leaves alike in
    everything are numbered in turn; being alike, any order gives the same triples.
    """
    import hashlib
    from collections import defaultdict

    own: dict[BNode, list[str]] = defaultdict(list)
    named_by: dict[BNode, list[str]] = defaultdict(list)
    for subject, predicate, obj in graph:
        if isinstance(subject, BNode):
            if isinstance(obj, BNode):
                return None
            own[subject].append(f"{predicate.n3()} {obj.n3()}")
        elif isinstance(obj, BNode):
            named_by[obj].append(f"{subject.n3()} {predicate.n3()}")
    if any(len(names) > 1 for names in named_by.values()):
        return None
    labels, seen = {}, defaultdict(int)
    for node in sorted(own.keys() | named_by.keys(), key=lambda n: (named_by.get(n, [""]), sorted(own.get(n, [])))):
        content = "\n".join([*named_by.get(node, [""]), *sorted(own.get(node, []))])
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:24]
        labels[node] = BNode(f"l{digest}n{seen[digest]}")
        seen[digest] += 1
    return [tuple(labels.get(term, term) if isinstance(term, BNode) else term for term in triple) for triple in graph]


def triples_of_quads(nquads: bytes) -> bytes:
    """The sorted N-Triples of the triples of ``nquads`` (sorted N-Quads whose blank nodes no two graphs share, as
    :func:`cap_ptce.publish.catalog.serialize_dataset` writes them): the same bytes as the union of the graphs
    written by rdflib, read and written by Oxigraph (3 s for the 600,000 quads of 1,000 descriptions, where
    rdflib took 110)."""
    import pyoxigraph as ox

    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    text = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
    return b"".join(line + b"\n" for line in sorted(set((text or b"").splitlines())) if line.strip())


def _triple_key(triple) -> tuple[str, str, str]:
    return tuple(term.n3() for term in triple)


def _sorted_ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"".join(line + b"\n" for line in sorted(set(lines)) if line.strip())


def _stable_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with our prefixes as an inline context; nodes sorted by ``@id``."""
    context = _used_prefixes(graph)
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    nodes = document.get("@graph")
    if isinstance(nodes, list):
        nodes.sort(key=lambda node: str(node.get("@id", "")))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _used_prefixes(graph: Graph) -> dict[str, str]:
    """Our prefixes whose namespace some IRI of ``graph`` (or a datatype) starts with."""
    iris = {str(term) for triple in graph for term in triple if not isinstance(term, (BNode, Literal))}
    iris |= {str(term.datatype) for _, _, term in graph if isinstance(term, Literal) and term.datatype}
    namespaces = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return {prefix: ns for prefix, ns in namespaces.items() if any(iri.startswith(ns) for iri in iris)}
