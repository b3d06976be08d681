"""The projects of the knowledge base, as the pages need them.

Each project description lives in its own named graph of the knowledge base;
these helpers ask the app's :class:`~cap_ptce.store.KnowledgeBase` (through
:func:`cap_ptce.web.sparql.get_kb`) for the project list, one project's graph,
the whole corpus, and the projects that point at a grid resource (the way back
from a question, a concept or a public scheme to the projects that use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
from flask import current_app
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from ..i18n import texts
from ..i18n.folding import fold
from ..publish.catalog import Statistics, vocabularies_of
from ..rdf.namespaces import CAP, GRILLE, IGEO, SCHEMA, VOCAB, bind_prefixes
from ..store import DERIVED_GRAPHS, ORGANISATIONS_GRAPH, PLACES_GRAPH, REFERENCE_GRAPHS
from ..store.parts import ALL_QUADS, DERIVED_BY_POLE, IN_REGISTER, PART_QUADS
from ..store.provenance import PROVENANCE_GRAPH
from .links import base_iri

__all__ = [
    "ProjectRef",
    "OrganisationRef",
    "list_organisations",
    "organisation_graph",
    "CorpusFigures",
    "list_projects",
    "project_graph",
    "corpus_graph",
    "corpus_graphs",
    "corpus_document",
    "fictional_count",
    "corpus_statistics",
    "whole_statistics",
    "grid_backlinks",
    "project_iri",
]


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation of the knowledge base (one per SIREN or RNA number): its key (``siren/…``),
    IRI, name and the projects whose descriptions name it."""

    key: str
    iri: URIRef
    name: str
    project_ids: tuple[str, ...]


# A SPARQL property path for a project's name, whichever property its description uses.
_NAME = "|".join(f"<{prop}>" for prop in (SCHEMA.name, RDFS.label, SKOS.prefLabel, DCTERMS.title)).join("()")


@dataclass(frozen=True)
class ProjectRef:
    """A project as a link: its id (last segment of its IRI), IRI and name, and whether it is a real pole of the register."""

    id: str
    iri: URIRef
    name: str
    register: bool = False
    fictional: bool = False
    # When its content last changed: the description's own date (``mise_a_jour``, dcterms:modified), else the
    # day it was loaded into the knowledge base (its provenance record); None where neither is known.
    modified: date | None = None


def _day(row: dict, *names: str) -> date | None:
    """The date of the first of ``names`` that ``row`` binds to a date or date-time (None: none does)."""
    for name in names:
        if name in row:
            try:
                return date.fromisoformat(row[name].value[:10])
            except ValueError:  # not a date: the next source
                continue
    return None


def project_iri(project_id: str) -> URIRef:
    return URIRef(_project_prefix() + project_id)


def _project_prefix() -> str:
    return base_iri(current_app.config) + "projet/"


def _refs(rows) -> list[ProjectRef]:
    prefix = _project_prefix()
    found = {}
    for row in rows:
        iri = row["project"].value
        if iri.startswith(prefix) and "/" not in iri[len(prefix) :]:
            name = row["name"].value if "name" in row else iri[len(prefix) :]
            modified = _day(row, "changed", "loaded")
            ref = ProjectRef(iri[len(prefix) :], URIRef(iri), name, "register" in row, "fictional" in row, modified)
            found.setdefault(iri, ref)
    return sorted(found.values(), key=lambda ref: (fold(ref.name), ref.name, ref.id))


def list_projects() -> list[ProjectRef]:
    """Every project of the knowledge base under this deployment's base, by name."""
    rows = _select(f"""
        SELECT ?project (SAMPLE(?label) AS ?name) (SAMPLE(?in_register) AS ?register)
               (SAMPLE(?made_up) AS ?fictional) (MAX(STR(?own)) AS ?changed) (MAX(STR(?at)) AS ?loaded) WHERE {{
          GRAPH ?g {{ ?project a <{CAP.Project}> OPTIONAL {{ ?project {_NAME} ?label }}
                      OPTIONAL {{ ?project <{CAP.fictional}> true BIND(true AS ?made_up) }}
                      OPTIONAL {{ ?project <{DCTERMS.modified}> ?own }} }}
          OPTIONAL {{ {IN_REGISTER} BIND(true AS ?in_register) }}
          OPTIONAL {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?g <{FOAF.primaryTopic}> ?project ; <{PROV.generatedAtTime}> ?at }} }}
        }} GROUP BY ?project""")
    return _refs(rows)


