"""One organisation per SIREN (or RNA number), wherever descriptions name it, with its page listing its poles."""

from __future__ import annotations

import pytest

from cap_ptce.store import ORGANISATIONS_GRAPH, KnowledgeBase
from cap_ptce.web import create_app
from cap_ptce.web.sparql import set_kb
from valid_description import description, with_check_digit, write
from yaml_counts import organisation_keys

CAP = "https://w3id.org/cap-ptce/def#"
SHARED = with_check_digit("55512345")
ASSO_SIREN = with_check_digit("91122334")


def pole(pole_id: str, actors: list[dict]) -> dict:
    data = description()
    data["id"], data["nom"] = pole_id, f"Pôle {pole_id}"
    data["acteurs"] += actors
    return data


@pytest.fixture(scope="module")
def poles(tmp_path_factory):
    """Three poles: a network named by SIREN, by SIRET and by RNA beside its SIREN; an association named
    by its RNA alone in two poles; an identifier that is not well formed."""
    folder = tmp_path_factory.mktemp("poles")
    projects = [
        pole("pole-a", [{"id": "reseau", "nom": "Réseau A", "type": "reseau", "siren": SHARED}]),
        pole("pole-b", [{"id": "le-reseau", "nom": "Le Réseau", "type": "reseau", "siret": SHARED + "00017"}]),
        pole(
            "pole-c",
            [
                {"id": "reseau", "nom": "Réseau", "rna": "W123456789"},
                {"id": "asso", "nom": "Asso", "type": "association", "rna": "W999888777"},
                {"id": "mal", "nom": "Mal formé", "siren": "12345"},
                {"id": "cle-fausse", "nom": "Clé fausse", "siren": "822334455"},  # Luhn: 41, no SIREN's
                {"id": "siret-faux", "nom": "SIRET faux", "siret": "82233445500017", "rna": "W555666777"},
                # a researcher's finding: a wrong SIREN beside an RNA number took the RNA's organisation away
                # from the SIREN another pole gives beside it
                {"id": "asso-faux", "nom": "Asso", "siren": "812345677", "rna": "W803001234"},
            ],
        ),
        pole("pole-d", [{"id": "reseau-bis", "nom": "Réseau", "siren": SHARED, "rna": "W123456789"}]),
        pole("pole-e", [{"id": "asso", "nom": "Association", "rna": "W999888777"}]),
        pole("pole-f", [{"id": "asso", "nom": "Asso", "siren": ASSO_SIREN, "rna": "W803001234"}]),
        pole("pole-g", [{"id": "asso", "nom": "Asso", "rna": "W803001234"}]),
    ]
    for project in projects:
        write(project, folder / f"{project['id']}.yaml")
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        assert kb.load_corpus(folder, validator=None).ok
        yield kb, projects


def links(kb) -> dict[str, str]:
    rows = kb.select(f"SELECT ?a ?o {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ ?a <{CAP}organisation> ?o }} }}")
    return {row["a"].value: row["o"].value for row in rows}


def test_each_actor_with_an_identifier_links_to_its_one_organisation(poles):
    kb, projects = poles
    want = {
        f"https://w3id.org/cap-ptce/projet/{pid}/acteur/{aid}": org
        for (pid, aid), org in organisation_keys(projects).items()
    }
    assert links(kb) == want
    shared = f"https://w3id.org/cap-ptce/organisation/siren/{SHARED}"
    assert sorted(actor.split("/")[5] for actor, org in want.items() if org == shared) == [
        "pole-a",
        "pole-b",
        "pole-c",  # by its RNA, which pole-d gives beside the SIREN
        "pole-d",
    ]
    assert "https://w3id.org/cap-ptce/organisation/rna/W999888777" in want.values()
    assert not any(actor.endswith(("/acteur/mal", "/acteur/cle-fausse")) for actor in want)
    # a researcher's finding: a SIREN with a wrong check digit made an organisation of no one
    assert "https://w3id.org/cap-ptce/organisation/siren/822334455" not in links(kb).values()
    assert want["https://w3id.org/cap-ptce/projet/pole-c/acteur/siret-faux"].endswith("/rna/W555666777")
    paired = {actor.split("/")[5] for actor, org in want.items() if org.endswith(f"/siren/{ASSO_SIREN}")}
    assert paired == {"pole-c", "pole-f", "pole-g"}  # one association, whose SIREN one pole mistyped


def test_the_organisation_carries_its_identifiers_names_and_poles(poles):
    kb, _ = poles
    iri = f"https://w3id.org/cap-ptce/organisation/siren/{SHARED}"
    rows = kb.select(f"SELECT ?p ?o {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ <{iri}> ?p ?o }} }}")
    found = {}
    for row in rows:
        found.setdefault(row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], set()).add(row["o"].value)
    assert found["siren"] == {SHARED} and found["rna"] == {"W123456789"}
    assert found["name"] == {"Réseau A", "Le Réseau", "Réseau"}
    assert {p.rsplit("/", 1)[1] for p in found["involvedIn"]} == {"pole-a", "pole-b", "pole-c", "pole-d"}


def test_the_page_of_an_organisation_lists_its_poles_and_the_project_page_links_to_it(poles):
    kb, _ = poles
    app = create_app({"TESTING": True})
    set_kb(app, kb)
    client = app.test_client()
    page = client.get(f"/organisation/siren/{SHARED}.fr.html")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for pole_id in ("pole-a", "pole-b", "pole-c", "pole-d"):
        assert f'href="../../projet/{pole_id}.fr.html"' in text
    assert "../../projet/pole-b.fr.html#acteur-le-reseau" in text
    english = client.get(f"/organisation/siren/{SHARED}.en.html").get_data(as_text=True)
    assert "Poles whose description names it: 4" in english
    assert client.get("/organisation/rna/W999888777.ttl").status_code == 200
    assert client.get("/organisation/siren/000000000.fr.html").status_code == 404
    project = client.get("/projet/pole-b.fr.html").get_data(as_text=True)
    assert f'href="../organisation/siren/{SHARED}.fr.html"' in project
