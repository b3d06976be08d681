"""The carrier's path in a real browser: check a file, fill the grid from empty, download the dossier, switch language.

Each main page is saved as a screenshot under test-output/screenshots/, and
axe-core (npm) finds no accessibility violation at all (the issue asks for no serious or critical one) on the
validator, the editor, a project's page and the dossier, in French and English.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from carrier_helpers import CORPUS, axe_violations, screenshot

pytestmark = pytest.mark.browser

SAMPLE = CORPUS / "tiers-lieu-gueret.yaml"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def context(browser, request):
    """A browser context, with JavaScript and without: the carrier's path needs none."""
    # bypass_csp: axe-core is injected by the test, not served by the app
    ctx = browser.new_context(locale="fr-FR", accept_downloads=True, bypass_csp=True, java_script_enabled=request.param)
    yield ctx
    ctx.close()


def _broken(tmp_path: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace('siren: "701515041"', 'siren: "701515042"').replace("\nq05:", "\n# q05:")
    path = tmp_path / "faux.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sample_file_gives_a_conforming_report(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/valider")
    screenshot(page, "validateur-fr")
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("form.submit-description button[type=submit]")
    assert "Conforme" in page.inner_text(".verdict")
    assert page.locator(".chart svg").count() == 1
    assert page.locator("li.result-violation").count() == 0
    screenshot(page, "validateur-rapport-conforme")


def test_a_broken_file_shows_its_violations_by_entry_with_their_lines(live_server, context, tmp_path):
    page = context.new_page()
    page.goto(live_server + "/valider")
    page.set_input_files("#fichier", str(_broken(tmp_path)))
    page.click("form.submit-description button[type=submit]")
    assert "Non conforme" in page.inner_text(".verdict")
    actors = page.locator("#entree-acteurs-impliques")
    assert "Violation" in actors.inner_text() and "ligne 50" in actors.inner_text()
    assert "701515042" in actors.locator("pre.excerpt mark").first.inner_text()
    objectives = page.locator("#entree-objectifs-vision-strategique")
    assert "q05" in objectives.inner_text()
    link = objectives.locator("a", has_text="question 5")
    assert link.get_attribute("href").endswith("grille/question/q05.fr.html")
    screenshot(page, "validateur-rapport-violations")


