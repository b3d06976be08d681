"""Running pySHACL with our shapes only: the shapes, the data graph, the SHACL report.

The shapes are the files of ``shapes/`` and the completeness shapes generated
from the grid, parsed once per process. A description is never read as shapes,
pySHACL runs without its advanced features, without inference and without
meta-SHACL, and nothing reaches the network. The grid's concept schemes
(``skos:broader``, ``skos:inScheme``) are added to the data graph, as pySHACL's
``ont_graph`` would, and so are the facts of the reference tables about what
the description names: each actor's legal nature and ESS status from its INSEE
catégorie juridique and kind (:mod:`.legal`), and each place's official name
and parents from the Code officiel géographique (:mod:`.geography`). The shapes
check the description against these facts. :mod:`cap_ptce.validation.report`
turns the SHACL report into ours.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from ..grid.rdf import grid_graph
from ..rdf.namespaces import CAP, VOCAB, bind_prefixes
from .geography import place_triples, siren_triples
from .legal import legal_triples
from .shapes import shapes_graph

__all__ = [
    "ANNOTATIONS",
    "full_shapes",
    "lean_shapes",
    "data_graph",
    "derived_triples",
    "run_pyshacl",
    "set_messages",
    "vocabulary_triples",
]


@cache
def full_shapes() -> Graph:
    """Files of shapes/ and the generated completeness shapes, parsed once; never mutated."""
    return shapes_graph()


# What people read (labels, descriptions, messages, links to the grid). pySHACL
# compares every predicate of a shape with its list of constraint parameters, one
# rdflib term comparison each, so these annotations tripled the time spent there;
# it validates with the shapes without them, and the messages come from ours.
ANNOTATIONS = frozenset(
    {
        RDFS.label,
        SH.name,
        SH.description,
        SH.message,
        RDFS.seeAlso,
        CAP.checksEntry,
        CAP.checksQuestion,
        CAP.legalBasis,
        CAP.reportsAtValue,
    }
)


@cache
def lean_shapes() -> Graph:
    """Our shapes minus the annotations of shapes (SPARQL constraints keep their message templates)."""
    full = full_shapes()
    sparql = set(full.subjects(RDF.type, SH.SPARQLConstraint))
    lean = Graph()
    for s, p, o in full:
        if p not in ANNOTATIONS or s in sparql:
            lean.add((s, p, o))
    return lean


@cache
def vocabulary_triples() -> tuple:
    """The concept schemes' structure, which shapes follow (skos:broader*) in the data graph."""
    grid = grid_graph()
    keep = (SKOS.broader, SKOS.inScheme)
    return tuple(
        (s, p, o)
        for s, p, o in grid
        if str(s).startswith(str(VOCAB)) and (p in keep or (p == RDF.type and o == SKOS.Concept))
    )


class _PreparedQueryGraph(Graph):
    """A data graph that parses each SPARQL text once and skips the focus nodes that cannot fail.

    pySHACL sends the text of a SHACL-SPARQL constraint once per focus node,
    with ``$this`` pre-bound, and rdflib parses it anew each time (about
    0.15 s for the SIRET check) and evaluates its string functions slowly
    (about 4 ms per number). So the first time a text comes, Oxigraph runs it
    once over the whole graph with ``$this`` free, which names every focus
    node that has a solution; rdflib then answers those nodes as before (the
    bindings, hence the report, are rdflib's), and the others get no solution
    without evaluation. Our constraints use no sub-query, VALUES or MINUS
    (docs/validation.md), so pre-binding ``$this`` only selects solutions. The
    texts come from our shapes only, so caches keyed by text are safe.
    """

    def query(
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,  # noqa: N803
        initBindings=None,
        *args,
        **kwargs,
    ):  # noqa: N803 (rdflib's names; pySHACL passes them by position)
        if isinstance(query_object, str):
            bindings = initBindings or {}
            if set(bindings) == {"this"} and isinstance(bindings["this"], URIRef):
                if str(bindings["this"]) not in self._failing(query_object):
                    return _no_solution()
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, *args, **kwargs)

    def _failing(self, text: str) -> frozenset[str]:
        """The IRIs bound to ``$this`` in some solution of ``text`` over the whole graph (Oxigraph)."""
        cache = self.__dict__.setdefault("_failing_by_text", {})
        if text not in cache:
            store = self.__dict__.get("_oxigraph") or self.__dict__.setdefault("_oxigraph", _oxigraph_copy(self))
            cache[text] = frozenset(
                row["this"].value for row in store.query(text) if isinstance(row["this"], ox.NamedNode)
            )
        return cache[text]


