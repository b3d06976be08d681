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

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from .fastshapes import QUALIFIED, Shape

__all__ = ["DataIndex", "ShResult", "Validator", "frozen_index", "read_backwards", "read_listed"]

_ALLOWED = frozenset({SH.Info, SH.Warning})  # run_pyshacl allows infos and warnings
# rdflib's namespaces look their terms up on each access: the hot paths use these instead
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf
_LITERAL, _DATATYPE, _STRING, _LANG_STRING = RDFS.Literal, RDFS.Datatype, XSD.string, RDF.langString
_MIN_COUNT, _MAX_COUNT = SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent


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
        self.out: dict = dict(base.out) if base else {}
        self.into: dict = dict(base.into) if base else {}
        self.by_predicate: dict = dict(base.by_predicate) if base else {}
        out, into, by_predicate = self.out, self.into, self.by_predicate
        for s, p, o in triples:
            _add(out, (s, p), o)
            if p in backward:
                _add(into, (p, o), s)
            if p in listed:
                _add(by_predicate, p, (s, o))

    def add_derived(self, triples, backward=frozenset(), listed=frozenset()) -> None:
        """Add triples the data graph derives (:func:`.engine.derived_triples`); they go to Oxigraph too."""
        self.derived = list(triples)
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


@dataclass(eq=False)
class ShResult:
    """One SHACL validation result, as pySHACL would put it in its report."""

    shape: Shape
    component: URIRef
    focus: object
    value: object = None
    path: object = None  # a node of the shapes graph, or a term a SPARQL row gave
    source_constraint: object = None
    messages: tuple = ()
    details: list = field(default_factory=list)

    @property
    def severity(self):
        return self.shape.severity


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
            ok, found = _CHECKS[constraint.component](self, shape, constraint.params, values)
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


# --- constraint components, each as pySHACL evaluates it --------------------------------------------


def _per_value(test):
    """A component that judges each value node alone and reports it with the value."""

    def check(self: Validator, shape: Shape, params: dict, values: dict):
        reports = [
            self.result(shape, test.component, f, v)
            for f, vs in values.items()
            for v in vs
            if not test(self, params, v)
        ]
        return not reports, reports

    return check


def _component(iri):
    def mark(function):
        function.component = iri
        return function

    return mark


@_component(SH.ClassConstraintComponent)
def _is_instance(self: Validator, params: dict, value) -> bool:
    if isinstance(value, Literal):
        return False
    for cls in params["values"]:  # every sh:class must hold
        if not any(cls in self.transitive(t, _SUBCLASS) for t in self.data.objects(value, _TYPE)):
            return False
    return True


def _class_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = []
    for cls in params["values"]:  # pySHACL reports each failing sh:class separately
        one = {"values": [cls]}
        reports += [
            self.result(shape, SH.ClassConstraintComponent, f, v)
            for f, vs in values.items()
            for v in vs
            if not _is_instance(self, one, v)
        ]
    return not reports, reports


_STRING_TYPES = (XSD.string, RDF.langString)
_VALUE_TYPES = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


def _actual_type(value: Literal, datatype) -> bool:
    """pySHACL's check that a literal's Python value is of the datatype's kind (others pass)."""
    kinds = _VALUE_TYPES.get(datatype)
    return True if kinds is None else isinstance(value.value, kinds)


@_component(SH.DatatypeConstraintComponent)
def _has_datatype(self: Validator, params: dict, value) -> bool:
    datatype = params["value"]
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        return getattr(value, "ill_typed", None) is not True and _actual_type(value, datatype)
    if datatype == _LITERAL:
        return True
    if datatype == _DATATYPE and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == _STRING:
        return _actual_type(value, datatype)
    if datatype == _LANG_STRING and value.language:
        return _actual_type(value, datatype)
    return False


_KINDS = {
    BNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
    Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
    URIRef: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI),
}


@_component(SH.NodeKindConstraintComponent)
def _has_kind(self: Validator, params: dict, value) -> bool:
    kind = BNode if isinstance(value, BNode) else Literal if isinstance(value, Literal) else URIRef
    return params["value"] in _KINDS[kind]


