"""The editor's messages name the form's fields, not the YAML keys (the carrier's walk of 2026-12-05, finding 5)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.web.editor_words import in_form_words


@pytest.mark.parametrize(
    ("text", "path", "step", "expected"),
    [
        (
            "La nommer sous « structure_porteuse: porteurs: [id] ».",
            (),
            "structure-porteuse",
            "La nommer dans « Structure(s) porteuse(s) ».",
        ),
        (
            "Remplir « structure_porteuse.experience_cooperation », ou y répondre en quelques lignes sous « q01: ».",
            ("q01",),
            "structure-porteuse",
            "Remplir « Expérience de coopération », ou y répondre en quelques lignes dans « Votre réponse à la question 1 ».",
        ),
        ("Donner « ess: », avec « ess: true ».", (), "acteurs-impliques", "Donner « ESS », avec « ESS : oui »."),
        ("L'acteur doit avoir un nom (clé « nom »).", ("acteurs", 0, "id"), "acteurs-impliques", "(le champ « Nom »)"),
        (
            "La décrire sous « strategie_commune ».",
            (),
            "structure-porteuse",
            "La décrire dans « Stratégie commune » (étape « 2. Objectifs et vision stratégique »).",
        ),
        ("Écrire le vrai texte, ou supprimer la clé.", ("nom",), "debut", "Écrire le vrai texte, ou vider le champ."),
        (
            "« portage: personne-morale »",
            ("structure_porteuse",),
            "structure-porteuse",
            "« Mode de portage : Portage par une personne morale »",
        ),
    ],
)
def test_a_quoted_key_becomes_the_label_of_its_field(text, path, step, expected):
    assert expected in in_form_words(text, path, step, load_grid(), "fr")


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("entrée « Structure porteuse du projet » : « Quel est le degré ? »", ("q01",), None),
        ("Texte laissé tel quel : « nom » n'est pas une réponse.", ("acteurs", 0, "nom"), "nom"),  # the carrier's text
        ("« ess: peut-être »", ("acteurs", 0, "ess"), None),  # a value the form has no word for
        ("« structure_porteuse: acteur »", (), None),  # the first format's key: no field of the form
        ("sous « q99: »", (), None),  # no such question
    ],
)
def test_what_is_not_a_key_of_the_form_is_left_as_written(text, path, value):
    assert in_form_words(text, path, "structure-porteuse", load_grid(), "fr", value) == text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # « epci » is a kind of actor and a kind of funder: the message's other kinds tell which
        (
            "Déclarer son type (« collectivite-territoriale », « epci »).",
            "fr",
            "Déclarer son type (« Collectivité territoriale », « Établissement public de coopération intercommunale "
            "(EPCI) »).",
        ),
        ("Declare its kind (“organisme-formation”, “epci”).", "en", "“Training body”, “Inter-municipal"),
        ("« autre »", "fr", "« autre »"),  # ten lists, and nothing to say which: left as written
    ],
)
def test_a_quoted_concept_is_named_as_the_forms_list_names_it(text, lang, expected):
    """The carrier's walk of 2026-12-06: the décret's warning listed kinds of actor by their YAML ids, which the
    form's list shows by their labels."""
    assert expected in in_form_words(text, (), "structure-porteuse", load_grid(), lang)


def test_in_english_too():
    text = "The actor must have a name (key “nom”). Write the real text, or remove the key."
    words = in_form_words(text, ("acteurs", 0, "id"), "acteurs-impliques", load_grid(), "en")
    assert words == "The actor must have a name (the field “Name”). Write the real text, or empty the field."


def test_the_structure_step_speaks_of_its_fields(client):
    step = {"etape": "debut", "nom": "Pôle", "aller": "structure-porteuse"}
    page = client.post("/editeur", data={**step, "envoyees": "structure-porteuse"})  # sent before: its results show
    shown = " ".join(
        re.sub(r"<[^>]+>", "", unescape(m))
        for m in re.findall(r'<ul class="field-messages"[^>]*>(.*?)</ul>', page.get_data(as_text=True), re.S)
    )
    assert "« Structure(s) porteuse(s) »" in shown and "« Expérience de coopération »" in shown
    assert "structure_porteuse" not in shown and "« q01: »" not in shown


def test_another_step_is_named_once_per_message():
    text = "Remplir « strategie_commune » ou « objectifs »."
    words = in_form_words(text, (), "structure-porteuse", load_grid(), "fr")
    assert words.count("(étape « 2. Objectifs et vision stratégique »)") == 1


def test_the_last_steps_report_speaks_of_the_fields_too(client):
    page = client.post("/editeur", data={"etape": "debut", "nom": "Pôle", "aller": "fin"}).get_data(as_text=True)
    shown = " ".join(unescape(m) for m in re.findall(r'<p class="result-message">(.*?)</p>', page, re.S))
    assert "La nommer dans « Structure(s) porteuse(s) »." in shown  # under its own entry: no step named
    assert "structure_porteuse" not in shown and "« q01: »" not in shown


