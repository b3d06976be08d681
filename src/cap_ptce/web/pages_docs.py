"""The documentation pages drawn from RDF: the ontology (``/def``) and the SHACL shapes (``/shapes``).

Each term and each shape has an anchor named after its local name, so that the
hash IRIs ``…/def#Entry`` and ``…/shapes#ProjectShape`` land on their section.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from .. import i18n
from ..rdf.namespaces import BASE, CAP, GRILLE, ONTOLOGY_IRI, SHAPES, SHAPES_DOCUMENT
from . import links
from .present import Presenter, Row, Value
from .resolve import Resource
from .site import get_site

__all__ = ["BUILDERS", "Term", "ShapeDoc"]

_CLASS_TYPES = (OWL.Class, RDFS.Class)
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
_DEFINITIONS = (SKOS.definition, RDFS.comment)


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology, ready to show."""

    anchor: str
    iri: str
    label: str
    definition: str
    kind: str
    rows: tuple[Row, ...]


def presenter(lang: str) -> Presenter:
    site = get_site()
    cache = site.label_cache.setdefault(lang, {})
    return Presenter(site.graph, lang, (BASE, links.base_iri(site.config)), locate=site.locate, cache=cache)


def _first_text(p: Presenter, graph: Graph, node, props) -> str:
    """The first text of ``props`` in the page's language (or without one); empty if none."""
    for prop in props:
        found = p.pick(graph.objects(node, prop))
        if found and found[1] is None:
            return found[0]
    return ""


# The modelling properties shown for each term, with the message that names them.
_TERM_PROPERTIES = {
    RDF.type: "ontology.type",
    RDFS.subClassOf: "ontology.sub_class_of",
    RDFS.subPropertyOf: "ontology.sub_property_of",
    RDFS.domain: "ontology.domain",
    RDFS.range: "ontology.range",
    OWL.inverseOf: "ontology.inverse_of",
    OWL.equivalentClass: "ontology.equivalent",
    OWL.equivalentProperty: "ontology.equivalent",
    OWL.disjointWith: "ontology.disjoint_with",
    RDFS.seeAlso: "ontology.see_also",
}


def _term(p: Presenter, graph: Graph, iri: URIRef, kind: str, props) -> Term:
    rows = [
        Row(i18n.t(_TERM_PROPERTIES[prop], p.lang), str(prop), tuple(p.values(graph, iri, prop)))
        for prop in props
        if (iri, prop, None) in graph
    ]
    return Term(
        str(iri)[len(str(CAP)) :],
        str(iri),
        p.label(iri, graph)[0],
        _first_text(p, graph, iri, _DEFINITIONS),
        kind,
        tuple(rows),
    )


def _ours(graph: Graph, types) -> list[URIRef]:
    found = {
        s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef) and str(s).startswith(str(CAP))
    }
    return sorted(found, key=str)


def _reused(p: Presenter, graph: Graph) -> list[tuple[Value, str]]:
    """External terms the ontology declares, with their label in the page's language."""
    found = {
        s
        for t in (*_CLASS_TYPES, *_PROPERTY_TYPES)
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and not str(s).startswith(BASE)
    }
    return [(p.value(s, graph), _first_text(p, graph, s, _DEFINITIONS)) for s in sorted(found, key=str)]


def ontology(resource: Resource, lang: str):
    site = get_site()
    graph = site.reference_graphs["ontologie"]
    p = presenter(lang)
    header = URIRef(ONTOLOGY_IRI)
    class_props = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.seeAlso)
    prop_props = (
        RDF.type,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.inverseOf,
        OWL.equivalentProperty,
        RDFS.seeAlso,
    )
    return "ontology.html", {
        "title": p.label(header, graph)[0],
        "header_rows": p.rows(graph, header),
        "classes": [_term(p, graph, c, "class", class_props) for c in _ours(graph, _CLASS_TYPES)],
        "properties": [_term(p, graph, c, "property", prop_props) for c in _ours(graph, _PROPERTY_TYPES)],
        "reused": _reused(p, graph),
    }


