"""A carrier's report: places typed by name, or by a postal code that is also an INSEE code, in the editor, the
web validator and the dossier, on French and English pages."""

from __future__ import annotations

import re
from html import unescape

import yaml

from valid_description import description

ROUTES = {"fr": "/editeur", "en": "/editor"}


def _territory_field(client, lang: str, key: str, typed: str) -> tuple[str, str]:
    """(the hint above the territory's field ``key``, the messages under it) once ``typed`` is sent in it."""
    data = {"etape": "perimetre-ancrage-territorial", "aller": "perimetre-ancrage-territorial"}
    page = client.post(ROUTES[lang], data={**data, f"territoire.{key}": typed}).get_data(as_text=True)
    hint = re.search(rf'id="champ-territoire-{key}-aide"[^>]*>(.*?)</span>', page, re.S)
    messages = re.search(rf'id="champ-territoire-{key}-messages">(.*?)</ul>', page, re.S)
    return tuple(" ".join(unescape(re.sub("<[^>]+>", "", m.group(1))).split()) if m else "" for m in (hint, messages))


def test_a_commune_code_that_is_also_a_postal_code_is_warned_under_the_field(client):
    """26100, typed for Romans-sur-Isère: only a grey hint said it was also a postal code."""
    above, under = _territory_field(client, "fr", "communes", "26100")
    assert "26100 = Combovin (aussi un code postal, qui dessert Romans-sur-Isère (26281))" in above
    assert "Avertissement Commune 26100 : ce code INSEE désigne Combovin" in under
    assert "si vous vouliez dire Romans-sur-Isère, écrire 26281" in under and "Violation" not in under


def _with_combovin() -> str:
    data = description()
    data["acteurs"][0]["commune"] = "26100"
    data["territoire"].update(communes=["26100"], departements=["26"], regions=["84"])
    del data["territoire"]["epci"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_web_validator_and_the_dossier_warn_of_it(client):
    """The web validator said « conforme — 0 violation, 0 avertissement », and the dossier « Siège : Combovin
    (26100) » with no check."""
    text = _with_combovin()
    report = client.post("/valider", data={"texte": text}, headers={"Accept": "application/json"}).json
    [result] = report["files"][0]["results"]
    assert report["conforms"] and result["severity"] == "warning" and "Romans-sur-Isère (26281)" in result["message"]
    sent = {"texte": text, "nom": "pole.yaml", "format": "md", "comparaison": "non"}
    annex = client.post("/dossier", data=sent).get_data(as_text=True).replace("\\", "")  # Markdown's escapes
    assert "Commune 26100 : ce code INSEE désigne Combovin" in annex
