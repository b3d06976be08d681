"""The dossier: every question of the grid in the project's tense and every answer, in HTML, Markdown and PDF;
every value of a description shown, with labels instead of codes; the command line."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest

from cap_ptce.dossier.model import answer_text, build_dossier
from cap_ptce.dossier.render import render_dossier, to_html, to_markdown
from cap_ptce.dossier.values import euros, safe_href
from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.project.schema import PROJECT, SPECS, Kind

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
EMERGING = CORPUS / "tiers-lieu-gueret.yaml"
ESTABLISHED = CORPUS / "pole-saveurs-somme.yaml"


def _flat(text: str) -> str:
    """Text without any whitespace, in compatibility form: a PDF's line breaks and ligatures do not matter."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("path", "lang"), [(EMERGING, "fr"), (ESTABLISHED, "en")])
def test_the_pdf_holds_every_question_in_the_right_tense_and_every_answer(path, lang):
    description = load_description(path)
    pdf = render_dossier(build_dossier(description.data, lang), "pdf")
    assert pdf.startswith(b"%PDF")
    text = _flat(_pdf_text(pdf))
    future = description.data["maturite"] == "emergent"
    for question in load_grid().questions:
        assert _flat(question.wording(lang, future=future)) in text, question.id
        other = question.wording(lang, future=not future)
        if other != question.wording(lang, future=future):
            assert _flat(other) not in text, f"{question.id} in the other tense"
    answers = [answer_text(description.data, q.id) for q in load_grid().questions]
    assert any(answers)
    for question, answer in zip(load_grid().questions, answers, strict=True):
        assert answer is None or _flat(answer) in text, question.id
    assert _flat("Institut Godin") in text


