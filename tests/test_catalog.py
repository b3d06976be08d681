"""The DCAT catalogue and the VoID description: they parse, and what they say matches the data."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from cap_ptce.grid import load_grid
from cap_ptce.grid.rdf import grid_graph
from cap_ptce.publish.catalog import CATALOG_IRI, DATASET_IRI, QUAD_FORMATS, WHOLE, part_iri, serialize_dataset
from cap_ptce.rdf.namespaces import ADMS, DISCO
from cap_ptce.rdf.vocabulary import ontology_graph, terms_used, undeclared_terms
from cap_ptce.validation.shapes import shapes_graph
from cap_ptce.web import create_app

IANA = "https://www.iana.org/assignments/media-types/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT_AP_SHAPES = Path(__file__).parent / "data" / "dcat-ap-shapes.ttl"
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
    """Triples of the knowledge base's graphs of descriptions (and what is derived from them: every
    graph but the ontology, the grid and the shapes), counted by the store itself: the corpus's part
    and the register's together."""
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
    assert _triples(catalog, "corpus") + _triples(catalog, "registre") == corpus_triples
    assert _triples(catalog, "corpus") > 0 and _triples(catalog, "registre") > 0
    parts = ("ontologie", "grille", "controles", "corpus", "registre")
    assert _triples(catalog, "cap-ptce") <= sum(_triples(catalog, part) for part in parts)
    assert _triples(catalog, "cap-ptce") >= max(_triples(catalog, part) for part in parts)


def test_licence_publisher_and_attribution_come_from_the_settings(catalog):
    datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
    assert sorted(datasets) == sorted(part_iri(p) for p in ("grille", "ontologie", "controles", "corpus", "registre"))
    for dataset in datasets:
        assert catalog.value(dataset, DCTERMS.license) == URIRef("https://example.org/licence")
        publisher = catalog.value(dataset, DCTERMS.publisher)
        assert publisher == URIRef("https://w3id.org/cap-ptce/organisation/cap-ptce")
        assert (publisher, RDF.type, FOAF.Organization) in catalog
        assert "Éditeur d'essai" in {str(name) for name in catalog.objects(publisher, None)}
    grid_part = part_iri("grille")
    assert catalog.value(grid_part, DCTERMS.creator) == URIRef("https://w3id.org/cap-ptce/organisation/institut-godin")
    assert any("Institut Godin" in str(rights) for rights in catalog.objects(grid_part, DCTERMS.rights))