def _string_of(value) -> str:
    if isinstance(value, Literal) and value.value is not None and value.datatype in (None, *_STRING_TYPES):
        return str(value.value)
    return str(value)


@_component(SH.MinLengthConstraintComponent)
def _long_enough(self: Validator, params: dict, value) -> bool:
    if params["length"] == 0:
        return True
    return not isinstance(value, BNode) and len(_string_of(value)) >= params["length"]


@_component(SH.MaxLengthConstraintComponent)
def _short_enough(self: Validator, params: dict, value) -> bool:
    return not isinstance(value, BNode) and len(_string_of(value)) <= params["length"]


def _pattern_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = []
    for regex in params["regexes"]:  # one result per failing pattern
        reports += [
            self.result(shape, SH.PatternConstraintComponent, f, v)
            for f, vs in values.items()
            for v in vs
            if isinstance(v, BNode) or not regex.search(_string_of(v))
        ]
    return not reports, reports


def _compare(value: Literal, minimum: Literal) -> int:
    """pySHACL's ``compare_literal``: rdflib's equality, then value order for dates and times."""
    if value.eq(minimum):
        return 0
    if value.value.__class__ in (datetime, time):
        return 0 if value.value == minimum.value else 1 if value.value > minimum.value else -1
    return 1 if value > minimum else -1


def _in_range(value, bound: Literal, accepts) -> bool:
    """pySHACL's range test: a literal of the bound's kind (string or not) whose comparison ``accepts``."""
    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        return accepts(_compare(value, bound))
    except (TypeError, NotImplementedError):
        return False


def _range_check(component, accepts):
    def check(self: Validator, shape: Shape, params: dict, values: dict):
        reports = []
        for bound in params["values"]:
            reports += [
                self.result(shape, component, f, v)
                for f, vs in values.items()
                for v in vs
                if not _in_range(v, bound, accepts)
            ]
        return not reports, reports

    return check


def _in_check(self: Validator, shape: Shape, params: dict, values: dict):
    allowed = params["values"]
    reports = [
        self.result(shape, SH.InConstraintComponent, f, v) for f, vs in values.items() for v in vs if v not in allowed
    ]
    return not reports, reports


def _has_value_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.HasValueConstraintComponent, f)
        for expected in params["values"]
        for f, vs in values.items()
        if expected not in vs
    ]
    return not reports, reports


def _count_check(component, passes):
    def check(self: Validator, shape: Shape, params: dict, values: dict):
        if component == _MIN_COUNT and params["count"] == 0:
            return True, []
        reports = [self.result(shape, component, f) for f, vs in values.items() if not passes(len(vs), params["count"])]
        return not reports, reports

    return check


def _property_check(self: Validator, shape: Shape, params: dict, values: dict):
    if not any(values.values()):
        return True, []
    non_conformant, reports = False, []
    for node in params["values"]:
        for vs in values.values():
            for v in vs:
                ok, found = self.shape(self.shapes[node], v)
                non_conformant = non_conformant or not ok
                reports += found
    return not non_conformant, reports


def _node_check(self: Validator, shape: Shape, params: dict, values: dict):
    if not any(values.values()):
        return True, []
    reports = []
    for node in params["values"]:
        for f, vs in values.items():
            for v in vs:
                ok, found = self.shape(self.shapes[node], v)
                if not ok or found:
                    reports.append(self.result(shape, SH.NodeConstraintComponent, f, v, details=found))
    return not reports, reports


def _conforms(self: Validator, node, value) -> bool:
    return self.shape(self.shapes[node], value)[0]


def _not_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.NotConstraintComponent, f, v)
        for node in params["values"]
        for f, vs in values.items()
        for v in vs
        if _conforms(self, node, v)
    ]
    return not reports, reports


def _or_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.OrConstraintComponent, f, v)
        for members in params["lists"]
        for f, vs in values.items()
        for v in vs
        if not any(_conforms(self, node, v) for node in set(members))
    ]
    return not reports, reports


def _and_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.AndConstraintComponent, f, v)
        for members in params["lists"]
        for f, vs in values.items()
        for v in vs
        if not all(_conforms(self, node, v) for node in set(members))
    ]
    return not reports, reports


