"""A key that is missing is reported at the line of the mapping that lacks it, never without a line.

The carrier reads « ligne N » and opens the file there: a message with no line
leaves them searching a 300-line description for the place to add the key.
"""

from __future__ import annotations

import json

import pytest

from cap_ptce.cli import main
from cap_ptce.errors import YamlError
from cap_ptce.project import load_description
from valid_description import description, write

# comments and a blank line first: the project's mapping starts on line 3
HEAD = "# Pôle test\n\n"


def test_a_missing_project_id_is_reported_at_the_projects_first_line(tmp_path):
    path = tmp_path / "sans-id.yaml"
    path.write_text(HEAD + "format: 2\nnom: Pôle\nmaturite: emergent\n", encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        load_description(path)
    assert "'id'" in caught.value.message and caught.value.line == 3


def test_a_missing_actor_id_is_reported_at_the_actors_line(tmp_path):
    path = tmp_path / "acteur-sans-id.yaml"
    path.write_text("format: 2\nid: p\nnom: Pôle\nacteurs:\n  - nom: Juratri\n", encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        load_description(path)
    assert caught.value.line == 5


def test_the_cli_gives_the_line_of_a_missing_id(tmp_path, capsys):
    path = tmp_path / "sans-id.yaml"
    path.write_text(HEAD + "format: 2\nnom: Pôle\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:3" in capsys.readouterr().out


def test_a_missing_common_strategy_has_the_projects_line(tmp_path, capsys):
    data = description()
    del data["strategie_commune"]
    path = tmp_path / "sans-strategie.yaml"
    path.write_text(HEAD + write(data, tmp_path / "d.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    main(["validate", "--format", "json", str(path)])
    results = json.loads(capsys.readouterr().out)["files"][0]["results"]
    strategy = [r for r in results if r["path"] == "cap:commonStrategy"]
    assert strategy and strategy[0]["line"] == 3
