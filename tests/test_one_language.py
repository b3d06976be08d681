"""The readers' messages are written « français / English »; a page shows only its own language.

The command line and the JSON report keep both languages (docs/carrier.md); the
editor and /valider show the French text on a French page, the English on an
English one, and the whole message when it cannot be split without losing a value.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest

from cap_ptce.i18n import one_language

VALID = "format: 2\nid: p\nnom: Pôle\nmaturite: emergent\n"
BROKEN = {
    "cle.yaml": (VALID + "sirne: 1\n", "clé inconnue 'sirne'", "unknown key 'sirne'"),
    "booleen.yaml": (
        VALID.replace("nom: Pôle", "nom: Pôle\nacteurs:\n  - id: a\n    nom: A\n    ess: yes"),
        "booléen ambigu",
        "ambiguous boolean",
    ),
    "casse.yaml": (VALID + "acteurs: [\n", "YAML invalide", "invalid YAML"),
    "sans-id.yaml": ("format: 2\nnom: Pôle\n", "la clé 'id' est obligatoire ici", "the key 'id' is required here"),
    # what a value should be, and how to write it: the commonest slips of a carrier
    "date.yaml": (VALID + "date_creation: mars 2024\n", "une date, et non 'mars 2024'", "a date, not 'mars 2024'"),
    "nombre.yaml": (
        VALID + "territoire:\n  nom: Vallée\n  population: trente mille\n",
        "un nombre, et non 'trente mille'",
        "a number, not 'trente mille'",
    ),
    "annee.yaml": (
        VALID.replace(
            "nom: Pôle", "nom: Pôle\nchiffres:\n  - indicateur: emplois\n    valeur: 3\n    annee: l'an dernier"
        ),
        "une année ou une période, et non",
        "a year or a span of years, not",
    ),
}


@pytest.mark.parametrize(
    ("text", "fr", "en"),
    [
        ("clé inconnue 'x' / unknown key 'x'", "clé inconnue 'x'", "unknown key 'x'"),
        (
            "vouliez-vous dire « siren » ? / did you mean 'siren'?",
            "vouliez-vous dire « siren » ?",
            "did you mean 'siren'?",
        ),
        ("sans barre oblique", "sans barre oblique", "sans barre oblique"),
        (
            'refermer le guillemet « " » ici / close the quote (") here',
            'refermer le guillemet « " » ici',
            'close the quote (") here',
        ),
    ],
)
def test_one_language_picks_the_half_of_the_page(text, fr, en):
    assert one_language(text, "fr") == fr and one_language(text, "en") == en


@pytest.mark.parametrize(
    ("text", "lost_in"),
    [
        ("clé inconnue / unknown key 'x'", ["fr"]),  # the French half lacks the key: nothing may be lost
        ("la clé 'id' est obligatoire ici / is required here", ["en"]),
        ("écrire / write format: 2", ["fr"]),  # a one-word half says nothing alone
        ("au choix / one of: a, b", ["fr"]),
        ("attendu / expected: un nombre / a number, not 'x'", ["fr", "en"]),  # three parts: where to cut?
    ],
)
def test_one_language_keeps_a_message_it_cannot_split_without_loss(text, lost_in):
    for lang in lost_in:
        assert one_language(text, lang) == text
    for lang in {"fr", "en"} - set(lost_in):
        assert one_language(text, lang) == text.split(" / ")[1 if lang == "en" else 0]


def _visible(page: str) -> str:
    main = page[page.index("<main") :]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_validator_page_shows_one_language(client, name):
    text, fr, en = BROKEN[name]
    for route, said, unsaid in (("/valider", fr, en), ("/validate", en, fr)):
        page = client.post(route, data={"fichier": (io.BytesIO(text.encode()), name)}).get_data(as_text=True)
        shown = _visible(page)
        assert said in shown, (route, shown[:2000])
        assert unsaid not in shown
        assert " / " not in shown.split(said)[1][:200]


@pytest.mark.parametrize("name", ["cle.yaml", "booleen.yaml", "casse.yaml", "date.yaml", "nombre.yaml", "annee.yaml"])
def test_the_editor_shows_one_language(client, name):
    text, fr, en = BROKEN[name]
    if name == "cle.yaml":  # the form tells an unknown key in its own words (not the loader's, with the file's keys)
        fr, en = "une clé que le formulaire ne connaît pas : « sirne: 1 »", "a key the form does not know: “sirne: 1”"
    for route, said, unsaid in (("/editeur", fr, en), ("/editor", en, fr)):
        data = {"ouvrir": "fichier", "fichier": (io.BytesIO(text.encode()), name)}
        page = client.post(route, data=data, content_type="multipart/form-data").get_data(as_text=True)
        shown = _visible(page)
        # a message may begin the sentence it is shown as (« Clé inconnue … », « Expected: … »)
        assert said in shown or said[:1].upper() + said[1:] in shown, (route, shown[:3000])
        assert unsaid not in shown
