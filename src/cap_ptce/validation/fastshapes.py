"""Our shapes read once into plain Python objects, for the fast engine; what it cannot do, it refuses.

:func:`compile_shapes` turns a shapes graph into :class:`Shape` objects whose
constraints :mod:`cap_ptce.validation.fastcheck` evaluates. It accepts the
SHACL Core features listed in :data:`SUPPORTED` and SHACL-SPARQL constraints
(:mod:`cap_ptce.validation.fastsparql` checks their text), and raises
:class:`UnsupportedShapes` naming every other feature it meets: the engine
then falls back to pySHACL, so that a new kind of shape never gives different
results in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

__all__ = ["QUALIFIED", "SUPPORTED", "Shape", "UnsupportedShapes", "compile_shapes"]

# The component that stands for sh:qualifiedValueShape (its results name sh:QualifiedMinCount… or …MaxCount…).
QUALIFIED = SH.QualifiedMinCountConstraintComponent

# The constraint parameters the fast engine evaluates as pySHACL does (sh:flags goes with sh:pattern,
# the qualified counts with sh:qualifiedValueShape).
SUPPORTED = frozenset(
    SH[name]
    for name in (
        "class datatype nodeKind minCount maxCount minInclusive minExclusive maxInclusive maxExclusive "
        "minLength maxLength pattern flags "
        "not and or xone lessThan node property qualifiedValueShape qualifiedMinCount qualifiedMaxCount "
        "qualifiedValueShapesDisjoint hasValue in sparql"
    ).split()
)
# Every constraint parameter of SHACL Core and SHACL-SPARQL: a shape using one outside SUPPORTED is refused.
_ALL_PARAMETERS = SUPPORTED | frozenset(
    SH[name]
    for name in (
        "languageIn uniqueLang equals disjoint lessThanOrEquals closed ignoredProperties expression js"
    ).split()
)
# Shape predicates that select focus nodes or describe results, not constraints.
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_REFUSED_TARGETS = (SH.target,)  # SPARQL-based and other advanced targets
_SHAPE_LINKS = (SH.node, SH["not"], SH.property, SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)
_PATH_OPERATORS = {
    SH.inversePath: "inv",
    SH.alternativePath: "alt",
    SH.zeroOrMorePath: "zom",
    SH.oneOrMorePath: "oom",
    SH.zeroOrOnePath: "zoo",
}


class UnsupportedShapes(Exception):
    """The shapes use something the fast engine does not evaluate; ``problems`` says what and where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(eq=False)
class Shape:
    """One shape: its targets, its path (None for a node shape), severity, messages and constraints."""

    node: Any
    path: tuple | None
    path_node: Any
    severity: URIRef
    deactivated: bool
    messages: tuple[Literal, ...]
    classes: tuple = ()
    subjects_of: tuple = ()
    objects_of: tuple = ()
    nodes: tuple = ()
    constraints: list = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return bool(self.classes or self.subjects_of or self.objects_of or self.nodes)


