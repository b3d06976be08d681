"""A key the format does not know, in the editor: said beside what it belongs to, and fixed in the form."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import yaml

from cap_ptce.project import load_description

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
SAMPLE = CORPUS / "tiers-lieu-gueret.yaml"


def _misspelt() -> tuple[str, dict]:
    """The sample with its second actor's SIREN under « sirne: » (the carrier's file e01)."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    actor = data["acteurs"][1]
    actor["sirne"] = actor.pop("siren")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), actor


def _state(page: str) -> str:
    return unescape(re.search(r'<textarea name="etat"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def _item(page: str, index: int) -> str:
    """The HTML of the ``index``-th actor's fieldset, up to the next one."""
    start = page.index(f'name="acteurs.{index}.id"')
    start = page.rindex('<fieldset class="item"', 0, start)
    end = page.find('<fieldset class="item"', start + 1)
    return page[start : end if end > 0 else len(page)]


def _step(client, state: str, step: str, **extra) -> str:
    return client.post("/editeur", data={"etat": state, "aller": step, **extra}).get_data(as_text=True)


def test_the_message_sits_in_the_actor_it_belongs_to_and_names_it(client):
    text, actor = _misspelt()
    page = _step(client, text, "acteurs-impliques")
    item = unescape(_item(page, 1))
    said = (
        f"{actor['nom']} : Le fichier ouvert a une clé que le formulaire ne connaît pas : « sirne: {actor['sirne']} »"
    )
    assert said in item
    assert "sirne" not in unescape(_item(page, 0))
    assert f"Mettre « {actor['sirne']} » dans « SIREN »" in item
    assert f"Retirer « sirne: {actor['sirne']} »" in item
    # another step says where the value is, and offers the same ways out
    page = unescape(_step(client, text, "fin"))
    assert f"« sirne: {actor['sirne']} » (étape « 3. Acteurs impliqués »)" in page
    assert f"Retirer « sirne: {actor['sirne']} »" in page


def test_the_message_names_no_key_of_the_file_but_the_unknown_one(client):
    """The carrier's walk of 2026-12-06: the form listed the file's keys (« clés possibles ici : fictif,
    format, id… »), which a carrier in the form never sees; the form's fields are its possible keys."""
    text = (CORPUS / "tiers-lieu-gueret.yaml").read_text(encoding="utf-8").replace("\nnom:", "\nzzz: 1\nnom:", 1)
    page = unescape(_step(client, text, "acteurs-impliques"))
    assert "Le fichier ouvert a une clé que le formulaire ne connaît pas : « zzz: 1 » (étape « Le projet »)" in page
    assert "clés possibles" not in page and "strategie_commune, objectifs" not in page


def test_the_suggested_key_takes_the_value_and_the_description_can_be_checked(client):
    text, actor = _misspelt()
    page = _step(client, text, "acteurs-impliques")
    page = client.post(
        "/editeur", data={"etat": _state(page), "corriger": "acteurs.1.sirne=siren", "aller": "fin"}
    ).get_data(as_text=True)
    fixed = yaml.safe_load(_state(page))["acteurs"][1]
    assert fixed["siren"] == actor["sirne"] and "sirne" not in fixed
    assert "ne peut pas encore être vérifiée" not in page and "Dossier en PDF" in page
    assert load_description(_state(page)).data == load_description(SAMPLE).data


def test_dropping_the_key_keeps_the_rest_and_a_filled_key_is_never_overwritten(client):
    text, actor = _misspelt()
    state = yaml.safe_load(text)
    state["acteurs"][1]["siren"] = "130006240"  # the carrier typed a SIREN meanwhile
    text = yaml.safe_dump(state, allow_unicode=True, sort_keys=False)
    page = _step(client, text, "acteurs-impliques")
    assert "Mettre « " not in unescape(_item(page, 1))  # no move over a value already given
    page = _step(client, text, "acteurs-impliques", corriger="acteurs.1.sirne=siren")
    assert yaml.safe_load(_state(page))["acteurs"][1]["siren"] == "130006240"
    assert yaml.safe_load(_state(page))["acteurs"][1]["sirne"] == actor["sirne"]  # refused: nothing lost
    page = _step(client, _state(page), "acteurs-impliques", corriger="acteurs.1.sirne")
    fixed = yaml.safe_load(_state(page))["acteurs"][1]
    assert "sirne" not in fixed and fixed["siren"] == "130006240" and fixed["nom"] == actor["nom"]


def test_only_unknown_keys_are_dropped(client):
    page = _step(client, SAMPLE.read_text(encoding="utf-8"), "acteurs-impliques", corriger="acteurs.1.nom")
    assert yaml.safe_load(_state(page))["acteurs"][1]["nom"]
    for chosen in ("acteurs.99.x=nom", "acteurs.x", "nom.x", "acteurs.1.id.x", ""):
        page = _step(client, SAMPLE.read_text(encoding="utf-8"), "debut", corriger=chosen)
        assert load_description(_state(page)).data == load_description(SAMPLE).data
