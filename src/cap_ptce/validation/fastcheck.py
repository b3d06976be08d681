"""The fast engine's evaluation of one description: pySHACL's algorithm on an in-memory index.

Each shape is validated as pySHACL 0.40 validates it (``Shape.validate`` and
its constraint components), step for step, on the same rdflib terms: focus
nodes from the targets, value nodes from the path, then every constraint
component with the same conformance rules (warnings and infos allowed, as
``run_pyshacl`` asks), the same results (focus node, value, path, component,
severity, messages) and the same nesting (``sh:detail`` under ``sh:node``).
What costs pySHACL its time, rdflib's graph and SPARQL engine and building
each result's text, is not done: the data is a dictionary index of the
description's triples, and SHACL-SPARQL constraints were answered beforehand
for a whole batch by Oxigraph (:mod:`cap_ptce.validation.fastsparql`).
"""

from __future__ import annotations

from itertools import chain

from rdflib.namespace import RDF, RDFS, SH

from .fastcomponents import CHECKS, ShResult
from .fastshapes import Shape

__all__ = ["DataIndex", "ShResult", "Validator", "frozen_index", "read_backwards", "read_listed"]

_ALLOWED = frozenset({SH.Info, SH.Warning})  # run_pyshacl allows infos and warnings
# rdflib's namespaces look their terms up on each access: the hot paths use these instead
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf


class DataIndex:
    """A description's data graph as dictionaries; offers the few Graph methods the report uses.

    ``out`` maps (subject, predicate) to objects, for every triple; ``into``
    maps (predicate, object) to subjects and ``by_predicate`` lists (subject,
    object) pairs, only for the predicates that the shapes read backwards or
    target. The concept schemes, the same in every data graph, are indexed
    once (``base``) and copied, not indexed again.
    """

    def __init__(self, triples, base: DataIndex | None = None, backward=frozenset(), listed=frozenset()) -> None:
        self.triples = triples  # the description's own, in the loader's order (the report reads lines from them)
        self.derived: list = []
        self._by_subject: dict | None = None
        self.out: dict = dict(base.out) if base else {}
        self.into: dict = dict(base.into) if base else {}
        self.by_predicate: dict = dict(base.by_predicate) if base else {}
        out, into, by_predicate = self.out, self.into, self.by_predicate
        for s, p, o in triples:
            key = (s, p)
            found = out.get(key)
            if found is None:
                out[key] = {o}
            elif type(found) is frozenset:
                _add(out, key, o)
            else:
                found.add(o)
            if p in backward:
                _add(into, (p, o), s)
            if p in listed:
                _add(by_predicate, p, (s, o))

    def add_derived(self, triples, backward=frozenset(), listed=frozenset()) -> None:
        """Add triples the data graph derives (:func:`.engine.derived_triples`); they go to Oxigraph too."""
        self.derived = list(triples)
        self._by_subject = None
        for s, p, o in self.derived:
            _add(self.out, (s, p), o)
            if p in backward:
                _add(self.into, (p, o), s)
            if p in listed:
                _add(self.by_predicate, p, (s, o))

    def objects(self, subject, predicate):
        return iter(self.out.get((subject, predicate), ()))

    def value(self, subject, predicate):
        """One object of ``subject predicate``, or None (rdflib's ``Graph.value``)."""
        return next(iter(self.out.get((subject, predicate), ())), None)

    def subjects(self, predicate, obj):
        return iter(self.into.get((predicate, obj), ()))

    def predicate_objects(self, subject):
        """The (predicate, object) pairs of ``subject``'s triples, the derived ones included."""
        if self._by_subject is None:  # made on first use: completeness asks it of a few items of a description
            self._by_subject = {}
            for s, p, o in chain(self.triples, self.derived):
                self._by_subject.setdefault(s, []).append((p, o))
        return iter(self._by_subject.get(subject, ()))

    def subject_predicates(self, obj):
        return iter(dict.fromkeys((s, p) for s, p, o in self.triples if o == obj))

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        return o in self.out.get((s, p), ())


def _add(index: dict, key, value) -> None:
    """Add to a set of ``index``; a base's frozen set is copied first (it is shared between indexes)."""
    current = index.get(key)
    if current is None:
        index[key] = {value}
    elif type(current) is frozenset:
        index[key] = set(current) | {value}
    else:
        current.add(value)


def frozen_index(triples, backward=frozenset(), listed=frozenset()) -> DataIndex:
    """An index whose sets are frozen: the base that every description's index copies."""
    index = DataIndex(triples, None, backward, listed)
    for table in (index.out, index.into, index.by_predicate):
        for key, values in table.items():
            table[key] = frozenset(values)
    index.triples = ()
    return index


