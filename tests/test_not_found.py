"""A 404 names the address the visitor most likely meant: a typo, a word of the other language, a slash too many."""

from __future__ import annotations

import re

import pytest

from cap_ptce.web import create_app
from cap_ptce.web.resolve import nearest_address


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("/validateu", "/valider"),  # a French reader's (the client's default): the French twin
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


@pytest.mark.parametrize(("language", "meant"), [("fr", "/valider"), ("en", "/validate")])
def test_a_carriers_guess_leads_to_the_validator_in_the_readers_language(client, language, meant):
    # /validateur, typed by a carrier in 2026-12: it is nearer /validate, the English page; a French reader
    # is sent to its French twin
    headers = {"Accept": "application/json", "Accept-Language": language}
    assert f"« {meant} »" in client.get("/validateur", headers=headers).get_json()["hint"]


def test_a_number_written_without_its_zero_is_the_same_number(client):
    # /grille/question/q1 was said to be q18 (as near as q01 for difflib): the same number comes first
    hint = client.get("/grille/question/q1", headers={"Accept": "application/json"}).get_json()["hint"]
    assert "« /grille/question/q01 »" in hint


def test_a_mistyped_suffix_names_the_address_asked_and_the_page(client):
    # « rien n'est publié à /explorateur » answered /explorateur.cvs, where /explorateur is a page
    body = client.get("/explorateur.cvs", headers={"Accept": "application/json"}).get_json()
    assert "/explorateur.cvs" in body["message"] and "« /explorateur »" in body["hint"]


def test_the_404_page_links_the_address_it_suggests_and_the_json_keeps_its_shape(client):
    page = client.get("/projet/pole-saveur-somme", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r'<p class="error-see"><a href="(?:[^"]*/)?pole-saveurs-somme">', page)
    body = client.get("/projet/pole-saveur-somme", headers={"Accept": "application/json"}).get_json()
    assert set(body) == {"error", "message", "hint"}  # the one error shape of docs/sparql.md: the hint names it


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
