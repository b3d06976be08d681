"""The explorer and dashboard pages on the web, their twins, a selection's SPARQL endpoint, and cap-ptce report.

One app for the module (its knowledge base is the sample corpus): the pages
work without JavaScript (a GET form), each state is an address whose .csv and
.json twins hold the same projects, each chart's CSV holds its query's rows, and
its editor link opens the query's text on an endpoint that gives those rows.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pypdf import PdfReader

from cap_ptce.explorer import parse_selection
from cap_ptce.explorer.dashboard import CHARTS
from cap_ptce.web import create_app
from cap_ptce.web.explorer import corpus_view


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def view(app):
    with app.app_context():
        return corpus_view()


def test_the_explorer_filters_counts_and_twins_agree(client, view):
    page = client.get("/explorateur?region=32&dispositif=crte")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ids = {p.id for p in view.explore(parse_selection("region=32&dispositif=crte"), "fr").projects}
    assert ids and f"{len(ids)} pôle(s) sur {len(view.projects('fr'))}" in html
    assert 'name="region" value="32" id="f-region-32" checked' in html
    as_json = client.get("/explorateur.json?region=32&dispositif=crte").get_json()
    assert {p["id"] for p in as_json["projects"]} == ids and as_json["count"] == len(ids)
    table = client.get("/explorateur.csv?dispositif=crte&region=32")
    # a spreadsheet's file is downloaded, as the queries' tables are (a researcher saw it open as text)
    assert table.headers["Content-Disposition"] == 'attachment; filename="explorateur.csv"'
    assert client.get("/explorer.csv").headers["Content-Disposition"] == 'attachment; filename="explorer.csv"'
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert {r["id"] for r in rows} == ids and all("32" in r["regions"].split(" ; ") for r in rows)
    assert 'href="explorateur.csv?region=32&amp;dispositif=crte" type="text/csv"' in html


def test_sorted_by_region_the_poles_follow_the_alphabet_accents_aside(client, view):
    """Île-de-France's poles came after all the others (after Provence-Alpes-Côte d'Azur): "Î" sorted after "z"."""
    from cap_ptce.i18n.folding import fold

    projects = view.explore(parse_selection("tri=region"), "fr").projects
    first = [p.label_list("region")[0] for p in projects if p.label_list("region")]
    assert "Île-de-France" in first and "La Réunion" in first
    assert [fold(name) for name in first] == sorted(fold(name) for name in first)
    assert first.index("Île-de-France") < first.index("La Réunion")
    ids = [p["id"] for p in client.get("/explorateur.json?tri=region").get_json()["projects"]]
    assert ids == [p.id for p in projects]


def test_the_english_explorer_and_the_language_switch(client):
    html = client.get("/explorer?maturite=emergent").get_data(as_text=True)
    assert '<html lang="en">' in html and "Kinds of member actors" in html
    assert 'href="explorateur?maturite=emergent"' in html


def test_every_facet_value_is_a_link_back_to_a_smaller_or_larger_selection(client):
    html = client.get("/explorateur?region=32&q=circulaire").get_data(as_text=True)
    assert 'href="explorateur?q=circulaire"' in html  # the chip that removes the région
    assert 'href="explorateur?region=32"' in html  # the chip that removes the words


@pytest.mark.parametrize(
    "path", ["/explorer.json?regoin=32", "/dashboard.json", "/tableau-de-bord/nulle.csv", "/explorer.json?tri=x"]
)
def test_bad_addresses_are_4xx_with_a_message(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.get_json()["message"]


@pytest.mark.parametrize(
    ("path", "nearest"),
    [
        ("/explorateur.json?maturite=etablie", "etabli"),
        ("/explorateur.csv?dispositif=patt", "pat"),
        ("/explorer.json?type=associations", "association"),
        ("/explorateur.json?axe=mobilite", "mobilite-durable"),
        ("/explorateur.json?region=99", "84"),
        ("/explorateur.json?departement=20", "2A, 2B"),
        ("/tableau-de-bord/regions.csv?maturite=etablie", "etabli"),
        ("/tableau-de-bord/sparql?dispositif=patt&query=ASK%7B%7D", "pat"),
        ("/tableau-de-bord/rapport.md?dispositif=patt", "pat"),
        ("/requetes/projets-par-departement.csv?region=99", "84"),
    ],
)
def test_a_mistyped_filter_value_is_a_400_with_the_nearest_not_0_poles(client, path, nearest):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert nearest in response.get_json()["hint"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/explorateur?regoin=32", "vouliez-vous dire « region »"),
        ("/explorer?maturite=etablie", "did you mean &#39;etabli&#39;"),
        ("/tableau-de-bord?dispositif=patt", "vouliez-vous dire « pat »"),
    ],
)
def test_a_page_answers_a_bad_filter_with_itself_and_the_message(client, path, shown):
    """As a query's page does: the form and the whole corpus, the message above them, never a JSON blob."""
    response = client.get(path)  # curl's Accept, */*: the page still, since the address names one
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and shown in html
    assert 'id="filtres"' in html or 'id="sommaire"' in html