def _dossier_form(page: str) -> dict:
    """The hidden fields of the last step's dossier form, as the browser sends them."""
    form = re.search(r'<form method="post" action="[^"]*dossier"[^>]*>(.*?)</form>', page, re.S)[1]
    return {name: unescape(value) for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form)}


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_dossier_asked_from_the_editor_speaks_of_the_fields_as_its_report_does(client, fmt):
    """The carrier's walk of 2026-12-06: the dossier's annex said « sous « q01: » » where the editor said
    « dans « Votre réponse à la question 1 » »."""
    page = client.post("/editeur", data={"etape": "debut", "nom": "Pôle", "aller": "fin"}).get_data(as_text=True)
    fields = _dossier_form(page)
    assert fields["mots"] == "formulaire"
    annex = client.post("/dossier", data={**fields, "format": fmt, "comparaison": "non"}).get_data(as_text=True)
    annex = unescape(annex).replace("\u00a0", " ")  # the HTML keeps guillemets to their words
    assert "La nommer dans « Structure(s) porteuse(s) »." in annex
    assert "« q01: »" not in annex and "porteurs" not in annex
    # the same description sent as a file (the validator's form, the command): an unanswered question is named,
    # and where to write it in the file is not said either, since the dossier's reader never sees the file
    as_file = client.post("/dossier", data={**fields, "mots": "fichier", "format": fmt, "comparaison": "non"})
    said = unescape(as_file.get_data(as_text=True)).replace("\u00a0", " ")
    assert "sans réponse" in said and "sous « q01: »" not in said and "Y répondre" not in said


def test_the_dossier_refuses_words_it_does_not_know(client):
    response = client.post("/dossier", data={"texte": "nom: Pôle\n", "nom": "p.yaml", "mots": "autres"})
    assert response.status_code == 400 and "mots" in response.get_data(as_text=True)
    # each parameter is checked before the description is read: what is wrong with it is said first
    response = client.post("/dossier", data={"texte": "nom: Pôle\n", "nom": "p.yaml", "comparaison": "peut-être"})
    assert response.status_code == 400 and response.get_json()["message"].startswith("valeur de comparaison")
    # a value sent is quoted, not sent back whole: 100,000 characters gave an error of 100 kB
    for key in ("mots", "comparaison", "format"):
        response = client.post("/dossier", data={"texte": "nom: Pôle\n", "nom": "p.yaml", key: "x" * 100_000})
        assert response.status_code == 400 and len(response.data) < 1_000, key


def test_the_actors_kind_is_called_a_type_as_the_messages_call_it():
    """The carrier's walk of 2026-12-06 (end): the messages said « son type » beside a field labelled « Nature »,
    a word the same messages give to the legal nature (« sa nature juridique »)."""
    from cap_ptce.web.editor_words import field_label

    assert field_label(("acteurs", 0, "type"), "fr") == "Acteur 1 › Type d’acteur"
    assert field_label(("groupes", 1, "type"), "en") == "Group of members 2 › Kind of group"
    # a retest: « Corriger « Acteur 1 › Type d'acteur 1 » », a field no one sees (the kinds are boxes to tick)
    assert field_label(("acteurs", 0, "type", 0), "fr") == "Acteur 1 › Type d’acteur"
    assert field_label(("acteurs", 1, "nom"), "fr") == "Acteur 2 › Nom"  # an item of a list of blocks keeps its number
    assert "« Type d’acteur »" in in_form_words(
        "Donner « type ».", ("acteurs", 0, "nom"), "acteurs-impliques", load_grid(), "fr"
    )


def test_an_enterprise_declared_a_partner_is_told_beside_its_relation_in_the_forms_words(client):
    """The carrier's walk of 2026-12-06 (end): « retirer « relation: partenaire » » under the actor's identifier,
    where the form's field is « Membre ou partenaire » and its choice « membre du pôle »."""
    actors = [
        '  - {id: coop, nom: Coop, type: cooperative, ess: oui, categorie_juridique: "5458"}',
        '  - {id: dupont, nom: Transports Dupont, type: entreprise-hors-ess, ess: non, categorie_juridique: "5499",'
        " relation: partenaire}",
    ]
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n" + "\n".join(actors) + "\n"
    page = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": "acteurs-impliques"})
    beside = {
        name: unescape(re.sub(r"<[^>]+>", " ", text))
        for name, text in re.findall(
            r'<ul class="field-messages" id="([^"]+)"[^>]*>(.*?)</ul>', page.get_data(as_text=True), re.S
        )
    }
    told = beside["champ-acteurs-1-relation-messages"]
    assert "Transports Dupont est une entreprise hors ESS" in told
    assert "la déclarer membre (« Membre ou partenaire : membre du pôle »)" in told and "relation:" not in told


def test_the_dossier_asked_from_the_editor_names_an_unnamed_actor_once(client):
    """The English carrier's walk of 2026-12-06: « Actor 4 (no name): Actor 4 (no name): The actor must have a
    name », the editor's words then the dossier's each saying which."""
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n  - id: coop\n    nom: Coop\n  - id: acteur-2\n"
    page = client.post("/editeur", data={"etape": "fin", "etat": state, "aller": "fin"}).get_data(as_text=True)
    fields = _dossier_form(page)
    annex = unescape(
        client.post("/dossier", data={**fields, "format": "md", "comparaison": "non"}).get_data(as_text=True)
    )
    assert "Acteur 2 (sans nom) : L'acteur doit avoir un nom" in annex
    assert "Acteur 2 (sans nom) : Acteur 2 (sans nom)" not in annex


def test_a_field_is_never_asked_for_quotes():
    """The checking walk of 2026-12-06: « Code INSEE de commune invalide : 5 caractères entre guillemets » beside
    a form's field, where only the YAML file needs quotes."""
    text = 'Code INSEE de commune invalide : 5 caractères entre guillemets, par exemple "80021".'
    words = in_form_words(text, ("acteurs", 0, "commune"), "acteurs-impliques", load_grid(), "fr")
    assert words == 'Code INSEE de commune invalide : 5 caractères, par exemple "80021".'
    english = in_form_words("5 characters in quotes, for example", (), "debut", load_grid(), "en")
    assert english == "5 characters, for example"
