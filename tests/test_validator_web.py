"""The validator in the browser (/valider, /validate) and its JSON API, without a browser.

The JSON API answers exactly what ``cap-ptce validate --format json`` writes,
on every sample and on broken files; nothing sent is written to disk.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
SAMPLES = sorted(CORPUS.glob("*.yaml"))
SAMPLE = CORPUS / "tiers-lieu-gueret.yaml"


def _broken_files(folder: Path) -> list[Path]:
    text = SAMPLE.read_text(encoding="utf-8")
    files = {
        "siren-faux.yaml": text.replace('siren: "701515041"', 'siren: "701515042"').replace("\nq05:", "\n# q05:"),
        "cle-inconnue.yaml": text.replace("\nnom:", "\nnmo:", 1),
        "yaml-casse.yaml": text.replace("acteurs:\n", "acteurs: [\n", 1),
        "sans-territoire.yaml": text.replace('  communes: ["23096"]\n', "")
        .replace('  departements: ["23"]\n', "")
        .replace('  regions: ["75"]\n', ""),
        "turtle-casse.ttl": "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<x> cap:y \n",
        "pas-utf8.yaml": None,
    }
    paths = []
    for name, content in files.items():
        path = folder / name
        if content is None:
            path.write_bytes('nom: "Pôle"\n'.encode("latin-1"))
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def _cli_json(paths: list[Path], lang: str) -> dict[str, dict]:
    """What ``cap-ptce validate --format json`` writes for each file (one run), as one report per file."""
    folder = paths[0].parent
    result = subprocess.run(
        [sys.executable, "-m", "cap_ptce", "validate", *(p.name for p in paths), "--format", "json", "--lang", lang],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1, 2), result.stderr
    whole = json.loads(result.stdout)
    return {
        entry["file"]: {
            "version": whole["version"],
            "lang": whole["lang"],
            "conforms": entry["conforms"],
            "files": [entry],
        }
        for entry in whole["files"]
    }


def _api_json(client, path: Path, lang: str):
    route = "/valider" if lang == "fr" else "/validate"
    response = client.post(
        route,
        data={"fichier": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    return response


def test_the_json_api_gives_what_the_command_line_gives_on_every_sample(client):
    expected = _cli_json(SAMPLES, "fr")
    for path in SAMPLES:
        response = _api_json(client, path, "fr")
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.json == expected[path.name], path.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_json_api_gives_what_the_command_line_gives_on_broken_files(client, tmp_path, lang):
    paths = _broken_files(tmp_path)
    reports = _cli_json(paths, lang)
    for path in paths:
        response = _api_json(client, path, lang)
        expected = reports[path.name]
        assert response.json == expected, path.name
        unreadable = "error" in expected["files"][0]
        assert response.status_code == (400 if unreadable else 200), path.name


def test_pasted_text_is_validated_under_the_name_given(client):
    text = SAMPLE.read_text(encoding="utf-8")
    response = client.post(
        "/valider", data={"texte": text, "nom": "mon-ptce.yaml"}, headers={"Accept": "application/json"}
    )
    assert response.json["files"][0]["file"] == "mon-ptce.yaml" and response.json["conforms"] is True
    response = client.post("/valider", data={"texte": text}, headers={"Accept": "application/json"})
    assert response.json["files"][0]["file"] == "description.yaml"


def test_pasted_text_that_cannot_be_read_comes_back_in_the_form_to_be_corrected(client):
    text = "nom: Pôle <b>\ndescription: une ligne: avec deux points\n"
    response = client.post("/valider", data={"texte": text})
    assert response.status_code == 400 and response.mimetype == "text/html"  # the page, with the form to correct it
    page = response.get_data(as_text=True)
    area = page[page.index('<textarea id="texte"') :]
    assert area[area.index(">") + 1 : area.index("</textarea>")] == text.replace("<", "&lt;").replace(">", "&gt;")
    uploaded = client.post("/valider", data={"fichier": (io.BytesIO(text.encode()), "a.yaml")})
    area = uploaded.get_data(as_text=True).split('<textarea id="texte"', 1)[1]
    assert area[area.index(">") + 1 : area.index("</textarea>")] == ""  # a file stays the visitor's


def test_an_unreadable_value_gives_its_line_without_an_unknown_column(client):
    text = SAMPLE.read_text(encoding="utf-8").replace('date_creation: "2026"', "date_creation: mars 2026")
    for route, said in (("/valider", "Position : ligne 9</p>"), ("/validate", "Position: line 9</p>")):
        page = client.post(route, data={"fichier": (io.BytesIO(text.encode()), "date.yaml")}).get_data(as_text=True)
        assert said in page and "?" not in page[page.index('class="error-position"') :].split("</p>")[0]
    broken = client.post("/valider", data={"texte": "nom: [\n"}).get_data(as_text=True)
    assert "Position : ligne 2, colonne 1</p>" in broken  # a YAML error knows its column


def test_checking_nothing_is_said_on_the_form_itself(client):
    response = client.post("/valider", data={"texte": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'role="alert"' in page and "aucune description reçue" in page and '<textarea id="texte"' in page
    assert client.post("/valider", data={}, headers={"Accept": "application/json"}).status_code == 400


def test_the_page_states_its_limit_and_that_nothing_is_kept(client):
    page = client.get("/valider").get_data(as_text=True)
    assert "Taille maximale : 1 Mo." in page and "n’est conservé ni journalisé" in page
    assert "<script" not in page  # works without JavaScript
    english = client.get("/validate").get_data(as_text=True)
    assert "Maximum size: 1 MB." in english and '<html lang="en">' in english


def test_the_report_page_groups_results_by_entry_with_lines_and_excerpts(client):
    text = SAMPLE.read_text(encoding="utf-8").replace('siren: "701515041"', 'siren: "701515042"')
    page = client.post("/valider", data={"texte": text, "nom": "faux.yaml"}).get_data(as_text=True)
    actors = page[page.index('id="entree-acteurs-impliques"') :]
    actors = actors[: actors.index("</section>")]
    assert "✖" in actors and "Violation" in actors and "ligne 50" in actors
    assert "<mark>    siren: &#34;701515042&#34;</mark>" in actors
    assert "grille/question/q07.fr.html" in actors
    assert page.count("<svg") == 1 and 'role="img"' in page


def test_one_mistake_at_two_lines_is_one_item_that_marks_both(client):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "    type: cooperative\n    ess: true", "    type: cooperative\n    ess: false"
    )
    page = client.post("/valider", data={"texte": text, "nom": "faux.yaml"}).get_data(as_text=True)
    actors = page[page.index('id="entree-acteurs-impliques"') :]
    actors = actors[: actors.index("</section>")]
    assert actors.count('<li class="result result-violation">') == 1 and "lignes 48, 49" in actors
    assert "<mark>    type: cooperative</mark>" in actors and "<mark>    ess: false</mark>" in actors


def test_a_missing_answer_is_said_where_it_goes_and_marks_no_line_of_another_question(client):
    """The carrier's walk of 2026-12-06: question 5 left out of the file was marked at « q02: », line 23."""
    text = re.sub(r"(?m)^q05: .*\n", "", SAMPLE.read_text(encoding="utf-8"))
    page = client.post("/valider", data={"texte": text, "nom": "sans-q05.yaml"}).get_data(as_text=True)
    goals = page[page.index('id="entree-objectifs-vision-strategique"') :]
    goals = goals[: goals.index("</section>")]
    assert "question 5 · à écrire près de la ligne" in unescape(re.sub("<[^>]+>", "", goals)) and "<mark>" not in goals
    emptied = re.sub(r"(?m)^q05: .*$", 'q05: ""', SAMPLE.read_text(encoding="utf-8"))
    page = client.post("/valider", data={"texte": emptied, "nom": "q05-vide.yaml"}).get_data(as_text=True)
    goals = page[page.index('id="entree-objectifs-vision-strategique"') :]
    assert "<mark>q05: &#34;&#34;</mark>" in goals[: goals.index("</section>")]  # its own key: at fault


