"""The ontology is published under the deployment's LICENSE, like the grid, wherever it is served."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from cap_ptce.errors import ParameterError
from cap_ptce.publish.parts import dataset_parts
from cap_ptce.rdf.namespaces import GRID_IRI, ONTOLOGY_IRI
from cap_ptce.rdf.vocabulary import ontology_graph
from cap_ptce.settings import defaults
from cap_ptce.store.build import build_kb
from cap_ptce.web import create_app

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ONTOLOGY = URIRef(ONTOLOGY_IRI)


def test_the_ontology_carries_the_licence_it_is_given_and_only_that_one():
    assert list(ontology_graph(license=CC_BY).objects(ONTOLOGY, DCTERMS.license)) == [URIRef(CC_BY)]
    assert list(ontology_graph().objects(ONTOLOGY, DCTERMS.license)) == [URIRef(defaults()["LICENSE"])]


def test_the_ontology_refuses_a_licence_that_is_not_an_iri():
    with pytest.raises(ParameterError):
        ontology_graph(license="CC BY 4.0")


def test_every_part_of_the_dataset_follows_the_licence():
    parts = dataset_parts(license=CC_BY)
    assert parts["ontology"].value(ONTOLOGY, DCTERMS.license) == URIRef(CC_BY)
    assert parts["grid"].value(GRID_IRI, DCTERMS.license) == URIRef(CC_BY)


def test_the_served_ontology_and_its_download_carry_the_configured_licence():
    client = create_app({"TESTING": True, "LICENSE": CC_BY}).test_client()
    for url in ("/def.ttl", "/telechargements/ontologie.ttl"):
        response = client.get(url)
        assert response.status_code == 200, url
        graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert list(graph.objects(ONTOLOGY, DCTERMS.license)) == [URIRef(CC_BY)], url


def test_the_knowledge_base_holds_the_ontology_under_the_configured_licence(tmp_path):
    kb = build_kb({"LICENSE": CC_BY, "CORPUS": str(tmp_path), "QUERY_WORKERS": 1})
    try:
        rows = kb.select(f"SELECT ?l WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ <{ONTOLOGY_IRI}> <{DCTERMS.license}> ?l }} }}")
    finally:
        kb.close()
    assert [row["l"].value for row in rows] == [CC_BY]


def test_export_follows_the_licence_setting(cap_ptce, monkeypatch):
    monkeypatch.setenv("CAP_PTCE_LICENSE", CC_BY)
    result = cap_ptce("export", "--what", "ontology", "--format", "turtle")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format="turtle")
    assert list(graph.objects(ONTOLOGY, DCTERMS.license)) == [URIRef(CC_BY)]
