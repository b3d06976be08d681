"""Where each graph of the knowledge base came from, as RDF in one metadata graph.

For a description's graph ``G`` (named ``{project IRI}/graphe``), the metadata
graph ``https://w3id.org/cap-ptce/graphe/provenance`` holds::

    G a prov:Entity ;
      foaf:primaryTopic <project IRI> ;
      dcterms:source "sous-dossier/projet.yaml" ;        # relative to the corpus, never an absolute path
      spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "…" ] ;
      prov:generatedAtTime "…"^^xsd:dateTime ;           # when it was loaded
      void:triples 123 ;
      cap:graphChecksum "…"^^xsd:hexBinary ;               # SHA-256 of the graph as written (graph_digest)
      cap:validation [ a sh:ValidationReport ; sh:conforms false ;
                       cap:violationCount 2 ; cap:warningCount 1 ; cap:completeness 0.72 ] .

for a description of a folder loaded beside the corpus (``load_corpus(…, scope="autre")``, ``cap-ptce
load autre/ --add``; its file recorded as ``autre/…``)::

    G cap:addedFolder "autre" .                          # the corpus's own descriptions have none

and for a record of the register of real PTCEs (a file recorded as ``registre/…``)::

    <project IRI> dcterms:isPartOf <https://w3id.org/cap-ptce/dataset#registre> .

which is how queries tell the register's poles from the corpus's projects. The
object is the catalogue's DCAT dataset of the register: a client that follows
the link lands on its description, its sources and its licence.

The whole metadata graph is rewritten after each load: it is small, and a
remote store's Graph Store Protocol replaces graphs, not triples. The graph's
checksum lets a load see a graph whose content is no longer what was written
(a crash of an older version, a hand edit): it is loaded again, whatever its
file's checksum says.
"""

from __future__ import annotations

import math
from datetime import datetime

import pyoxigraph as ox

from ..corpus.records import GraphRecord, UnreadFile, Validation
from ..rdf.oxigraph import graph_digest

__all__ = [
    "PROVENANCE_GRAPH",
    "REGISTER_DATASET",
    "REGISTER_SCOPE",
    "records_to_ntriples",
    "RECORDS_QUERY",
    "record_from_row",
    "unread_to_ntriples",
    "UNREAD_QUERY",
    "FORGET_UNREAD",
    "unread_from_row",
    "graph_digest",
]

BASE = "https://w3id.org/cap-ptce/"
PROVENANCE_GRAPH = BASE + "graphe/provenance"
# The register of real PTCEs: its dataset, and the scope its files are recorded under (see load_corpus).
REGISTER_DATASET = BASE + "dataset#registre"  # the catalogue's DCAT dataset of the register (publish.catalog.part_iri)
REGISTER_SCOPE = "registre"
_CAP = BASE + "def#"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_SPDX = "http://spdx.org/rdf/terms#"
_SH = "http://www.w3.org/ns/shacl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FOAF_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
_VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _typed(value, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(_XSD + datatype))


def _record_triples(record: GraphRecord, index: int) -> list[ox.Triple]:
    graph = _iri(record.graph)
    checksum = ox.BlankNode(f"c{index}")
    triples = [
        (graph, _RDF_TYPE, _iri(_PROV + "Entity")),
        (graph, _DCT + "source", ox.Literal(record.source)),
        (graph, _SPDX + "checksum", checksum),
        (checksum, _RDF_TYPE, _iri(_SPDX + "Checksum")),
        (checksum, _SPDX + "algorithm", _iri(_SPDX + "checksumAlgorithm_sha256")),
        (checksum, _SPDX + "checksumValue", _typed(record.sha256, "hexBinary")),
        (graph, _PROV + "generatedAtTime", _typed(record.loaded_at.isoformat(), "dateTime")),
        (graph, _VOID_TRIPLES, _typed(record.triples, "integer")),
    ]
    if record.project:
        triples.append((graph, _FOAF_TOPIC, _iri(record.project)))
        if record.scope == REGISTER_SCOPE:  # not by its name: a corpus may have a sub-folder "registre/"
            triples.append((_iri(record.project), _DCT + "isPartOf", _iri(REGISTER_DATASET)))
    if record.content:
        triples.append((graph, _CAP + "graphChecksum", _typed(record.content, "hexBinary")))
    if record.scope:
        triples.append((graph, _CAP + "addedFolder", ox.Literal(record.scope)))
    if record.validation:
        triples.extend(_validation_triples(graph, ox.BlankNode(f"v{index}"), record.validation))
    return [ox.Triple(s, _iri(p) if isinstance(p, str) else p, o) for s, p, o in triples]


def _validation_triples(graph, report, validation: Validation) -> list[tuple]:
    triples = [
        (graph, _CAP + "validation", report),
        (report, _RDF_TYPE, _iri(_SH + "ValidationReport")),
        (report, _SH + "conforms", _typed(str(validation.conforms).lower(), "boolean")),
        (report, _CAP + "violationCount", _typed(validation.violations, "integer")),
        (report, _CAP + "warningCount", _typed(validation.warnings, "integer")),
    ]
    if validation.completeness is not None and math.isfinite(validation.completeness):
        triples.append((report, _CAP + "completeness", _typed(round(validation.completeness, 4), "decimal")))
    return triples


