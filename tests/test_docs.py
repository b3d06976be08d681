"""Every view and every command is documented (settings are checked in test_sparql_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_ptce.cli import COMMAND_MODULES
from cap_ptce.web import create_app

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _documented_prefix(rule: str) -> str:
    """The fixed part of a URL rule, before its first variable (``/requetes/<name>`` → ``/requetes/``)."""
    return rule.split("<", 1)[0]


@pytest.mark.parametrize("rule", sorted({r.rule for r in create_app({"TESTING": True}).url_map.iter_rules()}))
def test_every_view_is_documented(rule):
    prefix = _documented_prefix(rule)
    if prefix == "/":
        # the home page and the catch-all of dereferenceable IRIs: their IRIs are documented instead
        assert "https://w3id.org/cap-ptce/grille/question/q01" in DOCS
        return
    assert f"`{prefix}" in DOCS or f"{prefix}`" in DOCS or f" {prefix}" in DOCS, f"{rule} is not documented"


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_every_command_is_documented(command):
    assert f"cap-ptce {command}" in DOCS


def test_the_sample_corpus_table_counts_what_the_files_hold():
    """docs/project-format.md lists the sample corpus: its actor and written-answer counts follow the files."""
    import re

    import yaml

    table = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[`([a-z0-9-]+\.yaml)`\]\(\.\./examples/corpus/[^)]+\) \|([^\n]*)$", table, re.MULTILINE)
    files = sorted(path.name for path in (ROOT / "examples" / "corpus").glob("*.yaml"))
    assert sorted(name for name, _rest in rows) == files
    for name, rest in rows:
        cells = [cell.strip() for cell in rest.split("|")]
        data = yaml.safe_load((ROOT / "examples" / "corpus" / name).read_text(encoding="utf-8"))
        assert int(cells[3].split()[0]) == len(data["acteurs"]), name  # "25 (1)": 25 actors, 1 of them a partner
        written = sum(1 for key in data if re.fullmatch(r"q[0-9]{2}", key))
        assert int(cells[6]) == written, name


def test_the_number_of_ready_made_queries_is_the_catalogue_s():
    """README.md and docs/queries.md give how many ready-made queries there are, on the corpus and the register."""
    import re

    from cap_ptce.queries import list_queries

    queries = list_queries()
    register = sum(1 for query in queries if query.reads_register)
    counts = (len(queries), len(queries) - register, register)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"(\d+)\s+ready-made research queries \((\d+) on the corpus, (\d+) on the register\)", readme)
    assert said and tuple(int(n) for n in said.groups()) == counts
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    french = re.search(r"livre (\d+) questions de recherche déjà écrites en SPARQL \((\d+) sur le\s+corpus, (\d+)", doc)
    english = re.search(r"ships (\d+) research questions already written in SPARQL \((\d+) on the\s+corpus, (\d+)", doc)
    assert french and tuple(int(n) for n in french.groups()) == counts
    assert english and tuple(int(n) for n in english.groups()) == counts