def grid_backlinks() -> dict[str, list[ProjectRef]]:
    """For each resource of the grid and its vocabularies, the projects whose description points at it.

    One query for the whole corpus (pages ask for it once per app, not once per page).
    """
    rows = _select(f"""
        SELECT DISTINCT ?target ?project ?name WHERE {{
          GRAPH ?g {{
            ?project a <{CAP.Project}> . ?s ?p ?target .
            FILTER(isIRI(?target) && (STRSTARTS(STR(?target), "{GRILLE}") || STRSTARTS(STR(?target), "{VOCAB}")))
            OPTIONAL {{ ?project {_NAME} ?name }}
          }}
        }}""")
    by_target: dict[str, list[dict]] = {}
    for row in rows:
        by_target.setdefault(row["target"].value, []).append(row)
    return {target: _refs(found) for target, found in by_target.items()}


def list_organisations() -> list[OrganisationRef]:
    """Every organisation under this deployment's base, by name (one query for the whole corpus)."""
    prefix, projects = base_iri(current_app.config) + "organisation/", _project_prefix()
    rows = _select(f"""
        SELECT ?organisation (MIN(STR(?un_nom)) AS ?nom) (GROUP_CONCAT(DISTINCT STR(?projet); separator=" ") AS ?ids)
        WHERE {{ GRAPH <{ORGANISATIONS_GRAPH}> {{
          ?organisation <{CAP.involvedIn}> ?projet . OPTIONAL {{ ?organisation <{SCHEMA.name}> ?un_nom }}
        }} }} GROUP BY ?organisation""")
    found = []
    for row in rows:
        iri = row["organisation"].value
        if iri.startswith(prefix):
            key = iri[len(prefix) :]
            ids = sorted(p[len(projects) :] for p in row["ids"].value.split() if p.startswith(projects))
            found.append(OrganisationRef(key, URIRef(iri), row["nom"].value if "nom" in row else key, tuple(ids)))
    return sorted(found, key=lambda ref: (fold(ref.name), ref.name, ref.key))


def organisation_graph(iri: URIRef) -> Graph:
    """What the knowledge base says of an organisation, the actors of the descriptions that stand for
    it, and the names of its projects."""
    return _construct(f"""
        CONSTRUCT {{ <{iri}> ?p ?o . ?acteur <{CAP.organisation}> <{iri}> . ?acteur ?ap ?ao . ?o <{SCHEMA.name}> ?nom }}
        WHERE {{
          {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ <{iri}> ?p ?o }} OPTIONAL {{ ?o <{SCHEMA.name}> ?nom }} }}
          UNION
          {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ ?acteur <{CAP.organisation}> <{iri}> }}
             GRAPH ?g {{ ?acteur ?ap ?ao FILTER(?ap IN (<{SCHEMA.name}>, <{RDF.type}>)) }} }}
        }}""")


def project_graph(project_id: str) -> Graph | None:
    """The named graph that holds the project's description, or None if there is no such project.

    With it, what the knowledge base links it to: the organisation each actor stands
    for, and the names of the places it names (from the places graph).
    """
    iri = project_iri(project_id)
    graph = _construct(f"""
        CONSTRUCT {{
          ?s ?p ?o . ?acteur <{CAP.organisation}> ?organisation . ?organisation <{SCHEMA.name}> ?nom_organisation .
          ?lieu <{IGEO.nom}> ?nom
        }} WHERE {{
          GRAPH ?g {{ <{iri}> a <{CAP.Project}> }}
          {{ GRAPH ?g {{ ?s ?p ?o }} }}
          UNION
          {{
            GRAPH ?g {{ ?acteur a <{CAP.Actor}> }}
            GRAPH <{ORGANISATIONS_GRAPH}> {{
              ?acteur <{CAP.organisation}> ?organisation . OPTIONAL {{ ?organisation <{SCHEMA.name}> ?nom_organisation }}
            }}
          }}
          UNION
          {{ GRAPH ?g {{ ?x ?y ?lieu }} GRAPH <{PLACES_GRAPH}> {{ ?lieu <{IGEO.nom}> ?nom }} }}
        }}""")
    return graph if len(graph) else None


# Every triple of a part: the corpus or the register (their descriptions and what the knowledge base
# derives from them: store/parts.py), or both ("tous"); never the ontology, the grid or the shapes.
_REFERENCE = ", ".join(f"<{iri}>" for iri in REFERENCE_GRAPHS.values())


def corpus_graph(part: str = "corpus") -> Graph:
    """The triples of ``part`` (corpus, registre, tous), its graphs merged."""
    return _construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {PART_QUADS[part]} }}")


def graph_descriptions() -> Graph:
    """What the knowledge base's own graphs say of themselves (the places graph's source…): a few triples.

    The downloads carry them, so their subjects (``…/graphe/lieux``…) are IRIs
    the data publishes, and each must resolve like any other.
    """
    said = _construct(f"CONSTRUCT {{ ?g ?p ?o }} WHERE {{ GRAPH ?g {{ ?g ?p ?o }} FILTER(?g NOT IN ({_REFERENCE})) }}")
    return (said or bind_prefixes(Graph())) + derived_graph_words()


