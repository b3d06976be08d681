"""The /sparql endpoint, rule by rule of the SPARQL 1.1 Protocol, in our own words."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from cap_ptce.store import GRID_GRAPH
from kbhelpers import PROJECT, ConnectionRecorder, corpus_kb, test_app

COUNT_PROJECTS = "PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT (COUNT(?p) AS ?n) { ?p a cap:Project }"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    base = corpus_kb(tmp_path_factory.mktemp("corpus"), 3)
    yield base
    base.close()


@pytest.fixture
def client(kb):
    return test_app(kb).test_client()


def bindings(response):
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"]


def count(response) -> int:
    return int(bindings(response)[0]["n"]["value"])


# --- the three ways to send a query ---------------------------------------------------


def test_get_with_a_query_parameter(client):
    assert count(client.get("/sparql", query_string={"query": COUNT_PROJECTS})) == 3


def test_post_form_encoded(client):
    assert count(client.post("/sparql", data={"query": COUNT_PROJECTS})) == 3


def test_post_the_query_itself(client):
    response = client.post("/sparql", data=COUNT_PROJECTS, content_type="application/sparql-query")
    assert count(response) == 3


def test_a_trailing_slash_is_the_same_endpoint(client):
    assert count(client.get("/sparql/", query_string={"query": COUNT_PROJECTS})) == 3


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"data": COUNT_PROJECTS, "content_type": "text/plain"}, "Content-Type"),
        ({"data": COUNT_PROJECTS}, "Content-Type"),
        ({"data": "ASK {}", "content_type": "application/sparql-query; charset=UTF-16"}, "charset"),
        ({"data": b'ASK { ?s ?p "\xff" }', "content_type": "application/sparql-query"}, "UTF-8"),
        (
            {"data": "query=ASK%20%7B%7D&query=ASK%20%7B%7D", "content_type": "application/x-www-form-urlencoded"},
            "exactly one",
        ),
        ({"data": "query=%FF", "content_type": "application/x-www-form-urlencoded"}, "UTF-8"),
    ],
)
def test_malformed_posts_are_bad_requests(client, kwargs, fragment):
    response = client.post("/sparql", **kwargs)
    assert response.status_code == 400
    assert fragment in response.get_json()["message"]


def test_two_queries_in_the_url_are_a_bad_request(client):
    response = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert response.status_code == 400


def test_a_query_in_the_url_and_another_in_the_form_are_a_bad_request(client):
    response = client.post("/sparql?query=ASK%20%7B%7D", data={"query": "ASK {}"})
    assert response.status_code == 400 and "exactly one" in response.get_json()["message"]


def test_a_url_that_is_not_utf8_is_a_bad_request(client):
    response = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
    assert response.status_code == 400 and "UTF-8" in response.get_json()["message"]


def test_other_methods_are_not_allowed(client):
    response = client.put("/sparql", data="ASK {}")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_syntax_error_gives_the_parser_message_and_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert response.status_code == 400
    error = response.get_json()
    assert error["error"] == "QuerySyntaxError"
    assert error["line"] == 2 and error["column"] in (15, 16)  # at, or just after, the early "}"
    assert "expected" in error["message"] and "['" not in error["message"]


@pytest.mark.parametrize(
    "query, said",
    [
        # a researcher's test of 2026-12-06: « should be a non negative integer » for a number too large
        ("SELECT * {} LIMIT 999999999999999999999999", "LIMIT trop grand : au plus 18446744073709551615 / LIMIT too"),
        ("SELECT * {} OFFSET 999999999999999999999999", "OFFSET trop grand : au plus 18446744073709551615 / "),
        (
            "SELECT * {} OFFSET -1",
            "erreur de syntaxe SPARQL, attendu un chiffre / SPARQL syntax error: expected a digit",
        ),
        # « Prefix not found » named no prefix
        ("SELECT * WHERE {\n  ?s dc:title ?t }", "préfixe inconnu « dc: » : déclarez-le en tête (PREFIX dc: <…>) / "),
        ("PREFIX a: <http://example.org/>\nSELECT * { ?s a:p ex: }", "préfixe inconnu « ex: »"),
    ],
)
def test_a_bad_limit_or_offset_or_an_unknown_prefix_is_said_in_words(client, query, said):
    error = client.get("/sparql", query_string={"query": query}).get_json()
    assert error["error"] == "QuerySyntaxError" and error["message"].startswith(said), error["message"]
    assert error["line"] is not None


@pytest.mark.parametrize(
    "query, said",
    [
        # a researcher's typo: the advice was to declare « shema: », not to use the declared « schema: »
        (
            "PREFIX schema: <https://schema.org/>\nSELECT ?n WHERE { ?s shema:name ?n }",
            "préfixe inconnu « shema: » : vouliez-vous dire « schema: » ? / unknown prefix 'shema:': did you mean "
            "'schema:'?",
        ),
        # nothing declared is near: the prefix is really undeclared
        (
            "PREFIX schema: <https://schema.org/>\nSELECT ?t WHERE { ?s dc:title ?t }",
            "préfixe inconnu « dc: » : déclarez-le en tête (PREFIX dc:",
        ),
    ],
)
def test_a_mistyped_prefix_suggests_the_declared_one(client, query, said):
    error = client.get("/sparql", query_string={"query": query}).get_json()
    assert error["error"] == "QuerySyntaxError" and error["message"].startswith(said), error["message"]
    assert error["line"] == 2 and error["column"] is not None


@pytest.mark.parametrize(
    "query, at",
    [
        # a researcher's test: « expected ENCODE_FOR_URI » at the query's end, for xsd: never declared
        ("SELECT ?s WHERE { ?s ?p ?o\n  FILTER(xsd:integer(?o) > 3) }", (2, 10)),
        ("SELECT ?x WHERE { BIND(xyz:f(1) AS ?x) }", (1, 24)),
    ],
)
def test_an_undeclared_prefix_used_as_a_function_is_named_where_it_stands(client, query, at):
    error = client.get("/sparql", query_string={"query": query}).get_json()
    assert error["error"] == "QuerySyntaxError" and error["message"].startswith("préfixe inconnu « "), error["message"]
    assert "ENCODE_FOR_URI" not in error["message"] and (error["line"], error["column"]) == at


@pytest.mark.parametrize(
    "query, said, hint",
    [
        # a researcher's test: « The SELECT contains a variable that is unbound », and no word of GROUP BY
        (
            "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o }",
            "le SELECT agrège et garde aussi ?s, que rien ne groupe / the SELECT aggregates and also keeps ?s",
            "ajoutez GROUP BY ?s après le WHERE { … }, ou ôtez ?s du SELECT / add GROUP BY ?s after",
        ),
        (
            "SELECT ?s ?p (SUM(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
            "le SELECT agrège et garde aussi ?p, que rien ne groupe",
            "ajoutez ?p au GROUP BY / add ?p to the GROUP BY",
        ),
    ],
)
def test_an_aggregate_beside_an_ungrouped_variable_says_what_to_group(client, query, said, hint):
    error = client.get("/sparql", query_string={"query": query}).get_json()
    assert error["error"] == "QuerySyntaxError" and error["message"].startswith(said), error["message"]
    assert error["hint"].startswith(hint), error["hint"]


RESEARCHER_FILTER = """PREFIX schema: <https://schema.org/>
SELECT ?p ?nom
WHERE {
  ?p schema:name ?nom .
  FILTER(CONTAINS(?nom, "Pôle")
}
"""


@pytest.mark.parametrize(
    "query, said, line, column",
    [
        # a researcher's test: « expected NOT » (or « expected one of IN ») a line after the missing « ) »
        (RESEARCHER_FILTER, "« ( » ouverte ligne 5, colonne 9, jamais fermée / '(' opened at line 5", 5, 9),
        # « expected one of LATERAL, SERVICE » for a « } » missing at the end
        ("SELECT ?s WHERE {\n  ?s ?p ?o .\n  OPTIONAL { ?s ?q ?r }\n", "« { » ouverte ligne 1, colonne 17", 1, 17),
        ("SELECT ?s WHERE { ?s ?p ?o } }", "« } » ligne 1, colonne 30, ne ferme rien / '}' at line 1", 1, 30),
        ("SELECT ?s WHERE { ?s ?p [ ?q ?r ) }", "« ) » ligne 1, colonne 33, ne peut fermer « [ » ouverte", 1, 33),
    ],
)
def test_an_unbalanced_bracket_is_said_where_it_stands(client, query, said, line, column):
    response = client.post("/sparql", data={"query": query})
    error = response.get_json()
    assert response.status_code == 400 and error["error"] == "QuerySyntaxError"
    assert error["message"].startswith(said), error["message"]
    assert (error["line"], error["column"]) == (line, column)
    assert "/" in error["hint"] and "expected" not in error["message"]


def test_a_comparison_is_no_bracket_and_the_engine_still_speaks(client):
    error = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 ?o) }"}).get_json()
    assert error["message"].startswith("erreur de syntaxe SPARQL"), error["message"]
    assert " / SPARQL syntax error" in error["message"]


@pytest.mark.parametrize("end", ["", "\n", "  \n\n", "\r\n"])
def test_a_syntax_error_is_where_the_user_wrote_it_whatever_ends_the_query(client, end):
    """A researcher's test: « expected one of LATERAL, SERVICE » at 1:26 without a final newline, « expected
    OPTIONAL » at 2:1 (a line the query has not) with one."""
    response = client.post("/sparql", data={"query": "SELECT ?x WHERE { ?x ?y }" + end})
    error = response.get_json()
    assert response.status_code == 400 and error["error"] == "QuerySyntaxError"
    assert (error["line"], error["column"]) == (1, 26)
    assert error["message"] == (
        "erreur de syntaxe SPARQL, attendu l'un de LATERAL, SERVICE / SPARQL syntax error: expected one of LATERAL, "
        "SERVICE"
    )


@pytest.mark.parametrize(
    "params, status, french, english",
    [
        (
            {"query": "SELECT * {}", "format": "png"},
            400,
            "format de résultats inconnu 'png' pour une requête SELECT",
            "unknown result format 'png' for a SELECT query",
        ),
        (
            {"query": "ASK {}", "format": "json", "output": "csv"},
            400,
            "les paramètres de format se contredisent",
            "the format parameters disagree",
        ),
        ({"update": "CLEAR ALL"}, 403, "mise à jour SPARQL refusée", "SPARQL update refused"),
        (
            {"query": "INSERT DATA { <a> <b> <c> }"},
            403,
            "mise à jour SPARQL (INSERT) refusée",
            "SPARQL update (INSERT) refused",
        ),
        (
            {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
            403,
            "SERVICE (requête fédérée) refusé",
            "SERVICE (federated query) refused",
        ),
        (
            {"query": "SELECT * FROM <http://example.org/none> { ?s ?p ?o }"},
            403,
            "FROM nomme un graphe absent de la base",
            "FROM names a graph that is not in the store",
        ),
        (
            {"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"},
            400,
            "fonction inconnue <http://example.org/f>",
            "unknown function <http://example.org/f>",
        ),
        (
            {"query": "ASK {}", "default-graph-uri": "not an iri"},
            400,
            "default-graph-uri n'est pas une IRI : 'not an iri'",
            "default-graph-uri is not an IRI: 'not an iri'",
        ),
        (
            {"query": ["ASK {}", "ASK {}"]},
            400,
            "2 paramètres 'query' donnés",
            "2 'query' parameters given; send exactly one",
        ),
        (
            {"query": "DESCRIBE2 <a>"},
            400,
            "attendu SELECT, CONSTRUCT, DESCRIBE ou ASK, trouvé « DESCRIBE2 »",
            "expected SELECT",
        ),
    ],
)
def test_a_refusal_is_said_in_french_then_in_english(client, params, status, french, english):
    """A researcher's finding: these messages were in English only, their hint alone in both languages."""
    response = client.post("/sparql", data=params)
    error = response.get_json()
    assert response.status_code == status, error
    fr, en = error["message"].split(" / ")
    assert fr.startswith(french) and en.startswith(english), error["message"]
    assert " / " in error["hint"], error["hint"]


# --- read-only ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"},
        {"method": "POST", "data": {"update": "INSERT DATA { <a> <b> <c> }"}},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": "INSERT DATA { <a> <b> <c> }", "content_type": "application/sparql-query"},
        {"method": "GET", "query_string": {"query": "LOAD <file:///etc/passwd>"}},
    ],
)
def test_updates_are_refused_saying_the_endpoint_is_read_only(client, kb, kwargs):
    before = len(kb)
    response = client.open("/sparql", **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_json()["hint"]
    assert len(kb) == before


def test_service_is_refused_without_any_connection(client):
    recorder = ConnectionRecorder()
    try:
        query = f"SELECT * {{ SERVICE <http://127.0.0.1:{recorder.port}/sparql> {{ ?s ?p ?o }} }}"
        response = client.get("/sparql", query_string={"query": query})
    finally:
        recorder.close()
    assert response.status_code == 403
    assert "SERVICE" in response.get_json()["message"]
    assert recorder.connections == 0


@pytest.mark.parametrize(
    "clause", ["FROM <file:///etc/passwd>", "FROM NAMED <file:///etc/passwd>", "FROM <http://127.0.0.1:9/data.ttl>"]
)
def test_from_reads_nothing_outside_the_store(client, clause):
    response = client.get("/sparql", query_string={"query": f"SELECT * {clause} {{ ?s ?p ?o }}"})
    assert response.status_code == 403
    assert "root:" not in response.get_data(as_text=True)


def test_the_protocol_dataset_may_name_any_graph_and_a_missing_one_is_empty(client):
    response = client.get(
        "/sparql", query_string={"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"}
    )
    assert bindings(response) == []


# --- the dataset ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["pas une IRI", "http://exa mple.org/", "http://[::1"])
def test_a_dataset_parameter_that_is_not_an_iri_is_a_bad_request(client, value):
    response = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": value})
    assert response.status_code == 400
    assert response.get_json()["error"] == "ParameterError"


def test_a_relative_dataset_iri_resolves_against_the_endpoint(client):
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }", "named-graph-uri": "g"})
    assert bindings(response) == []


