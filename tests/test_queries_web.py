"""The pages of the ready-made queries: /requetes, /requetes/NAME and their machine twins."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, unquote

import pyoxigraph as ox
import pytest

from cap_ptce.queries import get_query, list_queries, run_query
from cap_ptce.store.build import build_kb
from cap_ptce.web import create_app
from cap_ptce.web.sparql import set_kb

NAMES = [query.name for query in list_queries()]


@pytest.fixture(scope="module")
def kb():
    """The default data (grid and sample corpus), built once for the module."""
    base = build_kb({})
    yield base
    base.close()


@pytest.fixture
def client(kb):
    """A fresh app per test, serving the module's knowledge base."""
    app = create_app({"TESTING": True})
    set_kb(app, kb)
    return app.test_client()


def alternates(response) -> dict[str, str]:
    """Link: rel="alternate" targets by media type (without parameters)."""
    found = {}
    for target, media_type in re.findall(
        r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers.get("Link", "")
    ):
        found[media_type.split(";")[0]] = target
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_list_shows_every_query_in_the_language_asked(client, lang):
    response = client.get("/requetes", query_string={"lang": lang})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page
    for query in list_queries():
        assert query.text(lang) in page.replace("&#39;", "'")
        assert f'href="requetes/{query.name}?lang={lang}"' in page
    assert alternates(response) == {"application/json": "/requetes.json"}


def test_the_list_for_machines(client):
    listing = client.get("/requetes.json").get_json()
    assert [entry["name"] for entry in listing] == NAMES
    first = listing[0]
    assert set(first["title"]) == {"fr", "en"}
    assert first["results"]["csv"] == f"/requetes/{first['name']}.csv"
    assert first["sparql"] == get_query(first["name"]).sparql


