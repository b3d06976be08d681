"""The editor's form: drawn from the format's table and read back to the same data, step by step; and its views."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.project.schema import PROJECT, SPECS, Kind
from cap_ptce.web.editor import STEPS
from cap_ptce.web.editor_form import controls, ensure_ids, read_fields, step_keys

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


def _submitted(items, form: MultiDict) -> MultiDict:
    """What a browser sends for these controls, as they are drawn (their current values)."""
    for control in items:
        if control.widget == "items":
            form.add(f"{control.name}.__n", str(len(control.items)))
            for item in control.items:
                _submitted(item, form)
        elif control.widget == "kept":
            continue
        elif control.widget == "group":
            _submitted(control.children, form)
        elif control.widget == "checkboxes":
            form.add(f"{control.name}.__vu", "1")
            for value in control.value:
                form.add(control.name, value)
        else:
            form.add(control.name, control.value)
    return form


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_step_gives_back_the_data_it_shows(path):
    data = load_description(path).data
    context = {"grid": load_grid(), "lang": "fr", "actors": {a["id"]: a["nom"] for a in data["acteurs"]}}
    rebuilt = dict(data)  # what the form carries; each step's controls then give their values back
    for step in STEPS:
        keys = step_keys(step)
        form = _submitted(controls(PROJECT, data, keys, "", context), MultiDict())
        rebuilt = read_fields(PROJECT, form, keys, "", rebuilt)
    assert rebuilt == data


def test_a_list_has_the_items_the_form_sends_not_the_count_it_claims():
    """An operator's finding: a step of 5.8 kB claiming 200 actors of 200 figures each (``acteurs.__n``, then each
    ``acteurs.K.chiffres.__n``, no other field) had the server make and draw 40,000 empty items (56 s, 1–2 GB)."""
    keys = step_keys("acteurs-impliques")
    claimed = [("acteurs.__n", "200")] + [(f"acteurs.{k}.chiffres.__n", "200") for k in range(200)]
    read = read_fields(PROJECT, MultiDict(claimed), keys, "", {})
    assert len(read["acteurs"]) == 200 and not any(actor.get("chiffres") for actor in read["acteurs"])
    sent = MultiDict([("acteurs.__n", "9"), ("acteurs.2.nom", "SCIC"), ("acteurs.2.chiffres.__n", "9")])
    sent.add("acteurs.2.chiffres.1.valeur", "12")
    read = read_fields(PROJECT, sent, keys, "", {"acteurs": [{"nom": "A"}]})
    assert [actor.get("nom") for actor in read["acteurs"]] == ["A", None, "SCIC"]  # what it had, what it was sent
    assert len(read["acteurs"][2]["chiffres"]) == 2


def test_a_step_naming_more_list_items_than_the_editor_shows_is_a_clear_400(client):
    """An operator's retest of 2026-12-07: 900 kB of empty fields naming 28,500 figures took 32 s, 1 GB of memory
    kept after, and gave a 78 MB page. Past MAX_FORM_ITEMS items the step is refused, and says how to check it."""
    from cap_ptce.web.editor_form import MAX_FORM_ITEMS

    per_actor = MAX_FORM_ITEMS // 100 - 1  # 100 actors and their figures: MAX_FORM_ITEMS items, drawn
    fields = [("etape", "acteurs-impliques"), ("acteurs.__n", "100")]
    fields += [(f"acteurs.{k}.chiffres.{j}.valeur", "") for k in range(100) for j in range(per_actor)]
    assert client.post("/editeur", data=MultiDict(fields)).status_code == 200
    fields.append((f"acteurs.0.chiffres.{per_actor}.valeur", ""))  # one more
    response = client.post("/editeur", data=MultiDict(fields), headers={"Accept": "application/json"})
    assert response.status_code == 400 and str(MAX_FORM_ITEMS) in response.json["message"]
    assert "cap-ptce validate" in response.json["hint"]


def _one_empty_item(spec) -> dict:
    """An item of ``spec`` with nothing written, but one empty item in each of its own lists."""
    return {f.key: [_one_empty_item(SPECS[f.arg])] for f in spec.fields if f.kind == Kind.OBJECTS}


def _lists_of(step: str) -> list:
    return [f for f in PROJECT.fields if f.key in step_keys(step) and f.kind == Kind.OBJECTS]


@pytest.mark.parametrize("step", [step for step in STEPS if _lists_of(step)])
def test_every_item_drawn_sends_a_field_so_an_empty_one_stays(step):
    """What the rule above rests on: the form draws each item, even empty, with a control the browser sends."""
    keys = step_keys(step)
    data = {f.key: [_one_empty_item(SPECS[f.arg])] for f in _lists_of(step)}
    context = {"grid": load_grid(), "lang": "fr", "actors": {}}
    form = _submitted(controls(PROJECT, data, keys, "", context), MultiDict())
    read = read_fields(PROJECT, form, keys, "", {})  # the form's state had none of them: only the fields tell

    def counts(value, path=""):
        if isinstance(value, dict):
            return {k: n for key, inner in value.items() for k, n in counts(inner, f"{path}.{key}").items()}
        if isinstance(value, list):
            return {path: len(value)} | {k: n for item in value for k, n in counts(item, path).items()}
        return {}

    assert counts(read) == counts(data)


def test_ids_come_from_names_and_stay_unique():
    data = ensure_ids({"nom": "Pôle des Deux Rives", "acteurs": [{"nom": "Scic Été"}, {"nom": "Scic Été"}, {}]})
    assert data["id"] == "pole-des-deux-rives"
    assert [a["id"] for a in data["acteurs"]] == ["scic-ete", "scic-ete-2", "acteur-3"]
    assert "id" not in ensure_ids({"nom": "x"}, project=False)


def _state(page: str) -> str:
    return unescape(re.search(r'<textarea name="etat"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def test_a_step_carries_the_description_and_puts_messages_beside_their_controls(client):
    page = client.get("/editeur").get_data(as_text=True)
    assert "Projet émergent" not in page and 'name="maturite"' in page
    page = client.post(
        "/editeur",
        data={
            "etape": "debut",
            "etat": _state(page),
            "nom": "Pôle test",
            "maturite": "emergent",
            "aller": "acteurs-impliques",
        },
    ).get_data(as_text=True)
    assert 'nom: "Pôle test"' in _state(page)
    assert load_grid().question("q07").future.fr in page  # emerging by default: the future tense
    page = client.post(
        "/editeur",
        data={
            "etape": "acteurs-impliques",
            "etat": _state(page),
            "acteurs.__n": "1",
            "acteurs.0.nom": "Coopérative",
            "acteurs.0.siren": "123456789",
            "aller": "acteurs-impliques",
        },
    ).get_data(as_text=True)
    siren = page[page.index('id="champ-acteurs-0-siren"') :]
    assert 'aria-invalid="true"' in siren[: siren.index(">")]
    assert "clé de contrôle (Luhn)" in siren[: siren.index("</div>")]
    assert "acteurs:" in _state(page) and "id: cooperative" in _state(page)


def _opened_file(client, text: str) -> tuple[str, dict]:
    """The page of the file ``text`` opened in the editor, and what its first step sends (its state, its steps sent)."""
    opened = client.post(
        "/editeur",
        data={"ouvrir": "fichier", "fichier": (io.BytesIO(text.encode()), "p.yaml")},
        content_type="multipart/form-data",
    )
    opened = unescape(opened.get_data(as_text=True))
    sent = re.search(r'name="envoyees" value="([^"]*)"', opened)[1]
    return opened, {"etape": "debut", "etat": _state(opened), "envoyees": sent}


def test_a_step_says_nothing_of_what_is_missing_until_it_is_sent(client):
    """The carrier's walk of 2026-12-07: arriving at a step, six red « Question Qn sans réponse » before anything
    was typed. Its results show once it is sent; a file opened shows every step's at once."""
    first = client.get("/editeur").get_data(as_text=True)
    assert 'name="envoyees" value=""' in first  # a new description: nothing sent yet
    page = client.post(
        "/editeur",
        data={
            "etape": "debut",
            "etat": _state(first),
            "envoyees": "",
            "nom": "Pôle neuf",
            "aller": "objectifs-vision-strategique",
        },
    )
    page = unescape(page.get_data(as_text=True))
    assert "sans réponse" not in page and 'aria-invalid="true"' not in page
    assert re.search(r'name="envoyees" value="debut"', page)
    step = {"etape": "objectifs-vision-strategique", "etat": _state(page), "envoyees": "debut"}
    page = unescape(
        client.post("/editeur", data={**step, "aller": "objectifs-vision-strategique"}).get_data(as_text=True)
    )
    assert "Question Q2 sans réponse" in page and 'aria-invalid="true"' in page
    assert re.search(r'name="envoyees" value="debut objectifs-vision-strategique"', page)
    text = (CORPUS / "pole-saveurs-somme.yaml").read_text(encoding="utf-8").replace("\nq05:", "\n# q05:")
    opened, step = _opened_file(client, text)
    assert re.search(r'name="envoyees" value="debut ', opened)
    page = unescape(
        client.post("/editeur", data={**step, "aller": "objectifs-vision-strategique"}).get_data(as_text=True)
    )
    assert "Question Q5 sans réponse" in page  # the file's own gap, said on the first visit of its step