def test_without_a_dataset_the_default_graph_is_the_union_of_all_graphs(client):
    query = f"ASK {{ <{PROJECT}p0> ?p ?o . <https://w3id.org/cap-ptce/grille/cap-ptce> ?q ?r }}"
    assert client.get("/sparql", query_string={"query": query}).get_json()["boolean"] is True


def test_default_graph_uri_restricts_the_default_graph(client):
    response = client.get("/sparql", query_string={"query": COUNT_PROJECTS, "default-graph-uri": f"{PROJECT}p1/graphe"})
    assert count(response) == 1


def test_named_graph_uri_restricts_the_named_graphs(client):
    query = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": [GRID_GRAPH, f"{PROJECT}p2/graphe"]})
    assert {row["g"]["value"] for row in bindings(response)} == {GRID_GRAPH, f"{PROJECT}p2/graphe"}


def test_the_protocol_dataset_wins_over_from(client):
    query = f"PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT (COUNT(?p) AS ?n) FROM <{PROJECT}p0/graphe> {{ ?p a cap:Project }}"
    assert count(client.get("/sparql", query_string={"query": query})) == 1
    response = client.get("/sparql", query_string={"query": query, "default-graph-uri": GRID_GRAPH})
    assert count(response) == 0


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.data.startswith(b"<http://localhost/s> <http://localhost/p>")