def test_the_pdf_is_a4_with_page_numbers():
    from pypdf import PdfReader

    pdf = render_dossier(build_dossier(load_description(ESTABLISHED).data, "fr"), "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = len(reader.pages)
    assert pages > 3
    assert f"page 2 / {pages}" in reader.pages[1].extract_text()


def _values_of(spec, data: dict, grid, lang: str, actors: dict | None = None):
    """Every value a person must find in the dossier, as it should read (labels, names), key by key."""
    from cap_ptce.geo import load_geography

    geo = load_geography()
    if actors is None:
        actors = {a["id"]: a.get("nom", a["id"]) for a in data.get("acteurs") or []}
    for key, value in data.items():
        field = spec.field(key)
        if (
            field is None
            or field.kind in (Kind.ANSWER, Kind.FORMAT)
            or key == "fictif"
            or (key == "id" and spec is not PROJECT)
        ):
            continue  # answers are checked apart; an actor's id is its anchor, not something people read
        items = value if isinstance(value, list) else [value]
        if field.kind in (Kind.OBJECTS,):
            for item in items:
                yield from _values_of(SPECS[field.arg], item, grid, lang, actors)
        elif field.kind in (Kind.NEST, Kind.OBJECT):
            yield from _values_of(SPECS[field.arg], value, grid, lang, actors)
        elif field.kind in (Kind.TEXT, Kind.TEXTS, Kind.ROLES, Kind.FUNDER, Kind.CODE, Kind.SLUG, Kind.URL, Kind.EMAIL):
            yield from ((key, str(v)) for v in items)
        elif field.kind in (Kind.CONCEPT, Kind.CONCEPTS, Kind.CONCEPT_SET):
            yield from ((key, grid.scheme(field.arg).concept(v).label.get(lang)) for v in items)
        elif field.kind in (Kind.ACTOR, Kind.ACTORS, Kind.MEMBERS):
            yield from ((key, actors[v]) for v in items)
        elif field.kind == Kind.GEO:
            kind = {"intercommunalite": "epci"}.get(field.arg, field.arg)
            yield from ((key, f"{geo.place_name(kind, v)} ({v})") for v in items)
        elif field.kind == Kind.COMMUNE:
            yield key, f"{geo.place_name('commune', value)} ({value})"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml"))[:6], ids=lambda p: p.stem)
def test_every_value_of_a_sample_is_in_its_dossier(path):
    from html import unescape

    data = load_description(path).data
    grid = load_grid()
    html = _flat(unescape(re.sub(r"<[^>]+>", " ", to_html(build_dossier(data, "fr")))))
    missing = [(key, text) for key, text in _values_of(PROJECT, data, grid, "fr") if _flat(text) not in html]
    assert not missing


def test_labels_instead_of_codes_and_amounts_in_euros():
    dossier = build_dossier(load_description(ESTABLISHED).data, "fr")
    html = to_html(dossier)
    assert "Amiens (80021)" in html and "CA Amiens Métropole (248000531)" in html
    assert "trimestrielle" in html and "http://purl.org/cld/freq" not in html
    assert "100\u202f000\u00a0€" in html and "http://id.insee.fr" not in html
    funding = next(p for b in dossier.blocks for p in b.parts if getattr(p, "key", "") == "financements")
    assert funding.totals and funding.totals[0].values[0].text.endswith("€")
    english = to_html(build_dossier(load_description(ESTABLISHED).data, "en"))
    assert "quarterly" in english and "€100,000" in english


def test_the_html_dossier_is_one_file_without_script_nor_outside_resource():
    html = to_html(build_dossier(load_description(EMERGING).data, "fr"))
    assert "<style>" in html and "<script" not in html
    assert not re.search(r'<link[^>]+href=|src="https?:', html)


def test_markdown_holds_every_question_and_answer():
    description = load_description(EMERGING)
    text = to_markdown(build_dossier(description.data, "fr"))
    for question in load_grid().questions:
        assert question.future.fr.replace("*", "\\*") in text or _flat(question.future.fr) in _flat(text)
    for question in load_grid().questions:
        answer = answer_text(description.data, question.id)
        assert answer is None or _flat(answer) in _flat(text)


def test_a_question_answered_by_keys_shows_their_values_beside_it():
    dossier = build_dossier(load_description(ESTABLISHED).data, "fr")
    q03 = next(q for entry in dossier.answers for q in entry.questions if q.id == "q03")
    assert q03.answer is None and q03.values  # answered by the axes alone
    axes = [v.text for fact in q03.values if fact.key == "axes" for v in fact.values]
    assert "Circuits courts alimentaires" in axes
    for text in (to_markdown(dossier), to_html(dossier)):
        question = text.index("Des axes thématiques ou de développement ont-ils été identifiés")
        assert "Circuits courts alimentaires" in text[question : text.index("Q4", question)]
    q07 = next(q for entry in dossier.answers for q in entry.questions if q.id == "q07")
    assert q07.facts and not q07.values  # the actors are a list of items: their table says them


def test_an_unknown_key_of_a_later_format_still_shows(monkeypatch):
    data = {**load_description(EMERGING).data}
    dossier = build_dossier(data, "fr")
    assert all(block.entry != "autres" for block in dossier.blocks)


def test_only_http_links_are_links():
    assert safe_href("https://example.org/x") == "https://example.org/x"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt://x",
        "data:text/html,x",
        "file:///etc/passwd",
        'http://x" onmouseover="y',
    ):
        assert safe_href(bad) is None


def test_euros_in_each_language():
    assert euros(30000, "fr") == "30\u202f000\u00a0€" and euros(30000, "en") == "€30,000"
    assert euros(12.5, "fr") == "12,50\u00a0€" and euros(12.5, "en") == "€12.50"


def test_a_chart_never_reads_a_url():
    from cap_ptce.charts import to_svg
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError):
        to_svg({"data": {"url": "file:///etc/passwd"}, "mark": "bar"})


def test_the_dossier_command_writes_each_form(cap_ptce, tmp_path):
    for fmt in ("md", "html", "pdf"):
        out = tmp_path / f"dossier.{fmt}"
        result = cap_ptce("dossier", str(EMERGING), "--format", fmt, "-o", str(out), "--no-corpus")
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert out.read_bytes().startswith(b"%PDF")
    text = (tmp_path / "dossier.md").read_text(encoding="utf-8")
    assert text.startswith("# Tiers-lieu des services de Guéret") and "Institut Godin" in text