def test_what_data_gouv_fr_harvests_is_there(catalog):
    grid = load_grid()
    whole = part_iri("grille")
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {lit.language for lit in catalog.objects(whole, prop)} == {"fr", "en"}
    assert catalog.value(whole, DCTERMS.modified) == Literal(grid.modified, datatype=XSD.date)
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
    assert len(distributions) == 5 * 4 + 1  # 4 syntaxes for each of the 5 parts (the register one), the grid's CSV
    for dist in distributions:
        url = str(catalog.value(dist, DCAT.downloadURL))
        assert url.startswith(site)
        response = client.get(url[len(site) :])
        assert response.status_code == 200, url
        assert str(catalog.value(dist, DCAT.mediaType)) == IANA + response.mimetype
        assert int(catalog.value(dist, DCAT.byteSize)) == len(response.get_data())
        checksum = catalog.value(dist, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(response.get_data()).hexdigest()
        assert str(catalog.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        dataset = next(catalog.subjects(DCAT.distribution, dist))
        suffix = url.rsplit(".", 1)[1]
        if suffix in PARSERS:
            graph = Graph().parse(data=response.get_data(as_text=True), format=PARSERS[suffix])
            assert len(graph) == _triples(catalog, str(dataset).partition("#")[2])


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
        part_iri(p) for p in ("ontologie", "grille", "controles", "corpus", "registre")
    }


def test_the_uri_space_of_descriptions_is_the_sites_base_when_it_is_not_w3id():
    base = "https://observatoire.example.org/ptce/"
    app = create_app({"TESTING": True, "BASE_IRI": base})
    catalog = Graph().parse(data=app.test_client().get("/dataset.ttl").get_data(as_text=True), format="turtle")
    spaces = {
        part: {str(s) for s in catalog.objects(part_iri(part, base), VOID.uriSpace)} for part in ("grille", "corpus")
    }
    assert spaces == {"grille": {"https://w3id.org/cap-ptce/"}, "corpus": {base}}
    for example in catalog.objects(part_iri("corpus", base), VOID.exampleResource):
        assert str(example).startswith(base)  # each example lies in the space the subset declares
    assert {str(s) for s in catalog.objects(part_iri(WHOLE, base), VOID.uriSpace)} == {
        "https://w3id.org/cap-ptce/",
        base,
    }


def test_a_catalogue_published_under_another_base_is_named_there_and_not_as_cap_ptces():
    """An observatory's catalogue, datasets, files and contact are its own: a harvester keying on
    dcterms:identifier never takes its corpus for CAP PTCE's sample one. The grid keeps its w3id IRIs."""
    base = "http://127.0.0.1:8097/cap-ptce/"
    client = create_app({"TESTING": True, "BASE_IRI": base}).test_client()
    response = client.get("/catalog.ttl")
    catalog = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(base + "catalog"), RDF.type, DCAT.Catalog) in catalog
    assert f'<{base}catalog>; rel="describes"' in response.headers["Link"]
    datasets = set(catalog.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {part_iri(p, base) for p in ("grille", "ontologie", "controles", "corpus", "registre")}
    assert {str(catalog.value(d, DCTERMS.identifier)) for d in datasets} == {str(d) for d in datasets}
    files = set(catalog.subjects(RDF.type, DCAT.Distribution))
    assert files and all(str(f).startswith(base + "dataset#") for f in files)
    assert set(catalog.objects(None, DCAT.contactPoint)) == {URIRef(base + "catalog#contact")}
    ours = ("https://w3id.org/cap-ptce/catalog", "https://w3id.org/cap-ptce/dataset")
    named = {str(term) for triple in catalog for term in triple if isinstance(term, (URIRef, Literal))}
    assert not [term for term in named if term.startswith(ours)]
    # what the parts are about keeps its permanent IRI
    assert URIRef("https://w3id.org/cap-ptce/def") in set(catalog.objects(part_iri("grille", base), DCTERMS.conformsTo))
    page = client.get("/catalog.fr.html").get_data(as_text=True)
    structured = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert structured["@id"] == base + "catalog"
    assert {dataset["@id"] for dataset in structured["dataset"]} == {str(d) for d in datasets}


def test_every_graph_the_knowledge_base_derives_resolves_to_what_it_holds(client):
    from cap_ptce.store import DERIVED_GRAPHS

    for iri in DERIVED_GRAPHS:
        path = iri.removeprefix("https://w3id.org/cap-ptce")
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 303
        graph = Graph().parse(data=client.get(path + ".ttl").get_data(as_text=True), format="turtle")
        labels = {label.language for label in graph.objects(URIRef(iri), RDFS.label)}
        assert labels == {"fr", "en"}, iri
        assert {d.language for d in graph.objects(URIRef(iri), DCTERMS.description)} >= {"fr", "en"}


def test_the_grid_itself_carries_the_configured_licence(client):
    graph = Graph().parse(data=client.get("/grille/cap-ptce.ttl").get_data(as_text=True), format="turtle")
    assert (None, DCTERMS.license, URIRef("https://example.org/licence")) in graph
    assert (None, DCTERMS.license, URIRef("http://spdx.org/licenses/etalab-2.0")) not in graph


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
            "https://w3id.org/cap-ptce/projet/le-damier/graphe",
        }
        # the corpus's part and the register's share no quad, and hold every graph outside the reference ones
        assert sum(len(g) for g in others) == _triples(catalog, "corpus") + _triples(catalog, "registre")


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
        files = lambda part_id, fmt: site.download(part_id, fmt.name)  # noqa: E731
        measured = catalog_graph(site.parts, site.publication, files=files)
    statistics = (VOID.triples, VOID.distinctSubjects, VOID.properties, VOID.classes, VOID.vocabulary)
    for part in ("ontologie", "grille", "controles", "corpus", "registre", "cap-ptce"):
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
        concept, label = next(
            (s, o) for s, o in site.reference_union.subject_objects(SKOS.prefLabel) if isinstance(s, URIRef)
        )
        project = URIRef("https://w3id.org/cap-ptce/projet/copie")
        repeated = Graph()
        repeated.add((project, RDF.type, CAP.Project))
        repeated.add((concept, SKOS.prefLabel, label))  # the very triple the grid holds
        repeated.add(
            (concept, SKOS.note, Literal("une note du projet", lang="fr"))
        )  # a subject of the grid, a new triple
        get_kb().load_graph(f"{project}/graphe", repeated.serialize(format="nt"), "application/n-triples")
        corpus_figures = corpus.corpus_statistics()
        counted = corpus.whole_statistics(site.reference_union, corpus_figures)
        measured = statistics_of(site.reference_union + corpus.corpus_graph())
    assert counted == measured
    assert (
        counted.triples == len(site.reference_union) + corpus_figures.statistics.triples - 1
    )  # the repeated label, once
    assert (
        counted.subjects == len(set(site.reference_union.subjects())) + corpus_figures.statistics.subjects - 1
    )  # the concept