def records_to_ntriples(records) -> bytes:
    """The metadata graph for ``records``, as N-Triples."""
    triples = [t for index, record in enumerate(records) for t in _record_triples(record, index)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def unread_to_ntriples(unread) -> bytes:
    """The provenance graph's account of the files the loads could not read (:class:`UnreadFile`), as N-Triples."""
    triples = []
    for index, file in enumerate(unread):
        node = ox.BlankNode(f"u{index}")
        triples += [
            (node, _RDF_TYPE, _iri(_CAP + "UnreadFile")),
            (node, _DCT + "source", ox.Literal(file.source)),
            (node, _CAP + "readError", ox.Literal(file.reason)),
            (node, _PROV + "generatedAtTime", _typed(file.loaded_at.isoformat(), "dateTime")),
        ]
        if file.scope:
            triples.append((node, _CAP + "addedFolder", ox.Literal(file.scope)))
    return ox.serialize([ox.Triple(s, _iri(p), o) for s, p, o in triples], format=ox.RdfFormat.N_TRIPLES)


UNREAD_QUERY = f"""
PREFIX prov: <{_PROV}> PREFIX dcterms: <{_DCT}> PREFIX cap: <{_CAP}>
SELECT ?source ?reason ?loaded ?scope
WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
  ?file a cap:UnreadFile ; dcterms:source ?source ; cap:readError ?reason ; prov:generatedAtTime ?loaded .
  OPTIONAL {{ ?file cap:addedFolder ?scope }}
}} }}
ORDER BY ?source
"""

# Every unread file's account: a load writes the accounts of every folder's unread files again.
FORGET_UNREAD = f"""
DELETE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?file ?p ?o }} }}
WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?file a <{_CAP}UnreadFile> ; ?p ?o }} }}
"""


def unread_from_row(row: dict) -> UnreadFile:
    """An unread file from a row of :data:`UNREAD_QUERY`."""
    scope = row.get("scope")
    return UnreadFile(
        source=row["source"].value,
        reason=row["reason"].value,
        loaded_at=datetime.fromisoformat(row["loaded"].value),
        scope=scope.value if scope is not None else None,
    )


RECORDS_QUERY = f"""
PREFIX prov: <{_PROV}> PREFIX dcterms: <{_DCT}> PREFIX spdx: <{_SPDX}> PREFIX sh: <{_SH}>
PREFIX cap: <{_CAP}> PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?graph ?source ?sha256 ?loaded ?project ?registered ?triples ?content ?scope ?conforms ?violations ?warnings ?completeness
WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
  ?graph dcterms:source ?source ; spdx:checksum/spdx:checksumValue ?sha256 ;
         prov:generatedAtTime ?loaded ; void:triples ?triples .
  OPTIONAL {{ ?graph foaf:primaryTopic ?project
             OPTIONAL {{ ?project dcterms:isPartOf ?registered FILTER(?registered = <{REGISTER_DATASET}>) }} }}
  OPTIONAL {{ ?graph cap:graphChecksum ?content }}
  OPTIONAL {{ ?graph cap:addedFolder ?scope }}
  OPTIONAL {{ ?graph cap:validation ?report . ?report sh:conforms ?conforms ;
              cap:violationCount ?violations ; cap:warningCount ?warnings .
              OPTIONAL {{ ?report cap:completeness ?completeness }} }}
}} }}
"""


def record_from_row(row: dict) -> GraphRecord:
    """A record from a row of :data:`RECORDS_QUERY` (pyoxigraph terms by variable name)."""
    validation = None
    if row.get("conforms") is not None:
        completeness = row.get("completeness")
        validation = Validation(
            conforms=row["conforms"].value == "true",
            violations=int(row["violations"].value),
            warnings=int(row["warnings"].value),
            completeness=float(completeness.value) if completeness is not None else None,
        )
    project = row.get("project")
    content = row.get("content")
    scope = row.get("scope")
    source = row["source"].value
    return GraphRecord(
        graph=row["graph"].value,
        source=source,
        sha256=row["sha256"].value,
        loaded_at=datetime.fromisoformat(row["loaded"].value),
        project=project.value if project is not None else None,
        triples=int(row["triples"].value),
        validation=validation,
        content=content.value if content is not None else None,
        scope=scope.value if scope is not None else _register_or_corpus(source, row.get("registered") is not None),
    )


def _register_or_corpus(source: str, registered: bool) -> str | None:
    """The scope of a record written without one: the register's for a record of the register written before
    ``cap:addedFolder`` (its name under "registre/", its project part of the register), else the corpus's
    (a file of a corpus sub-folder named "registre/", say)."""
    return REGISTER_SCOPE if registered and source.startswith(REGISTER_SCOPE + "/") else None