def _qualified_check(self: Validator, shape: Shape, params: dict, values: dict):
    count = sum(len(vs) for vs in values.values())
    if not params["disjoint"] and count < 1 and (params["min"] is None or params["min"] < 1):
        return True, []
    siblings = _siblings(self, shape) if params["disjoint"] else set()
    reports = []
    for node in params["shapes"]:
        others = siblings - {node}
        for f, vs in values.items():
            conforming = sum(
                1 for v in vs if _conforms(self, node, v) and not any(_conforms(self, s, v) for s in others)
            )
            if params["max"] is not None and conforming > params["max"]:
                reports.append(self.result(shape, SH.QualifiedMaxCountConstraintComponent, f))
            if params["min"] is not None and conforming < params["min"]:
                reports.append(self.result(shape, SH.QualifiedMinCountConstraintComponent, f))
    return not reports, reports


def _siblings(self: Validator, shape: Shape) -> set:
    """The qualified value shapes of the other property shapes of the shapes that hold ``shape``."""
    found = set()
    for parent in self.shapes.values():
        links = [c for c in parent.constraints if c.component == SH.PropertyConstraintComponent]
        if any(shape.node in c.params["values"] for c in links):
            for sibling in (n for c in links for n in c.params["values"]):
                for c in self.shapes[sibling].constraints:
                    found.update(c.params.get("shapes", ()))
    return found


def _sparql_check(self: Validator, shape: Shape, params: dict, values: dict):
    reports = []
    for constraint in params["queries"]:
        if constraint.deactivated:
            continue
        for focus in values:
            for row in self.sparql_rows.get((constraint.node, shape.node), {}).get(focus, ()):
                reports.append(_sparql_result(self, shape, constraint, focus, row))
    return not reports, reports


def _sparql_result(self: Validator, shape: Shape, constraint, focus, row: dict) -> ShResult:
    """pySHACL's result for a row: focus, value and path from the row, messages filled from its variables."""
    bound = dict(row)
    path, value = bound.pop("path", None), bound.pop("value", None)
    this = bound.pop("this", None)
    if value is None and shape.path is None:
        value = focus
    filled = dict(bound)
    filled.update({k: v for k, v in (("this", this), ("path", path), ("value", value)) if v is not None})
    messages = [_fill(m, filled) for m in constraint.messages if m not in shape.messages]
    messages += [_fill(m, filled) for m in shape.messages]
    return ShResult(
        shape,
        SH.SPARQLConstraintComponent,
        this or focus,
        value,
        path if path is not None else shape.path_node,
        constraint.node,
        tuple(messages),
    )


def _fill(message: Literal, variables: dict) -> Literal:
    text = str(message.value)
    for name, term in variables.items():
        text = re.sub(f"{{[?$]{name}}}", str(term), text)
    return Literal(text)


_CHECKS = {
    SH.ClassConstraintComponent: _class_check,
    SH.DatatypeConstraintComponent: _per_value(_has_datatype),
    SH.NodeKindConstraintComponent: _per_value(_has_kind),
    _MIN_COUNT: _count_check(_MIN_COUNT, lambda n, c: n >= c),
    _MAX_COUNT: _count_check(_MAX_COUNT, lambda n, c: n <= c),
    SH.MinExclusiveConstraintComponent: _range_check(SH.MinExclusiveConstraintComponent, lambda c: c > 0),
    SH.MinInclusiveConstraintComponent: _range_check(SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
    SH.MaxExclusiveConstraintComponent: _range_check(SH.MaxExclusiveConstraintComponent, lambda c: c < 0),
    SH.MaxInclusiveConstraintComponent: _range_check(SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
    SH.NotConstraintComponent: _not_check,
    SH.AndConstraintComponent: _and_check,
    SH.OrConstraintComponent: _or_check,
    SH.MinLengthConstraintComponent: _per_value(_long_enough),
    SH.MaxLengthConstraintComponent: _per_value(_short_enough),
    SH.PatternConstraintComponent: _pattern_check,
    SH.NodeConstraintComponent: _node_check,
    SH.PropertyConstraintComponent: _property_check,
    QUALIFIED: _qualified_check,
    SH.HasValueConstraintComponent: _has_value_check,
    SH.InConstraintComponent: _in_check,
    SH.SPARQLConstraintComponent: _sparql_check,
}
