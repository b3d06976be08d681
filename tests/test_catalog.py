"""The DCAT catalogue and the VoID description: they parse, and what they say matches the data."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from cap_ptce.grid import load_grid
from cap_ptce.grid.rdf import grid_graph
from cap_ptce.publish.catalog import CATALOG_IRI, DATASET_IRI, QUAD_FORMATS, part_iri, serialize_dataset
from cap_ptce.rdf.namespaces import ADMS, DISCO
from cap_ptce.rdf.vocabulary import ontology_graph, terms_used, undeclared_terms
from cap_ptce.validation.shapes import shapes_graph
from cap_ptce.web import create_app

IANA = "https://www.iana.org/assignments/media-types/"
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "LICENSE": "https://example.org/licence", "PUBLISHER": "Éditeur d'essai"})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def catalog(client):
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


@pytest.fixture(scope="module")
def corpus_triples(app):
    """Triples of the knowledge base's corpus graphs (descriptions and what is derived from them: every
    graph but the ontology, the grid and the shapes), counted by the store itself."""
    with app.test_request_context("/"):
        from cap_ptce.web.sparql import get_kb

        rows = get_kb().select("""SELECT (COUNT(*) AS ?n) WHERE {
            { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o }
              FILTER(?g NOT IN (<https://w3id.org/cap-ptce/def>, <https://w3id.org/cap-ptce/grille/cap-ptce>,
                                <https://w3id.org/cap-ptce/shapes>)) } } }""")
    return int(rows[0]["n"].value)


def _triples(catalog: Graph, part: str) -> int:
    return int(catalog.value(part_iri(part), VOID.triples))


def test_catalogue_and_void_parse_in_every_syntax(client):
    for suffix, parser in PARSERS.items():
        for name in ("catalog", "dataset"):
            graph = Graph().parse(data=client.get(f"/{name}.{suffix}").get_data(as_text=True), format=parser)
            assert (CATALOG_IRI, RDF.type, DCAT.Catalog) in graph
            assert (DATASET_IRI, RDF.type, VOID.Dataset) in graph


def test_triple_counts_match_the_data(catalog, corpus_triples):
    assert _triples(catalog, "ontologie") == len(ontology_graph())
    assert _triples(catalog, "grille") == len(grid_graph(license="https://example.org/licence"))
    assert _triples(catalog, "controles") == len(shapes_graph())
    assert _triples(catalog, "corpus") == corpus_triples > 0
    parts = ("ontologie", "grille", "controles", "corpus")
    assert _triples(catalog, "cap-ptce") <= sum(_triples(catalog, part) for part in parts)
    assert _triples(catalog, "cap-ptce") >= max(_triples(catalog, part) for part in parts)


def test_licence_publisher_and_attribution_come_from_the_settings(catalog):
    datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 5
    for dataset in datasets:
        assert catalog.value(dataset, DCTERMS.license) == URIRef("https://example.org/licence")
        publisher = catalog.value(dataset, DCTERMS.publisher)
        assert "Éditeur d'essai" in {str(name) for name in catalog.objects(publisher, None)}
    grid_part = part_iri("grille")
    assert catalog.value(grid_part, DCTERMS.creator) == URIRef("https://w3id.org/cap-ptce/organisation/institut-godin")
    assert any("Institut Godin" in str(rights) for rights in catalog.objects(grid_part, DCTERMS.rights))


def test_what_data_gouv_fr_harvests_is_there(catalog):
    grid = load_grid()
    whole = DATASET_IRI
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {lit.language for lit in catalog.objects(whole, prop)} == {"fr", "en"}
    assert catalog.value(whole, DCTERMS.modified) == Literal(grid.modified, datatype=XSD.date)
    assert str(catalog.value(whole, URIRef(str(DCAT) + "version"))) == grid.version
    assert catalog.value(whole, DCTERMS.issued) is not None
    assert str(catalog.value(whole, DCTERMS.spatial)).endswith("/country/FRA")
    assert str(catalog.value(whole, DCTERMS.accrualPeriodicity)).startswith("http://publications.europa.eu/")
    period = catalog.value(whole, DCTERMS.temporal)
    assert str(catalog.value(period, DCAT.startDate)).startswith("2021")
    assert {lit.language for lit in catalog.objects(whole, DCAT.keyword)} == {"fr", "en"}
    assert catalog.value(whole, DCAT.landingPage) is not None
    notes = {str(note) for note in catalog.objects(whole, ADMS.versionNotes)}
    assert all(any(item.version in note for note in notes) for item in grid.history)


def test_every_distribution_downloads_what_it_says(catalog, client, app):
    site = app.config["BASE_IRI"].rstrip("/")
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 5 * 4 + 1 + len(QUAD_FORMATS)  # 4 syntaxes each, the grid's CSV, quads
    for dist in distributions:
        url = str(catalog.value(dist, DCAT.downloadURL))
        assert url.startswith(site)
        response = client.get(url[len(site) :])
        assert response.status_code == 200, url
        assert str(catalog.value(dist, DCAT.mediaType)) == IANA + response.mimetype
        assert str(catalog.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        dataset = next(catalog.subjects(DCAT.distribution, dist))
        suffix = url.rsplit(".", 1)[1]
        if suffix in PARSERS:
            graph = Graph().parse(data=response.get_data(as_text=True), format=PARSERS[suffix])
            part = str(dataset).partition("#")[2] or "cap-ptce"
            assert len(graph) == _triples(catalog, part)


def test_void_names_vocabularies_examples_dumps_and_endpoint(catalog, client):
    grid_part = part_iri("grille")
    vocabularies = set(catalog.objects(grid_part, VOID.vocabulary))
    assert URIRef(str(DISCO)) in vocabularies and URIRef("http://www.w3.org/2004/02/skos/core#") in vocabularies
    for example in catalog.objects(None, VOID.exampleResource):
        path = str(example).split("w3id.org/cap-ptce", 1)[1]
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 303
    assert len(list(catalog.objects(DATASET_IRI, VOID.dataDump))) == 4 + len(QUAD_FORMATS)
    assert str(catalog.value(DATASET_IRI, VOID.sparqlEndpoint)).endswith("/sparql")
    assert str(catalog.value(DATASET_IRI, VOID.uriSpace)) == "https://w3id.org/cap-ptce/"
    assert set(catalog.objects(DATASET_IRI, VOID.subset)) == {
        part_iri(p) for p in ("ontologie", "grille", "controles", "corpus")
    }


def test_the_grid_itself_carries_the_configured_licence(client):
    graph = Graph().parse(data=client.get("/grille/cap-ptce.ttl").get_data(as_text=True), format="turtle")
    assert (None, DCTERMS.license, URIRef("https://example.org/licence")) in graph
    assert (None, DCTERMS.license, URIRef("https://spdx.org/licenses/etalab-2.0.html")) not in graph


def test_every_term_of_the_catalogue_is_declared_in_the_ontology(catalog):
    assert undeclared_terms(terms_used(catalog)) == []


def test_the_whole_dataset_in_quads_keeps_the_knowledge_base_graph_names(client, catalog):
    """Each graph under the name the endpoint gives it (docs/sparql.md): the reference parts one graph
    each, the corpus one graph per description and per derived graph."""
    from cap_ptce.store import REFERENCE_GRAPHS

    names = {"ontologie": "ontology", "grille": "grid", "controles": "shapes"}
    for fmt in QUAD_FORMATS:
        response = client.get(f"/telechargements/cap-ptce{fmt.suffix}")
        assert response.mimetype == fmt.media_type
        dataset = Dataset()
        dataset.parse(data=response.get_data(as_text=True), format=fmt.rdflib_format)
        for part, key in names.items():
            assert len(dataset.graph(URIRef(REFERENCE_GRAPHS[key]))) == _triples(catalog, part)
        others = [g for g in dataset.graphs() if str(g.identifier) not in REFERENCE_GRAPHS.values() and len(g)]
        assert {str(g.identifier) for g in others} >= {
            "https://w3id.org/cap-ptce/graphe/provenance",
            "https://w3id.org/cap-ptce/graphe/indicateurs",
            "https://w3id.org/cap-ptce/graphe/lieux",
            "https://w3id.org/cap-ptce/graphe/organisations",
            "https://w3id.org/cap-ptce/projet/pole-saveurs-somme/graphe",
        }
        assert sum(len(g) for g in others) == _triples(catalog, "corpus")


def test_quad_serialisations_are_byte_stable(app):
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        parts = get_site().parts
        for fmt in QUAD_FORMATS:
            assert serialize_dataset(parts, fmt) == serialize_dataset(parts, fmt)


def test_a_static_publication_names_no_sparql_endpoint():
    app = create_app({"TESTING": True, "PUBLISHING": True})
    graph = Graph().parse(data=app.test_client().get("/catalog.ttl").get_data(as_text=True), format="turtle")
    assert graph.value(DATASET_IRI, VOID.sparqlEndpoint) is None


def test_figures_counted_in_the_store_equal_those_measured_on_the_graphs(app, catalog):
    """The catalogue counts the corpus in the store; measured on the parts' rdflib graphs, as the
    static publication does, every figure of every part and of the whole dataset is the same."""
    from rdflib.compare import isomorphic

    from cap_ptce.publish.catalog import catalog_graph

    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        site = get_site()
        measured = catalog_graph(site.parts, site.publication)
    statistics = (VOID.triples, VOID.distinctSubjects, VOID.properties, VOID.classes, VOID.vocabulary)
    for part in ("ontologie", "grille", "controles", "corpus", "cap-ptce"):
        for prop in statistics:
            node = part_iri(part)
            assert sorted(catalog.objects(node, prop)) == sorted(measured.objects(node, prop)), (part, prop)
    assert isomorphic(catalog, measured)


def test_the_catalogue_never_reads_the_corpus_into_rdflib(monkeypatch):
    from cap_ptce.web import corpus

    def refuse():
        raise AssertionError("the whole corpus was read")

    monkeypatch.setattr(corpus, "corpus_graph", refuse)
    client = create_app({"TESTING": True}).test_client()
    for path in ("/catalog.ttl", "/dataset.ttl", "/catalog.fr.html", "/.well-known/void"):
        assert client.get(path).status_code in (200, 303), path


def test_what_the_corpus_repeats_of_the_grid_is_counted_once_in_the_whole():
    from rdflib.namespace import SKOS

    from cap_ptce.publish.catalog import statistics_of
    from cap_ptce.rdf.namespaces import CAP

    app = create_app({"TESTING": True})
    with app.test_request_context("/"):
        from cap_ptce.web import corpus
        from cap_ptce.web.site import get_site
        from cap_ptce.web.sparql import get_kb

        site = get_site()
        concept, label = next((s, o) for s, o in site.graph.subject_objects(SKOS.prefLabel) if isinstance(s, URIRef))
        project = URIRef("https://w3id.org/cap-ptce/projet/copie")
        repeated = Graph()
        repeated.add((project, RDF.type, CAP.Project))
        repeated.add((concept, SKOS.prefLabel, label))  # the very triple the grid holds
        repeated.add(
            (concept, SKOS.note, Literal("une note du projet", lang="fr"))
        )  # a subject of the grid, a new triple
        get_kb().load_graph(f"{project}/graphe", repeated.serialize(format="nt"), "application/n-triples")
        corpus_figures = corpus.corpus_statistics()
        counted = corpus.whole_statistics(site.graph, corpus_figures)
        measured = statistics_of(site.graph + corpus.corpus_graph())
    assert counted == measured
    assert counted.triples == len(site.graph) + corpus_figures.statistics.triples - 1  # the repeated label, once
    assert counted.subjects == len(set(site.graph.subjects())) + corpus_figures.statistics.subjects - 1  # the concept