def _check_sparql_once(check):
    """pySHACL's check of a constraint's text, remembered by text: it is a function of its arguments.

    pySHACL checks the text (no MINUS, VALUES, SERVICE…) before every focus node,
    with regular expressions that backtrack over the whole text from each line
    start: a quarter of the validation time on descriptions with many SIRETs.
    A text that fails the check is not remembered, so it fails every time.
    """
    passed = set()

    def check_invalid_sparql(helper, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key not in passed:
            check(helper, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    return check_invalid_sparql


@cache
def _patch_pyshacl() -> None:
    """Have pySHACL check each constraint's text once (imported late: pySHACL takes half a second to import)."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    SPARQLQueryHelper.check_invalid_sparql = _check_sparql_once(SPARQLQueryHelper.check_invalid_sparql)


def _oxigraph_copy(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _no_solution():
    from rdflib.query import Result

    result = Result("SELECT")
    result.vars, result.bindings = [], []
    return result


@lru_cache(maxsize=64)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def data_graph(*descriptions: Graph) -> Graph:
    """What the shapes see: the descriptions, the grid's concept schemes and the reference tables' facts about them.

    Each added fact is about one node and depends only on that node's own
    triples (an actor's category and kind, a place's code), so a batch of
    descriptions gets, for each of them, the facts it gets alone.
    """
    graph = _PreparedQueryGraph()
    for description in descriptions:
        for triple in description:
            graph.add(triple)
    for triple in vocabulary_triples():
        graph.add(triple)
    for triple in derived_triples(graph):
        graph.add(triple)
    return graph


def derived_triples(data) -> list[tuple]:
    """What the data graph adds about the nodes a description names, from what it says of them.

    The one place for both engines: ``data`` is pySHACL's data graph or the fast
    engine's index (:class:`~cap_ptce.validation.fastcheck.DataIndex`), which both
    answer ``subjects`` (of ``rdf:type`` only: the index keeps no other
    predicate backwards), ``objects`` and ``value``; a test checks that the fast
    engine sees the data graph that pySHACL sees. The facts are those of the
    reference tables: each actor's legal nature and ESS status from its INSEE
    catégorie juridique and kind (:func:`.legal.legal_triples`), each place's
    official name and parents from the Code officiel géographique
    (:func:`.geography.place_triples`), and the commune or EPCI an actor's
    SIREN names there (:func:`.geography.siren_triples`).
    """
    return [*legal_triples(data), *place_triples(data), *siren_triples(data)]


def run_pyshacl(*descriptions: Graph) -> Graph:
    """The SHACL validation report graph of the union of ``descriptions`` against our shapes only."""
    from pyshacl import validate as pyshacl_validate

    _patch_pyshacl()
    _conforms, report_graph, _text = pyshacl_validate(
        data_graph(*descriptions),
        shacl_graph=lean_shapes(),
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        js=False,
        debug=False,
    )
    set_messages(report_graph)
    return bind_prefixes(report_graph)


def set_messages(report: Graph, shapes: Graph | None = None) -> None:
    """Put our French and English messages (those of ``shapes``, default: ours) on every result of ``report``.

    A SPARQL constraint's messages are pySHACL's, with the templates ({?value})
    filled in but the language tags dropped: each gets back the tag of the
    template it matches. Other results get the messages of their shape.
    """
    full = full_shapes() if shapes is None else shapes
    for node in set(report.subjects(RDF.type, SH.ValidationResult)):
        constraint = report.value(node, SH.sourceConstraint)
        if constraint is not None and (constraint, RDF.type, SH.SPARQLConstraint) in full:
            messages = [
                _tagged(m, full.objects(constraint, SH.message)) for m in report.objects(node, SH.resultMessage)
            ]
        else:
            messages = list(full.objects(report.value(node, SH.sourceShape), SH.message))
        if messages:
            report.remove((node, SH.resultMessage, None))
            for message in messages:
                report.add((node, SH.resultMessage, message))


def _tagged(message: Literal, templates) -> Literal:
    lang = next((t.language for t in templates if _template_pattern(str(t)).fullmatch(str(message))), None)
    return Literal(str(message), lang=lang) if lang else message


_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")


@lru_cache(maxsize=512)
def _template_pattern(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)


def shape_iris() -> set[URIRef]:
    """Every node shape and property shape of ours."""
    shapes = full_shapes()
    return set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