def _dcat_ap_report(catalog: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, _, text = validate(catalog, shacl_graph=shapes, advanced=False, allow_warnings=False)
    return conforms, text


def test_the_catalogue_passes_our_dcat_ap_shapes(catalog):
    conforms, text = _dcat_ap_report(catalog)
    assert conforms, text


def test_the_dcat_ap_shapes_catch_what_harvesters_refuse(catalog):
    """The shapes are not a formality: a blank-node publisher, a licence page, a file without checksum fail."""
    broken = Graph() + catalog
    grid, ttl = part_iri("grille"), URIRef(str(part_iri("grille")) + "-ttl")
    broken.remove((grid, DCTERMS.publisher, None))
    broken.add((grid, DCTERMS.publisher, Literal("CAP PTCE")))
    broken.set((grid, DCTERMS.license, URIRef("https://spdx.org/licenses/etalab-2.0.html")))
    broken.remove((ttl, SPDX.checksum, None))
    conforms, text = _dcat_ap_report(broken)
    assert not conforms
    assert text.count("Constraint Violation") >= 3


def test_each_file_is_catalogued_once_and_the_whole_is_for_void_only(catalog):
    """A harvester makes one dataset of each dcat:Dataset: parts do not overlap, the whole is not one."""
    assert (DATASET_IRI, RDF.type, DCAT.Dataset) not in catalog
    assert (CATALOG_IRI, DCAT.dataset, DATASET_IRI) not in catalog
    urls = [url for _, url in catalog.subject_objects(DCAT.downloadURL)]
    assert len(urls) == len(set(urls))
    assert set(catalog.objects(CATALOG_IRI, DCAT.dataset)) == set(catalog.subjects(RDF.type, DCAT.Dataset))


def test_the_versions_are_those_the_resources_declare(catalog):
    from cap_ptce.publish.parts import current_versions
    from cap_ptce.rdf.namespaces import GRID_IRI, ONTOLOGY_IRI, SHAPES_DOCUMENT

    versions = current_versions()
    assert str(catalog.value(part_iri("grille"), OWL.versionInfo)) == load_grid().version == versions[GRID_IRI]
    ontology = ontology_graph()
    declared = str(ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo))
    assert str(catalog.value(part_iri("ontologie"), OWL.versionInfo)) == declared == versions[URIRef(ONTOLOGY_IRI)]
    assert ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{declared}")
    shapes = str(shapes_graph().value(SHAPES_DOCUMENT, OWL.versionInfo))
    assert str(catalog.value(part_iri("controles"), OWL.versionInfo)) == shapes == versions[SHAPES_DOCUMENT]


