"""The fast engine: pySHACL's results for a batch of descriptions, without pySHACL.

:mod:`.fastshapes` reads our shapes once; :mod:`.fastcheck` validates each
description on a dictionary index of its triples, as pySHACL does; the
SHACL-SPARQL constraints of every description of a batch are answered first
by Oxigraph, one query per constraint (:mod:`.fastsparql`), each description
being a named graph of one store. Each description gets the SHACL report
graph that pySHACL would have written (results, paths, ``sh:detail``,
messages), so :func:`cap_ptce.validation.report.report_from_shacl` builds
the same :class:`~cap_ptce.validation.report.Report`.

A description that the engine cannot represent exactly in Oxigraph (a blank
node, an IRI Oxigraph refuses, a literal whose form Oxigraph would rewrite)
is left to pySHACL (:func:`validate_batch` says which); shapes that use a
feature the engine does not evaluate make :func:`fast_problems` non-empty and
the whole validation goes to pySHACL, with a warning in the log.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from ..rdf.namespaces import bind_prefixes
from ..rdf.oxigraph import TermTexts
from .engine import derived_triples, full_shapes, lean_shapes, set_messages, vocabulary_triples
from .fastcheck import DataIndex, ShResult, Validator, frozen_index, read_backwards, read_listed
from .fastshapes import UnsupportedShapes, compile_shapes
from .fastsparql import GRAPH_VAR, custom_functions

__all__ = ["FastEngine", "default_engine", "fast_problems", "validate_batch"]

log = logging.getLogger("cap_ptce.validation")


class FastEngine:
    """Validates batches of descriptions against a shapes graph, giving pySHACL's report graphs.

    ``shapes`` are the shapes pySHACL would be given; ``messages`` the graph
    whose sh:message the results get (:func:`engine.set_messages`; default:
    ``shapes``); ``vocabulary`` the triples added to every data graph, and
    ``derive(index)`` those derived from each description.
    ``problems`` lists what the engine does not evaluate: then every
    description is left to pySHACL.
    """

    def __init__(self, shapes: Graph, messages: Graph | None = None, vocabulary=(), derive=lambda data: ()) -> None:
        self.lean, self.messages = shapes, shapes if messages is None else messages
        self.vocabulary, self.derive = tuple(vocabulary), derive
        try:
            self.shapes, self.problems = compile_shapes(shapes, self.messages), []
        except UnsupportedShapes as exc:
            self.shapes, self.problems = None, exc.problems
            log.warning("fast validation engine refuses the shapes, pySHACL validates instead: %s", exc)
            return
        self.backward, self.listed = read_backwards(self.shapes), read_listed(self.shapes)
        self.base = frozen_index(self.vocabulary, self.backward, self.listed)
        self.constraints = _sparql_constraints(self.shapes)
        self.closures: dict = {}

    def validate_batch(self, descriptions: Sequence) -> list[tuple[Graph, DataIndex] | None]:
        """For each triples sequence: (SHACL report graph, data index), or None where pySHACL must do it."""
        if self.shapes is None:
            return [None] * len(descriptions)
        indexes = [self.index(triples) for triples in descriptions]
        rows, exact = _sparql_rows(self, descriptions, indexes)
        validator = Validator(self.shapes)
        out = []
        for position, data in enumerate(indexes):
            if data is None or not exact[position]:
                out.append(None)
                continue
            conforms, results = validator.validate(data, rows[position])
            out.append((self.report_graph(conforms, results), data))
        return out

    def index(self, triples) -> DataIndex | None:
        for s, _p, o in triples:
            if type(s) is BNode or type(o) is BNode:
                return None  # pySHACL copies blank nodes into its report: left to it
        data = DataIndex(triples, self.base, self.backward, self.listed)
        data.add_derived(self.derive(data), self.backward, self.listed)
        return data

    def report_graph(self, conforms: bool, results: list[ShResult]) -> Graph:
        """pySHACL's report graph for ``results``, with the messages of :attr:`messages`."""
        graph = Graph(bind_namespaces="core")  # as pySHACL makes it (rdflib's default binds thirty more)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(conforms)))
        for result in results:
            graph.add((report, SH.result, self.add_result(graph, result)))
        if results:
            set_messages(graph, self.messages)
        return bind_prefixes(graph)

    def add_result(self, graph: Graph, result: ShResult) -> BNode:
        node = BNode()
        add = graph.add
        add((node, RDF.type, SH.ValidationResult))
        add((node, SH.sourceConstraintComponent, result.component))
        add((node, SH.sourceShape, self.from_shapes(graph, result.shape.node)))
        add((node, SH.resultSeverity, result.severity))
        add((node, SH.focusNode, result.focus))
        if result.value is not None:
            add((node, SH.value, result.value))
        if result.path is not None:
            add((node, SH.resultPath, self.from_shapes(graph, result.path)))
        if result.source_constraint is not None:
            add((node, SH.sourceConstraint, self.from_shapes(graph, result.source_constraint)))
        for message in result.messages:
            add((node, SH.resultMessage, message))
        for detail in result.details:
            add((node, SH.detail, self.add_result(graph, detail)))
        return node

    def from_shapes(self, graph: Graph, node):
        """A node of the shapes graph; a blank node comes with what hangs from it, keeping its id (as pySHACL)."""
        if isinstance(node, BNode):
            if node not in self.closures:
                self.closures[node] = _closure(self.lean, node)
            for triple in self.closures[node]:
                graph.add(triple)
        return node