# --- formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_in_every_table_format(client, accept, media_type):
    response = client.get("/sparql", query_string={"query": COUNT_PROJECTS}, headers={"Accept": accept})
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    if media_type == "text/csv":  # lossy: pyoxigraph does not read it back
        assert response.data == b"n\r\n3\r\n"
        return
    [row] = list(ox.parse_query_results(response.data, ox.QueryResultsFormat.from_media_type(media_type)))
    assert row["n"].value == "3"


@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_construct_in_every_graph_format(client, name):
    query = f"CONSTRUCT {{ <{PROJECT}p0> ?p ?o }} WHERE {{ GRAPH <{PROJECT}p0/graphe> {{ <{PROJECT}p0> ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query, "format": name})
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(response.mimetype)))
    assert len(triples) == 5  # type, title, three members


def test_repeated_format_and_output_parameters_are_accepted(client):
    response = client.get("/sparql?format=csv&output=csv&query=" + "ASK%20%7B%7D")
    assert response.status_code == 200 and response.data == b"true"


def test_disagreeing_format_parameters_are_a_bad_request(client):
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "json", "output": "xml"})
    assert response.status_code == 400


# --- limits ---------------------------------------------------------------------------


def test_a_result_over_max_result_rows_is_refused(kb):
    client = test_app(kb, MAX_RESULT_ROWS=5).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert response.status_code == 413
    assert "plus de 5 lignes / the result has more than 5 rows" in response.get_json()["message"]


