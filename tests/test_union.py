"""The union of the graphs is a merge: each fact once, whatever the number of descriptions that share it.

A query without a dataset reads the union of every named graph, and the service
description says so (sd:UnionDefaultGraph). Oxigraph's union repeats a triple
once per graph that holds it, so the knowledge base keeps no triple in two
graphs: places come from the official geography, once, in their own graph, and
descriptions only name them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from cap_ptce.resources import data_dir
from cap_ptce.store import PLACES_GRAPH, KnowledgeBase
from yaml_counts import geography

IGEO = "http://rdf.insee.fr/def/geo#"
REGION_32 = "<http://id.insee.fr/geo/region/32>"


def count(kb, where: str) -> int:
    return int(kb.select(f"PREFIX igeo: <{IGEO}> SELECT (COUNT(*) AS ?n) {{ {where} }}")[0]["n"].value)


@pytest.fixture(scope="module", params=["sample", "generated"])
def kb(request, tmp_path_factory):
    folder = data_dir("corpus")
    if request.param == "generated":
        from cap_ptce.project.generate import write_synthetic

        folder = tmp_path_factory.mktemp("generated")
        write_synthetic(120, folder, seed=4)
    with KnowledgeBase.open() as base:
        base.load_reference_graphs()
        base.load_corpus(folder, validator=None)
        base.projects = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))]
        yield base


def test_no_triple_sits_in_two_graphs(kb):
    """Counted over every triple of the union: as many as the distinct ones, so the union is a merge."""
    assert count(kb, "?s ?p ?o") == count(kb, "SELECT DISTINCT ?s ?p ?o { ?s ?p ?o }")
    assert count(kb, "SELECT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1)") == 0


def test_a_place_named_by_many_descriptions_has_its_code_once(kb):
    naming = count(kb, f"SELECT DISTINCT ?g {{ GRAPH ?g {{ ?t ?p {REGION_32} }} }}")
    assert naming >= 1
    assert count(kb, f"{REGION_32} igeo:codeINSEE ?c") == 1
    assert count(kb, f"{REGION_32} a ?type") == 1


def test_the_funding_of_each_region_adds_up_to_what_the_yaml_says(kb):
    """A textbook join, written as a researcher would: each project's fundings and its régions."""
    rows = kb.select(f"""
        PREFIX cap: <https://w3id.org/cap-ptce/def#> PREFIX schema: <https://schema.org/> PREFIX igeo: <{IGEO}>
        SELECT ?code (SUM(?montant) AS ?total) WHERE {{
          ?projet a cap:Project ; cap:inRegion ?region ; schema:funding/schema:amount ?montant .
          ?region igeo:codeINSEE ?code .
        }} GROUP BY ?code""")
    got = {row["code"].value: Decimal(row["total"].value) for row in rows}
    want: dict[str, Decimal] = {}
    for project in kb.projects:
        amount = sum(Decimal(str(f["montant"])) for f in project.get("financements") or [] if "montant" in f)
        for code in geography().areas(project.get("territoire") or {})[1]:
            want[code] = want.get(code, Decimal(0)) + amount
    assert got == {code: total for code, total in want.items() if total}


def test_places_have_their_level_name_and_the_levels_above(kb):
    geo = geography()
    rows = kb.select(f"""PREFIX igeo: <{IGEO}>
        SELECT ?commune ?code ?nom ?departement WHERE {{ GRAPH <{PLACES_GRAPH}> {{
          ?commune a igeo:Commune ; igeo:codeINSEE ?code ; igeo:nom ?nom ; igeo:subdivisionDe ?departement .
          ?departement a igeo:Departement .
        }} }}""")
    assert rows
    for row in rows:
        code = row["code"].value
        assert row["nom"].value == geo.communes[code]["name"] and row["nom"].language == "fr"
        assert row["departement"].value.endswith("/departement/" + geo.communes[code]["departement"])


def test_codes_shared_by_two_levels_never_meet(tmp_path):
    """« 01 » is the région Guadeloupe and the département Ain: two IRIs, two types, two names."""
    from valid_description import description, write

    data = description()
    data["territoire"] = {"nom": "Deux fois 01", "regions": ["01"], "departements": ["01"]}
    write(data, tmp_path / "deux.yaml")
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        kb.load_corpus(tmp_path, validator=None)
        rows = kb.select(f'PREFIX igeo: <{IGEO}> SELECT ?p ?t ?n {{ ?p igeo:codeINSEE "01" ; a ?t ; igeo:nom ?n }}')
    assert sorted((row["t"].value.rsplit("#", 1)[1], row["n"].value) for row in rows) == [
        ("Departement", "Ain"),
        ("Region", "Guadeloupe"),
    ]


def test_the_service_description_says_the_default_graph_is_the_union(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert b"UnionDefaultGraph" in response.data


def test_a_place_no_description_names_any_more_leaves_the_places_graph(tmp_path):
    from valid_description import description, write

    data = description()
    data["territoire"] = {"nom": "Amiens", "communes": ["80021"]}
    write(data, tmp_path / "un.yaml")
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        kb.load_corpus(tmp_path, validator=None)
        assert count(kb, f"GRAPH <{PLACES_GRAPH}> {{ <http://id.insee.fr/geo/commune/80021> ?p ?o }}") > 0
        data["territoire"] = {"nom": "Gap", "communes": ["05061"]}
        for actor in data["acteurs"]:
            actor.pop("commune", None)
        write(data, tmp_path / "un.yaml")
        kb.load_corpus(tmp_path, validator=None)
        assert count(kb, f"GRAPH <{PLACES_GRAPH}> {{ <http://id.insee.fr/geo/commune/80021> ?p ?o }}") == 0
        assert count(kb, f"GRAPH <{PLACES_GRAPH}> {{ <http://id.insee.fr/geo/commune/05061> ?p ?o }}") > 0
        assert count(kb, f"GRAPH <{PLACES_GRAPH}> {{ <http://id.insee.fr/geo/region/32> ?p ?o }}") == 0