class Validator:
    """Validates the descriptions of a batch, one :class:`DataIndex` at a time, against compiled shapes."""

    def __init__(self, shapes: dict) -> None:
        self.shapes = shapes
        self.top = [shape for shape in shapes.values() if shape.has_targets]

    def validate(self, data: DataIndex, sparql_rows: dict) -> tuple[bool, list[ShResult]]:
        """pySHACL's (conforms, results) for one description; ``sparql_rows`` maps (constraint, focus) to rows."""
        self.data, self.sparql_rows = data, sparql_rows
        # a shape validated on a node, and a path followed from a node, give the same answer every time
        self.validated: dict = {}
        self.followed: dict = {}
        self.instances: dict = {}
        conforms, results = True, []
        for shape in self.top:
            ok, found = self.shape(shape, None)
            conforms = conforms and ok
            results += found
        return conforms, results

    # --- shapes ---------------------------------------------------------------------------

    def shape(self, shape: Shape, focus) -> tuple[bool, list]:
        if focus is None:
            return self._shape(shape, None)
        key = (shape.node, focus)
        found = self.validated.get(key)
        if found is None:
            found = self.validated[key] = self._shape(shape, focus)
        return found

    def _shape(self, shape: Shape, focus) -> tuple[bool, list]:
        if shape.deactivated:
            return True, []
        foci = self.targets(shape) if focus is None else [focus]
        if not foci:
            return True, []
        values = {f: self.follow(f, shape.path) if shape.path is not None else {f} for f in foci}
        allow = shape.severity in _ALLOWED
        non_conformant, reports = False, []
        for constraint in shape.constraints:
            ok, found = CHECKS[constraint.component](self, shape, constraint.params, values)
            if not (ok or allow):
                non_conformant = non_conformant or any(r.severity not in _ALLOWED for r in found)
            reports += found
        return not non_conformant, reports

    def targets(self, shape: Shape) -> list:
        data, found = self.data, set(shape.nodes)
        for cls in shape.classes:
            found.update(self.instances_of(cls))
        for predicate in shape.subjects_of:
            found.update(s for s, _o in data.by_predicate.get(predicate, ()))
        for predicate in shape.objects_of:
            found.update(o for _s, o in data.by_predicate.get(predicate, ()))
        return list(found)

    def instances_of(self, cls) -> set:
        """Nodes typed ``cls`` or one of its subclasses (rdfs:subClassOf in the data graph)."""
        found = self.instances.get(cls)
        if found is None:
            subclasses = self.transitive(cls, _SUBCLASS, backwards=True)
            found = self.instances[cls] = {s for c in subclasses for s in self.data.subjects(_TYPE, c)}
        return found

    def follow(self, focus, path: tuple) -> set:
        key = (focus, path)
        found = self.followed.get(key)
        if found is None:
            found = self.followed[key] = self.path_values(focus, path)
        return found

    def transitive(self, start, predicate, backwards: bool = False) -> list:
        """``start`` and every node reached from it by ``predicate`` (rdflib's transitive_objects/subjects)."""
        step = self.data.subjects if backwards else self.data.objects
        seen, todo = [start], [start]
        while todo:
            node = todo.pop()
            for found in step(predicate, node) if backwards else step(node, predicate):
                if found not in seen:
                    seen.append(found)
                    todo.append(found)
        return seen

    def path_values(self, focus, path: tuple, inverse: bool = False) -> set:
        """pySHACL's ``value_nodes_from_path``, including its reading of an inverse sequence."""
        kind, inner = path
        if kind == "iri":
            return set(self.data.subjects(inner, focus) if inverse else self.data.objects(focus, inner))
        if kind == "seq":
            nodes = self.path_values(focus, inner[0], inverse)
            for step in inner[1:]:
                nodes = {v for node in nodes for v in self.path_values(node, step, inverse)}
            return nodes
        if kind == "inv":
            return self.path_values(focus, inner, not inverse)
        if kind == "alt":
            return {v for option in inner for v in self.path_values(focus, option, inverse)}
        if kind == "zoo":
            return {focus} | self.path_values(focus, inner, inverse)
        found = {focus} if kind == "zom" else set()
        todo = list(self.path_values(focus, inner, inverse))
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(self.path_values(node, inner, inverse))
        return found

    def result(self, shape, component, focus, value=None, **extra) -> ShResult:
        return ShResult(shape, component, focus, value, shape.path_node, messages=shape.messages, **extra)


def read_backwards(shapes: dict) -> frozenset:
    """The predicates the validator follows from object to subject: types, subclasses, inverse paths."""
    found = {RDF.type, RDFS.subClassOf}
    for shape in shapes.values():
        if shape.path is not None:
            found |= _inverse_predicates(shape.path, False)
    return frozenset(found)


def _inverse_predicates(path: tuple, inverse: bool) -> set:
    kind, inner = path
    if kind == "iri":
        return {inner} if inverse else set()
    if kind in ("seq", "alt"):
        return set().union(*(_inverse_predicates(p, inverse) for p in inner))
    return _inverse_predicates(inner, not inverse if kind == "inv" else inverse)


def read_listed(shapes: dict) -> frozenset:
    """The predicates whose subjects or objects are targets (sh:targetSubjectsOf, sh:targetObjectsOf)."""
    return frozenset(p for shape in shapes.values() for p in (*shape.subjects_of, *shape.objects_of))
