"""The README tells the truth: its commands exist with the options it shows, and its Python example runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cap_ptce.cli import COMMAND_MODULES, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _command_lines() -> list[str]:
    lines = [re.split(r"\s#\s", line)[0].strip() for block in _blocks("sh") for line in block.splitlines()]
    return [line for line in lines if line.startswith("cap-ptce ")]


def test_the_readme_opens_with_make_run_and_make_test():
    first_block = _blocks("sh")[0].splitlines()
    assert [line.split()[:2] for line in first_block] == [["make", "run"], ["make", "test"]]


@pytest.mark.parametrize("line", _command_lines())
def test_each_command_shown_exists_with_its_options(line, runner):
    words = shlex.split(line)[1:]
    name = words[0]
    assert name in COMMAND_MODULES, f"README shows an unknown command: {line}"
    help_text = runner.invoke(cli, [name, "--help"]).output
    for option in (w.split("=")[0] for w in words if w.startswith("-")):
        assert option in help_text, f"{option} is not an option of cap-ptce {name}"


def test_the_python_example_runs(tmp_path, monkeypatch):
    (example,) = _blocks("python")
    sample = sorted((ROOT / "examples" / "corpus").glob("*.yaml"))[0]
    (tmp_path / "mon-ptce.yaml").write_bytes(sample.read_bytes())
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "registre").symlink_to(ROOT / "registre")  # the example loads the register too, from a checkout
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["report"].conforms
    assert namespace["rows"], "the ready-made query returned no row on the sample corpus"
    assert namespace["poles"], "the register's query returned no row once the register is loaded"


def test_the_readme_count_of_projects_is_the_corpus_s(runner):
    """A researcher's finding of 2026-12-08: the README's count of projects gave 72 on the embedded data, the
    register's 57 real poles with the sample corpus's 15, and a researcher copying it overstated the corpus."""
    (line,) = (line for line in _command_lines() if "COUNT(*)" in line)
    result = runner.invoke(cli, [*shlex.split(line)[1:], "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", str(len(list((ROOT / "examples" / "corpus").glob("*.yaml"))))]
