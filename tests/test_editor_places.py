"""A carrier's report: places typed by name, or by a postal code that is also an INSEE code, in the editor, the
web validator and the dossier, on French and English pages."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml
from werkzeug.datastructures import MultiDict

from cap_ptce.project.schema import PROJECT
from cap_ptce.web.editor_form import read_fields
from valid_description import description

ROUTES = {"fr": "/editeur", "en": "/editor"}


def _territory_field(client, lang: str, key: str, typed: str) -> tuple[str, str]:
    """(the hint above the territory's field ``key``, the messages under it) once ``typed`` is sent in it."""
    data = {"etape": "perimetre-ancrage-territorial", "aller": "perimetre-ancrage-territorial"}
    page = client.post(ROUTES[lang], data={**data, f"territoire.{key}": typed}).get_data(as_text=True)
    hint = re.search(rf'id="champ-territoire-{key}-aide"[^>]*>(.*?)</span>', page, re.S)
    messages = re.search(rf'id="champ-territoire-{key}-messages">(.*?)</ul>', page, re.S)
    return tuple(" ".join(unescape(re.sub("<[^>]+>", "", m.group(1))).split()) if m else "" for m in (hint, messages))


@pytest.mark.parametrize(
    ("lang", "key", "typed", "hint", "message"),
    [
        (
            "fr",
            "departements",
            "Drôme",
            "Drôme : le nom d’un département, pas son code ; écrire 26",
            "« Drôme » est le nom d'un département, pas son code INSEE (écrire son code : « 26 » (Drôme))",
        ),
        (
            "en",
            "departements",
            "Drôme",
            "Drôme: a département’s name, not its code; write 26",
            "« Drôme » is a département's name, not its INSEE code (write its code: « 26 » (Drôme))",
        ),
        (
            "fr",
            "regions",
            "Grand Est",  # two words: one name, not « Grand » and « Est »
            "Grand Est : le nom d’une région, pas son code ; écrire 44",
            "« Grand Est » est le nom d'une région, pas son code INSEE (écrire son code : « 44 » (Grand Est))",
        ),
        (
            "fr",
            "epci",
            "Valence Romans Agglo",
            "Valence Romans Agglo : le nom d’un EPCI, pas son SIREN ; écrire 200068781",
            "« Valence Romans Agglo » est le nom d'un EPCI, pas son SIREN (écrire son SIREN : « 200068781 »",
        ),
    ],
)
def test_a_departement_region_or_epci_typed_by_name_is_told_its_code(client, lang, key, typed, hint, message):
    """« Drôme » gave « Attendu : un code fait de lettres et de chiffres (retirer les signes et les espaces) »
    under the field, and « Drôme : aucun lieu de ce code » above it."""
    above, under = _territory_field(client, lang, key, typed)
    assert hint in above and message in under
    assert "lettres et de chiffres" not in under and "letters and digits" not in under


@pytest.mark.parametrize(
    ("lang", "typed", "said", "other_language"),
    [
        ("fr", "Romans-sur-Isère", "(écrire son code : « 26281 » (Romans-sur-Isère, 26))", "write"),
        ("en", "Romans-sur-Isère", "(write its code: « 26281 » (Romans-sur-Isère, 26))", "écrire"),
        ("fr", "Saint-Denis", "(écrire le code de la bonne commune : « 11339 » (Saint-Denis, 11),", "write"),
        ("en", "Saint-Denis", "(write the right one's code: « 11339 » (Saint-Denis, 11),", "écrire"),
    ],
)
def test_a_commune_typed_by_name_is_told_in_the_pages_language_only(client, lang, typed, said, other_language):
    """The French page said « (écrire son code / write its code: « 26281 » …) », and its hint « Romans-sur-Isère :
    aucun lieu de ce code » above a message saying it is a commune's name."""
    above, under = _territory_field(client, lang, "communes", typed)
    assert said in under and other_language not in under
    assert ("est le nom" in under) is (lang == "fr") and ("is a commune's name" in under) is (lang == "en")
    assert ("le nom d’une commune, pas son code" if lang == "fr" else "a commune’s name, not its code") in above
    assert "aucun lieu" not in above and "no place" not in above


def test_a_commune_code_that_is_also_a_postal_code_is_told_under_the_field(client):
    """26100, typed for Romans-sur-Isère: only a grey hint said it was also a postal code."""
    above, under = _territory_field(client, "fr", "communes", "26100")
    assert "26100 = Combovin (aussi un code postal, qui dessert Romans-sur-Isère (26281))" in above
    assert "Information Commune 26100 : ce code INSEE désigne Combovin" in under
    assert "si vous vouliez dire Romans-sur-Isère, écrire 26281" in under and "Violation" not in under


def _with_combovin() -> str:
    data = description()
    data["acteurs"][0]["commune"] = "26100"
    data["territoire"].update(communes=["26100"], departements=["26"], regions=["84"])
    del data["territoire"]["epci"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_web_validator_and_the_dossier_tell_it(client):
    """The web validator said « conforme — 0 violation, 0 avertissement », and the dossier « Siège : Combovin
    (26100) » with no check."""
    text = _with_combovin()
    report = client.post("/valider", data={"texte": text}, headers={"Accept": "application/json"}).json
    [result] = report["files"][0]["results"]
    assert report["conforms"] and result["severity"] == "info" and "Romans-sur-Isère (26281)" in result["message"]
    sent = {"texte": text, "nom": "pole.yaml", "format": "md", "comparaison": "non"}
    annex = client.post("/dossier", data=sent).get_data(as_text=True).replace("\\", "")  # Markdown's escapes
    assert "Commune 26100 : ce code INSEE désigne Combovin" in annex


@pytest.mark.parametrize(
    ("key", "typed", "read"),
    [
        ("regions", "Grand Est 32, Pays de la Loire", ["Grand Est", "32", "Pays de la Loire"]),
        ("departements", "Drôme Ardèche 26", ["Drôme", "Ardèche", "26"]),  # two names, not one
        ("epci", "CA Valence Romans Agglo;200068781", ["CA Valence Romans Agglo", "200068781"]),
        ("communes", "26281 26100", ["26281", "26100"]),
    ],
)
def test_the_words_of_one_places_name_are_read_as_one_value(key, typed, read):
    """« Grand Est » was read as « Grand » and « Est », neither of them a région's name."""
    data = read_fields(PROJECT, MultiDict({f"territoire.{key}": typed}), ["territoire"], "", {})
    assert data["territoire"][key] == read


@pytest.mark.parametrize("typed", ["200 068 781", "200\u00a0068\u00a0781", "200 068 781, 242600252"])
def test_an_epci_siren_written_in_threes_is_one_code(client, typed):
    """A carrier's finding of 2026-12-07: « 200 068 781 » (as the template and Sirene write a SIREN) in the editor's
    EPCI field became three codes, « 200 : aucun lieu de ce code, 068 : …, 781 : … », and three identical
    violations; the command line read it as one SIREN."""
    epci = read_fields(PROJECT, MultiDict({"territoire.epci": typed}), ["territoire"], "", {})["territoire"]["epci"]
    assert epci[0] == "200068781" and len(epci) == typed.count(",") + 1
    above, under = _territory_field(client, "fr", "epci", typed)
    assert "aucun lieu" not in above and "9 chiffres" not in under, (above, under)