def derived_graph_words() -> Graph:
    """What each graph the knowledge base derives holds, in both languages: their names are in every quads
    dump (``…/graphe/indicateurs``…), so each must resolve to a description."""
    graph = bind_prefixes(Graph())
    for iri in DERIVED_GRAPHS:
        node, name = URIRef(iri), iri.rsplit("/", 1)[1]
        for lang, text in texts(f"kb.graph.{name}.label").items():
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
        for lang, text in texts(f"kb.graph.{name}.description").items():
            graph.add((node, DCTERMS.description, Literal(text, lang=lang)))
    return graph


def corpus_graphs(part: str = "corpus") -> dict[str, Graph]:
    """The graphs of ``part`` by the names they have in the knowledge base: what a quads dump keeps.

    A description's graph is read whole (one CONSTRUCT per graph, read as
    N-Triples: faster than one SELECT of every quad turned into rdflib terms a
    row at a time); a derived graph, only its triples that belong to the part.
    """
    pattern = PART_QUADS[part]
    names = [row["g"].value for row in _select(f"SELECT DISTINCT ?g {{ {pattern} }}")]
    return {name: _construct(_graph_query(name, pattern)) for name in names}


def _graph_query(name: str, pattern: str) -> str:
    if name in DERIVED_BY_POLE and pattern != ALL_QUADS:  # shared by the parts: this part's triples only
        return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ <{name}> }} {pattern} }}"
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"


def corpus_document(format_name: str, part: str = "corpus") -> bytes:
    """A part (corpus, registre) as a download, written by the store (not read into rdflib: 30 s at
    1,000 descriptions).

    N-Triples lines are sorted, so that the same data gives the same bytes.
    """
    from ..rdf.serialize import get_format
    from ..sparql.execute import QueryRequest
    from ..sparql.formats import by_name
    from .sparql import get_kb

    fmt = by_name("CONSTRUCT", get_format(format_name).endpoint_name)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {PART_QUADS[part]} }}"
    body = get_kb().run(QueryRequest(query), fmt, max_rows=_MAX_TRIPLES).body
    if format_name == "nt":
        return b"".join(line + b"\n" for line in sorted(set(body.splitlines())) if line.strip())
    return body


_QUAD_SYNTAXES = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def whole_document(format_name: str, reference: dict[str, tuple[str, Graph]]) -> bytes | None:
    """The whole dataset as a download: the ``reference`` graphs as built, their blank nodes labelled canonically
    (graph IRI → (part id, graph)), every
    other graph of the knowledge base written by the embedded store itself; None on a SPARQL server, whose
    quads a query cannot give.

    Read into rdflib, the descriptions took minutes and a gigabyte that the server kept (an operator's trial:
    300 generated descriptions, 62 MiB then 993 after four downloads); the store gives them in a hundredth of a
    second. The reference graphs come as built, not as the store holds them: Oxigraph keeps an
    ``xsd:positiveInteger`` (a grid entry's position) as an ``xsd:integer``. Their blank nodes are labelled as
    in the parts' own downloads (canonically, after their part); the descriptions' keep the store's labels: an
    on-disk store gives the same bytes each time, a store loaded anew new labels.
    """
    from ..rdf.namespaces import PREFIXES
    from ..rdf.serialize import get_format
    from ..sparql.formats import by_name
    from .sparql import get_kb

    kb = get_kb()
    if kb.is_remote:
        return None
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    quads = _whole_quads(kb.store, reference)
    if format_name in _QUAD_SYNTAXES:
        return ox.serialize(quads, format=_QUAD_SYNTAXES[format_name], prefixes=prefixes)
    syntax = by_name("CONSTRUCT", get_format(format_name).endpoint_name).oxigraph
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return ox.serialize(triples, format=syntax, prefixes=None if syntax == ox.RdfFormat.N_TRIPLES else prefixes)


def _whole_quads(store: ox.Store, reference: dict[str, tuple[str, Graph]]):
    """The reference graphs' quads (as :func:`cap_ptce.publish.catalog.dataset_of` labels them), then every
    other graph's, as the store holds them."""
    from ..publish.catalog import dataset_triples
    from ..rdf.oxigraph import oxigraph_triples

    for iri, (part, graph) in reference.items():
        name = ox.NamedNode(iri)
        yield from (ox.Quad(*triple, name) for triple in oxigraph_triples(dataset_triples(graph, part)))
    for quad in store.quads_for_pattern(None, None, None):
        if not isinstance(quad.graph_name, ox.NamedNode) or quad.graph_name.value not in reference:
            yield quad