def test_the_corpus_conforms_to_the_ontology_and_the_shapes(catalog):
    standards = set(catalog.objects(part_iri("corpus"), DCTERMS.conformsTo))
    assert standards == {URIRef("https://w3id.org/cap-ptce/def"), URIRef("https://w3id.org/cap-ptce/shapes")}


def test_the_register_is_the_one_dataset_of_real_data_with_its_sources_and_licence(catalog):
    """The register of real PTCEs is a DCAT dataset of its own: its sources as dct:source, its licence, its
    profile among its standards; it alone says it is real data, and the sample corpus says it is fictional."""
    import yaml

    from cap_ptce.resources import data_dir

    node = part_iri("registre")
    listed = yaml.safe_load((data_dir("registre") / "sources.yaml").read_text(encoding="utf-8"))
    urls = {URIRef(entry["url"]) for entry in listed.values() if entry.get("url")}
    assert set(catalog.objects(node, DCTERMS.source)) == urls and len(urls) >= 80
    assert catalog.value(node, DCTERMS.license) == URIRef("https://example.org/licence")
    assert URIRef("https://w3id.org/cap-ptce/shapes/registre") in set(catalog.objects(node, DCTERMS.conformsTo))
    real = {
        dataset
        for dataset in catalog.subjects(RDF.type, DCAT.Dataset)
        for text in catalog.objects(dataset, DCTERMS.description)
        if text.language == "fr" and "données réelles" in text.lower()
    }
    assert real == {node}
    assert not any("fictif" in str(text).lower() for text in catalog.objects(node, DCTERMS.title))


def _catalogued_titles(catalog: Graph) -> list[str]:
    nodes = [part_iri("corpus"), *catalog.objects(part_iri("corpus"), DCAT.distribution)]
    return [
        text for node in nodes for prop in (DCTERMS.title, DCTERMS.description) for text in catalog.objects(node, prop)
    ]


def test_a_fictional_corpus_is_catalogued_as_fictional(catalog, tmp_path):
    """The sample corpus says fictif: true: every title and description of its dataset and files says fictif."""
    texts = _catalogued_titles(catalog)
    assert texts and all(("fictif" if text.language == "fr" else "fictional") in text.lower() for text in texts)
    path = tmp_path / "catalog.ttl"
    path.write_text(catalog.serialize(format="turtle"), encoding="utf-8")
    found = int(subprocess.run(["grep", "-ci", "fictif", str(path)], capture_output=True, text=True).stdout)
    assert found >= len([text for text in texts if text.language == "fr"])


def test_a_real_corpus_is_catalogued_as_real_and_a_mixed_one_says_how_many_are_fictional(tmp_path):
    import shutil

    from cap_ptce.resources import data_dir

    for name in ("pole-saveurs-somme", "tiers-lieu-gueret"):
        text = (data_dir("corpus") / f"{name}.yaml").read_text(encoding="utf-8")
        real = "\n".join(line for line in text.splitlines() if not line.startswith(("fictif:", "#")))
        (tmp_path / f"{name}.yaml").write_text(real + "\n", encoding="utf-8")
    client = create_app({"TESTING": True, "CORPUS": str(tmp_path)}).test_client()
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    texts = _catalogued_titles(graph)
    assert texts and not any("fictif" in text.lower() or "fictional" in text.lower() for text in texts)
    shutil.copy(data_dir("corpus") / "batir-circulaire-lyon.yaml", tmp_path)
    client = create_app({"TESTING": True, "CORPUS": str(tmp_path)}).test_client()
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    titles = {text.language: str(text) for text in graph.objects(part_iri("corpus"), DCTERMS.title)}
    assert "3" in titles["fr"] and "1 exemples fictifs" in titles["fr"]


