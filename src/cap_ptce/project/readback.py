"""From a description graph back to the people's data, key by key.

:func:`graph_to_data` is the inverse of :func:`cap_ptce.project.build.build_document`
followed by JSON-LD parsing: it reads, for every key of the format table, the
predicate that the context gives it, and writes the data of the current format
(version 2). It is lenient on purpose (a value it cannot place is left out);
the caller checks that rebuilding the data gives back the whole graph, which
is what refuses triples outside the format.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from ..errors import InputError
from ..rdf.namespaces import CAP, GRILLE, ORG, SCHEMA, VOCAB
from .context import predicate
from .schema import CURRENT_FORMAT, FREQ_NS, FREQUENCIES, INSEE_GEO, PROJECT, SPECS, Field, Kind, NodeSpec
from .values import quantity_text

__all__ = ["graph_to_data", "find_project"]

_FREQUENCY_WORDS = {FREQ_NS + term: word for word, term in FREQUENCIES.items()}
_EMPTY = (None, "", [], {})


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
    """The description of the project ``iri`` in ``graph``, as YAML-ready data of the current format."""
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
        self.group_prefix = f"{iri}/groupe/"
        self.base = str(iri).rsplit("projet/", 1)[0]

    def node(self, spec: NodeSpec, subject: URIRef) -> dict:
        out: dict[str, Any] = {}
        for spec_field in spec.fields:
            if spec_field.version == 1:
                continue  # the writer writes the current format
            value = self.read(spec, spec_field, subject)
            if value not in _EMPTY:
                out[spec_field.key] = value
        return out

    def objects(self, subject, spec: NodeSpec, spec_field: Field) -> list:
        pred = predicate(spec_field.key, spec.scope)
        return sorted(self.graph.objects(subject, pred), key=str)

    def read(self, spec: NodeSpec, spec_field: Field, subject: URIRef) -> Any:
        kind = spec_field.kind
        special = _SPECIAL.get(kind)
        if special is not None:
            return getattr(self, special)(spec, spec_field, subject)
        values = self.objects(subject, spec, spec_field)
        reader = getattr(self, "read_" + _READERS[kind])
        if kind in Kind.SETS:
            found = sorted((v for v in (reader(o, spec_field) for o in values) if v is not None), key=str)
            return found[0] if kind == Kind.CONCEPT_SET and len(found) == 1 else found
        if kind in (Kind.OBJECTS, Kind.OBJECT, Kind.POLES, Kind.SOURCES):
            return reader(values, spec_field)
        found = [v for v in (reader(o, spec_field) for o in values) if v is not None]
        if not found and kind == Kind.SLUG:
            return str(subject).rsplit("/", 1)[-1]  # an id not given as dcterms:identifier: the IRI's
        return found[0] if found else None

    # -- keys that are not one predicate ------------------------------------------

    def special_nest(self, spec, spec_field, subject):
        return self.node(SPECS[spec_field.arg], subject)

    def special_none(self, spec, spec_field, subject):
        return None

    def special_format(self, spec, spec_field, subject):
        return CURRENT_FORMAT

    def special_relation(self, spec, spec_field, subject):
        return "partenaire" if (self.iri, CAP.hasPartner, subject) in self.graph else None

    def special_membership(self, spec, spec_field, actor):
        name = str(actor).rsplit("/", 1)[-1]
        if (self.iri, CAP.hasPartner, actor) in self.graph:
            link, roles = URIRef(f"{self.iri}/partenariat/{name}"), CAP.partnerRole
        else:
            link, roles = URIRef(f"{self.iri}/adhesion/{name}"), ORG.role
        if spec_field.kind == Kind.MEMBER_SINCE:
            dates = [self.read_date(o, spec_field) for o in self.graph.objects(link, SCHEMA.startDate)]
            return next((d for d in dates if d is not None), None)
        labels = [
            str(label) for role in self.graph.objects(link, roles) for label in self.graph.objects(role, SKOS.prefLabel)
        ]
        return sorted(labels)

    def special_answer(self, spec, spec_field, subject):
        answer = URIRef(f"{self.iri}/reponse/{spec_field.arg}")
        if (subject, CAP.hasAnswer, answer) not in self.graph:
            return None
        if (answer, CAP.answers, GRILLE[f"question/{spec_field.arg}"]) not in self.graph:
            return None
        return next((str(t) for t in self.graph.objects(answer, SCHEMA.text)), None)

    def special_other(self, spec, spec_field, subject):
        paired = spec.field(spec_field.arg)
        other = VOCAB[f"{paired.arg}/autre"]
        if (subject, predicate(paired.key, spec.scope), other) not in self.graph:
            return None
        return next((str(t) for t in self.graph.objects(subject, CAP.otherLabel)), None)

    def special_years(self, spec, spec_field, subject):
        """A year, a span of years ("2002-2004"), or for a date key the date itself."""
        low = next(iter(self.graph.objects(subject, CAP.yearFrom)), None)
        high = next(iter(self.graph.objects(subject, CAP.yearTo)), None)
        if low is not None and high is not None:
            return f"{low}-{high}"
        values = self.objects(subject, spec, spec_field)
        if spec_field.kind == Kind.YEAR:
            found = [_number(v) for v in values if isinstance(v, Literal)]
        else:
            found = [self.read_date(v, spec_field) for v in values]
        return next((v for v in found if v is not None), None)

    def special_quantity(self, spec, spec_field, subject):
        low = next(iter(self.graph.objects(subject, SCHEMA.minValue)), None)
        high = next(iter(self.graph.objects(subject, SCHEMA.maxValue)), None)
        if low is not None and high is not None:
            return quantity_text(Decimal(str(low)), Decimal(str(high)))
        return next((_number(v) for v in self.graph.objects(subject, RDF.value) if isinstance(v, Literal)), None)

    def special_figure(self, spec, spec_field, subject):
        figure = next(iter(self.objects(subject, spec, spec_field)), None)
        if figure is None:
            return None
        data = self.node(SPECS["chiffre_valeur"], figure)
        return data["valeur"] if set(data) == {"valeur"} else data

    # -- scalar readers: read_<name>(object, field) -> value or None -------------

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

    def read_member(self, term, spec_field):
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(self.group_prefix):
            return text[len(self.group_prefix) :]
        return self.read_actor(term, spec_field)

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

    def read_source(self, term, spec_field):
        data = self.node(SPECS["source"], term)
        if set(data) == {"url"}:
            return data["url"]
        return data["titre"] if set(data) == {"titre"} else data or None

    # -- structured readers: read_<name>(objects, field) ---------------------------

    def read_object(self, values, spec_field):
        spec = SPECS[spec_field.arg]
        return self.node(spec, values[0]) if values else None

    def read_objects(self, values, spec_field):
        spec = SPECS[spec_field.arg]
        if spec.name in ("acteurs", "groupes"):
            prefix = self.actor_prefix if spec.name == "acteurs" else self.group_prefix
            partners = self.graph.objects(self.iri, CAP.hasPartner)
            values = [v for v in {*values, *partners} if str(v).startswith(prefix)]
        ranked = sorted(values, key=lambda v: (self.position(v), str(v)))
        return [self.node(spec, v) for v in ranked]

    def read_sources(self, values, spec_field):
        ranked = sorted(values, key=lambda v: (_source_rank(v), str(v)))
        return [s for s in (self.read_source(v, spec_field) for v in ranked) if s not in _EMPTY]

    def read_poles(self, values, spec_field):
        projects = sorted(str(v)[len(self.base) + len("projet/") :] for v in values if self.is_project(v))
        external = [v for v in values if (v, RDF.type, CAP.ExternalPole) in self.graph]
        ranked = sorted(external, key=lambda v: (self.position(v), str(v)))
        return projects + [self.node(SPECS["poles_lies"], v) for v in ranked]

    def is_project(self, term) -> bool:
        text = str(term)
        return (
            isinstance(term, URIRef)
            and text.startswith(f"{self.base}projet/")
            and "/" not in text[len(self.base) + 7 :]
        )

    def position(self, node) -> int:
        value = next(iter(self.graph.objects(node, SCHEMA.position)), None)
        number = _number(value) if value is not None else None
        return number if isinstance(number, int) else 0


def _source_rank(term) -> int:
    tail = str(term).rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# Kinds read by a method of their own (special_<name>) rather than from one predicate's objects.
_SPECIAL = {
    Kind.NEST: "special_nest",
    Kind.FORMAT: "special_format",
    Kind.ANSWERS: "special_none",
    Kind.RELATION: "special_relation",
    Kind.ROLES: "special_membership",
    Kind.MEMBER_SINCE: "special_membership",
    Kind.ANSWER: "special_answer",
    Kind.OTHER: "special_other",
    Kind.YEAR: "special_years",
    Kind.DATE_SPAN: "special_years",
    Kind.QUANTITY: "special_quantity",
    Kind.FIGURE: "special_figure",
}

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
    Kind.CODES: "text",
    Kind.CONCEPT: "concept",
    Kind.CONCEPTS: "concept",
    Kind.CONCEPT_SET: "concept",
    Kind.PUBLIC_SCHEME: "public_scheme",
    Kind.ACTOR: "actor",
    Kind.ACTORS: "actor",
    Kind.MEMBERS: "member",
    Kind.GEO: "geo",
    Kind.GEO_ONE: "geo",
    Kind.COMMUNE: "geo",
    Kind.FREQUENCY: "frequency",
    Kind.FUNDER: "funder",
    Kind.SOURCE: "source",
    Kind.SOURCES: "sources",
    Kind.POLES: "poles",
    Kind.OBJECT: "object",
    Kind.OBJECTS: "objects",
}
