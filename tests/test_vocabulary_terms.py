"""Every external term we publish is one that its vocabulary defines.

Declaring a term in ``ontology/external.ttl`` (tests/test_ontology.py) does not make it
exist: ``skos:usageNote`` was declared, and is not in SKOS. Here each term of the
published graphs (ontology, grid, shapes, catalogue, corpus; as subject, predicate,
class or object) is looked up in its vocabulary's own term list: rdflib's closed
namespaces (``DefinedNamespace``), and schema.org's current vocabulary as the npm
package ``schema-dts`` ships it (typings generated from schema.org's
``schemaorg-current-https`` release; a test-only dependency in package.json).
Vocabularies without a term list here are named, so that a new one cannot slip in
unchecked.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VANN, VOID, XSD

from cap_ptce.grid.rdf import grid_graph
from cap_ptce.rdf.namespaces import BASE
from cap_ptce.rdf.vocabulary import ontology_graph
from cap_ptce.validation.shapes import shapes_graph
from cap_ptce.web import create_app

CLOSED = (DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VANN, VOID, XSD)
SCHEMA = "https://schema.org/"
# Vocabularies whose term list no package here ships: checked by declaration only (tests/test_ontology.py).
UNCHECKED = (
    "http://rdf-vocabulary.ddialliance.org/discovery#",
    "http://www.w3.org/ns/adms#",
    "http://www.w3.org/ns/regorg#",
    "http://rdf.insee.fr/def/geo#",
    "http://purl.org/essglobal/vocab/",
    "http://spdx.org/rdf/terms#",
    "http://www.w3.org/2006/vcard/ns#",
    "http://data.europa.eu/r5r/",
)
# Vocabularies we only point into (authority tables, registers, legal texts): not terms of ours to check.
POINTED_AT = (
    "http://publications.europa.eu/resource/authority/",
    "https://www.iana.org/assignments/media-types/",
    "http://id.insee.fr/",
    "http://spdx.org/licenses/",
    "https://www.legifrance.gouv.fr/eli/",
    "http://www.w3.org/TR/",
    "https://www.w3.org/TR/",
)


SCHEMA_DTS = Path(__file__).resolve().parents[1] / "node_modules" / "schema-dts" / "dist" / "schema.d.ts"


@cache
def schema_org_terms() -> frozenset[str]:
    """Every type, property and enumeration member of schema.org, read from schema-dts's declarations:
    ``"@type": "MonetaryGrant"``, ``"funder"?: …`` and ``"https://schema.org/…"``."""
    assert SCHEMA_DTS.is_file(), f"{SCHEMA_DTS} is missing: run `npm ci` (make install)"
    text = SCHEMA_DTS.read_text(encoding="utf-8")
    names = set(re.findall(r'"@type": "(\w+)"', text)) | set(re.findall(r'^\s+"(\w+)"\?:', text, re.MULTILINE))
    members = set(re.findall(r'"https://schema\.org/(\w+)"', text))
    return frozenset(SCHEMA + name for name in names | members)


def _defined(iri: str) -> bool | None:
    """Whether ``iri`` is a term of its vocabulary; None when no term list of ours knows the vocabulary."""
    for namespace in CLOSED:
        if iri.startswith(str(namespace)) and iri != str(namespace):
            name = iri[len(str(namespace)) :]
            return name in namespace.__annotations__ or name in getattr(namespace, "_extras", ())
    if iri.startswith(SCHEMA) and iri != SCHEMA:
        return iri in schema_org_terms()
    return None


@pytest.fixture(scope="module")
def published() -> dict[str, Graph]:
    client = create_app({"TESTING": True}).test_client()
    documents = {
        name: Graph().parse(data=client.get(path).get_data(as_text=True), format="turtle")
        for name, path in (("catalogue", "/catalog.ttl"), ("corpus", "/telechargements/corpus.ttl"))
    }
    return {"ontology": ontology_graph(), "grid": grid_graph(), "shapes": shapes_graph(), **documents}


def _iris(graph: Graph) -> set[str]:
    return {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}


def test_schema_org_term_list_is_there_and_knows_what_we_use():
    assert len(schema_org_terms()) > 2000
    assert {SCHEMA + "MonetaryGrant", SCHEMA + "FundingScheme", SCHEMA + "funder"} <= schema_org_terms()
    assert SCHEMA + "funding" in schema_org_terms()  # newer than rdflib's copy of schema.org
    assert SCHEMA + "fundingScheme" not in schema_org_terms()  # a near miss is refused


@pytest.mark.parametrize("part", ["ontology", "grid", "shapes", "catalogue", "corpus"])
def test_every_external_term_is_defined_by_its_vocabulary(published, part):
    undefined = sorted(iri for iri in _iris(published[part]) if _defined(iri) is False)
    assert undefined == []


def test_a_term_that_skos_does_not_define_is_caught():
    assert _defined(str(SKOS) + "usageNote") is False
    assert _defined(str(SKOS) + "scopeNote") is True
    assert _defined(str(DCAT) + "version") is False  # DCAT 3: we write owl:versionInfo, as DCAT-AP 2 does


def test_every_namespace_is_checked_ours_or_named(published):
    unknown = set()
    for graph in published.values():
        for iri in _iris(graph):
            known = _defined(iri) is not None or iri.startswith((BASE, *UNCHECKED, *POINTED_AT, SCHEMA))
            known = known or iri in {str(ns) for ns in CLOSED} or iri.startswith(("http://", "https://")) is False
            if not known:
                unknown.add(iri)
    # What is left: links to the world (the grid's author's site, official pages, the projects' sites).
    assert all(not iri.startswith(tuple(str(ns) for ns in CLOSED)) for iri in unknown)


def _schema_keys(node) -> set[str]:
    """The schema.org terms a JSON-LD tree uses: its keys and its types."""
    if isinstance(node, list):
        return set().union(*(_schema_keys(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {key for key in node if not key.startswith("@")}
    found |= {node["@type"]} if isinstance(node.get("@type"), str) else set()
    return found.union(*(_schema_keys(value) for value in node.values()))


@pytest.mark.parametrize("page", ["/catalog.fr.html", "/dataset.en.html"])
def test_the_pages_schema_org_dataset_uses_only_schema_org_terms(page):
    import json

    html = create_app({"TESTING": True}).test_client().get(page).get_data(as_text=True)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert found, "no JSON-LD on the page"
    data = json.loads(found[1])
    assert data["@context"] == "https://schema.org" and data["@type"] == "DataCatalog"
    assert {dataset["@type"] for dataset in data["dataset"]} == {"Dataset"}
    assert all(dataset["distribution"] and dataset["license"] for dataset in data["dataset"])
    assert sorted(SCHEMA + key for key in _schema_keys(data) if SCHEMA + key not in schema_org_terms()) == []