@pytest.mark.parametrize("route", ["/valider", "/editeur"])
def test_checks_have_their_own_turns_and_pages_and_the_endpoint_keep_theirs(app, client, route, monkeypatch):
    """An operator's attack of 2026-12-07: 16 addresses posting the largest description allowed, 8 at a time,
    held every thread (a page took 43 s, a small check 51 s), and the server kept the 1.1 GB the checks took.
    A description sent waits for one of the checks' turns (CHECKS), then 503."""
    from cap_ptce.web import editor, validator

    checks = app.extensions["cap_ptce.checks"]
    held = [checks.slots.acquire(timeout=1) for _ in range(int(app.config["CHECKS"]))]
    monkeypatch.setattr(checks, "wait", 0.2)
    checked = []
    monkeypatch.setattr(validator, "check_submission", lambda *a: checked.append(1))
    monkeypatch.setattr(editor, "_check", lambda *a: checked.append(1))
    data = {"texte": SAMPLE.read_text(encoding="utf-8"), "etat": SAMPLE.read_text(encoding="utf-8"), "aller": "fin"}
    try:
        busy = client.post(route, data=data, headers={"Accept": "application/json"})
        assert busy.status_code == 503 and "Retry-After" in busy.headers and checked == []
        assert "vérifications" in busy.get_json()["message"]
        assert client.get("/projet/tiers-lieu-gueret.fr.html?x=1").status_code == 200  # the pages' turns
    finally:
        for _ in held:
            checks.slots.release()
    monkeypatch.undo()
    assert client.post(route, data=data).status_code == 200  # a turn free again: checked