def test_the_dossier_command_sets_the_pole_among_the_real_poles_of_the_corpus(cap_ptce, tmp_path, monkeypatch):
    # the sample corpus is fictional, and a dossier ranks no application against made-up poles: made real here
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.yaml"):
        (corpus / path.name).write_text(path.read_text(encoding="utf-8").replace("fictif: true\n", ""), "utf-8")
    monkeypatch.setenv("CAP_PTCE_CORPUS", str(corpus))
    out = tmp_path / "dossier.md"
    result = cap_ptce("dossier", str(EMERGING), "--format", "md", "-o", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "The pole among the others" in text and "percentile" in text and "The nearest poles" in text
    # the measures in the dossier's language, the completeness the validation's (the sample is complete)
    assert "Share of public funding" in text and "Part du financement public" not in text
    assert re.search(r"\| Completeness \| 100% \|", text), text[text.index("The pole among") :]  # English: no space


def test_the_dossier_command_refuses_an_unreadable_file(tmp_path):
    from cap_ptce.cli import main

    bad = tmp_path / "faux.yaml"
    bad.write_text("nmo: x\n", encoding="utf-8")
    assert main(["dossier", str(bad), "--no-corpus"]) == 2


# Two questions with a written answer (q04, q05), two answered by the description's data alone (q03 by its
# axes, q10 by its regions), fourteen without an answer.
_COUNTED = """format: 2
id: pole-compte
nom: Pôle compté
maturite: etabli
axes: [environnement]
q04: "Une fabrique d'activités."
q05: "Des emplois non délocalisables."
territoire:
  regions: ["27"]
"""


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "4 question(s) sur 18 ont une réponse : 2 rédigée(s), 2 donnée(s) par la description."),
        ("en", "4 of 18 questions have an answer: 2 written, 2 given by the description's data."),
    ],
)
@pytest.mark.parametrize("kind", ["html", "md", "pdf"])
def test_the_count_of_answers_tells_written_answers_from_those_given_by_data(lang, sentence, kind):
    dossier = build_dossier(load_description(_COUNTED).data, lang)
    assert (dossier.answered, dossier.written, dossier.question_count) == (4, 2, 18)
    rendered = render_dossier(dossier, kind)
    text = _pdf_text(rendered) if kind == "pdf" else rendered.decode("utf-8")
    if kind == "html":
        text = re.sub(r"<[^>]+>", "", text).replace("&#39;", "'")
    elif kind == "md":
        text = text.replace("\\", "")
    assert _flat(sentence) in _flat(text)
    assert "rédigée." not in text and "have a written answer" not in text


def test_a_question_answered_by_a_list_says_how_many_items_its_table_holds():
    """The carrier's walk of 2026-12-06, finding 9: Q7 showed « Réponse donnée par la description : Acteurs » and
    nothing under it, the table being further on."""
    from cap_ptce.dossier.model import build_dossier
    from cap_ptce.project import load_description

    data = load_description(ROOT / "examples" / "corpus" / "pole-saveurs-somme.yaml").data
    answers = {q.id: q for entry in build_dossier(data, "fr").answers for q in entry.questions}
    assert answers["q07"].facts == (f"Acteurs ({len(data['acteurs'])})", f"Groupes de membres ({len(data['groupes'])})")
    assert answers["q18"].facts == (f"Financement prévisionnel ({len(data['financements'])})",)
    assert answers["q10"].facts[0] == "Communes"  # its values come with the question, uncounted


def test_an_actor_without_a_name_keeps_a_row_that_says_so():
    """A carrier's test of 2026-12-06: an actor added and left without a name was an empty row of the dossier's
    table, between two named ones."""
    data = load_description(ESTABLISHED).data
    data = {**data, "acteurs": [dict(actor) for actor in data["acteurs"]]}
    del data["acteurs"][1]["nom"]
    html = to_html(build_dossier(data, "fr"))
    assert "Acteur 2 (sans nom)" in html
    assert "Actor 2 (no name)" in to_markdown(build_dossier(data, "en"))