@dataclass(frozen=True)
class Check:
    """One property constraint of a shape, in words."""

    path: str
    words: tuple[str, ...]
    severity: str
    message: str


@dataclass(frozen=True)
class ShapeDoc:
    """A node shape, in words: what it targets, what it checks, and for which grid entry."""

    anchor: str
    label: str
    description: str
    targets: tuple[Value, ...]
    severity: str
    message: str
    checks: tuple[Check, ...]
    grid_links: tuple[Value, ...]


_COUNTS = {
    SH.minCount: "shapes.min_count",
    SH.maxCount: "shapes.max_count",
    SH.minLength: "shapes.min_length",
    SH.maxLength: "shapes.max_length",
    SH.minInclusive: "shapes.min_inclusive",
    SH.maxInclusive: "shapes.max_inclusive",
    SH.pattern: "shapes.pattern",
    SH.hasValue: "shapes.has_value",
}
_TERMS = {SH.datatype: "shapes.datatype", SH.node: "shapes.node", SH.nodeKind: "shapes.node_kind"}


def _severity(graph: Graph, node) -> str:
    found = graph.value(node, SH.severity)
    return str(found).rsplit("#", 1)[-1].lower() if found is not None else "violation"


def _path_words(p: Presenter, graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return p.label(path, graph)[0]
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return i18n.t("shapes.inverse", p.lang, path=_path_words(p, graph, inverse))
    if graph.value(path, RDF.first) is not None:
        return " / ".join(_path_words(p, graph, step) for step in Collection(graph, path))
    return "…"


def _constraint_words(p: Presenter, graph: Graph, node) -> list[str]:
    """Each constraint of ``node`` as a sentence in the page's language."""
    words = []
    for prop, key in _COUNTS.items():
        for value in graph.objects(node, prop):
            words.append(i18n.t(key, p.lang, value=str(value)))
    for prop, key in _TERMS.items():
        for value in graph.objects(node, prop):
            words.append(i18n.t(key, p.lang, value=_value_words(p, graph, value)))
    for value in graph.objects(node, SH["class"]):
        words.append(i18n.t("shapes.class", p.lang, value=p.label(value, graph)[0]))
    for value in graph.objects(node, SH["in"]):
        items = ", ".join(
            p.label(item, graph)[0] if not isinstance(item, Literal) else str(item) for item in Collection(graph, value)
        )
        words.append(i18n.t("shapes.in", p.lang, value=items))
    for _ in graph.objects(node, SH.sparql):
        words.append(i18n.t("shapes.sparql", p.lang))
    for other in graph.objects(node, SH.qualifiedValueShape):
        count = graph.value(node, SH.qualifiedMinCount)
        inner = "; ".join(_constraint_words(p, graph, other)) or "…"
        words.append(i18n.t("shapes.qualified", p.lang, count=str(count or 1), inner=inner))
    return words


# The datatypes and kinds of value the shapes use, as a carrier reads them (the technical name beside).
_VALUE_WORDS = {
    XSD.boolean: "shapes.words.boolean",
    XSD.date: "shapes.words.date",
    XSD.decimal: "shapes.words.decimal",
    XSD.integer: "shapes.words.integer",
    XSD.nonNegativeInteger: "shapes.words.nonNegativeInteger",
    XSD.gYear: "shapes.words.gYear",
    XSD.gYearMonth: "shapes.words.gYearMonth",
    XSD.hexBinary: "shapes.words.hexBinary",
    XSD.string: "shapes.words.string",
    SH.IRI: "shapes.words.IRI",
    SH.Literal: "shapes.words.Literal",
}


def _value_words(p: Presenter, graph: Graph, value) -> str:
    """A datatype or kind of value in words (« une date AAAA-MM-JJ (xsd:date) »), else its label."""
    key = _VALUE_WORDS.get(value)
    return i18n.t(key, p.lang) if key else p.label(value, graph)[0]


def _message(p: Presenter, graph: Graph, node) -> str:
    found = p.pick(graph.objects(node, SH.message))
    return found[0] if found and found[1] is None else ""


def _check(p: Presenter, graph: Graph, node) -> Check:
    path = graph.value(node, SH.path)
    return Check(
        _path_words(p, graph, path) if path is not None else "",
        tuple(_constraint_words(p, graph, node)),
        _severity(graph, node),
        _message(p, graph, node),
    )


def _grid_links(p: Presenter, graph: Graph, shape) -> tuple[Value, ...]:
    """Grid entries and questions the shape points at, whatever the property."""
    found = {o for o in graph.objects(shape) if isinstance(o, URIRef) and str(o).startswith(str(GRILLE))}
    return tuple(p.value(o, get_site().graph) for o in sorted(found, key=str))


def _shape(p: Presenter, graph: Graph, shape, namespace: str = str(SHAPES)) -> ShapeDoc:
    anchor = str(shape)[len(namespace) :] if str(shape).startswith(namespace) else ""
    targets = [
        p.value(o, graph)
        for prop in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for o in graph.objects(shape, prop)
    ]
    checks = [_check(p, graph, node) for node in graph.objects(shape, SH.property)]
    checks.sort(key=lambda check: check.path.casefold())
    if (shape, SH.path, None) in graph:  # a property shape: its own path and constraints
        checks.insert(0, _check(p, graph, shape))
    else:
        own = _constraint_words(p, graph, shape)
        if own:
            checks.insert(0, Check("", tuple(own), _severity(graph, shape), _message(p, graph, shape)))
    return ShapeDoc(
        anchor,
        p.label(shape, graph)[0] if anchor else "…",
        _first_text(p, graph, shape, (SH.description, RDFS.comment, SKOS.definition)),
        tuple(targets),
        _severity(graph, shape),
        _message(p, graph, shape),
        tuple(checks),
        _grid_links(p, graph, shape),
    )


# The named parts of the shapes, each with its section on the page (every shapes#… IRI lands on its anchor):
# the typed shapes, and the shapes known only by their use (sh:qualifiedValueShape, sh:not) that have a label.
_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)


