"""From a description graph back to the people's data, key by key.

:func:`graph_to_data` is the inverse of :func:`cap_ptce.project.build.build_document`
followed by JSON-LD parsing: it reads, for every key of the format table, the
predicate that the context gives it. It is lenient on purpose (a value it cannot
place is left out); the caller checks that rebuilding the data gives back the
whole graph, which is what refuses triples outside the format.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ..errors import InputError
from ..rdf.namespaces import CAP, GRILLE, SCHEMA, VOCAB
from .context import predicate
from .schema import FREQ_NS, FREQUENCIES, INSEE_GEO, PROJECT, SPECS, Field, Kind, NodeSpec

__all__ = ["graph_to_data", "find_project"]

_FREQUENCY_WORDS = {FREQ_NS + term: word for word, term in FREQUENCIES.items()}


def find_project(graph: Graph, source: str | None = None) -> URIRef:
    """The one ``cap:Project`` that the graph describes."""
    projects = sorted(set(graph.subjects(RDF.type, CAP.Project)), key=str)
    if len(projects) != 1:
        raise InputError(
            f"une description décrit exactement un projet ; ce graphe en a {len(projects)} / "
            f"a description must describe exactly one project; this graph has {len(projects)}",
            source=source,
            hint="un projet par fichier, typé cap:Project / one cap:Project per file",
        )
    if not isinstance(projects[0], URIRef):
        raise InputError(
            "le projet doit être nommé par une IRI / the project must be named by an IRI",
            source=source,
            hint="{base}projet/{id}",
        )
    return projects[0]


def graph_to_data(graph: Graph, iri: URIRef) -> dict:
    """The description of the project ``iri`` in ``graph``, as YAML-ready data."""
    return _Reader(graph, iri).node(PROJECT, iri)


def _number(literal: Any) -> int | float | None:
    try:
        value = Decimal(str(literal))
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class _Reader:
    def __init__(self, graph: Graph, iri: URIRef) -> None:
        self.graph = graph
        self.iri = iri
        self.actor_prefix = f"{iri}/acteur/"

    def node(self, spec: NodeSpec, subject: URIRef) -> dict:
        out: dict[str, Any] = {}
        for spec_field in spec.fields:
            value = self.read(spec, spec_field, subject)
            if value not in (None, "", [], {}):
                out[spec_field.key] = value
        return out

    def objects(self, subject, spec: NodeSpec, spec_field: Field) -> list:
        pred = predicate(spec_field.key, spec.scope)
        return sorted(self.graph.objects(subject, pred), key=str)

    def read(self, spec: NodeSpec, spec_field: Field, subject: URIRef) -> Any:
        kind = spec_field.kind
        if kind == Kind.NEST:
            return self.node(SPECS[spec_field.arg], subject)
        if kind in (Kind.ROLES, Kind.MEMBER_SINCE):
            return self.membership(spec_field, subject)
        values = self.objects(subject, spec, spec_field)
        reader = getattr(self, "read_" + _READERS[kind])
        if kind in Kind.SETS:
            found = [v for v in (reader(o, spec_field) for o in values) if v is not None]
            return sorted(found, key=_sort_key)
        if kind in (Kind.OBJECTS, Kind.ANSWERS, Kind.OBJECT):
            return reader(values, spec_field)
        found = [v for v in (reader(o, spec_field) for o in values) if v is not None]
        if not found and kind == Kind.SLUG:
            return str(subject).rsplit("/", 1)[-1]  # an id not given as dcterms:identifier: the IRI's
        return found[0] if found else None

    def membership(self, spec_field: Field, actor: URIRef) -> Any:
        membership = URIRef(f"{self.iri}/adhesion/{str(actor)[len(self.actor_prefix) :]}")
        if spec_field.kind == Kind.MEMBER_SINCE:
            dates = [self.read_date(o, spec_field) for o in self.graph.objects(membership, predicate("depuis"))]
            return next((d for d in dates if d is not None), None)
        labels = [
            str(label)
            for role in self.graph.objects(membership, predicate("roles"))
            for label in self.graph.objects(role, SKOS.prefLabel)
        ]
        return sorted(labels)

    # scalar readers: read_<name>(object, field) -> value or None

    def read_text(self, term, spec_field):
        return str(term) if isinstance(term, Literal) else None

    def read_bool(self, term, spec_field):
        value = term.toPython() if isinstance(term, Literal) else None
        return value if isinstance(value, bool) else None

    def read_int(self, term, spec_field):
        value = _number(term) if isinstance(term, Literal) else None
        return value if isinstance(value, int) else None

    def read_decimal(self, term, spec_field):
        return _number(term) if isinstance(term, Literal) else None

    def read_date(self, term, spec_field):
        if not isinstance(term, Literal):
            return None
        if term.datatype == XSD.date:
            try:
                return date.fromisoformat(str(term))
            except ValueError:
                return None
        return str(term) if term.datatype in (XSD.gYear, XSD.gYearMonth) else None

    def read_iri(self, term, spec_field):
        return str(term) if isinstance(term, URIRef) else None

    def read_concept(self, term, spec_field):
        prefix = str(VOCAB) + f"{spec_field.arg}/"
        return str(term)[len(prefix) :] if str(term).startswith(prefix) else None

    def read_public_scheme(self, term, spec_field):
        prefix = str(VOCAB) + "dispositifs/"
        return str(term)[len(prefix) :] if str(term).startswith(prefix) else None

    def read_actor(self, term, spec_field):
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(self.actor_prefix):
            return text[len(self.actor_prefix) :]
        return None

    def read_geo(self, term, spec_field):
        level = spec_field.arg or "commune"
        prefix = f"{INSEE_GEO}{level}/"
        return str(term)[len(prefix) :] if str(term).startswith(prefix) else None

    def read_frequency(self, term, spec_field):
        return _FREQUENCY_WORDS.get(str(term))

    def read_funder(self, term, spec_field):
        if self.read_actor(term, spec_field) is not None:
            return None
        return next((str(name) for name in self.graph.objects(term, SCHEMA.name)), None)

    # structured readers: read_<name>(objects, field)

    def read_object(self, values, spec_field):
        spec = SPECS[spec_field.arg]
        return self.node(spec, values[0]) if values else None

    def read_objects(self, values, spec_field):
        spec = SPECS[spec_field.arg]
        if spec.name == "acteurs":
            values = [v for v in values if self.read_actor(v, spec_field) is not None]
        ranked = sorted(values, key=lambda v: (self.position(v), str(v)))
        return [self.node(spec, v) for v in ranked]

    def position(self, node) -> int:
        value = next(iter(self.graph.objects(node, SCHEMA.position)), None)
        number = _number(value) if value is not None else None
        return number if isinstance(number, int) else 0

    def read_answers(self, values, spec_field):
        prefix = str(GRILLE) + "question/"
        answers = {}
        for answer in values:
            question = next(iter(self.graph.objects(answer, CAP.answers)), None)
            text = next(iter(self.graph.objects(answer, SCHEMA.text)), None)
            if question is not None and str(question).startswith(prefix) and text is not None:
                answers[str(question)[len(prefix) :]] = str(text)
        return dict(sorted(answers.items()))


def _sort_key(value: Any) -> str:
    return str(value)


_READERS = {
    Kind.TEXT: "text",
    Kind.TEXTS: "text",
    Kind.BOOL: "bool",
    Kind.INT: "int",
    Kind.DECIMAL: "decimal",
    Kind.DATE: "date",
    Kind.SLUG: "text",
    Kind.URL: "iri",
    Kind.EMAIL: "text",
    Kind.CODE: "text",
    Kind.CONCEPT: "concept",
    Kind.CONCEPTS: "concept",
    Kind.PUBLIC_SCHEME: "public_scheme",
    Kind.ACTOR: "actor",
    Kind.ACTORS: "actor",
    Kind.GEO: "geo",
    Kind.COMMUNE: "geo",
    Kind.FREQUENCY: "frequency",
    Kind.FUNDER: "funder",
    Kind.OBJECT: "object",
    Kind.OBJECTS: "objects",
    Kind.ANSWERS: "answers",
}