def test_the_dossier_downloads_from_the_validator(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/valider")
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("form.submit-description button[type=submit]")
    with page.expect_download() as download:
        page.click("text=Dossier en PDF (A4)")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename == "tiers-lieu-gueret-dossier.pdf"
    with page.expect_download() as download:
        page.click("text=Dossier en HTML (un seul fichier)")
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Tiers-lieu des services de Guéret" in html and "<style>" in html and "<script" not in html


def test_the_dossier_downloads_without_the_comparison_when_the_box_is_ticked(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/valider")
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("form.submit-description button[type=submit]")
    with page.expect_download() as download:
        page.click("text=Dossier en Markdown")
    assert "Le pôle parmi les autres" in Path(download.value.path()).read_text(encoding="utf-8")
    page.check("text=Sans comparaison aux autres pôles")
    with page.expect_download() as download:
        page.click("text=Dossier en Markdown")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Le pôle parmi les autres" not in text and "Ce que « Conforme » couvre" in text


def test_switch_to_english(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/valider")
    page.click(".lang-switch a")
    assert page.url.endswith("/validate") and page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Check a PTCE description"
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("form.submit-description button[type=submit]")
    assert "Conforms" in page.inner_text(".verdict")
    screenshot(page, "validator-en-report")
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle des Deux Rives")
    page.click(".lang-switch button")  # the description being written comes along
    assert page.url.endswith("/editor#etape-titre") and page.inner_text("h1") == "Fill a description in along the grid"
    assert page.input_value("#champ-nom") == "Pôle des Deux Rives"


# A small project, entry by entry: answers (q01…q18) and the structured facts the law asks for.
ANSWERS = {f"q{n:02d}": f"Réponse rédigée à la question {n} pour le pôle des Deux Rives." for n in range(1, 19)}
ACTORS = [
    ("Ressourcerie des Deux Rives", "association", "true"),
    ("Transports Picards", "entreprise-hors-ess", "false"),
    ("Communauté de communes du Val de Somme", "epci", "false"),
]


def _answer(page, step_questions):
    for qid in step_questions:
        page.fill(f"#reponse-{qid}", ANSWERS[qid])


def _next(page):
    page.click(".editor-actions button.primary")


def test_the_editor_from_empty_to_a_conforming_description(live_server, context, tmp_path):
    from cap_ptce.grid import load_grid

    grid = load_grid()
    page = context.new_page()
    page.goto(live_server + "/editeur")
    screenshot(page, "editeur-debut")
    page.fill("#champ-nom", "Pôle des Deux Rives")
    page.check("input[name=maturite][value=emergent]") if page.locator(
        "input[name=maturite]"
    ).count() else page.select_option("#champ-maturite", "emergent")
    _next(page)
    for entry in grid.entries:
        assert entry.label.fr in page.inner_text("h2#etape-titre")
        # the questions in the future tense, with the grid's examples as hints
        assert entry.questions[0].future.fr in page.inner_text("main")
        _answer(page, [q.id for q in entry.questions])
        if entry.id == "objectifs-vision-strategique":
            page.fill(
                "#champ-strategie_commune",
                "Mutualiser un atelier de réparation entre une ressourcerie et un transporteur.",
            )
        if entry.id == "acteurs-impliques":
            for n, (name, kind, ess) in enumerate(ACTORS):
                page.click("button[name=ajouter][value=acteurs]")
                page.fill(f"#champ-acteurs-{n}-nom", name)
                page.check(f"#champ-acteurs-{n}-type input[value={kind}]")
                page.select_option(f"#champ-acteurs-{n}-ess", ess)
            screenshot(page, "editeur-acteurs")
        if entry.id == "perimetre-ancrage-territorial":
            page.fill("#champ-territoire-communes", "80021")
        _next(page)
    assert page.inner_text("h2#etape-titre") == "Chiffres, reconnaissances et sources"  # all optional
    _next(page)
    assert page.inner_text("h2#etape-titre") == "Vérification et dossier"
    assert "Conforme" in page.inner_text(".verdict"), page.inner_text("main")
    screenshot(page, "editeur-fin")
    with page.expect_download() as download:
        page.click("button[name=telecharger]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "pole-des-deux-rives.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "cap_ptce", "validate", str(saved)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_editor_reopens_an_uploaded_description(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("button[name=ouvrir]")
    assert page.input_value("#champ-nom") == "Tiers-lieu des services de Guéret"
    page.click("button[name=aller][value=acteurs-impliques]")
    assert page.input_value("#champ-acteurs-2-nom") == "Commune de Guéret (fictive)"
    page.click("button[name=aller][value=objectifs-vision-strategique]")
    assert page.input_value("#reponse-q04").startswith("Un lieu unique réunira")


def test_enter_in_a_field_checks_the_step_it_is_on(live_server, context):
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.click("button[name=aller][value=acteurs-impliques]")
    page.click("button[name=ajouter][value=acteurs]")
    page.fill("#champ-acteurs-0-nom", "Ressourcerie des Deux Rives")
    page.press("#champ-acteurs-0-nom", "Enter")
    page.wait_for_load_state()
    assert "Acteurs impliqués" in page.inner_text("h2#etape-titre")
    assert page.input_value("#champ-acteurs-0-nom") == "Ressourcerie des Deux Rives"


def _focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, inStep: !!document.activeElement.closest('section'),"
        " item: (document.activeElement.closest('fieldset.item') || {}).id, tag: document.activeElement.tagName})"
    )


def _goes_on_from(page, javascript: bool, target: str, check) -> None:
    """The page opened at ``target``: with JavaScript, one Tab from there is ``check``ed; without, the browser
    starts its Tab order at the fragment, which must name that element (when it applies it varies: not tested)."""
    assert page.evaluate("() => location.hash") == "#" + target
    assert page.locator("#" + target).count() == 1
    if javascript:
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert check(focused), focused


def test_after_each_answer_the_keyboard_goes_on_from_the_step_not_from_the_top(live_server, context, request):
    """A carrier who writes with the keyboard: after "next", one Tab reaches the step's first field; after
    "add an actor", one Tab reaches the new actor's first field (it took 29 Tabs from the top of the page)."""
    javascript = request.node.callspec.params["context"]
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle des Deux Rives")
    page.focus(".editor-actions button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Structure porteuse" in page.inner_text("h2#etape-titre")
    _goes_on_from(page, javascript, "etape-titre", lambda focused: focused["inStep"])
    with page.expect_navigation():
        page.click("button[name=aller][value=acteurs-impliques]")
    for n in (0, 1):
        page.focus("button[name=ajouter][value=acteurs]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        _goes_on_from(
            page, javascript, f"champ-acteurs-{n}", lambda focused, n=n: focused["item"] == f"champ-acteurs-{n}"
        )
        page.fill(f"#champ-acteurs-{n}-nom", f"Acteur {n}")
    assert page.input_value("#champ-acteurs-0-nom") == "Acteur 0"


def test_a_mistyped_address_never_locks_the_editor_the_server_says_what_to_fix(live_server, context):
    """The carrier's walk of 2026-12-06, finding 1: the browser's own check of an e-mail or web address field
    blocked every button (no step, no download), with a popup in the browser's language."""
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle Albâtre")
    page.fill("#champ-courriel", "www.pole-albatre.fr")
    page.fill("#champ-site_web", "contact@pole-albatre.fr")
    with page.expect_navigation():
        page.click("button[name=aller][value=acteurs-impliques]")
    assert "Acteurs" in page.inner_text("h2#etape-titre")
    with page.expect_navigation():
        page.click("nav.steps button[value=debut]")
    fields = page.inner_text("#editeur")
    assert page.input_value("#champ-courriel") == "www.pole-albatre.fr"  # kept, for the carrier to correct
    assert "https://" in fields  # the server's French message, beside the field
    with page.expect_download() as download:
        page.click("button[name=telecharger]")
    assert "www.pole-albatre.fr" in Path(download.value.path()).read_text(encoding="utf-8")


def test_no_field_the_keyboard_reaches_hides_under_the_sticky_actions(live_server, browser):
    """The carrier's walk of 2026-12-06, finding 6: at 1280×720, 8 of 45 Tab stops of a new actor (« Fondation »,
    « Agrément ESUS », the question's answer…) were scrolled to behind the bar of buttons at the bottom."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle Albâtre")
    with page.expect_navigation():
        page.click("button[name=aller][value=acteurs-impliques]")
    with page.expect_navigation():
        page.click("button[name=ajouter][value=acteurs]")
    page.focus("#champ-acteurs-0-nom")
    hidden, stops = [], 0
    while stops < 80:
        stops += 1
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => { const e = document.activeElement, bar = document.querySelector('.editor-actions');
                if (!e || bar.contains(e) || e === document.body) return null;
                const r = e.getBoundingClientRect(), b = bar.getBoundingClientRect();
                return {id: e.id || e.name, bottom: r.bottom, bar: b.top, visible: r.height > 0}; }"""
        )
        if where is None:
            break
        if where["visible"] and where["bottom"] > where["bar"] + 1:
            hidden.append(where["id"])
    assert stops > 20 and hidden == []
    page.close()


def test_a_file_checked_or_opened_leads_the_keyboard_to_its_report_or_its_form(live_server, context, request):
    """The carrier's walk of 2026-12-06, finding 11: after « Vérifier » and « Ouvrir dans l'éditeur » the page opened
    at its top, and a keyboard user went through the site's navigation to reach the report."""
    javascript = request.node.callspec.params["context"]
    page = context.new_page()
    page.goto(live_server + "/valider")
    page.set_input_files("#fichier", str(SAMPLE))
    with page.expect_navigation():
        page.click("form.submit-description button[type=submit]")
    assert page.evaluate("location.hash") == "#rapport-titre"
    assert page.evaluate("document.getElementById('rapport-titre').getBoundingClientRect().top") < 200
    page.goto(live_server + "/editeur")
    page.set_input_files("#fichier", str(SAMPLE))
    with page.expect_navigation():
        page.click("button[name=ouvrir]")
    assert page.evaluate("location.hash") == "#etape-titre"
    if javascript:
        assert page.evaluate("document.activeElement.id") == "etape-titre"


def test_a_file_that_cannot_be_opened_is_said_where_the_page_opens(live_server, context, request, tmp_path):
    """The carrier's walk of 2026-12-07, finding 4: after a Turtle file that could not be opened, the page opened at
    the step's heading, below the message, scrolled out of sight but for its last line."""
    javascript = request.node.callspec.params["context"]
    broken = tmp_path / "casse.ttl"
    broken.write_text(
        '@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x> cap:nom "x .\n'
    )
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server + "/editeur")
    page.set_input_files("#fichier", str(broken))
    with page.expect_navigation():
        page.click("button[name=ouvrir]")
    alert = page.locator("[data-alert]")
    assert "casse.ttl" in alert.inner_text() and "ligne 2" in alert.inner_text()
    box = alert.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 720  # seen whole, without scrolling
    if javascript:  # focused (once the page has loaded), a screen reader reads it
        page.wait_for_function("document.activeElement.hasAttribute('data-alert')", timeout=5000)


def test_the_porteur_chosen_in_the_editor_gives_a_report_a_dossier_and_a_readable_file(live_server, context, tmp_path):
    """The carrier's walk of 2026-12-05, finding 1: name an actor, choose it as the porteur, check, download, reopen."""
    from cap_ptce.project import load_description

    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle Coopératif du Val de Sambre")
    page.click("button[name=aller][value=acteurs-impliques]")
    page.click("button[name=ajouter][value=acteurs]")
    page.fill("#champ-acteurs-0-nom", "Sambre Énergies Citoyennes")
    page.click("button[name=aller][value=structure-porteuse]")
    page.select_option("#champ-structure_porteuse-portage", "personne-morale")
    carriers = page.locator("#champ-structure_porteuse-porteurs")
    carriers.get_by_label("Sambre Énergies Citoyennes").check()
    assert page.locator("#champ-structure_porteuse-acteur").count() == 0  # one place to name the porteur
    page.click("button[name=aller][value=fin]")
    main = page.inner_text("main")
    assert "ne peut pas encore être vérifiée" not in main and "cap-ptce upgrade" not in main
    assert page.locator(".verdict").count() == 1 and page.locator("text=Dossier en PDF (A4)").count() == 1
    with page.expect_download() as download:
        page.click("button[name=telecharger]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    carrying = load_description(saved).data["structure_porteuse"]  # what /valider and cap-ptce validate read
    actor = carrying["porteurs"][0]
    assert carrying == {"portage": "personne-morale", "porteurs": [actor]}
    page.goto(live_server + "/editeur")
    page.set_input_files("#fichier", str(saved))
    page.click("button[name=ouvrir]")
    page.click("button[name=aller][value=structure-porteuse]")
    assert page.locator("#champ-structure_porteuse-porteurs").get_by_label("Sambre Énergies Citoyennes").is_checked()


def test_the_project_page_fits_a_phone(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/projet/pole-saveurs-somme.fr.html")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} pixels wide on a 360-pixel phone"
    screenshot(page, "projet-telephone")
    assert axe_violations(page) == []
    # the charts are seen whole, not scrolled out of sight inside their figure
    right_edges = page.eval_on_selector_all(".chart svg", "charts => charts.map(c => c.getBoundingClientRect().right)")
    assert right_edges and max(right_edges) <= 360, right_edges
    page.goto(live_server + "/valider")
    page.set_input_files("#fichier", str(SAMPLE))
    page.click("form.submit-description button[type=submit]")
    page.wait_for_load_state()  # the report with its style sheets: measured unstyled on a busy machine, it was 672 px
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.eval_on_selector(".chart svg", "c => c.getBoundingClientRect().right") <= 360
    screenshot(page, "validateur-telephone")
    context.close()


PAGES = {
    "validator": {"fr": "/valider", "en": "/validate"},
    "editor": {"fr": "/editeur", "en": "/editor"},
    "project": {"fr": "/projet/pole-saveurs-somme.fr.html", "en": "/projet/pole-saveurs-somme.en.html"},
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_accessibility_violation(live_server, browser, name, lang, tmp_path):
    context = browser.new_context(locale=f"{lang}-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + PAGES[name][lang])
    assert axe_violations(page) == []
    screenshot(page, f"{name}-{lang}")
    if name == "validator":  # the report too
        page.set_input_files("#fichier", str(_broken(tmp_path)))
        page.click("form.submit-description button[type=submit]")
        assert axe_violations(page) == []
    if name == "editor":  # a step of the grid, with its questions and controls
        page.click("button[name=aller][value=acteurs-impliques]")
        page.click("button[name=ajouter][value=acteurs]")
        assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_dossier_has_no_accessibility_violation(live_server, browser, lang, tmp_path):
    from cap_ptce.dossier.build import dossier_bytes
    from cap_ptce.project import load_description
    from cap_ptce.validation import validate_description

    description = load_description(SAMPLE)
    report = validate_description(description, lang=lang)
    path = tmp_path / f"dossier-{lang}.html"
    path.write_bytes(dossier_bytes(description, "html", lang, report=report))
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(path.as_uri())
    assert axe_violations(page) == []
    screenshot(page, f"dossier-{lang}")
    context.close()


def test_a_copy_in_the_browser_only_when_asked_and_taken_up_again(live_server, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle gardé dans le navigateur")
    _next(page)
    assert page.evaluate("() => window.localStorage.length") == 0  # nothing kept unless asked
    page.check("#garder-copie")
    assert "Pôle gardé dans le navigateur" in page.evaluate("() => localStorage.getItem('cap-ptce-editeur')")
    fresh = context.new_page()
    fresh.goto(live_server + "/editeur")
    assert fresh.is_visible("#copie-navigateur")
    fresh.click("#copie-navigateur button[name=ouvrir]")
    assert fresh.input_value("#champ-nom") == "Pôle gardé dans le navigateur"
    fresh.uncheck("#garder-copie")  # unticked: the copy is gone
    assert fresh.evaluate("() => window.localStorage.length") == 0
    context.close()


def test_a_file_that_cannot_be_read_replaces_neither_the_form_nor_the_browser_copy(live_server, browser, tmp_path):
    """The carrier's walk of 2026-12-05, finding 2: an impossible date opened as an empty form."""
    unreadable = tmp_path / "e05.yaml"
    unreadable.write_text('format: 2\nid: cluster-jura\nnom: "Clus\'Ter Jura"\ndate_creation: 2014-13-10\n')
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle gardé")
    page.fill("#champ-description", "Première ligne\nseconde ligne")
    page.check("#garder-copie")
    _next(page)
    page.click("nav.steps button[value=debut]")
    page.set_input_files("#fichier", str(unreadable))
    page.click("#ouvrir-fichier button[name=ouvrir]")
    alert = page.inner_text("[role=alert]")
    assert "« e05.yaml », ligne 4" in alert and "garde ce qu’il contenait" in alert
    assert page.input_value("#champ-nom") == "Pôle gardé"
    assert page.input_value("#champ-description") == "Première ligne\nseconde ligne"
    other = context.new_page()  # nothing held: nothing loaded, and the browser's copy is left as it was
    other.goto(live_server + "/editeur")
    other.set_input_files("#fichier", str(unreadable))
    other.click("#ouvrir-fichier button[name=ouvrir]")
    assert "Rien n’a été chargé" in other.inner_text("[role=alert]") and other.input_value("#champ-nom") == ""
    assert "Pôle gardé" in other.evaluate("() => localStorage.getItem('cap-ptce-editeur')")
    context.close()


def test_a_field_opened_by_its_fix_button_shows_its_label(live_server, browser):
    """The walk that checked the fixes, 2026-12-06: « Corriger « Acteur 4 › Siège » » opened its step with the
    field at the very top of the window, its label scrolled out of sight."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    state = "nom: Pôle\nmaturite: emergent\nacteurs:\n" + "".join(
        f"  - id: a{n}\n    nom: Acteur {n}\n    commune: '80021'\n" for n in range(1, 4)
    )
    state += "  - id: a4\n    nom: Siège postal\n    commune: '80000'\n"
    page.goto(live_server + "/editeur")
    page.evaluate(
        "state => { document.querySelector('[name=etat]').value = state; }",  # as a file opened would give it
        state,
    )
    with page.expect_navigation():
        page.click("button[name=aller][value=fin]")
    with page.expect_navigation():
        page.click("button.fix:has-text('Acteur 4 › Siège')")
    assert page.url.endswith("#champ-acteurs-3-commune")
    label_top = page.evaluate(
        """() => document.querySelector('label[for="champ-acteurs-3-commune"]').getBoundingClientRect().top"""
    )
    assert label_top >= 0  # in sight, above its field (an actor's legend is a page higher: its name is in the button)
    # and the field keeps its place in the Tab order: Shift+Tab from the next field comes back to it
    assert page.evaluate("() => document.activeElement.id") == "champ-acteurs-3-commune"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.id") == "champ-acteurs-3-commune"
    page.close()


def _state(page) -> str:
    return page.input_value("#etat")


def _kept_by_the_tab(page, text: str) -> None:
    """Wait until the tab keeps a state holding ``text`` (editor.js, once the page is shown): a Back pressed
    within the same milliseconds would find the state before."""
    page.wait_for_function(
        "text => Object.keys(sessionStorage).some(key => (sessionStorage.getItem(key) || '').includes(text))", arg=text
    )


def test_the_back_button_never_takes_back_the_answers_given_since(live_server, browser):
    """The carrier's walk of 2026-12-07, finding 1: two steps answered, the browser's Back button twice, a box
    ticked on the page it brought back, « Étape suivante »: the answer of the later step was gone, unsaid."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle du retour en arrière")
    page.click("button[name=aller][value=mode-gouvernance]")
    page.fill("#reponse-q09", "Gouvernance formalisée : un comité de pilotage se réunit chaque mois.")
    _next(page)
    assert "Périmètre" in page.inner_text("h2#etape-titre")
    page.fill("#reponse-q11", "Le pôle s'appuie sur les savoir-faire de la chaussure du bassin.")
    _next(page)
    assert "savoir-faire de la chaussure" in _state(page)
    _kept_by_the_tab(page, "savoir-faire de la chaussure")
    page.go_back()  # the page of the step before, as the browser kept it: shown again from the latest state
    page.wait_for_selector("main .notice >> text=rien de ce que vous avez envoyé depuis n'est perdu")
    assert "Périmètre" in page.inner_text("h2#etape-titre")
    assert "savoir-faire de la chaussure" in _state(page)
    page.go_back()  # and the step before it: each shown again from the latest state
    page.wait_for_function("() => document.getElementById('etat').value.includes('savoir-faire de la chaussure')")
    assert "Mode de gouvernance" in page.inner_text("h2#etape-titre")
    assert page.input_value("#reponse-q09").startswith("Gouvernance formalisée")
    page.check("input[name='gouvernance.formes'][value=charte]")
    _next(page)
    assert "Périmètre" in page.inner_text("h2#etape-titre")
    assert page.input_value("#reponse-q11") == "Le pôle s'appuie sur les savoir-faire de la chaussure du bassin."
    assert "charte" in _state(page) and "comité de pilotage se réunit chaque mois" in _state(page)
    context.close()


def test_the_other_language_opens_at_the_step_s_heading_for_the_keyboard(live_server, browser):
    """The carrier's walk of 2026-12-07: after « English », focus was on the page's body, 29 Tabs from the step."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle bilingue")
    with page.expect_navigation():
        page.click("button[name=aller][value=acteurs-impliques]")
    with page.expect_navigation(wait_until="load"):
        page.click(".lang-switch button")
    assert page.url.endswith("/editor#etape-titre")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'etape-titre'")
    assert page.inner_text("h2#etape-titre").startswith("Entry 3")
    context.close()


def test_the_back_button_to_the_first_page_brings_the_description_back_too(live_server, browser):
    """The walk that checked the fix: Back to the editor's first page gave an empty description (the browser
    asked the server for that page again, a new description), and going on lost the first step's answer."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/editeur")
    page.fill("#champ-nom", "Pôle du premier pas")
    _next(page)
    page.fill("#reponse-q01", "La structure porteuse coopère depuis dix ans avec les acteurs du bassin.")
    _next(page)
    _kept_by_the_tab(page, "coopère depuis dix ans")
    page.go_back()
    page.wait_for_function("() => document.getElementById('etat').value.includes('coopère depuis dix ans')")
    page.go_back()
    page.wait_for_function("() => document.getElementById('etat').value.includes('coopère depuis dix ans')")
    assert page.inner_text("h2#etape-titre") == "Le projet"
    assert page.input_value("#champ-nom") == "Pôle du premier pas"
    _next(page)
    assert page.input_value("#reponse-q01").startswith("La structure porteuse coopère depuis dix ans")
    context.close()
