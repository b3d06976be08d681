"""A 404 names the address the visitor most likely meant: a typo, a word of the other language, a slash too many."""

from __future__ import annotations

import pytest

from cap_ptce.web import create_app
from cap_ptce.web.resolve import nearest_address


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("/validateu", "/validate"),
        ("/editor/", "/editor"),
        ("/sparq", "/sparql"),
        ("/projet/pole-saveur-somme", "/projet/pole-saveurs-somme"),
        ("/grille/qestion/q01", "/grille/question/q01"),
        ("/grile/question/q01", "/grille/question/q01"),
    ],
)
def test_a_404_suggests_the_nearest_address(client, asked, meant):
    answer = client.get(asked, headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert f"« {meant} »" in answer.get_json()["hint"]
    page = client.get(asked, headers={"Accept": "text/html"})
    assert page.status_code == 404 and f"vouliez-vous dire « {meant} » ?" in page.get_data(as_text=True)
    assert client.get(meant).status_code in (200, 303)  # and what it names is there


def test_a_carriers_guess_leads_to_the_validator(client):
    # /validateur, typed by a carrier in 2026-12: the validator, whichever of its two addresses
    hint = client.get("/validateur", headers={"Accept": "application/json"}).get_json()["hint"]
    assert "« /valider »" in hint or "« /validate »" in hint


@pytest.mark.parametrize("asked", ["/wp-login.php", "/xmlrpc.php", "/projet/nulle-part-du-tout-ici"])
def test_a_404_far_from_any_address_keeps_the_general_advice(client, asked):
    answer = client.get(asked, headers={"Accept": "application/json"}).get_json()
    assert "vouliez-vous dire" not in answer["hint"] and "accueil" in answer["hint"]


def test_nearest_address_compares_within_a_folder_first():
    addresses = frozenset({"/valider", "/projet/a-b", "/projet/c-d", "/grille/question/q01"})
    assert nearest_address("/projet/a-c", addresses) == "/projet/a-b"
    assert nearest_address("/projets/a-b", addresses) == "/projet/a-b"
    assert nearest_address("/valider/", addresses) == "/valider"
    assert nearest_address("/zzz", addresses) is None
