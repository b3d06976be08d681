"""``cap-ptce new``, ``convert`` and ``generate`` from the command line: outputs and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from cap_ptce.cli import main
from cap_ptce.project import load_description
from cap_ptce.resources import data_dir

SAMPLE = data_dir("corpus") / "pole-saveurs-somme.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_new_writes_a_template_to_stdout_or_a_file(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "new", "--maturite", "etabli", "--lang", "en")
    assert code == 0 and "etabli" in out and '\nq01: ""' in out
    target = tmp_path / "mon-ptce.yaml"
    assert run(capsys, "new", "-o", str(target))[0] == 0
    assert load_description(target).data["maturite"] == "emergent"


def test_new_does_not_overwrite_a_file_without_force(capsys, tmp_path: Path):
    target = tmp_path / "mon-ptce.yaml"
    target.write_text("précieux")
    code, _, err = run(capsys, "new", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "précieux"
    assert run(capsys, "new", "-o", str(target), "--force")[0] == 0


@pytest.mark.parametrize("fmt, suffix", [("turtle", ".ttl"), ("json-ld", ".jsonld"), ("yaml", ".yaml")])
def test_convert_goes_to_each_format_and_back(capsys, tmp_path: Path, fmt, suffix):
    target = tmp_path / f"p{suffix}"
    assert run(capsys, "convert", str(SAMPLE), "--to", fmt, "-o", str(target))[0] == 0
    code, out, _ = run(capsys, "convert", str(target), "--to", "yaml")
    assert code == 0 and out == SAMPLE.read_text(encoding="utf-8")
    assert isomorphic(load_description(target).graph, load_description(SAMPLE).graph)


def test_convert_takes_jsonld_spelt_as_its_suffix(capsys, tmp_path: Path):
    """« --to jsonld » was refused in English only, while the files are named .jsonld."""
    code, out, _ = run(capsys, "convert", str(SAMPLE), "--to", "jsonld")
    assert code == 0 and out == run(capsys, "convert", str(SAMPLE), "--to", "json-ld")[1]
    target = tmp_path / "p.txt"
    target.write_text(out, encoding="utf-8")
    assert run(capsys, "convert", str(target), "--from", "jsonld", "--to", "yaml")[0] == 0


def test_convert_reads_the_format_given_by_from(capsys, tmp_path: Path):
    target = tmp_path / "p.txt"
    run(capsys, "convert", str(SAMPLE), "--to", "turtle", "-o", str(target))
    code, out, _ = run(capsys, "convert", str(target), "--from", "turtle", "--to", "yaml")
    assert code == 0 and out.startswith("# DESCRIPTION FICTIVE")


def test_an_unknown_key_exits_2_with_file_line_and_the_nearest_key(capsys, tmp_path: Path):
    path = tmp_path / "faute.yaml"
    path.write_text("id: essai\nnmo: Pôle\nmaturite: emergent\n", encoding="utf-8")
    code, out, err = run(capsys, "convert", str(path), "--to", "turtle")
    assert code == 2 and out == ""
    assert f"{path}:2: clé inconnue 'nmo' / unknown key 'nmo'" in err
    assert "vouliez-vous dire « nom » ? / did you mean 'nom'?" in err
    assert "Traceback" not in err


def test_a_missing_file_exits_2(capsys, tmp_path: Path):
    code, _, err = run(capsys, "convert", str(tmp_path / "absent.yaml"), "--to", "yaml")
    assert code == 2 and "absent.yaml" in err


def test_an_alias_bomb_exits_2(capsys, tmp_path: Path):
    path = tmp_path / "bombe.yaml"
    path.write_text('a: &a ["x", "x"]\nb: [*a, *a]\n')
    code, _, err = run(capsys, "convert", str(path), "--to", "turtle")
    assert code == 2 and ":1:" in err and "anchors" in err


def test_generate_writes_n_files(capsys, tmp_path: Path):
    code, _, err = run(capsys, "generate", "5", "--seed", "9", "-o", str(tmp_path / "out"))
    assert code == 0 and "5 descriptions" in err
    assert len(list((tmp_path / "out").glob("*.yaml"))) == 5


def test_generate_refuses_a_negative_count(capsys, tmp_path: Path):
    code, _, err = run(capsys, "generate", "-3", "-o", str(tmp_path))
    assert code == 2 and "-3" in err


@pytest.mark.parametrize("command", ["new", "convert", "generate"])
def test_each_command_has_help_with_examples(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and "Exemples / examples:" in out and f"cap-ptce {command}" in out


@pytest.mark.parametrize("base", ["https://x.example/a b/", "ftp://x.example/", "https://x.example/?q"])
def test_a_base_iri_setting_that_is_no_base_is_refused_by_name(capsys, monkeypatch, base):
    """A carrier's finding of 2026-12-07: a space in CAP_PTCE_BASE_IRI gave a traceback of 131 lines."""
    monkeypatch.setenv("CAP_PTCE_BASE_IRI", base)
    code, out, err = run(capsys, "convert", str(SAMPLE), "--to", "turtle")
    assert code == 2 and not out and "CAP_PTCE_BASE_IRI=" in err and "Traceback" not in err
