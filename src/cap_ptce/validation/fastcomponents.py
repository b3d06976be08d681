"""The constraint components of the fast engine, each evaluated as pySHACL 0.40 evaluates it.

Each function takes the :class:`~cap_ptce.validation.fastcheck.Validator` (the
description's index and the memos), the shape, the component's parameters
(:mod:`.fastshapes`) and the value nodes of each focus node, and returns
pySHACL's (conforms, results): the same results for the same value nodes,
with the same reading of literals (rdflib's), regular expressions (Python's)
and nested shapes (warnings allowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from .fastshapes import QUALIFIED, Shape

__all__ = ["CHECKS", "ShResult"]

# rdflib's namespaces look their terms up on each access: the hot paths use these instead
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf
_LITERAL, _DATATYPE, _STRING, _LANG_STRING = RDFS.Literal, RDFS.Datatype, XSD.string, RDF.langString
_MIN_COUNT, _MAX_COUNT = SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent
# read inside comprehensions, once a value: rdflib's namespace makes a new term on each access
_IN, _HAS_VALUE, _NOT = SH.InConstraintComponent, SH.HasValueConstraintComponent, SH.NotConstraintComponent


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


def _per_value(test):
    """A component that judges each value node alone and reports it with the value."""

    def check(self, shape: Shape, params: dict, values: dict):
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
def _is_instance(self, params: dict, value) -> bool:
    if isinstance(value, Literal):
        return False
    for cls in params["values"]:  # every sh:class must hold
        if not any(cls in self.transitive(t, _SUBCLASS) for t in self.data.objects(value, _TYPE)):
            return False
    return True


def _class_check(self, shape: Shape, params: dict, values: dict):
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
def _has_datatype(self, params: dict, value) -> bool:
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
def _has_kind(self, params: dict, value) -> bool:
    kind = BNode if isinstance(value, BNode) else Literal if isinstance(value, Literal) else URIRef
    return params["value"] in _KINDS[kind]


def _string_of(value) -> str:
    if isinstance(value, Literal) and value.value is not None and value.datatype in (None, *_STRING_TYPES):
        return str(value.value)
    return str(value)


@_component(SH.MinLengthConstraintComponent)
def _long_enough(self, params: dict, value) -> bool:
    if params["length"] == 0:
        return True
    return not isinstance(value, BNode) and len(_string_of(value)) >= params["length"]


@_component(SH.MaxLengthConstraintComponent)
def _short_enough(self, params: dict, value) -> bool:
    return not isinstance(value, BNode) and len(_string_of(value)) <= params["length"]


def _pattern_check(self, shape: Shape, params: dict, values: dict):
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
    def check(self, shape: Shape, params: dict, values: dict):
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


def _in_check(self, shape: Shape, params: dict, values: dict):
    allowed = params["values"]
    reports = [self.result(shape, _IN, f, v) for f, vs in values.items() for v in vs if v not in allowed]
    return not reports, reports


def _has_value_check(self, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, _HAS_VALUE, f)
        for expected in params["values"]
        for f, vs in values.items()
        if expected not in vs
    ]
    return not reports, reports


def _count_check(component, passes):
    def check(self, shape: Shape, params: dict, values: dict):
        if component == _MIN_COUNT and params["count"] == 0:
            return True, []
        reports = [self.result(shape, component, f) for f, vs in values.items() if not passes(len(vs), params["count"])]
        return not reports, reports

    return check


def _property_check(self, shape: Shape, params: dict, values: dict):
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


def _node_check(self, shape: Shape, params: dict, values: dict):
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


def _conforms(self, node, value) -> bool:
    return self.shape(self.shapes[node], value)[0]


def _not_check(self, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, _NOT, f, v)
        for node in params["values"]
        for f, vs in values.items()
        for v in vs
        if _conforms(self, node, v)
    ]
    return not reports, reports


def _or_check(self, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.OrConstraintComponent, f, v)
        for members in params["lists"]
        for f, vs in values.items()
        for v in vs
        if not any(_conforms(self, node, v) for node in set(members))
    ]
    return not reports, reports


def _and_check(self, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.AndConstraintComponent, f, v)
        for members in params["lists"]
        for f, vs in values.items()
        for v in vs
        if not all(_conforms(self, node, v) for node in set(members))
    ]
    return not reports, reports


def _xone_check(self, shape: Shape, params: dict, values: dict):
    reports = [
        self.result(shape, SH.XoneConstraintComponent, f, v)
        for members in params["lists"]
        for f, vs in values.items()
        for v in vs
        if sum(1 for node in members if _conforms(self, node, v)) != 1  # a member listed twice counts twice
    ]
    return not reports, reports


def _lt_side(term):
    """pySHACL's side of a sh:lessThan comparison: IRIs and string literals as Python strings, else the literal."""
    if isinstance(term, URIRef):
        return str(term), True
    if isinstance(term, Literal) and isinstance(term.value, str):
        return term.value, True
    return term, False


def _less_than_check(self, shape: Shape, params: dict, values: dict):
    """pySHACL's rdflib reading of sh:lessThan: one result per value and per other value it is not below."""
    reports = []
    for other in params["values"]:
        for f, vs in values.items():
            for v in set(vs):
                left, left_string = _lt_side(v)
                for compared in set(self.data.objects(f, other)):
                    right, right_string = _lt_side(compared)
                    if left_string != right_string or not left < right:
                        reports.append(self.result(shape, SH.LessThanConstraintComponent, f, v))
    return not reports, reports


def _qualified_check(self, shape: Shape, params: dict, values: dict):
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


def _siblings(self, shape: Shape) -> set:
    """The qualified value shapes of the other property shapes of the shapes that hold ``shape``."""
    found = set()
    for parent in self.shapes.values():
        links = [c for c in parent.constraints if c.component == SH.PropertyConstraintComponent]
        if any(shape.node in c.params["values"] for c in links):
            for sibling in (n for c in links for n in c.params["values"]):
                for c in self.shapes[sibling].constraints:
                    found.update(c.params.get("shapes", ()))
    return found


def _sparql_check(self, shape: Shape, params: dict, values: dict):
    reports = []
    for constraint in params["queries"]:
        if constraint.deactivated:
            continue
        for focus in values:
            for row in self.sparql_rows.get((constraint.node, shape.node), {}).get(focus, ()):
                reports.append(_sparql_result(self, shape, constraint, focus, row))
    return not reports, reports


def _sparql_result(self, shape: Shape, constraint, focus, row: dict) -> ShResult:
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


CHECKS = {
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
    SH.XoneConstraintComponent: _xone_check,
    SH.MinLengthConstraintComponent: _per_value(_long_enough),
    SH.MaxLengthConstraintComponent: _per_value(_short_enough),
    SH.PatternConstraintComponent: _pattern_check,
    SH.LessThanConstraintComponent: _less_than_check,
    SH.NodeConstraintComponent: _node_check,
    SH.PropertyConstraintComponent: _property_check,
    QUALIFIED: _qualified_check,
    SH.HasValueConstraintComponent: _has_value_check,
    SH.InConstraintComponent: _in_check,
    SH.SPARQLConstraintComponent: _sparql_check,
}
