"""What the pages say: every page in French and English with nothing left in the other language,
the grid laid out like the original table, links both ways, attribution and licence everywhere."""

from __future__ import annotations

import re

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.i18n import LANGUAGES, catalogue
from cap_ptce.i18n.folding import fold
from cap_ptce.web import create_app
from pages_helpers import Page, resource_paths

PAGE_KINDS = [*resource_paths("x"), "home", "future grid", "projects"]
EXTRA = {"home": "/", "future grid": "/grille/futur", "projects": "/projet"}


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def paths(app):
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        return {**resource_paths(get_site().corpus_projects[0].id), **EXTRA}


@pytest.fixture(scope="module")
def pages(app, paths):
    """Every kind of page in both languages, read once: {(kind, lang): Page}."""
    client = app.test_client()
    read = {}
    for kind, path in paths.items():
        for lang in LANGUAGES:
            document = ("/index" if path == "/" else path) + f".{lang}.html"
            response = client.get(document)
            assert response.status_code == 200, document
            read[kind, lang] = Page(response.get_data(as_text=True))
    return read


def _fragments(text: str) -> list[str]:
    """The pieces of a message between its placeholders, long enough to be telling."""
    return [piece.strip() for piece in re.split(r"\{\w+\}", text) if len(piece.strip()) >= 6]


def _foreign_fragments(lang: str) -> set[str]:
    """Fragments of messages in the other language that no message of ``lang`` contains."""
    other = "en" if lang == "fr" else "fr"
    own = " ".join(texts[lang] for texts in catalogue().values())
    return {piece for texts in catalogue().values() for piece in _fragments(texts[other]) if piece not in own}


@pytest.mark.parametrize("kind", PAGE_KINDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_interface_string_of_the_other_language(pages, kind, lang):
    page = pages[kind, lang]
    assert page.lang == lang
    # Prefixed names (owl:Ontology, xsd:integer) belong to no language.
    text = re.sub(r"\b[a-z]+:[A-Za-z][\w-]*", "", page.text_in(lang))
    leaked = sorted(piece for piece in _foreign_fragments(lang) if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text))
    assert not leaked, f"{kind} ({lang}) shows {leaked}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_grid_text_of_the_other_language(pages, lang):
    other = "en" if lang == "fr" else "fr"
    grid = load_grid()
    text = pages["grid", lang].text_in(lang)
    for question in grid.questions:
        assert " ".join(getattr(question.text, lang).split()) in text
        if getattr(question.text, other) != getattr(question.text, lang):
            assert " ".join(getattr(question.text, other).split()) not in text


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_has_the_switch_attribution_and_licence(pages, app, kind):
    for lang in LANGUAGES:
        page = pages[kind, lang]
        text = " ".join(t for t, _ in page.texts)
        assert "Institut Godin" in text and "EDISON" in text
        assert app.config["LICENSE"] in page.links
        other = "en" if lang == "fr" else "fr"
        assert any(link.endswith(f".{other}.html") or link.endswith(f"lang={other}") for link in page.links)


def test_every_message_of_the_pages_is_used():
    from pathlib import Path

    import yaml

    import cap_ptce.i18n as i18n
    import cap_ptce.web as web

    folder = Path(web.__file__).parent
    messages = Path(i18n.__file__).parent / "messages"
    sources = "".join(p.read_text(encoding="utf-8") for p in [*folder.glob("*.py"), *folder.glob("templates/*.html")])
    ours = {key for name in ("common", "pages") for key in yaml.safe_load((messages / f"{name}.yaml").read_text())}
    built = ("format.", "severity.")  # keys built from a name in templates: 'format.' ~ name
    unused = sorted(key for key in ours if key not in sources and not key.startswith(built))
    assert not unused


def test_grid_page_is_the_original_table(pages):
    grid = load_grid()
    page = pages["grid", "fr"]
    text = page.text_in("fr")
    assert "Entrées" in text and "Questions à se poser" in text and "Exemples / précisions à apporter" in text
    entries = [entry.id for entry in grid.entries]
    assert all(entry in page.ids for entry in entries)
    positions = [text.index(" ".join(entry.label.fr.split())) for entry in grid.entries]
    assert positions == sorted(positions)
    for question in grid.questions:
        assert (
            f"../grille/question/{question.id}.fr.html" in page.links or f"question/{question.id}.fr.html" in page.links
        )


def test_future_view_asks_the_questions_in_the_future_tense(pages):
    grid = load_grid()
    text = pages["future grid", "en"].text_in("en")
    for question in grid.questions:
        assert " ".join(question.future.en.split()) in text


def test_question_page_lists_the_projects_that_answer_it_and_the_project_links_back(app, paths, pages):
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        project = get_site().corpus_projects[0]
    question = pages["question", "fr"]
    assert any(link.endswith(f"projet/{project.id}.fr.html") for link in question.links)
    project_page = pages["project", "fr"]
    question_id = paths["question"].rsplit("/", 1)[1]
    assert any(
        link.endswith(f"question/{question_id}.fr.html") or f"reponse-{question_id}" in link
        for link in project_page.links
    )


def test_concept_page_lists_the_projects_that_use_it(app):
    client = app.test_client()
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        used = [iri for iri, projects in get_site().backlinks.items() if "/vocab/" in iri and projects]
    assert used, "the sample corpus uses at least one concept"
    path = used[0].split("w3id.org/cap-ptce", 1)[1]
    page = Page(client.get(path + ".fr.html").get_data(as_text=True))
    assert any("projet/" in link for link in page.links)