def test_the_dashboard_shows_each_chart_with_its_table_csv_and_editor_link(client, view):
    html = client.get("/tableau-de-bord?region=32").get_data(as_text=True)
    for spec in CHARTS:
        assert f'id="{spec.id}"' in html and f'id="{spec.id}-chiffres"' in html
        assert f'href="tableau-de-bord/{spec.id}.csv?region=32"' in html
    assert html.count('<svg role="img"') == len(CHARTS)
    assert "<script" not in html.split("<main", 1)[1]


def test_a_chart_csv_is_its_query_rows(client, view):
    chart = view.chart("regions", parse_selection("region=32"), "fr")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/tableau-de-bord/regions.csv?region=32").get_data(as_text=True)))
    )
    assert [(r["code_region"], int(r["projets"])) for r in rows] == [
        (r["code_region"], r["projets"]) for r in chart.rows
    ]
    spec = client.get("/dashboard/regions.json?region=32").get_json()
    assert (
        spec["$schema"].endswith("vega-lite/v5.json") and spec["data"]["values"][0]["value"] == chart.rows[0]["projets"]
    )


def test_a_chart_csv_of_an_empty_selection_keeps_its_header(client):
    """The register alone: no corpus pole for the charts to count, but the columns a script joins on stay."""
    whole = client.get("/tableau-de-bord/regions.csv").get_data(as_text=True).splitlines()
    empty = client.get("/tableau-de-bord/regions.csv?jeu=registre")
    assert empty.status_code == 200
    assert empty.get_data(as_text=True).splitlines() == [whole[0]]
    assert whole[0] == "code_region,nom_region,projets"
    coverage = list(csv.DictReader(io.StringIO(client.get("/tableau-de-bord/couverture.csv?jeu=registre").text)))
    assert coverage and all(row["projets"] == "0" and row["taux"] == "" for row in coverage)  # no 0 % of nothing