def _closure(graph: Graph, node: BNode) -> tuple:
    found, todo = [], [node]
    while todo:
        for triple in graph.triples((todo.pop(), None, None)):
            found.append(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return tuple(found)


@cache
def default_engine() -> FastEngine:
    """The engine of our shapes (without their annotations, as pySHACL gets them) and the concept schemes."""
    return FastEngine(lean_shapes(), full_shapes(), vocabulary_triples(), derived_triples)


def fast_problems() -> list[str]:
    """What in our shapes the fast engine does not evaluate ([] when it runs them all)."""
    return list(default_engine().problems)


def validate_batch(descriptions: Sequence) -> list[tuple[Graph, DataIndex] | None]:
    """Our shapes on each triples sequence: (SHACL report graph, data index), or None where pySHACL must do it."""
    return default_engine().validate_batch(descriptions)


# --- SHACL-SPARQL constraints, for the whole batch -------------------------------------------------


def _sparql_constraints(shapes: dict) -> list:
    return [
        (shape, query)
        for shape in shapes.values()
        for constraint in shape.constraints
        if constraint.component == SH.SPARQLConstraintComponent
        for query in constraint.params["queries"]
        if not query.deactivated
    ]


def _sparql_rows(engine: FastEngine, descriptions: Sequence, indexes: list) -> tuple[list[dict], list[bool]]:
    """Per description: {(constraint, shape): {focus: [row]}}, and whether its terms went to Oxigraph exactly."""
    rows: list[dict] = [defaultdict(lambda: defaultdict(list)) for _ in descriptions]
    exact = [index is not None for index in indexes]
    constraints = engine.constraints
    if not constraints:
        return rows, exact
    read = _read_by_queries(_needed_predicates(constraints), _needed_classes(constraints))
    vocabulary = [t for t in engine.vocabulary if read(t)]
    store, back = _batch_store(descriptions, indexes, exact, read, vocabulary)
    for shape, query in constraints:
        for solution in store.query(query.query, custom_functions=custom_functions()):
            position = int(solution[GRAPH_VAR].value.rsplit(":", 1)[1])
            row = {}
            for name in ("this", *query.variables):
                term = solution[name]
                if term is not None:
                    row[name] = back.get(term) or _computed(term)
            if None in row.values():
                exact[position] = False  # a value the query computed, whose form rdflib might write otherwise
                continue
            if not query.projects_this:
                this = row.pop("this")
            else:
                this = row["this"]
            rows[position][query.node, shape.node][this].append(row)
    return rows, exact


def _needed_predicates(constraints: list) -> frozenset | None:
    """The predicates the queries can match, or None when one of them may match any triple."""
    found: set = set()
    for _shape, query in constraints:
        if query.predicates is None:
            return None
        found |= {URIRef(p) for p in query.predicates}
    return frozenset(found)


def _needed_classes(constraints: list) -> frozenset | None:
    """The classes the queries' rdf:type patterns can match, or None when one of them may match any."""
    found: set = set()
    for _shape, query in constraints:
        if query.predicates is not None and str(RDF.type) in query.predicates:
            if query.classes is None:
                return None
            found |= {URIRef(c) for c in query.classes}
    return frozenset(found)


def _read_by_queries(needed: frozenset | None, classes: frozenset | None):
    """Whether a triple can match one of the queries' patterns (see :func:`_needed_predicates`).

    The answer for each predicate (and each class) is kept by the term itself:
    the loader reuses its predicate terms, so most look-ups are by identity,
    without rdflib's ``__eq__`` and ``__hash__``, which are Python functions.
    """
    if needed is None:
        return lambda triple: True
    by_predicate: dict = {}
    by_class: dict = {}
    type_ = RDF.type

    def read(triple) -> bool:
        predicate = triple[1]
        kept = by_predicate.get(predicate)
        if kept is None:
            kept = by_predicate[predicate] = predicate in needed and (2 if predicate == type_ else 1)
        if kept != 2 or classes is None:
            return bool(kept)
        cls = triple[2]
        found = by_class.get(cls)
        if found is None:
            found = by_class[cls] = cls in classes
        return found

    return read


def _batch_store(descriptions, indexes: list, exact: list[bool], read, vocabulary) -> tuple[ox.Store, dict]:
    """A store with one named graph per description: its triples and the vocabulary (those the queries read).

    Also the rdflib term of each Oxigraph literal, to read the rows back; an IRI
    needs none (its NamedNode gives back an equal URIRef).

    The quads go to Oxigraph as N-Quads text, each term written once from its
    Oxigraph term (:class:`~cap_ptce.rdf.oxigraph.TermTexts`): 250 generated
    descriptions in 0.2 s against 1.6 s as ``Quad`` objects.
    """
    terms: dict = {}
    back: dict = {}
    iris: dict = {}
    texts = TermTexts(lambda term: _ox(iris, terms, back, term))
    lines: list[str] = []
    for position, triples in enumerate(descriptions):
        if indexes[position] is None:
            continue
        own = (*triples, *indexes[position].derived)
        try:
            lines.append(texts.lines((*(t for t in own if read(t)), *vocabulary), f"urn:cap-ptce:batch:{position}"))
        except _NotExact:
            exact[position] = False
    store = ox.Store()
    # lenient: every term was written from an Oxigraph term, which checked it already
    store.load("".join(lines).encode(), format=ox.RdfFormat.N_QUADS, lenient=True)
    return store, back


class _NotExact(Exception):
    """A term that Oxigraph would not hold as rdflib does."""


def _ox(iris: dict, terms: dict, back: dict, term):
    if type(term) is URIRef:  # looked up by its text: rdflib's __eq__, called on every hit otherwise, is slow
        text = str(term)
        found = iris.get(text)
        if found is None:
            found = iris[text] = _convert(term)
        return found
    found = terms.get(term)
    if found is None:
        found = terms[term] = _convert(term)
        if back.setdefault(found, term) != term:
            raise _NotExact(term)  # two rdflib terms, one Oxigraph term
    return found


def _convert(term):
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language is not None:
                if term.language != term.language.lower():
                    raise _NotExact(term)
                return ox.Literal(str(term), language=term.language)
            if term.datatype is None:
                return ox.Literal(str(term))
            if term.datatype == XSD.string or not _kept(str(term), str(term.datatype)):
                raise _NotExact(term)  # rdflib tells "x" from "x"^^xsd:string; Oxigraph rewrites some forms
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    except ValueError as exc:  # an IRI or a language tag Oxigraph refuses
        raise _NotExact(term) from exc
    raise _NotExact(term)


@cache
def _kept(lexical: str, datatype: str) -> bool:
    """Whether Oxigraph stores this typed literal with this very lexical form (it rewrites 1.50 as 1.5)."""
    store, subject, predicate, lock = _probe()
    with lock:  # a server validates in threads
        store.add(ox.Quad(subject, predicate, ox.Literal(lexical, datatype=ox.NamedNode(datatype))))
        stored = next(iter(store)).object
        store.clear()
    return stored.value == lexical and stored.datatype.value == datatype


@cache
def _probe() -> tuple:
    """One store for :func:`_kept` to try literals in: making a store for each costs half a millisecond."""
    return ox.Store(), ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), threading.Lock()


def _computed(term):
    """The rdflib term of a value the query made (not one of the data).

    IRIs, strings and booleans, which rdflib and Oxigraph write alike; None for
    the others (numbers, dates), whose lexical forms may differ.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _STRING:
            return Literal(term.value)
        if datatype == _BOOLEAN and term.value in ("true", "false"):
            return Literal(term.value, datatype=XSD.boolean)
    return None


_STRING, _BOOLEAN = str(XSD.string), str(XSD.boolean)