def test_the_actors_are_counted_by_kind_and_in_the_ess_under_their_table():
    """Left from the carrier's walk of 2026-12-06: the dossier gave no count of the members by kind (« 4 membres :
    2 de l'ESS… »), which the AMI asks of a consortium; the reader counted the rows."""
    from collections import Counter

    data = load_description(ESTABLISHED).data
    actors = data["acteurs"]
    kinds = Counter(kind for actor in actors for kind in _as_list(actor.get("type")))
    grid = load_grid()
    label = {c.id: c.label.fr for s in grid.schemes if s.id == "types-acteurs" for c in s.concepts}
    dossier = build_dossier(data, "fr")
    [table] = [p for b in dossier.blocks for p in b.parts if getattr(p, "key", "") == "acteurs"]
    summary = {fact.key: [v.text for v in fact.values] for fact in table.summary}
    assert sorted(summary["type-counts"]) == sorted(f"{label[k]} ({n})" for k, n in kinds.items())
    ess = sum(1 for actor in actors if actor.get("ess") is True)
    assert summary["ess-count"] == [f"{ess} acteur(s) de l’ESS sur {len(actors)}"]
    assert "ESS</dt><dd>" in to_html(dossier) and f"{ess} acteur(s) de l’ESS" in to_markdown(dossier)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


@pytest.mark.parametrize(
    ("code", "lang", "shown"),
    [
        ("80021", "fr", "Amiens (80021)"),
        ("80000", "fr", "80000 (un code postal, pas le code INSEE d’une commune actuelle ; il dessert Amiens (80021))"),
        ("80000", "en", "80000 (a postcode, not the INSEE code of a current commune; it serves Amiens (80021))"),
        ("00000", "fr", "00000 (aucun lieu de ce code)"),
        ("20004", "fr", "20004 (ancien code ; aujourd’hui Ajaccio (2A004))"),  # Ajaccio's before 1976
    ],
)
def test_a_seat_that_names_no_commune_says_what_its_code_is(code, lang, shown):
    """The carrier's walk of 2026-12-06: the dossier printed « Siège : 80000 », Amiens's postcode, as a place."""
    data = load_description(ESTABLISHED).data
    data = {**data, "acteurs": [dict(actor) for actor in data["acteurs"]]}
    data["acteurs"][0]["commune"] = code
    assert shown in to_markdown(build_dossier(data, lang))


def test_a_yes_or_no_left_unsaid_says_so_in_its_column():
    """The carrier's walk of 2026-12-06 (end): the ESS cell of an actor who did not say was empty, as if blank
    meant « non »; the counts under the table said « 2 sans réponse »."""
    data = {"id": "p", "nom": "P", "format": 2}
    data["acteurs"] = [{"id": "a", "nom": "A", "ess": True}, {"id": "b", "nom": "B", "ess": False}, {"id": "c"}]
    rows = [line for line in to_markdown(build_dossier(data, "fr")).splitlines() if line.startswith("| ")]
    assert rows == ["| Nom | ESS |", "| A | oui |", "| B | non |", "| Acteur 3 (sans nom) | non précisé |"]
    assert "| Actor 3 (no name) | not said |" in to_markdown(build_dossier(data, "en"))


def test_an_actor_that_gives_no_relation_is_a_member_in_the_table_and_its_counts():
    """The carrier's walk of 2026-12-06 (end): one actor of four left on « — » had an empty « Membre ou
    partenaire » cell, and the count said « membre du pôle (3) », where the checks count it a member."""
    data = {"id": "p", "nom": "P", "format": 2}
    data["acteurs"] = [
        {"id": "a", "nom": "A", "relation": "membre"},
        {"id": "b", "nom": "B", "relation": "partenaire"},
        {"id": "c", "nom": "C"},
    ]
    dossier = build_dossier(data, "fr")
    [table] = [p for b in dossier.blocks for p in b.parts if getattr(p, "key", "") == "acteurs"]
    assert [row.cells[1][0].text for row in table.rows] == ["membre du pôle", "partenaire du pôle", "membre du pôle"]
    counts = {fact.key: [v.text for v in fact.values] for fact in table.summary}
    assert counts["relation-counts"] == ["membre du pôle (2)", "partenaire du pôle (1)"]
    data["acteurs"] = [{"id": "c", "nom": "C"}, {"id": "d", "nom": "D", "type": "cooperative"}]  # nobody says
    [table] = [p for b in build_dossier(data, "fr").blocks for p in b.parts if getattr(p, "key", "") == "acteurs"]
    assert {fact.key for fact in table.summary} == {"type-counts"}  # no column, no count of relations


