"""The explorer at the size of a large corpus: its table read as one of the app's own queries, its pages drawn once.

At 10,000 descriptions the explorer's table is a query of 468k rows (26 s on the
store's folder, 7.6 s on the in-memory copy), and each of its pages was drawn at
every request (0.7 s for the whole corpus's). Queries and drawings are counted
here, not timed.
"""

from __future__ import annotations

import pytest

from apphelpers import module_app, runs_of
from cap_ptce.web import explorer as explorer_view

app = module_app()


def test_the_explorers_table_and_the_whole_corpus_charts_are_run_as_the_apps_own_queries(app, monkeypatch):
    runs = runs_of(app, monkeypatch)
    client = app.test_client()
    assert client.get("/explorateur").status_code == 200
    table = [query.ready_made for query, _ in runs if 'BIND("texte" AS ?facette)' in query.text]
    assert table == [True]  # it may run on the in-memory copy: 3.4 times faster at 10,000 descriptions
    runs.clear()
    assert client.get("/tableau-de-bord").status_code == 200
    assert len(runs) >= 10  # the charts' queries
    assert all(query.ready_made for query, _ in runs)
    visitor = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert client.post("/sparql", data={"query": visitor}).status_code == 200
    assert (runs[-1][0].text, runs[-1][0].ready_made) == (visitor, False)  # a visitor's text never is


def test_one_reading_of_the_table_serves_both_languages_with_their_own_labels(app):
    """At 10,000 descriptions each language's table was a query of 467,882 rows and 218 to 277 MiB."""
    from cap_ptce.explorer import CorpusView
    from cap_ptce.explorer.projects import _labels_text, _query_text, read_projects
    from cap_ptce.grid import load_grid
    from cap_ptce.web.sparql import get_kb

    with app.app_context():
        kb = get_kb()
        read = []
        real = kb.select
        kb.select = lambda *args, **kw: read.append(args[0]) or real(*args, **kw)
        try:
            view = CorpusView(kb)
            french, english = view.projects("fr"), view.projects("en")
            assert sorted(read) == sorted([_query_text(), _labels_text()])  # the table and its concepts' labels, once
        finally:
            del kb.select
        assert {p.iri: p for p in read_projects(kb, "en")} == {p.iri: p for p in english}
        for one, other in zip(french, english):
            assert one.iri == other.iri and one.values is other.values and one.text is other.text  # shared
        grid = load_grid()
        concepts = {
            facet: {concept.id: concept.label for concept in grid.scheme(scheme).concepts}
            for facet, scheme in (("maturite", "maturites"), ("axe", "axes-thematiques"), ("type", "types-acteurs"))
        }
        schemes = {scheme.id: scheme.acronym for scheme in grid.public_schemes}  # skos:altLabel, in both languages
        seen = set()
        for lang, rows in (("fr", french), ("en", english)):  # each language's labels, in every project
            for project in rows:
                for facet, labels in concepts.items():
                    for key in project.values.get(facet, ()):
                        assert project.labels[(facet, key)] == labels[key].get(lang), (project.id, facet, lang)
                        seen.add(facet)
                for key in project.values.get("dispositif", ()):
                    assert project.labels[("dispositif", key)] == schemes[key], (project.id, lang)
                    seen.add("dispositif")
        assert seen == {"maturite", "axe", "type", "dispositif"}
        named = [
            (i, key) for i, p in enumerate(french) for key in p.values.get("region", ()) if ("region", key) in p.labels
        ]
        assert named
        for index, key in named:  # a place's name, without a language: the same in both
            assert french[index].labels[("region", key)] == english[index].labels[("region", key)]


@pytest.fixture
def drawn(monkeypatch):
    """The explorer's answers drawn: (what, language)."""
    drawings = []
    real_page, real_csv = explorer_view._render_page, explorer_view._csv

    def page(selection, lang, error=None):
        drawings.append(("page", lang))
        return real_page(selection, lang, error)

    def csv(records):
        drawings.append(("csv", None))
        return real_csv(records)

    monkeypatch.setattr(explorer_view, "_render_page", page)
    monkeypatch.setattr(explorer_view, "_csv", csv)
    return drawings


def test_the_explorer_page_and_its_twins_are_drawn_once_per_selection_order_and_language(app, drawn):
    client = app.test_client()
    first, second = client.get("/explorateur?region=32"), client.get("/explorateur?region=32")
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    again = client.get("/explorateur?region=32", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert drawn == [("page", "fr")]
    sorted_otherwise = client.get("/explorateur?region=32&tri=completude")
    assert sorted_otherwise.status_code == 200 and sorted_otherwise.data != first.data
    assert client.get("/explorer?region=32").status_code == 200
    assert drawn == [("page", "fr"), ("page", "fr"), ("page", "en")]
    for _ in range(2):
        table = client.get("/explorateur.csv?region=32")
        assert table.status_code == 200 and table.content_type.startswith("text/csv")
    assert drawn[3:] == [("csv", None)]
    bad = client.get("/explorateur?region=999")  # a refused filter: the page and its message, not kept
    assert bad.status_code == 400