def test_without_descriptions_no_corpus_is_catalogued(tmp_path):
    client = create_app({"TESTING": True, "CORPUS": str(tmp_path)}).test_client()
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    assert (part_iri("corpus"), None, None) not in graph
    assert client.get("/telechargements/corpus.ttl").status_code == 404


def test_downloads_are_kept_on_disk_and_their_folder_goes_with_the_site(tmp_path):
    import gc

    from cap_ptce.web.site import get_site
    from cap_ptce.web.spool import SpooledFiles

    made = []
    spool = SpooledFiles()
    assert spool.get("a", lambda: made.append(1) or b"abc") == b"abc"
    assert spool.get("a", lambda: made.append(1) or b"other") == b"abc" and made == [1]  # made once, read back
    folder = spool._folder
    assert [path.read_bytes() for path in folder.iterdir()] == [b"abc"]  # on disk, not in the object
    del spool
    gc.collect()
    assert not folder.exists()
    app = create_app({"TESTING": True})
    with app.test_request_context("/"):
        site = get_site()
        body = app.test_client().get("/telechargements/cap-ptce.nq").get_data()
        assert body and site.download("cap-ptce", "nquads") == body
        assert any(path.read_bytes() == body for path in site._downloads._folder.iterdir())


def test_the_downloads_of_a_server_killed_with_sigkill_are_removed_by_the_next(monkeypatch, tmp_path):
    """A server killed with SIGKILL (the out-of-memory killer) left its folder of downloads in /tmp for good."""
    import os
    import subprocess
    import sys

    from cap_ptce.web.spool import SpooledFiles

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f"cap-ptce-downloads-{gone.stdout.strip()}-x"  # its server has ended
    living = tmp_path / f"cap-ptce-downloads-{os.getppid()}-y"  # its server runs
    for folder in (orphan, living):
        folder.mkdir()
        (folder / "cap-ptce.nq.part").write_bytes(b"x" * 1000)
    spool = SpooledFiles()
    spool.get("a", lambda: b"abc")
    assert spool._folder.name.startswith(f"cap-ptce-downloads-{os.getpid()}-")
    assert not orphan.exists() and living.exists()


def test_a_download_whose_file_was_removed_is_made_again_not_a_500(monkeypatch, tmp_path):
    """An operator's finding: once its file was gone from /tmp (a cleaner of old files, another server), a
    download answered 500 for as long as the server ran."""
    from cap_ptce.web.spool import SpooledFiles

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    spool, made = SpooledFiles(), []
    assert spool.get("a", lambda: made.append(1) or b"abc") == b"abc"
    for path in spool._folder.iterdir():
        path.unlink()
    assert spool.get("a", lambda: made.append(2) or b"abc") == b"abc" and made == [1, 2]
    assert [path.read_bytes() for path in spool._folder.iterdir()] == [b"abc"]  # kept again
    shutil.rmtree(spool._folder)  # the whole folder
    assert spool.get("a", lambda: made.append(3) or b"abc") == b"abc" and made == [1, 2, 3]
    app = create_app({"TESTING": True})
    client = app.test_client()
    first = client.get("/telechargements/cap-ptce.ttl")
    for folder in tmp_path.glob("cap-ptce-downloads-*"):
        shutil.rmtree(folder)
    again = client.get("/telechargements/cap-ptce.ttl")
    assert first.status_code == again.status_code == 200 and again.get_data() == first.get_data()


def test_the_downloads_of_a_server_whose_pid_this_one_cannot_see_are_kept_while_it_runs(monkeypatch, tmp_path):
    """An operator's finding: two servers in containers sharing /tmp (two PID namespaces) removed each other's
    downloads, each taking the other's pid for a dead one. A folder is removed only when no server holds it."""
    import subprocess
    import sys

    from cap_ptce.web.spool import SpooledFiles

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    other = tmp_path / f"cap-ptce-downloads-{gone.stdout.strip()}-x"  # a pid that is no one's here
    (other / "sub").mkdir(parents=True)
    (other / "cap-ptce.nq.part").write_bytes(b"x")
    holding = (  # the other server: holds its folder as SpooledFiles does, until told to stop
        "import sys; from cap_ptce.validation.processes import hold; held = hold(sys.argv[1]); "
        "print('held', flush=True); sys.stdin.read()"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", holding, str(other)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout.readline().strip() == "held"
        SpooledFiles().get("a", lambda: b"abc")
        assert (other / "cap-ptce.nq.part").read_bytes() == b"x"  # kept: its server runs
    finally:
        server.communicate("", timeout=30)
    SpooledFiles().get("a", lambda: b"abc")
    assert not other.exists()  # its server has ended


def test_downloads_asked_for_by_many_at_once_are_made_once_and_one_at_a_time():
    """An operator's findings of 2026-12-07: 32 first requests at once for one download wrote 32 copies (156 MB),
    and the server kept the 1.1 GB the making took; 36 for 12 downloads, each made once, kept 580 MB."""
    import threading
    import time

    from cap_ptce.web.spool import SpooledFiles

    spool, made, bodies, at_once = SpooledFiles(), [], [], []

    def maker(key: str):
        def make() -> bytes:
            made.append(key)
            at_once.append(len(made) - len(bodies_made))
            time.sleep(0.1)  # long enough for every other request to come meanwhile
            bodies_made.append(key)
            return key.encode()

        return make

    bodies_made: list = []
    keys = ["nq", "ttl", "trig"] * 6
    threads = [threading.Thread(target=lambda k=k: bodies.append(spool.get(k, maker(k)))) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made) == ["nq", "trig", "ttl"] and max(at_once) == 1  # each once, one at a time
    assert sorted(bodies) == sorted(key.encode() for key in keys)
    assert sorted(path.read_bytes() for path in spool._folder.iterdir()) == [b"nq", b"trig", b"ttl"]
    # a making that asks for another download (the catalogue states each one's size) is not kept waiting
    nested = threading.Thread(target=lambda: bodies.append(spool.get("cat", lambda: spool.get("nt", lambda: b"nt"))))
    nested.start()
    nested.join(10)
    assert not nested.is_alive() and bodies[-1] == b"nt"


def test_only_the_last_project_graphs_read_are_kept_in_memory():
    from cap_ptce.web import corpus
    from cap_ptce.web.site import PROJECT_GRAPHS, get_site

    app = create_app({"TESTING": True})
    with app.test_request_context("/"):
        site = get_site()
        ids = [ref.id for ref in site.projects]
        assert len(ids) > PROJECT_GRAPHS  # the register alone has 57
        for project_id in ids:
            site.project_graph(project_id)
        assert list(site._project_graphs) == ids[-PROJECT_GRAPHS:]
        first = site.project_graph(ids[0])  # read again from the store: the same description
        assert first is not None and len(first) == len(corpus.project_graph(ids[0]))


def test_every_earlier_release_of_the_grid_answers_with_the_files_published_then(client):
    """A version IRI names what was published under that number: each release in the grid's history that
    is not the current one is kept in grille/versions/, byte for byte, and answers in every format."""
    from cap_ptce.resources import data_dir

    grid = load_grid()
    earlier = [item.version for item in grid.history if item.version != grid.version]
    assert earlier  # 1.0.0 at least
    for version in earlier:
        path = f"/grille/cap-ptce/{version}"
        answer = client.get(path, headers={"Accept": "text/turtle"})
        assert answer.status_code == 303 and answer.headers["Location"] == f"{version}.ttl"
        for suffix in ("ttl", "jsonld", "rdf", "nt", "csv"):
            body = client.get(f"{path}.{suffix}").get_data()
            assert body == (data_dir("grille") / "versions" / version / f"cap-ptce.{suffix}").read_bytes()
        kept = Graph().parse(data=client.get(f"{path}.ttl").get_data(as_text=True), format="turtle")
        assert (URIRef("https://w3id.org/cap-ptce/grille/cap-ptce"), OWL.versionInfo, Literal(version)) in kept
        assert f"version {version}" in client.get(f"{path}.fr.html").get_data(as_text=True)
    assert client.get("/grille/cap-ptce/0.0.1", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_publisher_of_its_own_is_credited_with_its_corpus_only(tmp_path):
    """A publisher's test of 2026-12-06: with PUBLISHER and PUBLISHER_IRI of its own, the observatory became the
    creator of the ontology, the shapes and the register, which CAP PTCE made; it publishes them, and made its
    corpus."""
    import shutil

    from cap_ptce.resources import data_dir

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(data_dir("corpus").glob("*.yaml"))[0], corpus)
    observatory = "https://observatoire.example/#org"
    config = {"TESTING": True, "PUBLISHER": "Observatoire", "PUBLISHER_IRI": observatory, "CORPUS": str(corpus)}
    client = create_app(config).test_client()
    catalog = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    team = URIRef("https://w3id.org/cap-ptce/organisation/cap-ptce")
    creators = {part: catalog.value(part_iri(part), DCTERMS.creator) for part in ("ontologie", "controles", "registre")}
    assert creators == dict.fromkeys(creators, team)
    assert catalog.value(team, FOAF.name) == Literal("CAP PTCE")
    assert catalog.value(part_iri("corpus"), DCTERMS.creator) == URIRef(observatory)
    assert {catalog.value(part_iri(p), DCTERMS.publisher) for p in creators} == {URIRef(observatory)}
    page = client.get("/catalog.fr.html").get_data(as_text=True)  # the same in schema.org's words
    structured = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    made = {dataset["@id"].rsplit("#", 1)[1]: dataset["creator"]["@id"] for dataset in structured["dataset"]}
    godin = "https://w3id.org/cap-ptce/organisation/institut-godin"
    assert made == {**dict.fromkeys(creators, str(team)), "grille": godin, "corpus": observatory}


def test_the_corpus_and_the_register_are_dated_by_their_descriptions_and_the_grid_by_its_own(tmp_path):
    """A harvester sees a corpus change when its descriptions do, not on the grid's date; so does a search engine."""
    import shutil
    import xml.etree.ElementTree as ET

    from cap_ptce.resources import data_dir

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(data_dir("corpus") / "emplois-sud-reunion.yaml", corpus)
    description = corpus / "emplois-sud-reunion.yaml"
    description.write_text(re.sub(r"(?m)^mise_a_jour: .*$", "mise_a_jour: 2027-03-09", description.read_text()))
    client = create_app({"TESTING": True, "CORPUS": str(corpus)}).test_client()
    catalog = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")

    def day(node, prop=DCTERMS.modified) -> str:
        return str(catalog.value(node, prop))

    grid = load_grid().modified.isoformat()
    assert grid < "2027-03-09"
    assert (day(part_iri("corpus")), day(part_iri("corpus"), DCTERMS.issued)) == ("2027-03-09", "2027-03-09")
    poles = Path(__file__).resolve().parents[1] / "registre" / "poles"
    register = [re.search(r"(?m)^mise_a_jour: (\S+)", pole.read_text()).group(1) for pole in poles.glob("*.yaml")]
    assert day(part_iri("registre")) == max(register) and day(part_iri("registre"), DCTERMS.issued) == min(register)
    assert {day(part_iri(part)) for part in ("grille", "ontologie", "controles")} == {grid}
    assert day(CATALOG_IRI) == "2027-03-09"
    sitemap = ET.fromstring(client.get("/sitemap.xml").get_data())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns) for url in sitemap}
    assert lastmod["https://w3id.org/cap-ptce/projet/emplois-sud-reunion.fr.html"] == "2027-03-09"
    assert lastmod["https://w3id.org/cap-ptce/def.en.html"] == grid


def test_a_download_is_streamed_from_its_file_not_read_into_memory():
    """An operator's finding of 2026-12-07: each request for a download read its whole file into the server's
    memory (103 MB for the whole dataset of 1,000 descriptions); 64 clients that did not read took 8.3 GB. The
    response now streams the open file in chunks, with its size, an ETag and conditional requests."""
    app = create_app({"TESTING": True})
    client = app.test_client()
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        whole = get_site().download("cap-ptce", "nquads")
    response = client.get("/telechargements/cap-ptce.nq", buffered=False)
    assert response.is_streamed and response.content_length == len(whole)
    chunks = list(response.response)
    response.close()
    assert b"".join(chunks) == whole and max(map(len, chunks)) < len(whole)
    again = client.get("/telechargements/cap-ptce.nq", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    head = client.head("/telechargements/cap-ptce.nq")
    assert head.status_code == 200 and head.content_length == len(whole) and head.get_data() == b""


def test_a_download_opened_for_streaming_is_never_read_whole(monkeypatch):
    """The streamed response opens the download's file: it must not read it back whole first, which each request
    for the 99 MB of a large corpus's dataset did (its bytes let go at once, but read, and held meanwhile)."""
    from pathlib import Path

    from cap_ptce.web.spool import SpooledFiles

    spool, made = SpooledFiles(), []
    with spool.open("a", lambda: made.append(1) or b"abc") as first:
        assert first.read() == b"abc"

    def refused(self):
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", refused)
    with spool.open("a", lambda: made.append(2) or b"other") as again:
        assert again.read() == b"abc" and made == [1]


def test_the_whole_dataset_is_written_by_the_store_with_the_quads_rdflib_would_write():
    """An operator's finding of 2026-12-08: the whole dataset's downloads read every description into rdflib
    (27–38 s each at 300 descriptions, the server going from 62 MiB to 993 and keeping most of it). The embedded
    store writes them; the corpus is never read into rdflib for them, and the quads are those of rdflib's dataset
    (blank nodes aside, which keep the store's labels), graph by graph, in every syntax."""
    import pyoxigraph as ox

    from cap_ptce.rdf.formats import QUAD_FORMATS as QUADS

    app = create_app({"TESTING": True})
    client = app.test_client()
    syntaxes = {
        "nq": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
        "nt": ox.RdfFormat.N_TRIPLES,
        "ttl": ox.RdfFormat.TURTLE,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML,
    }
    read = {}
    for suffix, syntax in syntaxes.items():
        response = client.get(f"/telechargements/cap-ptce.{suffix}")
        assert response.status_code == 200, suffix
        read[suffix] = list(ox.parse(response.get_data(), format=syntax))
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        site = get_site()
        assert "parts" not in site.__dict__  # the descriptions were not read into rdflib
        nquads = next(fmt for fmt in QUADS if fmt.name == "nquads")
        by_rdflib = list(ox.parse(serialize_dataset(site.parts, nquads), format=ox.RdfFormat.N_QUADS))

    def named(quads) -> set:
        return {
            (q.subject, q.predicate, q.object, getattr(q, "graph_name", None))
            for q in quads
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        }

    assert named(read["nq"]) == named(read["trig"]) == named(by_rdflib) and len(read["nq"]) == len(by_rdflib)
    triples = {quad[:3] for quad in named(by_rdflib)}
    for suffix in ("nt", "ttl", "jsonld", "rdf"):  # one graph: every graph's triples
        assert len(read[suffix]) == len(by_rdflib), suffix
        assert {triple[:3] for triple in named(read[suffix])} == triples, suffix