def test_the_pdf_is_drawn_without_a_style_its_engine_cannot_read(caplog):
    """The carrier's walk of 2026-12-06 (end): each PDF logged « Invalid media type ' (max-width: 40rem) ' »;
    the narrow screen's styles stay in the HTML file, not in the PDF's."""
    import logging

    dossier = build_dossier(load_description(ESTABLISHED).data, "fr")
    assert "@media (max-width: 40rem)" in to_html(dossier)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_dossier(dossier, "pdf")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_the_annex_names_the_actor_each_check_is_about(cap_ptce, client, tmp_path):
    """The carrier's walk of 2026-12-06 (end): the validator's dossier said « Code de commune 80000 : … » and
    « L'acteur doit avoir un nom » without which actor, and the annex gives no line of the file."""
    import yaml

    data = yaml.safe_load(EMERGING.read_text(encoding="utf-8"))
    first = data["acteurs"][0]
    first["commune"] = "80000"
    data["acteurs"].append({"id": "sans-nom", "type": "association"})
    path = tmp_path / "pole.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    unnamed = f"Acteur {len(data['acteurs'])} (sans nom)"
    result = cap_ptce("dossier", str(path), "--format", "md", "-o", str(tmp_path / "d.md"), "--no-corpus")
    assert result.exit_code == 0, result.output
    sent = client.post(
        "/dossier",
        data={"texte": path.read_text(encoding="utf-8"), "nom": "pole.yaml", "format": "md", "comparaison": "non"},
    )
    for annex in ((tmp_path / "d.md").read_text(encoding="utf-8"), sent.get_data(as_text=True)):
        annex = annex.replace("\\", "")  # Markdown's escapes
        assert f"{first['nom']} : Code de commune 80000 : c'est un code postal" in annex
        assert f"{unnamed} : L'acteur doit avoir un nom" in annex and "sans-nom" not in annex.split("## ")[-1]


def test_a_public_body_or_an_inhabitant_is_no_question_for_the_ess():
    """The carrier's walk of 2026-12-06 (end): a commune's ESS cell said « non précisé », as if it had to."""
    data = {"id": "p", "nom": "P", "format": 2}
    data["acteurs"] = [
        {"id": "a", "nom": "Amiens", "type": "collectivite-territoriale"},
        {"id": "b", "nom": "Une habitante", "type": "habitant"},
        {"id": "c", "nom": "Coop", "type": ["cooperative", "collectivite-territoriale"]},
        {"id": "d", "nom": "Asso", "ess": True},
    ]
    rows = [line for line in to_markdown(build_dossier(data, "fr")).splitlines() if line.startswith("| ")]
    ess = {row.split(" | ")[0][2:]: row.split(" | ")[-1].rstrip(" |") for row in rows[1:]}
    assert ess == {"Amiens": "sans objet", "Une habitante": "sans objet", "Coop": "non précisé", "Asso": "oui"}


def test_every_list_of_objects_names_one_item():
    """The dossier's rows and the editor's legends name one item of each list (« Acteur 3 »): a list added to
    the format without that name would fail there."""
    from cap_ptce.i18n import catalogue

    lists = [(spec.name, f.key) for spec in SPECS.values() for f in spec.fields if f.kind == Kind.OBJECTS]
    assert len(lists) >= 15
    assert [f"item.{name}.{key}" for name, key in lists if f"item.{name}.{key}" not in catalogue()] == []


def test_a_source_without_a_name_is_no_item_of_the_form():
    from cap_ptce.dossier.checks import item_named

    data = {"sources": [{"titre": "Rapport", "url": "https://example.org/r"}]}
    assert item_named("Adresse à revoir.", ("sources", 0, "url"), data, "fr", named=True) == "Adresse à revoir."


