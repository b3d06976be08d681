"""The published data reproduces the endpoint: the dump alone, in a bare pyoxigraph store, with the
queries and their parameters as /requetes.json describes them, gives the endpoint's rows.

The program below uses no cap_ptce code to bind or run: only the dump, the JSON
list of the queries and pyoxigraph, as a researcher's own script would.
"""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
import pytest

from cap_ptce.web import create_app

QUAD_DUMPS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def published():
    """The app on the sample corpus, its quads dumps and its list of queries."""
    app = create_app({"TESTING": True})
    client = app.test_client()
    listing = client.get("/requetes.json").get_json()
    dumps = {suffix: client.get(f"/telechargements/cap-ptce.{suffix}") for suffix in QUAD_DUMPS}
    return client, listing, dumps


def bare_store(body: bytes, rdf_format) -> ox.Store:
    store = ox.Store()
    store.load(body, format=rdf_format)
    return store


def term(parameter: dict, value: str) -> str:
    """A value in SPARQL syntax, from the parameter's description in /requetes.json alone."""
    if parameter["term"] == "iri":
        known = {entry["value"]: entry["iri"] for entry in parameter.get("values", [])}
        return f"<{known.get(value, value)}>"
    text = json.dumps(value)  # a JSON string is a valid SPARQL string literal
    return text if parameter["term"] == "string" else f"{text}^^<{parameter['term']}>"


def bound(query: dict, params: dict[str, str]) -> str:
    sparql = query["sparql"]
    for parameter in query["parameters"]:
        if parameter["name"] in params:
            values = params[parameter["name"]].split(",") if parameter["multiple"] else [params[parameter["name"]]]
            terms = " ".join(term(parameter, value) for value in values)
            sparql = sparql.replace(parameter["placeholder"], f"VALUES ?{parameter['name']} {{ {terms} }}")
    return sparql


def cases(listing: list[dict]) -> list[tuple[dict, dict[str, str]]]:
    found = []
    for query in listing:
        found.append((query, {}))
        for parameter in query["parameters"]:
            found += [(query, {parameter["name"]: example}) for example in parameter.get("examples", [])]
            found += [(query, {parameter["name"]: choice}) for choice in parameter.get("choices", [])[1:]]
    return found


def rows(results) -> Counter:
    names = [variable.value for variable in results.variables]
    return Counter(tuple(str(solution[name]) for name in names) for solution in results)


@pytest.mark.parametrize("suffix", list(QUAD_DUMPS))
def test_the_dump_alone_gives_every_query_the_endpoints_rows(published, suffix):
    client, listing, dumps = published
    assert dumps[suffix].status_code == 200
    store = bare_store(dumps[suffix].data, QUAD_DUMPS[suffix])
    checked = 0
    for query, params in cases(listing):
        endpoint = client.get(f"/requetes/{query['name']}.json", query_string=params)
        assert endpoint.status_code == 200, (query["name"], params)
        want = rows(ox.parse_query_results(endpoint.data, ox.QueryResultsFormat.JSON))
        got = rows(store.query(bound(query, params), use_default_graph_as_union=True))
        assert got == want, (query["name"], params)
        checked += 1
    assert checked > len(listing)


def test_the_dump_holds_every_graph_of_the_knowledge_base(published):
    from cap_ptce.web.sparql import get_kb

    client, _, dumps = published
    store = bare_store(dumps["nq"].data, ox.RdfFormat.N_QUADS)
    in_dump = {graph.value for graph in store.named_graphs()}
    with client.application.app_context():
        kb = get_kb()
        assert in_dump == set(kb.graph_names())
        assert len(store) == len(kb)


def test_every_query_file_runs_as_it_stands_with_its_defaults(published):
    """The .rq file, header comments and all, is a SPARQL query whose rows are the defaults' rows."""
    client, listing, dumps = published
    store = bare_store(dumps["nq"].data, ox.RdfFormat.N_QUADS)
    for query in listing:
        text = client.get(query["rq"]).get_data(as_text=True)
        endpoint = client.get(f"/requetes/{query['name']}.json", query_string={"lang": "fr"})
        want = rows(ox.parse_query_results(endpoint.data, ox.QueryResultsFormat.JSON))
        assert rows(store.query(text, use_default_graph_as_union=True)) == want, query["name"]


def test_each_parameter_says_how_to_bind_it(published):
    _, listing, _ = published
    for query in listing:
        for parameter in query["parameters"]:
            assert parameter["placeholder"] in query["sparql"]
            assert parameter["term"] in {"iri", "string"} or parameter["term"].startswith("http://www.w3.org/2001/")
            assert {"name", "type", "default", "multiple", "description"} <= set(parameter)
            if parameter["type"] == "concept":
                assert parameter["scheme_iri"].endswith("/" + parameter["scheme"]) and parameter["values"]


def test_the_parts_and_the_whole_spell_the_load_times_alike(published):
    """Merging a part with the whole dataset adds nothing: the same triples, written the same way."""
    client, _, dumps = published
    when = "http://www.w3.org/ns/prov#generatedAtTime"
    whole = {
        (quad.subject, quad.object)
        for quad in ox.parse(dumps["nq"].data, format=ox.RdfFormat.N_QUADS)
        if quad.predicate.value == when
    }
    assert whole and all(moment.value.endswith("Z") for _, moment in whole)
    for part in ("corpus", "registre"):
        body = client.get(f"/telechargements/{part}.nt").data
        times = {
            (t.subject, t.object) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES) if t.predicate.value == when
        }
        assert times and times <= whole, part