def test_ontology_page_documents_every_class_and_property_of_ours(pages):
    from rdflib.namespace import OWL, RDF

    from cap_ptce.rdf.namespaces import CAP
    from cap_ptce.rdf.vocabulary import ontology_graph

    graph = ontology_graph()
    ours = {
        str(s)[len(str(CAP)) :]
        for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, t)
        if str(s).startswith(str(CAP))
    }
    page = pages["ontology", "en"]
    assert ours <= page.ids  # def#Term lands on its section
    text = page.text_in("en")
    assert "rdfs:subClassOf" in text or "subclass" in text.lower()


def test_shapes_page_says_what_each_shape_checks(pages):
    from rdflib.namespace import RDF, SH

    from cap_ptce.rdf.namespaces import SHAPES
    from cap_ptce.validation.shapes import shapes_graph

    graph = shapes_graph()
    shapes = {
        str(s)[len(str(SHAPES)) :] for s in graph.subjects(RDF.type, SH.NodeShape) if str(s).startswith(str(SHAPES))
    }
    page = pages["shapes", "fr"]
    assert shapes and shapes <= page.ids
    text = page.text_in("fr")
    assert "Violation" in text
    rules = ("au moins", "au plus", "de la forme", "doit valoir", "conforme à la forme", "valeur :", "écrite en SPARQL")
    assert sum(text.count(rule) for rule in rules) >= len(shapes)
    # a carrier reads each kind of value in words, the technical name beside it
    assert "une date AAAA-MM-JJ (xsd:date)" in text and "un lien vers une autre ressource (sh:IRI)" in text
    assert "de nature sh:IRI" not in text and "de type xsd:" not in text
    assert "le format des descriptions" in text  # a SIREN written wrong is a violation too: not only the law


def test_the_shapes_page_links_its_version_and_the_registers_profile(app):
    """A publisher's crawl of 2026-12-06: shapes/0.1.0 and shapes/registre were reached by their IRIs and the
    sitemap only, from no page."""
    from cap_ptce.publish.parts import current_versions
    from cap_ptce.rdf.namespaces import SHAPES_DOCUMENT

    client = app.test_client()
    page = client.get("/shapes.fr.html").get_data(as_text=True)
    version = current_versions()[SHAPES_DOCUMENT]
    assert f'href="shapes/{version}.fr.html"' in page and 'href="shapes/registre.fr.html"' in page
    assert "sh:declare" not in page  # the SPARQL's prefixes are not the document's facts
    profile = client.get("/shapes/registre.en.html").get_data(as_text=True)
    assert 'href="../shapes.en.html"' in profile
    assert client.get(f"/shapes/{version}.fr.html").status_code == 200


def test_catalogue_page_lists_every_download_and_the_changelog(pages):
    grid = load_grid()
    page = pages["catalogue", "en"]
    downloads = [link for link in page.links if "telechargements/" in link]
    assert any(link.endswith("cap-ptce.nq") for link in downloads)
    assert any(link.endswith("grille.csv") for link in downloads)
    assert "historique" in page.ids
    text = page.text_in("en")
    for item in grid.history:
        assert item.version in text and " ".join(item.note.en.split()) in text


def test_places_are_shown_by_their_cog_name_and_code(app, pages):
    """A description names its places by code; a page shows the name the COG gives them, and the code."""
    from rdflib import URIRef

    from cap_ptce.geo import load_geography
    from cap_ptce.web.present import place_label

    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        site = get_site()
        graph = site.project_graph(site.corpus_projects[0].id)
    places = {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith("http://id.insee.fr/geo/")}
    assert places, "the first sample names places"
    geo = load_geography()
    for lang in LANGUAGES:
        text = " ".join(t for t, _lang in pages["project", lang].texts)
        for place in places:
            kind, code = str(place).rsplit("/", 2)[-2:]
            name = geo.place_name({"intercommunalite": "epci"}.get(kind, kind), code)
            assert name and f"{name} ({code})" in text, (lang, place)
    assert place_label(URIRef("http://id.insee.fr/geo/commune/80021")) == "Amiens (80021)"
    assert place_label(URIRef("http://id.insee.fr/geo/region/99")) is None  # no such région: no name made up
    assert place_label(URIRef("https://w3id.org/cap-ptce/projet/x")) is None


def test_the_projects_page_counts_descriptions_and_register_apart_and_sorts_names_as_a_reader_does(app):
    # a researcher read « 72 projet(s) décrit(s) avec la grille » where 57 are register records, and found
    # « Énergies citoyennes » after every other name (sorted by code points, É after z)
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        site = get_site()
        described, register = len(site.corpus_projects), len(site.register_projects)
    html = app.test_client().get("/projet.fr.html").get_data(as_text=True)
    text = Page(html).text_in("fr")
    assert f"{described + register} projet(s) dans la base de connaissances" in text
    assert f"{described} description(s) faite(s) avec la grille" in text
    assert f"{register} fiche(s) du registre des PTCE réels" in text
    corpus_part = html.split('id="corpus"', 1)[1].split('id="registre"', 1)[0]
    names = re.findall(r'<a href="[^"]*projet/[^"]*"[^>]*>([^<]+)</a>', corpus_part)
    assert any(name.startswith("Énergies") for name in names)
    assert names == sorted(names, key=fold)