def test_the_ess_count_leaves_out_those_the_ess_does_not_concern_as_the_table_does():
    """The English carrier's walk of 2026-12-06: « 1 SSE actor(s) of 4 (2 not said) » under a table that said
    « not applicable » of the municipality and « not said » of one actor only."""
    data = {"id": "p", "nom": "P", "format": 2}
    data["acteurs"] = [
        {"id": "a", "nom": "Scop", "ess": True},
        {"id": "b", "nom": "SAS", "ess": False},
        {"id": "c", "nom": "Ville", "type": "collectivite-territoriale"},
        {"id": "d"},
    ]
    md = to_markdown(build_dossier(data, "en"))
    assert "1 SSE actor(s) of 4 (1 not said)" in md
    assert "| Ville | Local authority | not applicable |" in md or "not applicable" in md


def test_english_is_punctuated_as_english():
    """The English carrier's walk of 2026-12-06: « Coordination ; Repair workshops » in the dossier's cells."""
    data = {"id": "p", "nom": "P", "format": 2}
    data["acteurs"] = [{"id": "a", "nom": "A", "type": ["cooperative", "structure-insertion"]}, {"id": "b", "nom": "B"}]
    assert " ; " not in to_markdown(build_dossier(data, "en"))
    assert " ; " in to_markdown(build_dossier(data, "fr"))


def test_a_check_on_an_item_of_a_nested_list_names_it_too():
    """The walk that checked the fixes: « L'instance doit avoir un nom » in the annex, without which instance."""
    from cap_ptce.dossier.checks import item_named

    data = {"gouvernance": {"instances": [{"nom": "CA"}, {"type": "assemblee-generale"}]}}
    path = ("gouvernance", "instances", 1, "type")
    told = item_named("L'instance doit avoir un nom.", path, data, "fr", named=True)
    assert told == "Instance de gouvernance 2 (sans nom) : L'instance doit avoir un nom."
    first = item_named("Fréquence à revoir.", ("gouvernance", "instances", 0, "frequence"), data, "en", named=True)
    assert first == "CA: Fréquence à revoir."


def test_a_share_is_written_as_each_language_writes_it():
    from cap_ptce.i18n import t

    assert t("typography.percent", "fr", value=28) == "28\u00a0%" and t("typography.percent", "en", value=28) == "28%"


def test_guillemets_keep_to_their_words_in_the_html_and_the_pdf():
    """The walk that checked the fixes, 2026-12-06: the PDF broke a line between « and its word."""
    data = {"id": "p", "nom": "Pôle « Entraide »", "format": 2}
    html = to_html(build_dossier(data, "fr"))
    assert "Pôle «\u00a0Entraide\u00a0»" in html and "« Entraide »" not in html


@pytest.mark.parametrize(
    ("written", "lang", "shown"),
    [
        ("01/2026", "fr", "janvier 2026"),  # printed « 01/2026 » as written, beside others in ISO form
        ("2026-01", "fr", "janvier 2026"),
        ("15/03/2024", "fr", "15 mars 2024"),
        ("2024-03-01", "fr", "1er mars 2024"),
        ("2024-03-15", "en", "15 March 2024"),
        ("01/2026", "en", "January 2026"),
        ("2026", "fr", "2026"),
    ],
)
def test_a_date_is_written_the_readers_way_however_the_file_gives_it(written, lang, shown):
    data = {**load_description(ESTABLISHED).data, "date_creation": written}
    label = "Début de la dynamique" if lang == "fr" else "Start of the dynamic"
    text = to_markdown(build_dossier(data, lang))
    assert f"**{label}** : {shown}\n" in text or f"**{label}**: {shown}\n" in text