def fictional_count() -> tuple[int, int]:
    """(projects, fictional projects) of the corpus: a fictional corpus is never catalogued as real."""
    [row] = _select(f"""SELECT (COUNT(DISTINCT ?project) AS ?all) (COUNT(DISTINCT ?fictional) AS ?made_up) WHERE {{
          GRAPH ?g {{ ?project a <{CAP.Project}>
                      OPTIONAL {{ ?project <{CAP.fictional}> true BIND(?project AS ?fictional) }} }}
          MINUS {{ {IN_REGISTER} }} }}""")
    return int(row["all"].value), int(row["made_up"].value)


def unread_count() -> int:
    """How many description files the last load of their folder could not read (the store holds none of them)."""
    from .sparql import get_kb

    return len(get_kb().unread_files())


@dataclass(frozen=True)
class CorpusFigures:
    """The corpus's VoID figures, and the properties and classes behind them (for the whole dataset's)."""

    statistics: Statistics
    properties: frozenset[URIRef]
    classes: frozenset[URIRef]


def corpus_statistics(part: str = "corpus") -> CorpusFigures:
    """The VoID figures of ``part`` (corpus, registre, tous), counted in the store: as :func:`statistics_of`
    on :func:`corpus_graph`, without reading the descriptions into rdflib (30 s at 1,000 descriptions)."""
    pattern = PART_QUADS[part]
    [count] = _select(f"SELECT (COUNT(*) AS ?triples) {{ SELECT DISTINCT ?s ?p ?o {{ {pattern} }} }}")
    [subjects] = _select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ {pattern} }}")
    properties, classes = _corpus_terms(pattern)
    statistics = Statistics(
        int(count["triples"].value),
        int(subjects["n"].value),
        len(properties),
        len(classes),
        tuple(vocabularies_of(properties | classes)),
    )
    return CorpusFigures(statistics, frozenset(properties), frozenset(classes))


def whole_statistics(reference: Graph, corpus: CorpusFigures) -> Statistics:
    """The figures of ``reference`` (ontology, grid, shapes) and every description (``corpus_statistics("tous")``).

    What both hold is counted once: the corpus's triples and subjects among the
    IRIs that ``reference`` describes are fetched and compared (blank nodes are
    never shared between parts).
    """
    described = sorted({s for s in reference.subjects() if isinstance(s, URIRef)})
    shared_subjects, shared_triples = 0, 0
    if described:
        values = " ".join(f"<{iri}>" for iri in described)
        rows = _select(f"SELECT DISTINCT ?s ?p ?o {{ VALUES ?s {{ {values} }} {ALL_QUADS} }}")
        shared_subjects = len({row["s"].value for row in rows})
        shared_triples = sum(_as_rdflib(row) in reference for row in rows)
    properties = corpus.properties | set(reference.predicates())
    classes = corpus.classes | set(reference.objects(None, RDF.type))
    return Statistics(
        len(reference) + corpus.statistics.triples - shared_triples,
        len(set(reference.subjects())) + corpus.statistics.subjects - shared_subjects,
        len(properties),
        len(classes),
        tuple(vocabularies_of(properties | classes)),
    )


def _corpus_terms(pattern: str) -> tuple[set[URIRef], set[URIRef]]:
    """The properties and the classes that the descriptions matched by ``pattern`` use."""
    properties = {URIRef(row["p"].value) for row in _select(f"SELECT DISTINCT ?p {{ {pattern} }}")}
    rows = _select(f"SELECT DISTINCT ?o {{ {pattern} FILTER(?p = <{RDF.type}>) }}")
    return properties, {URIRef(row["o"].value) for row in rows if isinstance(row["o"], ox.NamedNode)}


def _term(value):
    """A pyoxigraph term as the rdflib term."""
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        if value.datatype.value == str(XSD.string):  # rdflib reads "x" as a plain literal
            return Literal(value.value)
        return Literal(value.value, datatype=URIRef(value.datatype.value))
    return BNode(value.value)


def _as_rdflib(row: dict) -> tuple:
    """A (subject, predicate, object) row of pyoxigraph terms as rdflib terms."""
    return tuple(_term(row[name]) for name in ("s", "p", "o"))


# A corpus is hundreds of projects (the State counted 140 PTCEs in 2023): far below this.
_MAX_TRIPLES = 5_000_000


def _select(query: str) -> list[dict]:
    from .sparql import get_kb

    return get_kb().select(query, max_rows=_MAX_TRIPLES)


def _construct(query: str) -> Graph:
    from ..sparql.execute import QueryRequest
    from ..sparql.formats import by_name
    from .sparql import get_kb

    result = get_kb().run(QueryRequest(query), by_name("CONSTRUCT", "ntriples"), max_rows=_MAX_TRIPLES)
    graph = bind_prefixes(Graph())
    # pyoxigraph's parser, then one rdflib term per term: several times faster than rdflib's N-Triples parser
    for triple in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES):
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph
