"""Dereferencing: every kind of resource answers people with HTML and machines with each RDF syntax."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from cap_ptce.rdf.namespaces import SHAPES
from cap_ptce.web import create_app
from pages_helpers import BROWSER, RDF_TYPES, iri_of, resource_paths

KINDS = list(resource_paths("x"))


@pytest.fixture(scope="module")
def app():
    """One app for the module: these tests only read, and the knowledge base takes seconds to build."""
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def paths(app):
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        return resource_paths(get_site().projects[0].id)


@pytest.fixture
def client(app):
    return app.test_client()


def _subjects_expected(kind: str, path: str, graph: Graph) -> bool:
    if kind == "shapes":
        return any(str(s).startswith(str(SHAPES)) for s in graph.subjects())
    return (URIRef(iri_of(path)), None, None) in graph


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_accept_gives_303_to_a_document_of_that_type_that_parses(client, paths, kind, media_type):
    path = paths[kind]
    suffix, parser = RDF_TYPES[media_type]
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f".{suffix}")
    assert "Accept" in response.headers["Vary"]
    document = client.get(path + "." + suffix)
    assert document.status_code == 200
    assert document.mimetype == media_type
    graph = Graph().parse(data=document.get_data(as_text=True), format=parser)
    assert _subjects_expected(kind, path, graph)


@pytest.mark.parametrize("kind", KINDS)
def test_a_browser_gets_the_page_in_its_language(client, paths, kind):
    path = paths[kind]
    name = path.rsplit("/", 1)[1]
    french = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    english = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en-GB,en;q=0.9"})
    assert french.status_code == english.status_code == 303
    assert french.headers["Location"] == f"{name}.fr.html"
    assert english.headers["Location"] == f"{name}.en.html"
    assert french.headers["Vary"] == "Accept, Accept-Language"
    page = client.get(f"{path}.en.html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<html lang="en">' in page.get_data(as_text=True)


@pytest.mark.parametrize("kind", KINDS)
def test_documents_link_to_every_other_serialisation_and_name_their_subject(client, paths, kind):
    path = paths[kind]
    name = path.rsplit("/", 1)[1]
    response = client.get(path + ".ttl")
    link = response.headers["Link"]
    for suffix in ("fr.html", "en.html", "jsonld", "rdf", "nt"):
        assert f'<{name}.{suffix}>; rel="alternate"' in link
    assert f"<{name}.ttl>" not in link
    assert f'<{iri_of(path)}>; rel="describes"' in link
    assert "Vary" not in response.headers  # a document does not vary


def test_missing_accept_and_any_type_give_html(client, paths):
    assert client.get(paths["question"]).headers["Location"].endswith(".fr.html")
    assert client.get(paths["question"], headers={"Accept": "*/*"}).headers["Location"].endswith(".fr.html")


def test_q_values_decide(client, paths):
    accept = "text/html;q=0.5, application/ld+json;q=0.9, text/turtle;q=0.7"
    assert client.get(paths["entry"], headers={"Accept": accept}).headers["Location"].endswith(".jsonld")


def test_lang_parameter_wins_over_accept_language(client, paths):
    response = client.get(paths["grid"] + "?lang=en", headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert response.headers["Location"].endswith(".en.html")


def test_unqualified_html_suffix_is_negotiated_by_language(client, paths):
    response = client.get(paths["question"] + ".html", headers={"Accept-Language": "en"})
    assert response.status_code == 303 and response.headers["Location"].endswith(".en.html")


def test_the_grid_is_also_csv(client, paths):
    response = client.get(paths["grid"], headers={"Accept": "text/csv"})
    assert response.headers["Location"].endswith(".csv")
    document = client.get(paths["grid"] + ".csv")
    assert document.mimetype == "text/csv"
    assert len(document.get_data(as_text=True).splitlines()) > 18
    assert client.get(paths["question"] + ".csv").status_code == 404


def test_data_documents_allow_cross_origin_reads(client, paths):
    assert client.get(paths["question"] + ".ttl").headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path",
    [
        "/grille/question/q99",
        "/grille/entree/nulle-part.fr.html",
        "/vocab/axes-thematiques/inconnu",
        "/vocab/dispositifs/inconnu",
        "/projet/inconnu",
        "/nulle/part",
        "/grille/question/q01.pdf",
        "/grille/question/q01.de.html",
        "/grille/question/q01.en.ttl",
        "/telechargements/inconnu.ttl",
    ],
)
def test_unknown_iris_and_documents_get_a_real_404_page(client, path):
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


def test_unknown_iri_gives_json_to_machines(client):
    response = client.get("/grille/question/q99", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.json["error"] == "NotFoundError"


def test_nothing_acceptable_is_406_with_the_offered_types(client, paths):
    response = client.get(paths["question"], headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json["message"]


def test_a_part_of_a_project_redirects_to_its_section_of_the_project_document(client, app, paths):
    with app.test_request_context("/"):
        from cap_ptce.web.corpus import project_graph

        project_id = paths["project"].rsplit("/", 1)[1]
        graph = project_graph(project_id)
    project_iri = iri_of(paths["project"])
    part = sorted(str(s) for s in graph.subjects() if str(s).startswith(project_iri + "/"))[0]
    part_path = part[len(app.config["BASE_IRI"]) - 1 :]
    html = client.get(part_path, headers={"Accept": BROWSER})
    assert html.status_code == 303
    document, anchor = html.headers["Location"].split("#")
    assert document.endswith(f"{project_id}.fr.html")
    page = client.get(paths["project"] + ".fr.html").get_data(as_text=True)
    assert f'id="{anchor}"' in page
    assert client.get(part_path, headers={"Accept": "text/turtle"}).headers["Location"].endswith(f"{project_id}.ttl")
    assert client.get(part_path + ".ttl").status_code == 404


def test_a_concept_description_carries_the_links_into_it_with_labels(client, paths):
    graph = Graph().parse(data=client.get(paths["concept"] + ".ttl").get_data(as_text=True), format="turtle")
    concept = URIRef(iri_of(paths["concept"]))
    scheme = next(graph.objects(concept, SKOS.inScheme))
    assert {lit.language for lit in graph.objects(scheme, SKOS.prefLabel)} == {"fr", "en"}
    assert (concept, RDF.type, SKOS.Concept) in graph


def test_void_is_discoverable_at_its_well_known_address(client):
    response = client.get("/.well-known/void")
    assert response.status_code == 303 and response.headers["Location"] == "../dataset.ttl"
    assert client.get("/dataset.ttl").mimetype == "text/turtle"


def test_every_page_names_its_icon_and_favicon_ico_leads_there(client):
    """Browsers ask /favicon.ico of every site: it was a 404, logged at each first visit."""
    for path in ("/", "/editeur", "/nulle-part"):
        page = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True).get_data(as_text=True)
        assert '<link rel="icon" type="image/svg+xml" href="' in page, path
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(urljoin("http://localhost/favicon.ico", response.headers["Location"]))
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_grid_page_lists_its_versions_with_their_pages(client, lang):
    """A researcher citing the grid as it was at 1.0.0 found that version in the sitemap only."""
    from cap_ptce.grid import load_grid

    grid = load_grid()
    page = client.get(f"/grille/{grid.id}.{lang}.html").get_data(as_text=True)
    section = page[page.index('<section aria-labelledby="versions">') :]
    section = section[: section.index("</section>")]
    for item in grid.history:
        link = f'<a href="{grid.id}/{item.version}.{lang}.html">'
        assert link in section, item.version
        assert client.get(f"/grille/{grid.id}/{item.version}.{lang}.html").status_code == 200
    assert len(grid.history) >= 2 and section.index(grid.version) < section.index(grid.history[-1].version)


def test_future_tense_parameter_leads_to_the_future_view(client, paths):
    response = client.get(paths["grid"] + ".en.html?temps=futur")
    assert response.status_code == 303 and response.headers["Location"] == "futur.en.html"
    assert client.get("/grille/futur.en.html").status_code == 200


def test_documents_can_be_revalidated_with_their_etag(client, paths):
    first = client.get(paths["entry"] + ".ttl")
    etag = first.headers["ETag"]
    again = client.get(paths["entry"] + ".ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert client.get(paths["entry"] + ".nt").headers["ETag"] != etag


def test_pages_and_unknown_paths_never_read_the_whole_corpus_into_rdflib(monkeypatch):
    """Only the catalogue and the downloads need the corpus as one graph: at 1,000 descriptions,
    reading it took 32 s, which a 404 or a grid page must not pay."""
    from cap_ptce.web import corpus

    def refuse():
        raise AssertionError("the whole corpus was read")

    monkeypatch.setattr(corpus, "corpus_graph", refuse)
    client = create_app({"TESTING": True}).test_client()
    with client.application.test_request_context("/"):
        from cap_ptce.web.site import get_site

        project = get_site().projects[0].id
    for path, status in [
        ("/robots.txt", 404),
        ("/grille/cap-ptce.fr.html", 200),
        ("/def.fr.html", 200),
        ("/shapes.fr.html", 200),
        (f"/projet/{project}.fr.html", 200),
        ("/index.fr.html", 200),
    ]:
        assert client.get(path, headers={"Accept": BROWSER}).status_code == status, path