def test_a_check_that_waited_in_the_servers_queue_waits_for_its_turn_the_rest_of_render_wait(app, client):
    """An operator's retest of 2026-12-07: behind a flood of the largest descriptions, a small check waited 50 s
    in the queue of the checks' threads, then for its turn, and never got the 503 the docs promise after
    RENDER_WAIT. The server stamps when it queued a check; the turn's wait counts from there."""
    import time

    from cap_ptce.web.server import QUEUED_HEADER

    checks = app.extensions["cap_ptce.checks"]
    held = [checks.slots.acquire(timeout=1) for _ in range(int(app.config["CHECKS"]))]
    stamp = "HTTP_" + QUEUED_HEADER
    try:
        started = time.monotonic()
        late = client.post(
            "/valider",
            data={"texte": "id: x"},
            headers={"Accept": "application/json"},
            environ_base={stamp: repr(time.monotonic() - float(app.config["RENDER_WAIT"]) - 1)},
        )
        assert late.status_code == 503 and "Retry-After" in late.headers
        assert time.monotonic() - started < 2  # no second wait of RENDER_WAIT
    finally:
        for _ in held:
            checks.slots.release()
    fresh = client.post("/valider", data={"texte": "id: x"}, environ_base={stamp: repr(time.monotonic())})
    assert fresh.status_code in (200, 400)  # a turn free: checked


def test_report_downloads_resend_the_description(client):
    text = SAMPLE.read_text(encoding="utf-8")
    for form, media_type, suffix in (
        ("json", "application/json", "json"),
        ("turtle", "text/turtle", "ttl"),
        ("html", "text/html", "html"),
    ):
        response = client.post("/valider", data={"texte": text, "nom": "tiers.yaml", "rapport": form})
        assert response.status_code == 200 and response.mimetype == media_type
        assert response.headers["Content-Disposition"] == f'attachment; filename="tiers-rapport.{suffix}"'
    assert client.post("/valider", data={"texte": text, "rapport": "pdf"}).status_code == 400