@dataclass(frozen=True)
class Constraint:
    """One constraint component of a shape: its kind (the component's IRI) and its parameters."""

    component: URIRef
    params: dict = field(hash=False, compare=False)


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.problems: list[str] = []
        self.shapes: dict[Any, Shape] = {}
        self.messages = graph
        self.paths: dict[tuple, tuple] = {}  # one object per path: the validator's memos then match at once

    def same_path(self, path: tuple) -> tuple:
        return self.paths.setdefault(path, path)

    def refuse(self, where, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def one(self, node, predicate):
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            self.refuse(node, f"several values of {predicate}")
        return values[0] if values else None

    def items(self, node) -> list:
        try:
            return list(Collection(self.graph, node))
        except Exception:  # rdflib raises plain errors for a broken list
            self.refuse(node, "not a well-formed RDF list")
            return []


def compile_shapes(graph: Graph, messages: Graph | None = None) -> dict[Any, Shape]:
    """Every shape of ``graph`` by its node; raises :class:`UnsupportedShapes` listing what is not supported.

    ``messages`` is the graph whose sh:message the report will show (the engine
    validates with shapes stripped of their annotations, and puts the messages
    of the full shapes on the results, as it does after pySHACL).
    """
    compiler = _Compiler(graph)
    compiler.messages = graph if messages is None else messages
    _check_graph(compiler)
    for node in _shape_nodes(graph):
        compiler.shapes[node] = _shape(compiler, node)
    for shape in compiler.shapes.values():
        shape.constraints = _constraints(compiler, shape)
    _check_references(compiler)
    if compiler.problems:
        raise UnsupportedShapes(sorted(set(compiler.problems)))
    return compiler.shapes


def _check_graph(compiler: _Compiler) -> None:
    graph = compiler.graph
    for node in graph.subjects(RDF.type, SH.ConstraintComponent):
        compiler.refuse(node, "custom constraint components (sh:ConstraintComponent) are not supported")
    for predicate in (OWL.imports, SH.entailment, SH.rule, SH.shapesGraph):
        for node in graph.subjects(predicate, None):
            compiler.refuse(node, f"{predicate} is not supported")


def _shape_nodes(graph: Graph) -> set:
    """What pySHACL counts as shapes: typed, targeted, with a path, or the value of a shape link."""
    nodes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    for predicate in (*_TARGETS, *_REFUSED_TARGETS, SH.path, SH.property, SH.node):
        nodes |= set(graph.subjects(predicate, None))
    for predicate in _SHAPE_LINKS:
        nodes |= set(graph.objects(None, predicate))
    for predicate in _SHAPE_LISTS:
        for head in graph.objects(None, predicate):
            nodes |= set(Collection(graph, head))
    return nodes


def _shape(compiler: _Compiler, node) -> Shape:
    graph = compiler.graph
    path_node = compiler.one(node, SH.path)
    deactivated = compiler.one(node, SH.deactivated)
    if deactivated is not None and not isinstance(deactivated, Literal):
        compiler.refuse(node, "sh:deactivated is not a literal")
    severity = compiler.one(node, SH.severity)
    if path_node is not None and (node, RDF.type, SH.NodeShape) in graph:
        compiler.refuse(node, "a sh:NodeShape with a sh:path (pySHACL refuses it)")
    if path_node is None and (node, RDF.type, SH.PropertyShape) in graph:
        compiler.refuse(node, "a sh:PropertyShape without sh:path (pySHACL refuses it)")
    for predicate in _REFUSED_TARGETS:
        if (node, predicate, None) in graph:
            compiler.refuse(node, f"{predicate} (advanced targets) is not supported")
    classes = set(graph.objects(node, SH.targetClass))
    if _implicit_class(graph, node):
        classes.add(node)
    return Shape(
        node=node,
        path=None if path_node is None else _path(compiler, path_node, 0),
        path_node=path_node,
        severity=severity if severity is not None else SH.Violation,
        deactivated=bool(deactivated.value) if isinstance(deactivated, Literal) else False,
        messages=tuple(graph.objects(node, SH.message)),
        classes=tuple(classes),
        subjects_of=tuple(graph.objects(node, SH.targetSubjectsOf)),
        objects_of=tuple(graph.objects(node, SH.targetObjectsOf)),
        nodes=tuple(graph.objects(node, SH.targetNode)),
    )


def _implicit_class(graph: Graph, node) -> bool:
    """A shape that is also an rdfs:Class targets its instances (SHACL's implicit class targets)."""
    classes = {RDFS.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
    return any(kind in classes for kind in graph.objects(node, RDF.type))


def _path(compiler: _Compiler, node, depth: int) -> tuple | None:
    """A SHACL path as ("iri", p), ("seq", parts), or (operator, inner) with pySHACL's operators."""
    if depth >= 10:
        compiler.refuse(node, "a path nested too deeply")
        return None
    if isinstance(node, URIRef):
        return compiler.same_path(("iri", node))
    if isinstance(node, Literal):
        compiler.refuse(node, "a literal as a path")
        return None
    if (node, RDF.first, None) in compiler.graph:
        parts = [_path(compiler, item, depth + 1) for item in compiler.items(node)]
        if len(parts) < 2 and depth == 0:
            compiler.refuse(node, "a sequence path of fewer than two steps")
        return compiler.same_path(("seq", tuple(parts)))
    found = [(name, compiler.graph.value(node, op)) for op, name in _PATH_OPERATORS.items()]
    found = [(name, inner) for name, inner in found if inner is not None]
    if len(found) != 1 or len(set(compiler.graph.predicates(node, None))) != 1:
        compiler.refuse(node, "a path that is not one SHACL path expression")
        return None
    name, inner = found[0]
    if name == "alt":
        return compiler.same_path(("alt", tuple(_path(compiler, item, depth + 1) for item in compiler.items(inner))))
    return compiler.same_path((name, _path(compiler, inner, depth + 1)))


def _constraints(compiler: _Compiler, shape: Shape) -> list[Constraint]:
    """The constraint components of ``shape``, one per component as pySHACL runs them."""
    graph, node = compiler.graph, shape.node
    predicates = set(graph.predicates(node, None))
    for predicate in predicates & (_ALL_PARAMETERS - SUPPORTED):
        compiler.refuse(node, f"{predicate} is not supported by the fast engine")
    found = []
    for predicate, build in _BUILDERS.items():
        if predicate in predicates:
            found.append(build(compiler, shape))
    return [constraint for constraint in found if constraint is not None]


def _values(compiler: _Compiler, node, predicate) -> list:
    return list(compiler.graph.objects(node, predicate))


def _count(component):
    parameter = {SH.MinCountConstraintComponent: SH.minCount, SH.MaxCountConstraintComponent: SH.maxCount}[component]

    def build(compiler: _Compiler, shape: Shape):
        value = compiler.one(shape.node, parameter)
        if not (isinstance(value, Literal) and value.datatype == XSD.integer and isinstance(value.value, int)):
            compiler.refuse(shape.node, f"{parameter} is not an xsd:integer")
            return None
        if shape.path is None:
            compiler.refuse(shape.node, f"{parameter} on a node shape")
        return Constraint(component, {"count": value.value})

    return build


def _single(component, parameter, check=None):
    def build(compiler: _Compiler, shape: Shape):
        value = compiler.one(shape.node, parameter)
        if check is not None and not check(value):
            compiler.refuse(shape.node, f"unexpected value of {parameter}: {value!r}")
            return None
        return Constraint(component, {"value": value})

    return build


def _many(component, parameter):
    def build(compiler: _Compiler, shape: Shape):
        return Constraint(component, {"values": _values(compiler, shape.node, parameter)})

    return build


def _in(compiler: _Compiler, shape: Shape):
    lists = _values(compiler, shape.node, SH["in"])
    if len(lists) != 1:
        compiler.refuse(shape.node, "sh:in must have one list")
        return None
    return Constraint(SH.InConstraintComponent, {"values": frozenset(compiler.items(lists[0]))})


def _logical(component, parameter):
    def build(compiler: _Compiler, shape: Shape):
        lists = [compiler.items(head) for head in _values(compiler, shape.node, parameter)]
        if any(not members for members in lists):
            compiler.refuse(shape.node, f"an empty or broken {parameter} list")
        return Constraint(component, {"lists": lists})

    return build


def _less_than(compiler: _Compiler, shape: Shape):
    properties = _values(compiler, shape.node, SH.lessThan)
    if shape.path is None or any(not isinstance(p, URIRef) for p in properties):
        compiler.refuse(shape.node, "sh:lessThan needs a property shape and IRIs (pySHACL refuses others)")
        return None
    return Constraint(SH.LessThanConstraintComponent, {"values": properties})


def _pattern(compiler: _Compiler, shape: Shape):
    import re

    patterns = _values(compiler, shape.node, SH.pattern)
    if any(not isinstance(p, Literal) for p in patterns):
        compiler.refuse(shape.node, "sh:pattern must be a literal")
        return None
    flags_values = _values(compiler, shape.node, SH.flags)
    if len(flags_values) > 1:
        compiler.refuse(shape.node, "several sh:flags")
    flags = str(flags_values[0]).lower() if flags_values else ""
    # pySHACL reads only the "i" and "m" flags, and every pattern as a Python regular expression
    re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
    try:
        compiled = [re.compile(str(p), re_flags) for p in patterns]
    except re.error as exc:
        compiler.refuse(shape.node, f"sh:pattern does not compile: {exc}")
        return None
    return Constraint(SH.PatternConstraintComponent, {"regexes": compiled})


def _length(component, parameter):
    def build(compiler: _Compiler, shape: Shape):
        value = compiler.one(shape.node, parameter)
        if not (isinstance(value, Literal) and isinstance(value.value, int) and value.value >= 0):
            compiler.refuse(shape.node, f"{parameter} is not a non-negative integer")
            return None
        return Constraint(component, {"length": value.value})

    return build


def _range(component, parameter):
    def build(compiler: _Compiler, shape: Shape):
        values = _values(compiler, shape.node, parameter)
        if any(not isinstance(v, Literal) for v in values):
            compiler.refuse(shape.node, f"{parameter} must be a literal")
            return None
        return Constraint(component, {"values": values})

    return build


def _qualified(compiler: _Compiler, shape: Shape):
    if shape.path is None:
        return None  # pySHACL ignores it on a node shape, with a warning
    counts = {}
    for name in ("qualifiedMinCount", "qualifiedMaxCount"):
        value = compiler.one(shape.node, SH[name])
        if value is not None and not (isinstance(value, Literal) and isinstance(value.value, int)):
            compiler.refuse(shape.node, f"sh:{name} is not an integer")
        counts[name] = value.value if isinstance(value, Literal) else None
    disjoint = any(
        isinstance(d, Literal) and d.value is True
        for d in _values(compiler, shape.node, SH.qualifiedValueShapesDisjoint)
    )
    return Constraint(
        QUALIFIED,
        {
            "shapes": _values(compiler, shape.node, SH.qualifiedValueShape),
            "min": counts["qualifiedMinCount"],
            "max": counts["qualifiedMaxCount"],
            "disjoint": disjoint,
        },
    )


def _sparql(compiler: _Compiler, shape: Shape):
    from .fastsparql import compile_constraint

    constraints = []
    for node in _values(compiler, shape.node, SH.sparql):
        compiled, problems = compile_constraint(compiler.graph, shape, node)
        for problem in problems:
            compiler.refuse(node, problem)
        if compiled is not None:
            constraints.append(compiled)
    return Constraint(SH.SPARQLConstraintComponent, {"queries": constraints})


def _is_node_kind(value) -> bool:
    kinds = ("BlankNode", "IRI", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")
    return value in {SH[k] for k in kinds}


# In pySHACL's order of components; a shape's results are a set, so the order only matters for reading.
_BUILDERS = {
    SH["class"]: _many(SH.ClassConstraintComponent, SH["class"]),
    SH.datatype: _single(SH.DatatypeConstraintComponent, SH.datatype, lambda v: isinstance(v, URIRef)),
    SH.nodeKind: _single(SH.NodeKindConstraintComponent, SH.nodeKind, _is_node_kind),
    SH.minCount: _count(SH.MinCountConstraintComponent),
    SH.maxCount: _count(SH.MaxCountConstraintComponent),
    SH.minExclusive: _range(SH.MinExclusiveConstraintComponent, SH.minExclusive),
    SH.minInclusive: _range(SH.MinInclusiveConstraintComponent, SH.minInclusive),
    SH.maxExclusive: _range(SH.MaxExclusiveConstraintComponent, SH.maxExclusive),
    SH.maxInclusive: _range(SH.MaxInclusiveConstraintComponent, SH.maxInclusive),
    SH["not"]: _many(SH.NotConstraintComponent, SH["not"]),
    SH["and"]: _logical(SH.AndConstraintComponent, SH["and"]),
    SH["or"]: _logical(SH.OrConstraintComponent, SH["or"]),
    SH.xone: _logical(SH.XoneConstraintComponent, SH.xone),
    SH.minLength: _length(SH.MinLengthConstraintComponent, SH.minLength),
    SH.maxLength: _length(SH.MaxLengthConstraintComponent, SH.maxLength),
    SH.pattern: _pattern,
    SH.lessThan: _less_than,
    SH.node: _many(SH.NodeConstraintComponent, SH.node),
    SH.property: _many(SH.PropertyConstraintComponent, SH.property),
    SH.qualifiedValueShape: _qualified,
    SH.hasValue: _many(SH.HasValueConstraintComponent, SH.hasValue),
    SH["in"]: _in,
    SH.sparql: _sparql,
}


def _check_references(compiler: _Compiler) -> None:
    """Shape links name shapes of the right kind, no shape refers back to itself, results carry messages."""
    shapes = compiler.shapes
    for shape in shapes.values():
        for linked in _linked(shape):
            if linked not in shapes:
                compiler.refuse(shape.node, f"links to {linked}, which is not a shape")
        for constraint in shape.constraints:
            if constraint.component == SH.NodeConstraintComponent:
                for target in constraint.params["values"]:
                    if target in shapes and shapes[target].path is not None:
                        compiler.refuse(shape.node, "sh:node names a property shape")
            if constraint.component == SH.PropertyConstraintComponent:
                for target in constraint.params["values"]:
                    if target in shapes and shapes[target].path is None:
                        compiler.refuse(shape.node, "sh:property names a node shape")
    for shape in shapes.values():
        if _reaches(shapes, shape.node, shape.node, set()):
            compiler.refuse(shape.node, "a recursive shape")
    for node in _reported_shapes(shapes):
        if (node, SH.message, None) not in compiler.messages and _may_report(shapes[node]):
            compiler.refuse(node, "a shape whose results would carry pySHACL's own messages (no sh:message)")
    for shape in shapes.values():
        for constraint in shape.constraints:
            for query in constraint.params.get("queries", ()):
                if not query.messages and not shape.messages:
                    compiler.refuse(query.node, "a SPARQL constraint without sh:message")


def _linked(shape: Shape) -> list:
    linked = []
    for constraint in shape.constraints:
        params = constraint.params
        linked += list(params.get("values", ())) if constraint.component in _LINKING else []
        linked += [member for members in params.get("lists", ()) for member in members]
        linked += list(params.get("shapes", ()))
    return linked


_LINKING = {SH.NodeConstraintComponent, SH.PropertyConstraintComponent, SH.NotConstraintComponent}


def _reaches(shapes: dict, start, goal, seen: set) -> bool:
    for linked in _linked(shapes[start]) if start in shapes else ():
        if linked == goal:
            return True
        if linked not in seen:
            seen.add(linked)
            if _reaches(shapes, linked, goal, seen):
                return True
    return False


def _reported_shapes(shapes: dict) -> set:
    """Shapes whose results reach a report: targeted ones, and those under sh:property or sh:node of those."""
    todo = [node for node, shape in shapes.items() if shape.has_targets]
    seen = set(todo)
    while todo:
        for constraint in shapes[todo.pop()].constraints:
            if constraint.component in (SH.PropertyConstraintComponent, SH.NodeConstraintComponent):
                for linked in constraint.params["values"]:
                    if linked in shapes and linked not in seen:
                        seen.add(linked)
                        todo.append(linked)
    return seen


def _may_report(shape: Shape) -> bool:
    """A shape with a constraint of its own (not only sh:property) can produce results with its messages."""
    return any(c.component != SH.PropertyConstraintComponent for c in shape.constraints)


def is_blank(node) -> bool:
    return isinstance(node, BNode)