def test_a_share_of_no_project_is_empty_not_0_percent(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/tableau-de-bord/dispositifs.csv?jeu=registre").text)))
    assert rows and all(row["total"] == "0" and row["part"] == "" for row in rows)
    assert client.get("/tableau-de-bord?jeu=registre").status_code == 200  # the charts draw without a share
    whole = list(csv.DictReader(io.StringIO(client.get("/tableau-de-bord/dispositifs.csv").text)))
    assert all(row["part"] not in ("", "0", "0.0") for row in whole if row["projets"] != "0")


def test_a_chart_csv_neutralises_formulas_as_the_query_csvs_do():
    from cap_ptce.explorer import Selection
    from cap_ptce.explorer.dashboard import Chart, Series, chart_spec
    from cap_ptce.web.dashboard import _csv

    series = Series("", "", Selection(), "", ["nom", "part_ess"], [{"nom": '=HYPERLINK("x")', "part_ess": -12.5}])
    chart = Chart(chart_spec("membres-ess"), "t", "d", "s", [("nom", "Nom")], [series])
    assert _csv(chart).splitlines() == ["nom,part_ess", '"\'=HYPERLINK(""x"")",-12.5']


def test_the_editor_link_runs_the_same_query_on_the_selection_endpoint(client, view):
    html = client.get("/tableau-de-bord?region=32&dispositif=crte").get_data(as_text=True)
    section = html.split('id="dispositifs"', 1)[1]
    link = next(p for p in section.split('href="')[1:] if p.startswith("sparql#"))
    fragment = parse_qs(link.split('"', 1)[0].split("#", 1)[1].replace("&amp;", "&"))
    endpoint = urlsplit(fragment["endpoint"][0])
    assert endpoint.path == "/tableau-de-bord/sparql" and endpoint.query == "region=32&dispositif=crte"
    answer = client.post(
        endpoint.path + "?" + endpoint.query,
        data={"query": fragment["query"][0]},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()
    got = {b["sigle"]["value"]: int(b["projets"]["value"]) for b in answer["results"]["bindings"] if "sigle" in b}
    chart = view.chart("dispositifs", parse_selection("region=32&dispositif=crte"), "fr")
    assert got == {r["sigle"]: r["projets"] for r in chart.rows if r["sigle"]}


def test_the_whole_corpus_editor_link_uses_the_main_endpoint(client):
    """Every chart, the coverage by maturity too (one query counts each maturity apart), on /sparql."""
    html = client.get("/dashboard").get_data(as_text=True)
    sections = html.split('<section class="chart" id="')[1:]
    assert len(sections) == 13
    for section in sections:
        links = [part.split('"', 1)[0] for part in section.split('href="')[1:] if part.startswith("sparql#")]
        assert ["endpoint" in unquote(link) for link in links] == [False], section[:20]


def test_the_selection_endpoint_refuses_updates(client):
    response = client.post("/tableau-de-bord/sparql?region=32", data={"update": "CLEAR ALL"})
    assert response.status_code in (400, 403)


def test_the_selection_endpoint_answers_as_the_main_one_does(client):
    """A table to download, with its formula-like cells neutralised, as /sparql gives it."""
    query = 'SELECT ("=1+1" AS ?cellule) ?p WHERE { ?p a <https://w3id.org/cap-ptce/def#Project> } LIMIT 1'
    answers = [
        client.post(path, data={"query": query}, headers={"Accept": "text/csv"})
        for path in ("/tableau-de-bord/sparql?region=32", "/sparql")
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.headers["Content-Disposition"] == 'attachment; filename="resultats.csv"'
        assert answer.get_data(as_text=True).splitlines()[1].startswith("'=1+1,")
    assert answers[0].headers["Vary"] == answers[1].headers["Vary"] == "Accept"


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_the_report_downloads(client, fmt):
    response = client.get(f"/tableau-de-bord/rapport.{fmt}?region=32")
    assert response.status_code == 200
    if fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert "Projets par région" in text and "Institut Godin" in text and date.today().isoformat() in text
    else:
        text = response.get_data(as_text=True)
        assert "Hauts-de-France" in text and "Institut Godin" in text and "projets-par-region" in text


def test_cap_ptce_report_writes_each_format(cap_ptce, tmp_path):
    out = tmp_path / "rapport.md"
    result = cap_ptce(
        "report", "--filter", "region=32", "--filter", "dispositif=crte", "--format", "md", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Région : Hauts-de-France (32)" in text and "Dispositif public : CRTE" in text
    assert "| Hauts-de-France |" in text.replace("| 32 | Hauts-de-France |", "| Hauts-de-France |")
    html = tmp_path / "report.html"
    assert cap_ptce("report", "--format", "html", "--lang", "en", "-o", str(html)).exit_code == 0
    assert "The corpus of PTCEs at a glance" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "lang, said", [("fr", ("**Filtres** : ", "Requête : `")), ("en", ("**Filters**: ", "Query: `"))]
)
def test_the_markdown_report_writes_each_languages_colon(cap_ptce, tmp_path, lang, said):
    """French puts a space before a colon, English none: "Query : `…`" read as a French leak in English."""
    out = tmp_path / f"report-{lang}.md"
    assert cap_ptce("report", "--format", "md", "--lang", lang, "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for words in said:
        assert words in text, words


def test_cap_ptce_report_refuses_a_bad_filter_with_exit_2(capsys):
    from cap_ptce.cli import main

    assert main(["report", "--filter", "regoin=32", "--format", "md"]) == 2
    assert "did you mean 'region'" in capsys.readouterr().err


def test_cap_ptce_report_refuses_a_value_of_no_vocabulary_with_exit_2(capsys, tmp_path):
    from cap_ptce.cli import main

    out = tmp_path / "r.md"
    assert main(["report", "--filter", "dispositif=patt", "--format", "md", "-o", str(out)]) == 2
    assert "did you mean 'pat'" in capsys.readouterr().err and not out.exists()


def test_the_json_twin_is_valid_json_for_every_facet(client, view):
    """Every pole: the register's real ones and the sample corpus's fictional ones (tests/test_registre_views.py)."""
    data = json.loads(client.get("/explorateur.json").get_data(as_text=True))
    assert data["count"] == data["total"] == len(view.projects("fr")) > 15


def test_the_static_site_holds_the_dashboards_and_the_list():
    """cap-ptce publish writes the whole corpus's explorer and dashboards, their twins and each chart's CSV."""
    from cap_ptce.web.export import site_documents

    app = create_app({"TESTING": True, "PUBLISHING": True})
    documents = site_documents(app)
    client = app.test_client()
    for path in (
        "/tableau-de-bord.fr.html",
        "/tableau-de-bord.en.html",
        "/explorateur.fr.html",
        "/explorateur.en.html",
    ):
        assert path in documents
        html = client.get(path).get_data(as_text=True)
        assert "sparql#" not in html and "rapport.pdf" not in html  # no server behind a static copy
    dashboard = client.get("/tableau-de-bord.fr.html").get_data(as_text=True)
    assert dashboard.count('<svg role="img"') == len(CHARTS) and 'href="tableau-de-bord/regions.csv"' in dashboard
    assert 'href="tableau-de-bord.en.html"' in dashboard  # the language switch stays in the static copy
    assert "Dashboard of the corpus" in client.get("/tableau-de-bord.en.html").get_data(as_text=True)
    for spec in CHARTS:
        assert f"/dashboard/{spec.id}.csv" in documents and client.get(f"/dashboard/{spec.id}.csv").status_code == 200


@pytest.mark.parametrize(
    ("path", "filters", "whole"),
    [
        ("/tableau-de-bord/rapport.md?region=32", "Région : Hauts-de-France (32)", "tout le corpus"),
        ("/dashboard/report.md?region=32", "Région: Hauts-de-France (32)", "across the corpus"),
    ],
)
def test_each_section_of_a_filtered_report_names_its_selection(client, path, filters, whole):
    """Testers read « Acteurs par type : Sur tout le corpus, … » in the report of one région."""
    text = client.get(path).get_data(as_text=True)
    charts = text.split("\n## ")[2:]  # the title and the provenance first
    assert len(charts) == len(CHARTS)
    for section in charts:
        assert filters in section and whole not in section.lower(), section[:300]


def test_each_chart_of_a_filtered_dashboard_names_its_selection(client):
    html = client.get("/tableau-de-bord?region=32").get_data(as_text=True)
    sections = html.split('<section class="chart"')[1:]
    assert len(sections) == len(CHARTS)
    assert all("Région : Hauts-de-France (32)" in s and "tout le corpus" not in s.lower() for s in sections)
    whole = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "Hauts-de-France (32)</" not in whole.split('<section class="chart"')[1]


def test_the_explorer_says_the_corpus_is_fictional_only_when_it_is(tmp_path):
    """A carrier's retest of 2026-12-07: « le corpus de descriptions, ici des exemples fictifs » was fixed text,
    said of a corpus of real descriptions too."""
    from cap_ptce.resources import data_dir
    from cap_ptce.web import create_app

    text = (data_dir("corpus") / "tiers-lieu-gueret.yaml").read_text(encoding="utf-8")
    (tmp_path / "reel.yaml").write_text(text.replace("fictif: true\n", ""), encoding="utf-8")
    real = (
        create_app({"TESTING": True, "CORPUS": str(tmp_path)}).test_client().get("/explorateur").get_data(as_text=True)
    )
    assert "fictif" not in real.split("<h1>", 1)[1].split("</p>", 1)[0]
    sample = create_app({"TESTING": True}).test_client().get("/explorateur").get_data(as_text=True)
    assert "Les 15 description(s) du corpus sont des exemples fictifs." in sample