def test_blank_templates_download_in_each_language_and_maturity(client):
    french = client.get("/valider/modele.yaml?maturite=emergent")
    assert french.headers["Content-Disposition"] == 'attachment; filename="mon-ptce.yaml"'
    assert "maturite: emergent" in french.get_data(as_text=True)
    english = client.get("/validate/template.yaml?maturite=etabli")
    assert "maturite: etabli" in english.get_data(as_text=True) and "TO COMPLETE" in english.get_data(as_text=True)
    assert client.get("/valider/modele.yaml?maturite=vieux").status_code == 400


def test_nothing_sent_is_written_to_disk(client, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("a temporary file was made for what a carrier sent")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    big = SAMPLE.read_bytes() + b"#" + b" " * 800_000 + b"\n"  # over werkzeug's 500 kB spooling threshold
    response = client.post(
        "/valider", data={"fichier": (io.BytesIO(big), "gros.yaml")}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and response.json["conforms"] is True


def test_a_description_over_the_limit_is_refused_clearly(client):
    big = b"# " + b"x" * 1_200_000 + b"\n"
    response = client.post(
        "/valider", data={"fichier": (io.BytesIO(big), "gros.yaml")}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 413 and "error" in response.json


def test_nothing_sent_is_logged(client, caplog):
    secret = "Pôle-secret-qui-ne-doit-pas-apparaitre"
    with caplog.at_level("DEBUG"):
        client.post("/valider", data={"texte": f'id: x\nnom: "{secret}"\n'})
        client.post("/valider", data={"texte": f'nmo: "{secret}"\n'}, headers={"Accept": "application/json"})
        # an IRI that rdflib finds odd: it warned with the IRI itself (an operator's finding of 2026-12-07)
        turtle = f"@prefix schema: <https://schema.org/> .\n<https://x.example/{secret} rue 12> schema:name 'x' .\n"
        client.post("/valider", data={"texte": turtle, "nom": "p.ttl"}, headers={"Accept": "application/json"})
    assert secret not in caplog.text


def test_an_empty_submission_is_a_clear_400(client):
    response = client.post("/valider", data={}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "aucune description" in response.json["message"]


_UNREADABLE_BODIES = {
    "no boundary": (
        "multipart/form-data",
        b'--x\r\nContent-Disposition: form-data; name="texte"\r\n\r\nnom: a\r\n--x--\r\n',
    ),
    "cut short": ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="texte"\r\n\r\nnom'),
    "another boundary": ("multipart/form-data; boundary=y", b'--x\r\nContent-Disposition: form-data; name="t"\r\n\r\n'),
    "not a form": ("application/json", b'{"texte": "nom: a"}'),
}


@pytest.mark.parametrize("route", ["/valider", "/validate", "/editeur", "/editor", "/dossier"])
@pytest.mark.parametrize("body", _UNREADABLE_BODIES, ids=list(_UNREADABLE_BODIES))
def test_a_body_that_is_no_readable_form_is_a_clear_400_everywhere(client, route, body):
    """An operator's finding: the editor answered 200 and a fresh form to a multipart body it could not read (no
    boundary, cut short), and every form told « no description received » of a body it had not read."""
    content_type, data = _UNREADABLE_BODIES[body]
    response = client.post(route, data=data, content_type=content_type, headers={"Accept": "application/json"})
    assert response.status_code == 400
    wanted = "pas un formulaire" if body == "not a form" else "formulaire envoyé est illisible"
    assert wanted in response.json["message"] and response.json["hint"]


@pytest.mark.parametrize("content", [b"", b"  \n\n"], ids=["empty", "blank"])
def test_an_empty_file_is_said_so_without_report_downloads_that_would_be_refused(client, content):
    """A carrier's retest of 2026-12-07: an empty file was « le fichier est vide », then offered three report
    downloads, each answering 400 « aucune description reçue » (the page sends the text back, and it is blank)."""
    sent = {"fichier": (io.BytesIO(content), "vide.yaml")}
    page = client.post("/valider", data=sent, content_type="multipart/form-data", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "vide" in text
    assert 'name="rapport"' not in text and 'class="downloads"' not in text
    whole = client.post("/valider", data={"fichier": (io.BytesIO(SAMPLE.read_bytes()), SAMPLE.name)})
    assert 'name="rapport"' in whole.get_data(as_text=True)  # a description has them


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("x.ttl", b"@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<x> cap:y \n", "Turtle invalide : "),
        ("x.jsonld", b'{"@context": {}, "nom": }', "JSON invalide : "),
    ],
)
def test_a_syntax_error_is_said_in_the_page_s_language_alone(client, name, content, said):
    """A carrier's finding: « Turtle invalide / invalid Turtle: objectList expected » on a French page, where every
    other message of the report is in French alone."""
    sent = {"fichier": (io.BytesIO(content), name)}
    page = client.post("/valider", data=sent, content_type="multipart/form-data", headers={"Accept": "text/html"})
    text = unescape(page.get_data(as_text=True))
    assert page.status_code == 400 and said in text and "invalid Turtle" not in text and "invalid JSON" not in text


def test_the_editor_says_an_empty_form_is_one(client):
    response = client.post("/editeur", data={}, headers={"Accept": "text/html"})
    assert response.status_code == 400 and "formulaire envoyé est vide" in response.get_data(as_text=True)


def test_serve_prints_the_home_page_first():
    from cap_ptce.cli.kb import serving_lines

    lines = serving_lines("127.0.0.1", 8080, "3 triplets")
    assert lines[0].startswith("CAP PTCE : http://127.0.0.1:8080/ ")
    assert any("http://127.0.0.1:8080/valider" in line for line in lines)
    assert any("http://127.0.0.1:8080/sparql" in line for line in lines)


def test_every_value_that_cannot_be_read_is_told_with_its_line_on_the_page_in_json_and_on_the_command_line(
    client, tmp_path
):
    """The carrier's walk of 2026-12-06: a web address without https:// hid the file's other mistakes."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        'date_creation: "2026"', 'date_creation: mars 2026\nsite_web: "www.tiers-lieu-gueret.fr"'
    )
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if "date_creation:" in line or "www." in line]
    assert len(lines) == 2
    page = client.post("/valider", data={"fichier": (io.BytesIO(text.encode()), "deux.yaml")}).get_data(as_text=True)
    said = page[page.index('role="alert"') : page.index("</div>", page.index('role="alert"'))]
    assert "2 valeurs sont à corriger" in said and said.count("<li>") == 2
    assert [f"Position : ligne {n}</p>" in said for n in lines] == [True, True]
    data = client.post(
        "/valider", data={"texte": text, "nom": "deux.yaml"}, headers={"Accept": "application/json"}
    ).json
    report = data["files"][0]
    assert [report["error"]["line"], *(other["line"] for other in report["others"])] == sorted(lines)
    path = tmp_path / "deux.yaml"
    path.write_text(text, encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "cap_ptce", "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert cli.returncode != 0 and all(f"deux.yaml:{n}" in cli.stdout for n in lines), cli.stdout


def test_an_upload_of_too_many_actors_is_refused_with_a_400_before_any_check(client):
    """An operator's test of 2026-12-06: 6,000 actors in a 166 kB upload had the server killed for want of memory."""
    text = "id: x\nacteurs:\n" + "".join(f"  - {{id: a{i}, nom: n{i}}}\n" for i in range(6000))
    response = client.post(
        "/valider", data={"fichier": (io.BytesIO(text.encode()), "liste.yaml")}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    error = response.json["files"][0]["error"]
    assert error["line"] == 2 and "6000 items: a list holds at most 500" in error["message"]


def test_the_reports_of_a_large_description_can_be_downloaded_after_it_was_checked(client):
    """A retest: a file of 995 kB was checked, then « Rapport en JSON » and « Dossier en HTML » were refused (413):
    their forms sent the description again form-encoded, a quarter larger. They send it as multipart, as it is."""
    page = client.post(
        "/valider", data={"fichier": (io.BytesIO(SAMPLE.read_bytes()), SAMPLE.name)}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    forms = re.findall(r"<form [^>]*>", page[page.index('id="telecharger"') :])
    assert len(forms) >= 4 and all('enctype="multipart/form-data"' in form for form in forms)


def test_two_descriptions_at_once_are_refused_not_one_checked_in_silence(client):
    """Two files, or a file and a pasted text, were checked as the first file alone, the rest dropped without a
    word: the visitor thought both checked. Now neither is, and the form says what to do (400)."""
    text = SAMPLE.read_bytes()
    two_files = {"fichier": [(io.BytesIO(text), "a.yaml"), (io.BytesIO(text), "b.yaml")]}
    response = client.post("/valider", data=two_files)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and 'role="alert"' in page
    assert "2 fichiers reçus (a.yaml, b.yaml)" in page and "un seul fichier à la fois" in page

    def both():
        return {"fichier": (io.BytesIO(text), "a.yaml"), "texte": "nom: Autre pôle\n"}

    response = client.post("/validate", data=both())
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "a file (a.yaml) and a pasted text" in page
    assert ">nom: Autre pôle\n</textarea>" in page  # the text typed comes back, not lost (the retest's finding)
    assert "empty the text box" in page
    answer = client.post("/valider", data=both(), headers={"Accept": "application/json"})
    assert answer.status_code == 400 and "a.yaml" in answer.get_json()["message"]
    dossier = client.post("/dossier", data={"fichier": [(io.BytesIO(text), "a.yaml"), (io.BytesIO(text), "b.yaml")]})
    assert dossier.status_code == 400
    alone = client.post("/valider", data={"fichier": (io.BytesIO(text), "a.yaml"), "texte": "  "})
    assert alone.status_code == 200  # a blank text box beside a file is no second description


def test_an_empty_file_is_told_where_the_page_s_own_template_is(client):
    """A carrier's finding of 2026-12-08: an empty file was told « cap-ptce new -o mon-ptce.yaml », a command a
    carrier in the browser has not; the hint names the page's own section too, by the title it has."""
    for route, named, section in (
        ("/valider", "un modèle vierge de la page Vérifier", "Partir d’un modèle vierge"),
        ("/validate", "a blank template of the Check page", "Start from a blank template"),
    ):
        page = unescape(client.post(route, data={"fichier": (io.BytesIO(b""), "vide.yaml")}).get_data(as_text=True))
        hint = page.split("cap-ptce new -o", 1)[1].split("<", 1)[0]
        assert named in hint and " / " not in hint and f">{section}</h2>" in page, route  # one language a page


@pytest.mark.parametrize("depth", [1000, 5000])
def test_json_nested_past_python_s_stack_is_a_400_not_a_500(client, tmp_path, depth):
    """An operator's finding of 2026-12-08: « [ » × 1,000 sent as a .json file gave a 500 and a traceback in the
    log (the reader that tells plain JSON from JSON-LD recursed past Python's stack); `validate` printed it."""
    nested = "[" * depth + "]" * depth
    for data in ({"fichier": (io.BytesIO(nested.encode()), "a.json")}, {"texte": nested}):
        response = client.post("/valider", data=data)
        assert response.status_code == 400 and "trop imbriqué" in unescape(response.get_data(as_text=True))
    (tmp_path / "n.json").write_text(nested, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "cap_ptce", "validate", "n.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert (
        result.returncode == 2 and "Traceback" not in result.stderr and "trop imbriqué" in result.stdout + result.stderr
    )
