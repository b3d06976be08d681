"""The carrying structure in the editor: the porteur chosen in the form is written as format 2 says
(``structure_porteuse: {porteurs: [id]}``), checked, downloaded as a readable file and reopened with
the porteur still chosen — the carrier's walk of 2026-12-05, finding 1, sent the way a browser sends it."""

from __future__ import annotations

import io
import re
from html import unescape
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from cap_ptce.project import load_description
from cap_ptce.yamlstrict import load_yaml

STEP = "structure-porteuse"
UNREADABLE = "ne peut pas encore être vérifiée"


class _EditorForm(HTMLParser):
    """What a browser sends for the editor's form as drawn (buttons aside): each control and its value.

    ``actor_choices`` lists the controls that offer an actor to choose, as (kind, name, value).
    """

    def __init__(self, actor_ids: set[str]):
        super().__init__(convert_charrefs=True)
        self.fields, self.actor_choices, self.actor_ids = MultiDict(), [], actor_ids
        self._in_form = False
        self._select = self._textarea = None
        self._select_value: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = a.get("id") == "editeur"
        if not self._in_form:
            return
        if tag == "input" and a.get("type") != "submit":
            if a.get("type") == "checkbox":
                if a.get("value") in self.actor_ids:
                    self.actor_choices.append(("checkbox", a["name"], a["value"]))
                if "checked" in a:
                    self.fields.add(a["name"], a.get("value", "on"))
            elif a.get("name"):
                self.fields.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select:
            if a.get("value") in self.actor_ids:
                self.actor_choices.append(("select", self._select, a["value"]))
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            self.fields.add(self._select, self._select_value or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.add(self._textarea, "".join(self._text))
            self._textarea = None


def _form(page: str, actor_ids=()) -> _EditorForm:
    parser = _EditorForm(set(actor_ids))
    parser.feed(page)
    return parser


def _choose(form: _EditorForm, actor: str) -> MultiDict:
    """The form sent after choosing ``actor`` in every control of the step that offers to name the porteur."""
    sent = MultiDict(form.fields)
    for kind, name, value in form.actor_choices:
        if value != actor or name.rpartition(".")[0] != "structure_porteuse":  # not a convention's signatories
            continue
        if kind == "select":
            sent.setlist(name, [value])
        else:
            sent.add(name, value)
    return sent


def _post(client, form: MultiDict, **buttons) -> str:
    sent = MultiDict(form)
    for key, value in buttons.items():
        sent[key] = value
    response = client.post("/editeur", data=sent)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _state(page: str) -> str:
    return unescape(re.search(r'<textarea name="etat"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def _with_an_actor(client) -> tuple[str, str]:
    """The structure step of a description that names one actor, reached the way the carrier did; the actor's id."""
    page = _post(client, _form(client.get("/editeur").get_data(as_text=True)).fields, aller="acteurs-impliques")
    page = _post(client, _form(page).fields, ajouter="acteurs")
    form = _form(page).fields
    form["acteurs.0.nom"] = "Sambre Énergies Citoyennes"
    page = _post(client, form, aller=STEP)
    return page, load_yaml(_state(page), source="pole.yaml")[0]["acteurs"][0]["id"]


def test_the_structure_step_names_the_porteurs_in_one_control(client):
    page, actor = _with_an_actor(client)
    form = _form(page, {actor})
    names = {name for _, name, _ in form.actor_choices}
    assert {n for n in names if n.rpartition(".")[0] == "structure_porteuse"} == {
        "structure_porteuse.porteurs"
    }  # not also the first format's « acteur »


def test_a_porteur_chosen_in_the_form_gives_a_description_that_validates(client):
    page, actor = _with_an_actor(client)
    chosen = _choose(_form(page, {actor}), actor)
    chosen["structure_porteuse.portage"] = "personne-morale"
    page = _post(client, chosen, aller=STEP)  # « Vérifier cette étape »
    assert UNREADABLE not in page and "cap-ptce upgrade" not in page
    boxes = re.findall(r'<input type="checkbox" name="structure_porteuse\.porteurs" value="([^"]+)" checked', page)
    assert boxes == [actor]
    page = _post(client, _form(page).fields, aller="fin")  # « Vérification et dossier »
    assert UNREADABLE not in page and 'class="verdict' in page
    assert "Dossier en PDF" in page
    text = client.post("/editeur", data={"etape": "fin", "etat": _state(page), "telecharger": "yaml"}).get_data(
        as_text=True
    )
    saved = load_description(text, source="pole.yaml")  # the validator's loader reads it
    assert saved.data["format"] == 2
    assert saved.data["structure_porteuse"] == {"portage": "personne-morale", "porteurs": [actor]}


def _reopened(client, text: str) -> str:
    data = {"ouvrir": "fichier", "fichier": (io.BytesIO(text.encode()), "pole.yaml")}
    page = client.post("/editeur", data=data).get_data(as_text=True)
    return _post(client, _form(page).fields, aller=STEP)


_SAVED = """format: {format}
id: pole
nom: Pôle
structure_porteuse:
  portage: personne-morale
{carrying}
acteurs:
  - id: scic
    nom: SCIC
"""


def test_a_saved_porteur_is_chosen_again_when_the_description_is_reopened(client):
    written = {
        "format 2": _SAVED.format(format=2, carrying="  porteurs: [scic]"),
        "format 1": _SAVED.format(format=1, carrying="  acteur: scic"),
        "both, as the editor wrote them before": _SAVED.format(format=2, carrying="  porteurs: [scic]\n  acteur: scic"),
    }
    for how, text in written.items():
        page = _reopened(client, text)
        boxes = re.findall(r'<input type="checkbox" name="structure_porteuse\.porteurs" value="([^"]+)" checked', page)
        assert boxes == ["scic"], how
        assert UNREADABLE not in page, how
        state = load_description(_state(page), source="pole.yaml").data
        assert state["structure_porteuse"] == {"portage": "personne-morale", "porteurs": ["scic"]}, how