def test_an_item_of_a_table_and_its_details_stay_on_one_page_of_the_pdf():
    """The carrier's walk of 2026-12-07: a funding's row at the foot of a page, « Début : janvier 2014 » at the
    head of the next, under the repeated header; its retest: the first of forty cut so, and the total repeated
    at the foot of each page, under a part of the list. Forty fundings after 40 or 41 expected effects put the
    first one's row at the foot of a page (found by moving the table down line by line); thirty with a
    description each cut the 18th before."""
    from pypdf import PdfReader

    sweep = "— Région Auvergne-Rhône-Alpes, fonds pour l'innovation sociale"  # two lines a row, as the retest's
    cases = [(30, "", 0), (40, sweep, 40), (40, sweep, 41)]
    for count, name, effects in cases:
        data = load_description(ESTABLISHED).data
        data["effets_attendus"] = [
            *data["effets_attendus"],
            *(f"Effet attendu numéro {i} du pôle" for i in range(effects)),
        ]
        data["financements"] = [
            {
                "financeur": f"Financeur numéro {n} {name}".strip(),
                "montant": 1000 * n,
                "debut": "2025-01",
                "fin": "2027-12",
                **({} if name else {"description": f"Détail du financement numéro {n}, sur deux lignes du tableau."}),
            }
            for n in range(1, count + 1)
        ]
        pdf = render_dossier(build_dossier(data, "fr"), "pdf")
        pages, totals = {}, []
        for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
            text = page.extract_text()
            for row, details in re.findall(r"Financeur numéro (\d+)\b|financement numéro (\d+)\b", text):
                pages.setdefault(int(row or details), set()).add(number)
            totals += [number] * len(re.findall(r"Total\s*—\s*Montant", text))
            # details under the header repeated at the head of a page: their row was left on the page before
            assert not re.search(r"Financeur\s+Montant\s+Début", text), f"{count}, {effects}: cut, page {number}"
        assert set(pages) == set(range(1, count + 1))
        split = {n: found for n, found in pages.items() if len(found) > 1}
        assert split == {}, f"rows and their details on two pages: {split}"
        assert len(totals) == 1 and totals[0] == max(max(found) for found in pages.values()), totals


def _left_over_everywhere(node, path: tuple[str, ...]):
    """``node`` with every text in words under ``path`` (not a code, a date, an id or a concept, which have no
    space) replaced by the template's « À COMPLÉTER », numbered where a list would hold it twice."""
    import copy
    from itertools import count

    node, numbers = copy.deepcopy(node), count(1)

    def fill(value):
        if isinstance(value, str):
            return f"À COMPLÉTER {next(numbers)}" if " " in value.strip() else value
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    holder = node
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = fill(holder[path[-1]])
    return node


def test_the_dossier_counts_the_answers_that_the_report_counts():
    """A carrier's finding of 2026-12-07: with « À COMPLÉTER » as Q6's answer (and « TODO », « x » for Q4 and Q5)
    the report gave 15/18, while the dossier, the document sent to the State, said « 18 question(s) sur 18 ont une
    réponse » and printed the left-over texts as answers. Now, for the sample corpus and a copy of one description
    per key whose texts are all left as the template wrote them, the dossier counts what completeness counts."""
    import yaml
    from rdflib import URIRef

    from cap_ptce.errors import InputError
    from cap_ptce.validation.completeness import answered_questions

    base = yaml.safe_load(ESTABLISHED.read_text(encoding="utf-8"))
    paths = [(key,) for key in base if key not in ("id", "format", "fictif", "maturite")]
    paths += [(key, sub) for key in ("structure_porteuse", "territoire") for sub in base.get(key) or {}]
    variants = [_left_over_everywhere(base, path) for path in paths]
    described = [load_description(path) for path in sorted(CORPUS.glob("*.yaml"))]
    for variant in variants:
        try:
            described.append(load_description(yaml.safe_dump(variant, allow_unicode=True), format="yaml"))
        except InputError:
            continue  # a code or a kind that the loader refuses as « À COMPLÉTER »: no description to lay out
    fewer, disagree = 0, []
    for description in described:
        dossier = build_dossier(description.data, "fr")
        counted = answered_questions(description.graph, URIRef(description.iri))
        shown = {q.id for entry in dossier.answers for q in entry.questions if q.answered}
        if shown != {str(q).rsplit("/", 1)[-1] for q in counted}:
            disagree.append((description.data.get("id"), sorted(shown ^ {str(q).rsplit("/", 1)[-1] for q in counted})))
        fewer += len(counted) < 18
    assert disagree == []
    assert len(described) > 50 and fewer >= 5, (len(described), fewer)
    with_placeholders = next(d for d in described if str(d.data.get("q06")).startswith("À COMPLÉTER"))
    answer = {q.id: q for entry in build_dossier(with_placeholders.data, "fr").answers for q in entry.questions}["q06"]
    assert answer.answer is None