def test_a_request_over_max_request_bytes_is_refused(kb):
    client = test_app(kb, MAX_REQUEST_BYTES=1000).test_client()
    padding = "#" + "x" * 2000 + "\n"
    assert client.post("/sparql", data=padding + "ASK {}", content_type="application/sparql-query").status_code == 413
    assert client.get("/sparql", query_string={"query": padding + "ASK {}"}).status_code == 413


# --- without a query: service description or editor -----------------------------------


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json", "*/*", None])
def test_rdf_clients_get_a_service_description(client, accept):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(response.mimetype)))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    by_predicate = {}
    for triple in triples:
        by_predicate.setdefault(triple.predicate.value, []).append(triple.object)
    assert ox.NamedNode(sd + "Service") in by_predicate["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert by_predicate[sd + "endpoint"] == [ox.NamedNode("http://localhost/sparql")]
    assert ox.NamedNode(sd + "SPARQL11Query") in by_predicate[sd + "supportedLanguage"]
    assert ox.NamedNode(sd + "UnionDefaultGraph") in by_predicate[sd + "feature"]
    assert ox.NamedNode("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in by_predicate[sd + "resultFormat"]
    assert ox.NamedNode(f"{PROJECT}p0/graphe") in by_predicate[sd + "name"]


def test_browsers_get_the_query_editor_with_nothing_from_elsewhere(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept, Accept-Language"  # the editor's page is in the reader's language
    assert response.headers["Link"] == '<http://localhost/sparql?format=turtle>; rel="alternate"; type="text/turtle"'
    page = response.get_data(as_text=True)
    assert "yasgui.min.js" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not re.match(r"(https?:)?//", url) for url in sources if "spdx.org" not in url)
    for url in (u for u in sources if "vendor/yasgui" in u):
        assert client.get("/" + url.lstrip("./")).status_code == 200


def test_only_yasgui_files_are_served_from_node_modules(client):
    assert client.get("/static/vendor/yasgui/yasgui.min.js").status_code == 200
    assert client.get("/static/vendor/yasgui/../package.json").status_code == 404
    assert client.get("/static/vendor/yasgui/yasgui.html").status_code == 404


# --- CORS -----------------------------------------------------------------------------


def test_cors_preflight_and_headers(client):
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_can_be_turned_off(kb):
    client = test_app(kb, CORS_ORIGINS="").test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert "Access-Control-Allow-Origin" not in response.headers


# --- a ready-made query's own text ------------------------------------------------------


def _sent_request(client, monkeypatch, kb, data: dict) -> object:
    """The QueryRequest that the endpoint hands to the knowledge base for ``data``."""
    seen, run = {}, kb.run

    def spy(request, *args, **kwargs):
        seen["request"] = request
        return run(request, *args, **kwargs)

    monkeypatch.setattr(kb, "run", spy)
    assert client.post("/sparql", data=data).status_code == 200
    return seen["request"]


def test_a_ready_made_querys_own_text_runs_as_its_page_runs_it_and_nothing_else_does(client, monkeypatch, kb):
    from cap_ptce.queries import build

    text = build("projets-par-region")
    assert _sent_request(client, monkeypatch, kb, {"query": text}).ready_made
    # a character changed, or a dataset of the visitor's: a visitor's query, stopped at the time limit
    assert not _sent_request(client, monkeypatch, kb, {"query": text + " "}).ready_made
    assert not _sent_request(client, monkeypatch, kb, {"query": COUNT_PROJECTS}).ready_made
    dataset = {"query": text, "default-graph-uri": GRID_GRAPH}
    assert not _sent_request(client, monkeypatch, kb, dataset).ready_made


def test_head_gets_what_get_gets_without_its_body(client):
    """An operator's test of 2026-12-06: « curl -I /sparql » got 400 where GET got the service description."""
    for url, accept in (("/sparql", "text/turtle"), ("/sparql?query=ASK%7B%7D", "application/sparql-results+json")):
        got, head = client.get(url, headers={"Accept": accept}), client.head(url, headers={"Accept": accept})
        assert head.status_code == got.status_code == 200 and head.data == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]


def test_the_editor_page_tells_its_formats_limits_and_errors_itself(kb):
    """A visitor has no repository at hand: the page says what docs/sparql.md says of them, with the server's
    own settings."""
    app = test_app(kb, QUERY_TIMEOUT=7.5, MAX_RESULT_ROWS=1234, MAX_REQUEST_BYTES=20_000, QUERIES_PER_CLIENT=3)
    words_of = {
        "fr": ("Formats, limites et erreurs", "Au plus 20000 octets", "3 requête(s) à la fois", "7.5 s par requête"),
        "en": ("Formats, limits and errors", "At most 20000 bytes", "3 query(ies) at once", "7.5 s per query"),
    }
    for lang, words in words_of.items():
        page = app.test_client().get(f"/sparql?lang={lang}", headers={"Accept": "text/html"}).get_data(as_text=True)
        shown = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # the example queries' comments may name it
        assert "docs/sparql.md" not in shown
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert all(word in text for word in words) and "1234" in text
        assert "json, xml, csv, tsv" in text and all(name in text for name in ("turtle", "ntriples", "jsonld"))
        assert all(f"<dt>{status}</dt>" in page for status in (400, 403, 413, 429, 503))