def test_a_result_of_no_grid_entry_shows_on_the_step_of_its_key(client):
    """The retest of 2026-12-07: a recognition without its kind was said on « Le projet » and on the last step,
    never on « Chiffres, reconnaissances et sources », where its field is and « Corriger » leads."""
    text = (CORPUS / "pole-saveurs-somme.yaml").read_text(encoding="utf-8")
    assert "\nreconnaissances:\n  - type: selection-etat\n    appel:" in text
    text = text.replace("\nreconnaissances:\n  - type: selection-etat\n    appel:", "\nreconnaissances:\n  - appel:", 1)
    _opened, step = _opened_file(client, text)
    facts = unescape(client.post("/editeur", data={**step, "aller": "faits"}).get_data(as_text=True))
    assert "Dire quelle reconnaissance c'est, une seule fois (le champ « Reconnaissances" in facts
    assert re.search(r"Chiffres, reconnaissances et sources\s*<span class=\"count\">— 1 point", facts)
    first = unescape(client.post("/editeur", data={**step, "aller": "debut"}).get_data(as_text=True))
    assert "Dire quelle reconnaissance c'est" not in first


def _edition(page: str) -> str:
    return re.search(r'name="edition" id="edition" value="([^"]*)"', page)[1]


def test_a_description_keeps_its_edition_from_step_to_step_and_a_new_one_gets_its_own(client, tmp_path):
    """What editor.js tells a description's pages by, in a browser tab, to undo what the Back button would."""
    first, other = client.get("/editeur").get_data(as_text=True), client.get("/editeur").get_data(as_text=True)
    edition = _edition(first)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", edition) and _edition(other) != edition
    step = {"etape": "debut", "etat": _state(first), "edition": edition, "nom": "Pôle suivi", "aller": "fin"}
    page = client.post("/editeur", data=step).get_data(as_text=True)
    assert _edition(page) == edition and 'nom: "Pôle suivi"' in _state(page)
    assert "rien de ce que vous avez envoyé depuis n'est perdu" not in unescape(page)
    again = {"etat": _state(page), "edition": edition, "aller": "debut", "a_jour": "1"}  # what editor.js sends
    page = client.post("/editeur", data=again).get_data(as_text=True)
    assert _edition(page) == edition and 'value="Pôle suivi"' in page
    assert "rien de ce que vous avez envoyé depuis n'est perdu" in unescape(page)
    forged = client.post("/editeur", data={**step, "edition": '"><script>'}).get_data(as_text=True)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", _edition(forged))
    opened = client.post(
        "/editeur",
        data={
            "etat": _state(page),
            "edition": edition,
            "ouvrir": "fichier",
            "fichier": (CORPUS.joinpath("tiers-lieu-gueret.yaml").open("rb"), "t.yaml"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "id: tiers-lieu-gueret" in _state(opened)
    assert _edition(opened) != edition  # another description


@pytest.mark.parametrize("path", ["/editeur", "/editor"])
def test_a_new_description_shows_no_problem_before_anything_is_sent(client, path):
    """The first visit said « Le projet doit avoir un nom » in red before the carrier had typed a letter."""
    page = client.get(path).get_data(as_text=True)
    assert "result-violation" not in page and "result-warning" not in page
    assert 'aria-invalid="true"' not in page
    assert "à revoir" not in page and "to review" not in page
    sent = client.post(path, data={"etape": "debut", "nom": "", "aller": "debut"}).get_data(as_text=True)
    assert "result-violation" in sent and 'aria-invalid="true"' in sent


def test_a_missing_name_is_said_beside_the_name_not_the_identifier(client):
    step = {"etape": "acteurs-impliques", "aller": "acteurs-impliques", "envoyees": "debut acteurs-impliques"}
    page = client.post("/editeur", data={**step, "acteurs.__n": "0", "ajouter": "acteurs"}).get_data(as_text=True)
    name = page[page.index('id="champ-acteurs-0-nom"') :]
    assert 'aria-invalid="true"' not in name[: name.index(">")]  # just added: nothing said until it is sent
    assert "doit avoir un nom" not in page
    page = client.post("/editeur", data={**step, "etat": _state(page), "acteurs.__n": "1", "acteurs.0.nom": ""})
    page = page.get_data(as_text=True)
    name = page[page.index('id="champ-acteurs-0-nom"') :]
    assert 'aria-invalid="true"' in name[: name.index(">")]
    assert "doit avoir un nom" in name[: name.index("</div>")]
    # each identifier says what it looks like and where to find it
    category = page[page.index('id="champ-acteurs-0-categorie_juridique-aide"') :]
    assert "avis de situation Sirene" in category[: category.index("</span>")]
    identifier = page[page.index('id="champ-acteurs-0-id"') :]
    assert 'aria-invalid="true"' not in identifier[: identifier.index(">")]
    assert "doit avoir un nom" not in identifier[: identifier.index("</div>")]


def test_the_last_step_leads_back_to_the_step_of_each_result_and_the_first_step_counts_its_own(client):
    text = (CORPUS / "pole-saveurs-somme.yaml").read_text(encoding="utf-8")
    text = text.replace("contact@saveurs-somme.example.org", "pas-une-adresse")  # a violation on the project itself
    page = client.post("/editeur", data={"etape": "fin", "etat": text, "aller": "fin"}).get_data(as_text=True)
    start = page.index('<nav class="steps"')
    steps = page[start : page.index("</nav>", start)]
    first = steps[steps.index('value="debut"') :]
    assert "point(s) à revoir" in first[: first.index("</li>")]
    buttons = re.findall(r'<button type="submit" name="aller" value="([^"]+)">Corriger dans le formulaire', page)
    assert "debut" in buttons
    assert set(buttons) <= set(STEPS)


def test_the_last_step_says_each_result_once(client):
    page = client.post("/editeur", data={"etape": "debut", "nom": "Pôle", "aller": "fin"}).get_data(as_text=True)
    assert page.count("Question Q5 sans réponse") == 1  # in the report, under its entry
    assert 'id="fin-messages"' not in page  # not before it as well, in a list of its own


def test_one_mistake_at_two_fields_stands_beside_both_and_counts_once_at_the_last_step(client):
    """A cooperative declared « ESS : non »: its type and its « ESS » say otherwise, one mistake."""
    sent = {"acteurs.__n": "1", "acteurs.0.nom": "Juratri", "acteurs.0.type": "cooperative", "acteurs.0.type.__vu": "1"}
    sent["acteurs.0.ess"] = "false"
    page = client.post("/editeur", data=sent | {"etape": "acteurs-impliques", "aller": "acteurs-impliques"}).text
    for field in ("ess", "type"):
        said = page[page.index(f'id="champ-acteurs-0-{field}-messages"') :]
        assert "Pour Juratri, « ESS » dit non, mais" in unescape(said[: said.index("</div>")]), field
    last = client.post("/editeur", data=sent | {"etape": "acteurs-impliques", "aller": "fin"}).text
    assert unescape(last).count("Pour Juratri, « ESS » dit non, mais") == 1


def test_switching_language_carries_the_description_being_written(client):
    page = client.get("/editeur").get_data(as_text=True)
    switch = re.search(r'<p class="lang-switch"><button ([^>]*)>', page).group(1)
    assert 'form="editeur"' in switch and 'formaction="editor#etape-titre"' in switch and 'value="debut"' in switch
    page = client.post(
        "/editor", data={"etape": "debut", "etat": _state(page), "nom": "Pôle des Deux Rives", "aller": "debut"}
    ).get_data(as_text=True)
    assert '<html lang="en"' in page and 'nom: "Pôle des Deux Rives"' in _state(page)


def test_a_value_the_loader_refuses_is_shown_beside_its_control(client):
    page = client.post(
        "/editeur",
        data={"etape": "debut", "nom": "Pôle", "date_creation": "mars 2024", "aller": "debut"},
    ).get_data(as_text=True)
    field = page[page.index('id="champ-date_creation"') :]
    assert "écrire 2024-03-15" in field[: field.index("</div>")] and "aria-invalid" in field[:300]


def test_every_value_the_loader_refuses_is_shown_beside_its_own_control_at_once(client):
    """The carrier's walk of 2026-12-06: a web address without https:// hid a date typed in words, which the
    carrier found only once the first was corrected; a third value, on another step, was not told at all."""
    data = {
        "etape": "debut",
        "etat": 'nom: Pôle\nmaturite: emergent\nfinancements:\n  - financeur: "Région"\n    debut: janvier 2026\n',
        "nom": "Pôle",
        "date_creation": "mars 2024",
        "site_web": "www.pole.fr",
        "aller": "debut",
    }
    page = unescape(client.post("/editeur", data=data).get_data(as_text=True))
    assert "3 valeurs sont à corriger" in page
    for field, said in (("date_creation", "écrire 2024-03-15"), ("site_web", "https://")):
        around = page[page.index(f'id="champ-{field}"') :]
        assert said in around[: around.index("</div>")] and "aria-invalid" in around[:300], field
    assert "une date, et non 'janvier 2026'" in page and "étape « 9. Financement prévisionnel »" in page


def test_a_value_refused_on_another_step_says_which_field_and_step_and_leads_there(client):
    # the carrier types a wrong date in step 9, then goes to the last step: the field is not on that page
    data = {
        "etape": "financement-previsionnel",
        "etat": "nom: Pôle\nmaturite: emergent\n",
        "financements.__n": "1",
        "financements.0.financeur": "Région Normandie",
        "financements.0.debut": "janvier 2026",
        "aller": "fin",
    }
    page = unescape(client.post("/editeur", data=data).get_data(as_text=True))
    said = page[page.index('id="fin-messages"') :]
    said = said[: said.index("</ul>")]
    assert "une date, et non 'janvier 2026'" in said
    assert "« Financement 1 › Début »" in said and "étape « 9. Financement prévisionnel »" in said
    assert re.search(
        r'<button type="submit" name="aller" value="financement-previsionnel" form="editeur">Corriger', said
    )
    # on its own step, the message stands beside the field, as before, without the way there
    data["aller"] = "financement-previsionnel"
    page = unescape(client.post("/editeur", data=data).get_data(as_text=True))
    field = page[page.index('id="champ-financements-0-debut"') :]
    assert "une date, et non 'janvier 2026'" in field[: field.index("</div>")]
    assert "étape « 9." not in field[: field.index("</div>")]


def test_add_and_remove_items(client):
    page = client.post("/editeur", data={"etape": "plan-actions", "actions.__n": "0", "ajouter": "actions"})
    page = page.get_data(as_text=True)
    assert 'name="actions.0.nom"' in page
    page = client.post(
        "/editeur",
        data={
            "etape": "plan-actions",
            "etat": _state(page),
            "actions.__n": "1",
            "actions.0.nom": "A",
            "retirer": "actions.0",
        },
    ).get_data(as_text=True)
    assert 'name="actions.0.nom"' not in page


def test_download_and_reopen(client):
    import io

    sample = CORPUS / "tiers-lieu-gueret.yaml"
    page = client.post(
        "/editeur", data={"ouvrir": "fichier", "fichier": (io.BytesIO(sample.read_bytes()), sample.name)}
    ).get_data(as_text=True)
    assert 'value="Tiers-lieu des services de Guéret"' in page
    response = client.post("/editeur", data={"etape": "fin", "etat": _state(page), "telecharger": "yaml"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="tiers-lieu-gueret.yaml"'
    again = load_description(response.get_data(as_text=True))
    assert again.data == load_description(sample).data


def test_english_editor(client):
    page = client.get("/editor").get_data(as_text=True)
    assert '<html lang="en">' in page and "Fill a description in along the grid" in page


def test_line_breaks_typed_in_a_text_area_are_kept_as_line_feeds(client):
    """Browsers send a textarea's lines with CRLF: the YAML and the RDF made of it had a \\r in each."""
    response = client.post(
        "/editeur",
        data={
            "etape": "objectifs-vision-strategique",
            "etat": 'format: 2\nnom: "Pôle"\nmaturite: emergent\n',
            "strategie_commune": "Première ligne\r\nseconde ligne\rtroisième",
            "q04": "Réponse\r\nen deux lignes",
            "objectifs": "Un\r\nDeux\r\n",
            "telecharger": "yaml",
        },
    )
    text = response.get_data(as_text=True)
    assert "\r" not in text and "\\r" not in text
    data = load_description(text).data
    assert data["strategie_commune"] == "Première ligne\nseconde ligne\ntroisième"
    assert data["q04"] == "Réponse\nen deux lignes" and data["objectifs"] == ["Un", "Deux"]


def test_serve_prints_the_editor_address_beside_the_others(client):
    from cap_ptce.cli.kb import serving_lines

    lines = serving_lines("127.0.0.1", 8080, "3 triplets")
    editor = [line for line in lines if "http://127.0.0.1:8080/editeur" in line]
    assert len(editor) == 1 and "remplir une description" in editor[0]
    assert lines.index(editor[0]) < len(lines) - 1  # with the other ways in, before the counts
    assert client.get(editor[0].rsplit("8080", 1)[1]).status_code == 200


def test_an_actor_added_then_named_gets_an_id_made_from_its_name(client):
    """Added empty, an actor had « acteur-1 » for good, which reached the IRIs and anchors (#acteur-acteur-1)."""
    page = client.post(
        "/editeur", data={"etape": "acteurs-impliques", "acteurs.__n": "0", "ajouter": "acteurs"}
    ).get_data(as_text=True)
    assert "acteur-1" not in _state(page)
    page = client.post(
        "/editeur",
        data={
            "etape": "acteurs-impliques",
            "etat": _state(page),
            "acteurs.__n": "1",
            "acteurs.0.nom": "Juratri",
            "acteurs.0.id": "",
            "aller": "structure-porteuse",
        },
    ).get_data(as_text=True)
    assert "id: juratri" in _state(page) and 'value="juratri"' in page  # the porteur's choice names it so


def test_an_id_given_is_never_renamed(client):
    state = 'format: 2\nnom: "P"\nmaturite: emergent\nacteurs:\n  - id: acteur-1\n    nom: "Juratri"\n'
    page = client.post("/editeur", data={"etat": state, "aller": "acteurs-impliques"}).get_data(as_text=True)
    assert "id: acteur-1" in _state(page)


@pytest.mark.parametrize("typed", ["1e600000", "9" * 5000, "1e-600000"])
def test_a_number_too_long_to_be_a_figure_is_refused_beside_its_field_at_once(client, typed):
    """« 1e600000 » once took 36 s of a server thread to turn into an integer, and 5,000 digits gave a 500."""
    import time

    started = time.monotonic()
    response = client.post(
        "/editeur",
        data={
            "etape": "perimetre-ancrage-territorial",
            "aller": "perimetre-ancrage-territorial",
            "nom": "x",
            "territoire.population": typed,
        },
    )
    assert response.status_code < 500 and time.monotonic() - started < 10
    page = response.get_data(as_text=True)
    field = page[page.index('id="champ-territoire-population"') :]
    assert "aria-invalid" in field[: field.index("</div>")]


def _actors_step(client, **fields: str) -> str:
    """The actors' step after one actor, Juratri, with ``fields`` (``commune="39000"``) is sent."""
    data = {"etape": "acteurs-impliques", "acteurs.__n": "1", "acteurs.0.nom": "Juratri", "aller": "acteurs-impliques"}
    data.update({f"acteurs.0.{name}": value for name, value in fields.items()})
    return client.post("/editeur", data=data).get_data(as_text=True)


def test_a_seat_that_is_no_commune_is_said_beside_the_actors_seat(client):
    page = _actors_step(client, commune="39000")  # a postcode
    seat = page[page.index('id="champ-acteurs-0-commune"') :]
    assert 'aria-invalid="true"' in seat[: seat.index(">")]
    assert "Lons-le-Saunier (39300)" in unescape(seat[: seat.index("</div>")])  # the commune it serves


def test_the_hint_of_a_code_that_names_no_place_says_what_it_is(client):
    """The carrier's walk of 2026-12-06: « 80000 = ? » beside the seat, where 80000 is Amiens's postcode."""

    def hint_of(page: str) -> str:
        return unescape(page[page.index('id="champ-acteurs-0-commune-aide"') :].split("</span>")[0])

    assert "80000 : un code postal, pas le code INSEE d’une commune actuelle ; il dessert Amiens (80021)" in hint_of(
        _actors_step(client, commune="80000")
    )
    assert "80021 = Amiens" in hint_of(_actors_step(client, commune="80021"))
    # an INSEE code that is also another commune's postal code: both said, no fault (the checking walk)
    assert "69001 = Affoux (aussi un code postal, qui dessert Lyon (69123))" in hint_of(
        _actors_step(client, commune="69001")
    )
    unknown = hint_of(_actors_step(client, commune="00000"))
    assert "00000 : aucun lieu de ce code" in unknown and "?" not in unknown


def test_the_last_steps_report_says_whose_field_a_message_is_about(client):
    """The carrier's walk of 2026-12-06: « Commune 80000 : c'est un code postal… » on the last step, without the
    actor whose seat it is; a message that names its actor already is left as it is."""
    data = {"etape": "acteurs-impliques", "acteurs.__n": "1", "acteurs.0.nom": "Juratri", "aller": "fin"}
    page = client.post("/editeur", data={**data, "acteurs.0.commune": "80000"}).get_data(as_text=True)
    shown = [unescape(re.sub("<[^>]+>", "", m)) for m in re.findall(r'<p class="result-message">(.*?)</p>', page, re.S)]
    [seat] = [m for m in shown if "80000" in m]
    assert seat.startswith("Juratri : Code de commune 80000 : c'est un code postal") and "Amiens (80021)" in seat
    assert not [m for m in shown if m.startswith("Juratri : Juratri")]


def test_a_field_of_one_place_asks_for_one_code(client):
    page = _actors_step(client)
    hint = unescape(page[page.index('id="champ-acteurs-0-commune-aide"') :].split("</span>")[0])
    assert "Code INSEE de la commune" in hint and "séparés par des espaces" not in hint  # a seat is one commune
    page = client.post("/editeur", data={"aller": "perimetre-ancrage-territorial"}).get_data(as_text=True)
    hint = unescape(page[page.index('id="champ-territoire-communes-aide"') :].split("</span>")[0])
    assert "séparés par des espaces" in hint  # a territory's communes are a list


def test_an_actor_left_without_a_name_is_called_by_its_place_in_the_form_never_by_the_id_the_editor_gave_it(client):
    """The carrier's walk of 2026-12-06, finding 5: « acteur-2 : ni son type… » beside an actor added and left
    empty, and on the last step « L'acteur doit avoir un nom » without saying which."""
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n  - id: acteur-1\n    nom: Coop\n    type: cooperative\n"
    state += "  - id: acteur-2\n"
    for step in ("acteurs-impliques", "fin"):
        raw = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": step}).get_data(as_text=True)
        raw = raw[raw.index("</textarea>") :]
        assert "acteur-2" not in re.sub(r'(id|name|value|for|form)="[^"]*"', "", raw), step  # said, not in attributes
        shown = unescape(raw)
        assert "Acteur 2 (sans nom) : " in shown, step
    assert "Acteur 2 (sans nom) : L'acteur doit avoir un nom" in shown
    assert "Coop" in shown and "Acteur 1 (sans nom)" not in shown  # a named actor is called by its name


def test_actors_just_added_and_still_empty_are_called_by_their_place_in_the_form(client):
    """The carrier's walk of 2026-12-06 (end): two actors added with the form's button, still empty, and the
    messages beside them began « acteur-1 : … », the id made for the check, which the form does not show."""
    two = {"acteurs.__n": "2", "acteurs.0.nom": "", "acteurs.1.nom": ""}  # as a browser sends them: empty fields
    page = client.post("/editeur", data={"etape": "acteurs-impliques", **two, "ajouter": "acteurs"})
    raw = page.get_data(as_text=True)
    raw = re.sub(r'(id|name|value|for|form|href)="[^"]*"', "", raw[raw.index("</textarea>") :])
    shown = unescape(re.sub(r"<[^>]+>", " ", raw))
    assert re.search(r"acteur-\d", shown) is None
    assert "Acteur 1 (sans nom) : " in shown and "Acteur 2 (sans nom) : " in shown
    assert "Acteur 3 (sans nom) : " not in shown  # the one just added: nothing said of it until it is sent


def test_the_editor_numbers_the_questions_as_its_form_does_never_by_their_ids(client):
    """The carrier's walk of 2026-12-06, finding 8: « Question q01 sans réponse » beside a field labelled « Q1. »."""
    page = client.post("/editeur", data={"etape": "fin", "etat": "nom: Pôle\nmaturite: emergent\n", "aller": "fin"})
    raw = page.get_data(as_text=True)
    raw = re.sub(r'(id|name|value|for|form|href)="[^"]*"', "", raw[raw.index("</textarea>") :])
    shown = unescape(re.sub(r"<[^>]+>", " ", raw))
    assert "Question Q1 sans réponse" in shown and "Q2, Q3, Q4, Q5, Q6" in shown
    assert re.search(r"\bq\d\d\b", shown) is None


def test_the_button_that_removes_an_item_names_it_as_its_legend_does(client):
    """The carrier's walk of 2026-12-06: « Retirer Acteurs 1 », beside a legend « Acteurs — 1 : SCIC Entraide »."""
    page = client.post(
        "/editeur",
        data={"etape": "acteurs-impliques", "acteurs.__n": "2", "acteurs.0.nom": "SCIC Entraide", "acteurs.1.nom": ""},
    ).get_data(as_text=True)
    assert "Retirer « Acteur 1 : SCIC Entraide »</button>" in page
    assert "Retirer « Acteur 2 »</button>" in page


def test_an_items_name_comes_before_its_identifier(client):
    """The carrier's walk of 2026-12-06: each actor began with « Identifiant de l'acteur », which the form makes from
    the name; the name now comes first, as on the project's first step."""
    page = client.post(
        "/editeur",
        data={
            "etape": "acteurs-impliques",
            "acteurs.__n": "1",
            "groupes.__n": "1",
            "acteurs.0.nom": "",
            "groupes.0.nom": "",
        },
    ).get_data(as_text=True)
    for item in ("acteurs.0", "groupes.0"):
        assert page.index(f'name="{item}.nom"') < page.index(f'name="{item}.id"'), item


def test_a_group_gets_its_identifier_from_its_name_as_an_actor_does(client):
    """A carrier's walk of 2026-12-06: a group added, named or not, was told « la clé 'id' est obligatoire ici », the
    check could not run and the dossier's buttons went; its identifier stayed empty under its name."""
    page = client.post(
        "/editeur",
        data={"etape": "acteurs-impliques", "groupes.__n": "1", "groupes.0.nom": "Collège des habitants"},
    ).get_data(as_text=True)
    assert 'name="groupes.0.id" value="college-des-habitants"' in page
    assert "obligatoire ici" not in page
    empty = client.post("/editeur", data={"etape": "acteurs-impliques", "ajouter": "groupes"}).get_data(as_text=True)
    assert "obligatoire ici" not in empty


def test_the_boxes_of_a_tree_of_kinds_stand_each_under_its_broader_one(client):
    """The carrier's walk of 2026-12-06 (end): 21 boxes in a flat list, « Entreprise », « Entreprise de l'économie
    sociale et solidaire » and « Coopérative » side by side, without saying whether to tick one or several."""
    page = _actors_step(client)
    block = page[page.index('id="champ-acteurs-0-type"') :]
    block = unescape(block[: block.index("</fieldset>")])
    depth = {
        label.strip(): int(level or 0)
        for level, label in re.findall(r'<label class="choice(?: depth-(\d))?"><input[^>]*>([^<]+)</label>', block)
    }
    assert depth["Entreprise"] == 1 and depth["Coopérative"] == 3 and depth["Collectivité"] == 0
    assert "cochez le plus précis" in block
    scheme = load_grid().scheme("types-acteurs")
    assert len(depth) == len(scheme.concepts)


def test_each_result_of_the_last_step_leads_to_its_own_field(client):
    """The carrier's walk of 2026-12-06 (end): « Corriger dans le formulaire : Acteurs impliqués » led to the
    top of the step, not to the actor at fault; each result about a field now has a button to that field."""
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n  - id: acteur-1\n    nom: Coop\n    type: cooperative\n"
    state += "    commune: '80000'\n  - id: acteur-2\n"
    page = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": "fin"}).get_data(as_text=True)
    fixes = re.findall(r'name="aller" value="([^"]+)" formaction="[^"#]*#([^"]+)" class="fix">([^<]+)</button>', page)
    labels = [unescape(label) for _step, _anchor, label in fixes]
    assert "Corriger « Acteur 1 › Siège »" in labels and "Corriger « Acteur 2 › Nom »" in labels
    assert "Corriger « Votre réponse à la question 1 »" in labels
    # results of the project whose predicate is a block's key, or the first of a path (the walk that checked it)
    assert "Corriger « Structure porteuse › Structure(s) porteuse(s) »" in labels
    assert "Corriger « Territoire »" in labels
    assert not [label for label in labels if "Identifiant" in label]  # a result of the project's own: no field
    for step, anchor, label in fixes:  # each button's field is on its step
        target = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": step}).get_data(as_text=True)
        assert f'id="{anchor}"' in target, (label, step, anchor)


def test_an_unnamed_actor_is_offered_by_its_legends_name_never_its_made_up_id(client):
    """The English carrier's walk of 2026-12-06: « acteur-4 » among the carrying organisation's choices."""
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n  - id: coop\n    nom: Coop\n  - id: acteur-2\n"
    page = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": "structure-porteuse"})
    page = unescape(page.get_data(as_text=True))
    assert "> Acteur 2 (sans nom)</label>" in page or ">Acteur 2 (sans nom)<" in page
    assert "> acteur-2<" not in page and "> acteur-2</label>" not in page


def test_english_legends_put_no_space_before_the_colon(client):
    page = client.post(
        "/editor", data={"etape": "acteurs-impliques", "acteurs.__n": "1", "acteurs.0.nom": "Scop", "lang": "en"}
    ).get_data(as_text=True)
    assert "<legend>Actor 1: Scop</legend>" in unescape(page)


def test_the_file_downloaded_in_english_titles_its_entries_in_english(client):
    """The English carrier's walk of 2026-12-06: « # Entrée 2 — Objectifs et vision stratégique » in the file of
    the English editor, whose blank template is titled in English; the keys stay French in both."""
    state = "nom: Hub\nmaturite: emergent\nstrategie_commune: Share a workshop.\n"
    english = client.post("/editor", data={"etape": "fin", "etat": state, "telecharger": "yaml"}).get_data(as_text=True)
    french = client.post("/editeur", data={"etape": "fin", "etat": state, "telecharger": "yaml"}).get_data(as_text=True)
    assert "# Entry 2 — " in english and "# Entrée" not in english and "strategie_commune:" in english
    assert "# Entrée 2 — " in french


def test_a_value_the_reader_refuses_is_told_in_a_sentence_of_its_own(client):
    """The English carrier's walk of 2026-12-06: « ✖ Violation expected: a date, not '2026-13' » read as
    « Violation expected »."""
    data = {"etape": "financement-previsionnel", "financements.__n": "1", "financements.0.debut": "2026-13"}
    page = unescape(client.post("/editor", data={**data, "aller": "financement-previsionnel"}).get_data(as_text=True))
    assert "Expected: a date, not '2026-13'" in page and "expected: a date" not in page


ODD_VALUES = ["5", "true", "2024-01-01", "[1, 2]", "{a: 1}", "[[1]]", "null", "[]", "{}", "[{a: 1}]", "[{nom: X}]"]
ODD_VALUES += ["-1", "1.5", "[true]", "[null]", "{nom: [1]}", "[{id: 5}]", "[{nom: {a: 1}}]", "[x, y]", "[{}]"]


def _key_states(spec, depth: int = 0):
    """(the project's key, a state giving « {v} » to that key or to a key of its blocks) for every key."""
    for key in spec.keys:
        field = spec.field(key)
        yield key, [f"{key}: {{v}}"]
        inner = SPECS.get(field.arg) if field.kind in (Kind.OBJECTS, Kind.NEST, Kind.OBJECT) else None
        if inner is not None and depth < 1:
            for _, lines in _key_states(inner, depth + 1):
                bullet = field.kind == Kind.OBJECTS
                prefixes = ("  - " if bullet and not n else "    " if bullet else "  " for n in range(len(lines)))
                yield key, [f"{key}:", *(prefix + line for prefix, line in zip(prefixes, lines))]


@pytest.mark.parametrize("key", PROJECT.keys)
def test_no_value_of_any_shape_under_a_key_of_the_form_makes_it_fail(client, key):
    """The operator's fuzzing of 2026-12-07: « q01: 2019 », « acteurs: 5 », « format: 3 », « porteurs: 5 », an
    item added to « acteurs: 5 »… each gave a 500 (426 of 3,978 requests, then 188 of 5,643 on the steps that
    show the field). The form keeps such a value as it is and the check says what is wrong with it."""
    from cap_ptce.web.editor import _step_of

    step = _step_of(key)
    actions = [{"aller": step, "etape": step}, {"aller": "fin"}, {"telecharger": "1", "etape": step}]
    actions += [{"ajouter": key, "etape": step}, {"retirer": f"{key}.0", "etape": step}]
    own, *nested = (lines for found, lines in _key_states(PROJECT) if found == key)
    tried = [(own, value, action) for value in ODD_VALUES for action in actions]
    # a key of its blocks: the step that shows it, with the values that broke one (18,620 requests by hand)
    tried += [(lines, value, actions[0]) for lines in nested for value in ("5", "true", "[1, 2]", "{a: 1}", "x")]
    for lines, value, action in tried:
        state = "nom: Pôle\n" + "\n".join(lines).replace("{v}", value) + "\n"
        response = client.post("/editeur", data={"etat": state, **action})
        assert response.status_code in (200, 400), (state, action, response.status_code)


@pytest.mark.parametrize(
    ("given", "plain", "whole"),
    [
        ("cœur-solidaire", 'filename="coeur-solidaire.yaml"', "filename*=UTF-8''c%C5%93ur-solidaire.yaml"),
        ("pôle", 'filename="pole.yaml"', "filename*=UTF-8''p%C3%B4le.yaml"),
        ('a"b\r\nX-Evil: 1', 'filename="a_b_X-Evil: 1.yaml"', None),  # the form's line break is one: \n
    ],
)
def test_the_downloaded_files_name_is_the_id_given_in_a_header_a_server_can_send(client, given, plain, whole):
    """An id typed with « œ » made the server fail (a header is Latin-1), one with a line break too."""
    response = client.post("/editeur", data={"etape": "debut", "id": given, "nom": "x", "telecharger": "1"})
    disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200 and disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    assert plain in disposition
    assert disposition == f"attachment; {plain}" + (f"; {whole}" if whole else "")


@pytest.mark.parametrize(
    ("state", "kept"),
    [("acteurs: 5", "acteurs: 5"), ("acteurs: [1, 2]", "  - 1\n  - 2"), ("gouvernance: 3", "gouvernance: 3")],
)
def test_a_value_the_form_has_no_control_for_is_downloaded_as_it_was(client, state, kept):
    """Never lost: a value of another shape than its field's is kept as it is through every step and the
    download (the actors' list given as one value came back empty, or as made-up actors)."""
    for step in ("acteurs-impliques", "mode-gouvernance", "debut"):
        data = {"etat": f"nom: Pôle\n{state}\n", "etape": step, "telecharger": "1"}
        assert kept in client.post("/editeur", data=data).get_data(as_text=True), step
