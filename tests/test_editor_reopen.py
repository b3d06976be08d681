"""Reopening a description in the editor: a file that cannot be read never stands for the carrier's work."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from cap_ptce.project import convert, load_description

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

SAMPLE = """format: 2
id: cluster-jura
nom: "Clus'Ter Jura"
maturite: etabli
date_creation: 2014-13-10
"""
UNCLOSED = "format: 2\nid: cluster-jura\nnom: \"Clus'Ter Jura\nmaturite: etabli\nacteurs:\n  - id: juratri\n"


def _state(page: str) -> str:
    return unescape(re.search(r'<textarea name="etat"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def _alert(page: str) -> str:
    found = re.search(r'<div class="verdict verdict-ko" role="alert"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", unescape(found.group(1)))) if found else ""


def _open(client, text: str, name: str = "e05.yaml", route: str = "/editeur", **extra):
    data = {"ouvrir": "fichier", "fichier": (io.BytesIO(text.encode()), name), **extra}
    return client.post(route, data=data, content_type="multipart/form-data")


def test_a_file_that_cannot_be_read_gives_its_line_and_loads_nothing(client):
    response = _open(client, SAMPLE)
    assert response.status_code == 400  # bad input, said on the page
    page = response.get_data(as_text=True)
    alert = _alert(page)
    assert "e05.yaml" in alert and "ligne 5" in alert and "2014-13-10" in alert
    assert "Rien n’a été chargé" in alert and "n’a pas été modifié" in alert
    assert 'value="Clus&#39;Ter Jura"' not in page
    # an empty new description: the browser's copy of the carrier's work is not replaced by it
    assert "data-fresh" in page
    page = _open(client, UNCLOSED, name="e12.yaml", route="/editor").get_data(as_text=True)
    alert = _alert(page)
    assert "e12.yaml" in alert and re.search(r"line \d+", alert) and "Nothing was loaded" in alert


def test_a_file_that_cannot_be_read_keeps_what_the_form_held(client):
    held = 'format: 2\nnom: "Pôle des Deux Rives"\nmaturite: emergent\n'
    page = _open(client, SAMPLE, etat=held).get_data(as_text=True)
    assert "ligne 5" in _alert(page) and "garde ce qu’il contenait" in _alert(page)
    assert yaml.safe_load(_state(page))["nom"] == "Pôle des Deux Rives"
    assert 'value="Pôle des Deux Rives"' in page and "data-fresh" not in page


def test_the_open_button_sends_what_the_form_holds_and_what_was_typed(client):
    """A retest: a name typed and not sent yet was lost when a file could not be opened, though the page said the
    form kept what it held. The file and its button belong to the editor's form, which sends both."""
    page = client.post("/editeur", data={"etape": "debut", "nom": "Pôle A", "aller": "debut"}).get_data(as_text=True)
    opener = page[page.index('id="ouvrir-fichier"') :]
    assert 'name="fichier" form="editeur"' in opener and 'form="editeur" formenctype="multipart/form-data"' in opener
    # the steps themselves stay form-encoded: multipart costs about 120 bytes a field, and the actors' step of the
    # largest description the form opens (485 actors, 21 fields each) went past the limit
    assert not re.search(r'<form [^>]*id="editeur"[^>]*enctype=', page)
    assert re.search(r'<form [^>]*id="copie-navigateur"[^>]*enctype="multipart/form-data"', page)
    sent = {"etape": "debut", "etat": _state(page), "nom": "Pôle A, renommé", "courriel": "contact@pole-a.example.org"}
    data = {**sent, "ouvrir": "fichier", "fichier": (io.BytesIO(b"%PDF-1.7\n"), "dossier.pdf")}
    response = client.post("/editeur", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "garde ce qu’il contenait" in _alert(page)
    kept = yaml.safe_load(_state(page))
    assert kept["nom"] == "Pôle A, renommé" and kept["courriel"] == "contact@pole-a.example.org"


def test_a_file_that_is_not_a_description_is_said_so(client):
    response = _open(client, "- juste une liste\n- de mots\n")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Rien n’a été chargé" in _alert(page) and "bloc de clés" in _alert(page)


def test_an_empty_description_is_not_downloaded(client):
    """What a failed reopening leaves must not be saved over the carrier's file."""
    page = _open(client, SAMPLE).get_data(as_text=True)
    response = client.post("/editeur", data={"etape": "debut", "etat": _state(page), "telecharger": "yaml"})
    assert response.status_code == 400 and "Content-Disposition" not in response.headers
    assert "rien à télécharger" in _alert(response.get_data(as_text=True)).lower()
    # an unreadable state (a copy tampered with) gives nothing to download either
    response = client.post("/editeur", data={"etape": "fin", "etat": "nom: [", "telecharger": "yaml"})
    assert response.status_code == 400 and "Content-Disposition" not in response.headers
    response = client.post("/editeur", data={"etape": "debut", "nom": "Pôle B", "telecharger": "yaml"})
    assert response.status_code == 200 and yaml.safe_load(response.get_data(as_text=True))["nom"] == "Pôle B"


def test_a_browser_copy_that_cannot_be_read_is_not_called_a_file(client):
    response = client.post("/editeur", data={"ouvrir": "copie", "etat_copie": "nom: [\n"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    alert = _alert(page)
    assert "Rien n’a été chargé" in alert and "fichier" not in alert and "data-fresh" in page


def test_reopening_without_a_file_stays_in_the_editor_and_says_so_beside_the_field(client):
    held = 'format: 2\nnom: "Pôle des Deux Rives"\nmaturite: emergent\n'
    for route, said in (("/editeur", "Aucun fichier choisi"), ("/editor", "No file was chosen")):
        data = {"ouvrir": "fichier", "etat": held, "fichier": (io.BytesIO(b""), "")}
        response = client.post(route, data=data, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        opener = page[page.index('id="ouvrir-fichier"') :]
        opener = unescape(opener[: opener.index("</form>")])
        # the message sits in the open form, tied to the file field, in the page's language only
        assert said in opener and 'aria-invalid="true"' in opener and 'aria-describedby="ouvrir-erreur' in opener
        assert ("No file" in opener) == (route == "/editor")
        # still the editor, and what the form held is kept
        assert 'value="Pôle des Deux Rives"' in page


@pytest.mark.parametrize(
    ("to", "name"), [("turtle", "gueret.ttl"), ("json-ld", "gueret.jsonld"), ("turtle", "gueret"), ("yaml", "g.yaml")]
)
def test_a_turtle_or_json_ld_description_opens_in_the_form(client, to, name):
    """The form reads every format a description comes in (the last: a file without a suffix, told by its text)."""
    sample = CORPUS / "tiers-lieu-gueret.yaml"
    response = _open(client, convert(sample, to), name=name)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Tiers-lieu des services de Guéret"' in page and not _alert(page)
    # the form holds the description as YAML, the same data as the YAML file gives
    assert load_description(_state(page)).data == load_description(sample).data
    said = unescape(re.search(r'<p class="notice" role="status">(.*?)</p>', page, re.S).group(1))
    assert f"« {name} » est ouvert dans le formulaire." in said and "commentaires" not in said
    assert ("garde en YAML" in said) == (to != "yaml")
    picker = re.search(r'<input type="file" id="fichier"[^>]*>', page).group(0)
    assert all(suffix in picker for suffix in (".yaml", ".ttl", ".jsonld"))


def test_a_turtle_file_that_cannot_be_read_gives_its_line_and_loads_nothing(client):
    text = convert(CORPUS / "tiers-lieu-gueret.yaml", "turtle").replace(" ;\n", " ,,\n", 1)
    line = text.splitlines().index(next(row for row in text.splitlines() if " ,," in row)) + 1
    response = _open(client, text, name="gueret.ttl")
    assert response.status_code == 400
    alert = _alert(response.get_data(as_text=True))
    assert "gueret.ttl" in alert and f"ligne {line}" in alert and "Rien n’a été chargé" in alert
    assert "YAML" not in alert  # a Turtle file is not read as YAML


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pole.ttl", "pas un fichier texte : un PDF"),
        (b"", "vide.yaml", "le fichier est vide"),
        (b"  \n\n", "vide.ttl", "le fichier est vide"),
    ],
)
def test_a_file_that_is_no_description_at_all_is_said_what_it_is(client, content, name, said):
    """A PDF named .ttl was « pas en UTF-8 » in the form (the validator says « un PDF » and how to save a text);
    an empty file, « un bloc de clés » or « ce graphe en a 0 ». Neither has a place to correct: none is promised."""
    data = {"ouvrir": "fichier", "fichier": (io.BytesIO(content), name)}
    response = client.post("/editeur", data=data, content_type="multipart/form-data")
    alert = _alert(response.get_data(as_text=True))
    assert response.status_code == 400 and said in alert and "Rien n’a été chargé" in alert
    assert "à l’endroit indiqué" not in alert and "n’a pas été modifié" in alert


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("\nacteurs:", "\n# NOTE : relire\nacteurs:"), True),
        (("maturite: emergent", "maturite: emergent   # à revoir en 2027"), True),  # after a value: it was missed
        (('strategie_commune: "Mutualiser un lieu', 'strategie_commune: "Mutualiser # un lieu'), False),
        # an operator's finding: a « # » starting a line of a text over two lines, or of a block, was a comment
        (('strategie_commune: "Mutualiser un lieu', 'strategie_commune: "Mutualiser\n  # un lieu'), False),
        (
            ('strategie_commune: "Mutualiser un lieu, un accueil', 'strategie_commune: |-\n  #rural\n  "Mutualiser'),
            False,
        ),
        (('strategie_commune: "Mutualiser un lieu', '# à revoir\nstrategie_commune: "Mutualiser un lieu'), True),
    ],
    ids=["whole-line", "after-a-value", "in-a-quoted-text", "in-a-two-line-text", "in-a-block", "before-a-text"],
)
def test_a_file_with_comments_of_its_own_is_opened_with_a_word_that_they_are_not_kept(client, change, said):
    text = (CORPUS / "tiers-lieu-gueret.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    text = text.replace(change[0], change[1], 1)
    page = _open(client, text, name="gueret.yaml").get_data(as_text=True)
    notice = unescape(re.search(r'<p class="notice" role="status">(.*?)</p>', page, re.S).group(1))
    assert "« gueret.yaml » est ouvert" in notice and ("ne sont pas gardés" in notice) == said