def shapes(resource: Resource, lang: str):
    """The shapes, with their document's facts (its version, whose IRI keeps this release) and the register's profile."""
    graph = get_site().reference_graphs["controles"]
    context = _shape_docs(graph, str(SHAPES), lang)
    # the document's own facts; its prefix declarations (sh:declare) are for the SPARQL of the shapes, not readers
    rows = [row for row in presenter(lang).rows(graph, SHAPES_DOCUMENT) if row.iri != str(SH.declare)]
    return "shapes.html", {**context, "header_rows": rows, "profile": True}


def register_profile(resource: Resource, lang: str):
    """The register's profile (``registre/profil.ttl``), the shapes a record of a real pole answers to."""
    from ..validation.registre import register_shapes

    context = _shape_docs(register_shapes(), str(resource.iri) + "#", lang)
    return "shapes.html", {**context, "title_key": "shapes.profile_title", "intro_key": "shapes.profile_intro"}


def _shape_docs(graph: Graph, namespace: str, lang: str) -> dict:
    p = presenter(lang)
    typed = {s for kind in _SHAPE_TYPES for s in graph.subjects(RDF.type, kind)}
    labelled = {s for s in graph.subjects(RDFS.label) if isinstance(s, URIRef)}
    named = {s for s in typed | labelled if str(s).startswith(namespace)}
    return {"shapes": [_shape(p, graph, s, namespace) for s in sorted(named, key=str)], "triples": len(graph)}


def frozen_release_page(resource: Resource, lang: str):
    """An earlier release of the grid, kept as it was published: its files, and where the current one is."""
    from ..grid import load_grid

    grid = load_grid()
    entry = next((item for item in grid.history if item.version == resource.key), None)
    return "frozen.html", {
        "version": resource.key,
        "current": grid.version,
        "date": entry.date.isoformat() if entry is not None else None,
        "note": entry.note.get(lang) if entry is not None else None,
        "current_path": "/grille/" + grid.id,
    }


BUILDERS = {
    "ontology": ontology,
    "shapes": shapes,
    "register-profile": register_profile,
    "frozen-release": frozen_release_page,
}
