"""Descriptions of the first format keep working: the same graph, the same verdict, and an upgrade that loses nothing.

``tests/data/format-v1/`` holds the fifteen sample descriptions as the first
format wrote them, and ``graphs.json`` the size and SHA-256 of the sorted
N-Triples that version 1 of the loader gave for each (no blank nodes, so the
sorted lines are canonical).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from cap_ptce.cli import main
from cap_ptce.project import load_description, upgrade

V1 = Path(__file__).parent / "data" / "format-v1"
SAMPLES = sorted(V1.glob("*.yaml"))
GRAPHS = json.loads((V1 / "graphs.json").read_text(encoding="utf-8"))


def test_the_first_format_samples_are_all_there():
    assert len(SAMPLES) == 15 and set(GRAPHS) == {p.name for p in SAMPLES}
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        assert "format:" not in text and "\nreponses:\n" in text and "  acteur: " in text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_first_format_file_gives_the_graph_it_gave_before(path: Path):
    graph = load_description(path).graph
    lines = sorted(" ".join(term.n3() for term in triple) for triple in graph)
    expected = GRAPHS[path.name]
    assert len(lines) == expected["triples"]
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == expected["sha256"], "the graph changed"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_upgrading_loses_nothing_and_is_done_once(path: Path):
    before = load_description(path)
    text = upgrade(path)
    after = load_description(text, source=path.name)
    assert isomorphic(after.graph, before.graph)
    assert after.data["format"] == 2 and "reponses" not in after.data
    assert sum(key.startswith("q") for key in after.data) == len(before.data["reponses"])
    assert upgrade(text) == text


def test_first_format_samples_keep_their_verdict():
    """A first-format file is judged as its upgrade is: the same results, at its own lines (the checks have
    grown stricter since these files were frozen, so the results are not the empty ones of their time)."""
    from cap_ptce.validation import validate_description
    from cap_ptce.validation.batch import validate_many

    def judged(report) -> list:
        return sorted((r.shape, r.severity, r.focus, r.value or "", r.message) for r in report.results)

    for path, report in zip(SAMPLES, validate_many(SAMPLES, lang="fr")):
        upgraded = validate_description(load_description(upgrade(path), source=path.name), lang="fr")
        assert judged(report) == judged(upgraded), report.source
        assert all(r.line for r in report.results), report.source
        assert (report.completeness.answered, report.completeness.total) == (18, 18)


def test_the_upgrade_command_writes_the_second_format(capsys, tmp_path: Path):
    source = tmp_path / "ancien.yaml"
    source.write_text(SAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["upgrade", str(source)]) == 0
    printed = capsys.readouterr().out
    assert "format: 2" in printed
    assert main(["upgrade", str(source), "-o", str(source)]) == 0
    assert source.read_text(encoding="utf-8") == printed
    assert isomorphic(load_description(source).graph, load_description(SAMPLES[0]).graph)


def test_the_upgrade_command_refuses_a_file_it_cannot_read(capsys, tmp_path: Path):
    broken = tmp_path / "faute.yaml"
    broken.write_text("id: essai\nnmo: x\n", encoding="utf-8")
    assert main(["upgrade", str(broken)]) == 2
    assert "faute.yaml:2" in capsys.readouterr().err