@pytest.mark.parametrize("name", NAMES)
def test_each_query_page_shows_its_results_form_and_sparql(client, kb, name):
    query = get_query(name)
    response = client.get(f"/requetes/{name}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = run_query(kb, name)
    assert page.count("<tr><td>") == len(rows)
    for variable in rows[0] if rows else ():
        assert f'title="?{variable}">{query.columns[variable]["fr"]}</th>'.replace("'", "&#39;") in page
    for parameter in query.parameters:
        assert f'name="{parameter.name}"' in page
    assert alternates(response)["text/csv"] == f"/requetes/{name}.csv" + ("?langue=fr" if _has_langue(query) else "")
    assert "application/sparql-results+json" in alternates(response)


def _has_langue(query) -> bool:
    return any(parameter.name == "langue" for parameter in query.parameters)


def test_the_editor_link_carries_the_query_with_its_parameters(client):
    page = client.get("/requetes/projets-par-dispositif", query_string={"dispositif": "pat"}).get_data(as_text=True)
    link = re.search(r'href="\.\./sparql#([^"]+)"', page).group(1)
    fragment = parse_qs(link.replace("&amp;", "&"))
    assert fragment["query"] == [get_query("projets-par-dispositif").build({"dispositif": "pat"})]
    assert fragment["tabTitle"] == ["Projets par dispositif public"]


def test_the_twins_hold_the_same_rows_as_python(client, kb):
    params = {"dispositif": "pat,crte"}
    expected = run_query(kb, "projets-par-dispositif", params)
    as_json = client.get("/requetes/projets-par-dispositif.json", query_string=params)
    solutions = ox.parse_query_results(as_json.data, ox.QueryResultsFormat.JSON)
    assert [row["nom"].value for row in solutions] == [row["nom"] for row in expected]
    as_csv = client.get("/requetes/projets-par-dispositif.csv", query_string=params)
    assert as_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [row["declinaison"] for row in table] == [row["declinaison"] for row in expected]
    assert alternates(as_csv) == {"text/html": "/requetes/projets-par-dispositif?dispositif=pat%2Ccrte"}


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        ("csv", "text/csv"),
        ("json", "application/sparql-results+json"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_each_twin_has_its_media_type(client, suffix, media_type):
    response = client.get(f"/requetes/membres-ess.{suffix}")
    assert response.status_code == 200
    assert response.mimetype == media_type


def test_a_parameter_repeated_by_a_form_means_several_values(client):
    repeated = client.get("/requetes/projets-par-dispositif.json?dispositif=pat&dispositif=crte")
    joined = client.get("/requetes/projets-par-dispositif.json?dispositif=pat,crte")
    assert repeated.data == joined.data


def test_the_page_language_chooses_the_labels(client):
    french = client.get("/requetes/stades-plan-action").get_data(as_text=True)
    english = client.get("/requetes/stades-plan-action?lang=en").get_data(as_text=True)
    assert "<td>Idée</td>" in french and "<td>Idea</td>" in english
    forced = client.get("/requetes/stades-plan-action?lang=en&langue=fr").get_data(as_text=True)
    assert "<td>Idée</td>" in forced


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("projets-par-dispositif", "dispositif", "pat> } ?s ?p ?o . { <x"),
        ("heterogeneite-consortium", "minimum", "0 } UNION { ?s ?p ?o"),
        ("projets-par-departement", "region", '32" } ?s ?p ?o { "'),
        ("validation-des-descriptions", "conforme", "true } ?s ?p ?o {"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_on_the_page_and_the_twin(client, query, name, value):
    page = client.get(f"/requetes/{query}", query_string={name: value})
    assert page.status_code == 400
    assert 'role="alert"' in page.get_data(as_text=True)
    twin = client.get(f"/requetes/{query}.json", query_string={name: value})
    assert twin.status_code == 400
    assert twin.get_json()["error"] == "ParameterError"
    assert f"parameter {name!r}" in twin.get_json()["message"]


def test_an_unknown_parameter_is_refused(client):
    response = client.get("/requetes/membres-ess.csv", query_string={"maturiteee": "etabli"})
    assert response.status_code == 400
    assert "maturite" in response.get_json()["hint"]


def test_an_unknown_query_is_a_404_naming_the_nearest(client):
    response = client.get("/requetes/membre-ess.json")
    assert response.status_code == 404
    assert "membres-ess" in response.get_json()["hint"]


def test_the_english_paths_redirect_to_the_french_ones(client):
    response = client.get("/queries/membres-ess?maturite=etabli")
    assert response.status_code == 301
    assert unquote(response.headers["Location"]) == "/requetes/membres-ess?lang=en&maturite=etabli"
    assert client.get("/queries").headers["Location"] == "/requetes?lang=en"


def test_a_query_stopped_at_the_time_limit_gets_a_clear_page(client, monkeypatch):
    """The knowledge base stops the query (its own tests show how); the page says so, with a 503."""
    from cap_ptce.errors import QueryTimeoutError
    from cap_ptce.web import queries as view

    def too_slow(*args, **kwargs):
        raise QueryTimeoutError("the query ran for more than 5 s and was stopped")

    monkeypatch.setattr(view, "run_table", too_slow)
    response = client.get("/requetes/couverture-par-question")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "ran for more than 5 s" in page


def test_the_pages_run_queries_under_the_endpoint_time_limit_and_sharing(client, monkeypatch):
    from cap_ptce.web import queries as view

    seen = {}

    def spy(kb, sparql, **limits):
        seen.update(limits)
        return [], []

    monkeypatch.setattr(view, "run_table", spy)
    client.application.config.update(QUERY_TIMEOUT=2.5, MAX_RESULT_ROWS=123)
    assert client.get("/requetes/membres-ess").status_code == 200
    # the time limit, shared with other clients; the rows follow the corpus, not MAX_RESULT_ROWS; and the
    # mark of a ready-made query's text, which may run on the shared in-memory copy
    limits = {"timeout": 2.5, "max_rows": view.READY_MADE_MAX_ROWS, "client": "127.0.0.1", "ready_made": True}
    assert seen == limits


def test_a_ready_made_query_with_more_rows_than_max_result_rows_answers_them_all(client, kb):
    client.application.config.update(MAX_RESULT_ROWS=2)
    query = get_query("projets-par-region")
    expected = len(run_query(kb, query.name))
    assert expected > 2
    assert client.get("/requetes/projets-par-region").status_code == 200
    twin = client.get("/requetes/projets-par-region.csv")
    assert twin.status_code == 200 and len(list(csv.DictReader(io.StringIO(twin.get_data(as_text=True))))) == expected
    assert client.get("/requetes/projets-par-region.csv-metadata.json").status_code == 200
    # the same text sent by a visitor stays under the endpoint's cap
    refused = client.post("/sparql", data=query.build({}), content_type="application/sparql-query")
    assert refused.status_code == 413


def test_a_long_result_shows_its_first_rows_and_says_so(client, monkeypatch):
    from cap_ptce.web import queries as view

    rows = [{"projet": f"https://w3id.org/cap-ptce/projet/p{i}", "nom": f"P{i}"} for i in range(7)]
    monkeypatch.setattr(view, "run_table", lambda kb, sparql, **limits: (["projet", "nom"], rows))
    monkeypatch.setattr(view, "PAGE_ROWS", 5)
    page = client.get("/requetes/membres-ess").get_data(as_text=True)
    assert page.count("<tr><td>") == 5
    assert "5 premières lignes sur 7" in page
    assert "(7 ligne(s))" in page


def test_a_csv_twin_points_at_its_csvw_metadata_which_keeps_codes_as_text(client):
    response = client.get("/requetes/projets-par-region.csv", query_string={"maturite": "emergent"})
    described = re.search(r'<([^>]+)>; rel="describedby"; type="application/csvm\+json"', response.headers["Link"])
    assert described and described[1] == "/requetes/projets-par-region.csv-metadata.json?maturite=emergent"
    metadata = client.get(described[1])
    assert metadata.mimetype == "application/csvm+json"
    meta = metadata.get_json()
    assert meta["url"] == "projets-par-region.csv?maturite=emergent"
    types = {column["name"]: column["datatype"] for column in meta["tableSchema"]["columns"]}
    assert types == {"code_region": "string", "nom_region": "string", "projets": "integer"}
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert [column["name"] for column in meta["tableSchema"]["columns"]] == reader.fieldnames
    codes = [row["code_region"] for row in reader]
    assert "01" in codes  # Guadeloupe: a code, as the metadata says, not the number 1
    titles = {column["name"]: column["titles"] for column in meta["tableSchema"]["columns"]}
    assert titles["code_region"] == get_query("projets-par-region").columns["code_region"]


def test_numbers_are_plain_numbers_in_tsv(client):
    for name in NAMES:
        body = client.get(f"/requetes/{name}.tsv").get_data(as_text=True)
        assert "XMLSchema#decimal" not in body and "XMLSchema#integer" not in body, name
    lines = client.get("/requetes/coordination-par-projet.tsv").get_data(as_text=True).splitlines()
    cells = dict(zip(lines[0].split("\t"), lines[1].split("\t")))
    assert re.fullmatch(r"[0-9]+\.[0-9]+", cells["?etp_total"]) and re.fullmatch(r"[0-9]+", cells["?postes"])
    rows = ox.parse_query_results("\n".join(lines).encode(), ox.QueryResultsFormat.TSV)
    assert len(list(rows)) == len(lines) - 1  # still SPARQL 1.1 TSV


@pytest.mark.parametrize(
    ("path", "varies"),
    [
        ("/requetes", True),
        ("/requetes/acteurs-par-type", True),
        ("/requetes/acteurs-par-type.csv", True),  # its labels follow the reader's language
        ("/requetes/acteurs-par-type.csv?langue=en", False),
        ("/requetes/membres-ess.csv", False),  # no label in it
        ("/requetes?lang=en", False),
        ("/requetes.json", False),
        ("/grille/question/q01.en.html", False),
    ],
)
def test_answers_whose_language_follows_accept_language_say_so(client, path, varies):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert ("Accept-Language" in response.vary) == varies


def test_the_query_file_is_served_as_shipped(client):
    from cap_ptce.queries import query_text

    response = client.get("/requetes/projets-par-region.rq")
    assert response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True) == query_text("projets-par-region")
    assert client.get("/requetes/nimporte.rq").status_code == 404


@pytest.mark.parametrize(
    ("lang", "yes", "moment"),
    [("fr", "oui", r"\d\d/\d\d/\d{4} \d\d:\d\d UTC"), ("en", "yes", r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")],
)
def test_truth_values_and_moments_read_in_the_page_s_language(client, lang, yes, moment):
    """validation-des-descriptions gives xsd:boolean and xsd:dateTime: not Python's True and 2026-12-05 15:50:25+00:00."""
    page = client.get(f"/requetes/validation-des-descriptions?lang={lang}").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert cells and yes in cells
    assert not {"True", "False"} & set(cells)
    assert not [cell for cell in cells if "+00:00" in cell]
    assert re.search(moment, page)
    twin = client.get("/requetes/validation-des-descriptions.csv").get_data(as_text=True)
    assert "true" in twin  # the twins keep the data's own values


@pytest.mark.parametrize(("lang", "written"), [("fr", "66,7"), ("en", "66.7")])
def test_a_decimal_of_a_query_page_is_written_the_pages_way_and_its_table_keeps_the_value(client, kb, lang, written):
    # the verification walk of 2026-12-06: « 46.7 » on a French page
    row = next(r for r in run_query(kb, "membres-ess") if str(r["projet"]).endswith("cuisines-partagees-saint-denis"))
    assert str(row["part_ess"]) == "66.7"
    page = client.get(f"/requetes/membres-ess?lang={lang}").get_data(as_text=True)
    assert re.search(rf"<td>{re.escape(written)}</td>", page)
    table = client.get("/requetes/membres-ess.csv").get_data(as_text=True)
    assert ",66.7" in table  # the CSV keeps SPARQL's form
