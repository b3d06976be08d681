"""A key that is missing is reported at the line of the mapping that lacks it, never without a line.

The carrier reads « ligne N » and opens the file there: a message with no line
leaves them searching a 300-line description for the place to add the key.
"""

from __future__ import annotations

import json

import pytest

from cap_ptce.cli import main
from cap_ptce.errors import YamlError
from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.project.schema import PROJECT
from valid_description import description, line_of, write

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


@pytest.mark.parametrize(
    ("key", "path", "after"),
    [
        ("strategie_commune", "cap:commonStrategy", "q02"),
        ("territoire", "cap:territory", "q10"),
        ("structure_porteuse", "cap:carryingStructure", "q01"),  # a SPARQL constraint's: its focus as its value
    ],
)
def test_a_missing_project_key_is_said_near_the_key_after_it(tmp_path, capsys, key, path, after):
    """« Pas de stratégie commune » came at the project's first line, « format: 2 », marked at fault: the file's
    first key says nothing of it. It comes near the key that the format puts after it, and no line is at fault."""
    data = description()
    del data[key]
    data.pop("reponses")
    data.update({q.id: f"Réponse d'essai à la question {q.id}." for q in load_grid().questions})
    data = {name: data[name] for name in sorted(data, key=_ORDER.index)}  # the keys in the format's order
    path_ = tmp_path / "d.yaml"
    path_.write_text(HEAD + write(data, tmp_path / "w.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    main(["validate", "--format", "json", str(path_)])
    results = json.loads(capsys.readouterr().out)["files"][0]["results"]
    found = [r for r in results if r["path"].split("/")[0] == path]
    assert found and all(r["near"] for r in found)
    assert {(r["line"], *r["lines"]) for r in found} == {(line_of(path_, f"{after}:"),) * 2}
    main(["validate", str(path_)])
    assert f"près de la ligne {line_of(path_, f'{after}:')}" in capsys.readouterr().out


_ORDER = [spec_field.key for spec_field in PROJECT.fields]


def test_a_project_key_after_every_key_of_the_file_is_said_near_its_last_key(tmp_path, capsys):
    """A retest: a short file without its territory was told « près de la ligne 6 », « acteurs: », whose actors
    ran on to the end of the file; the territory goes after them."""
    data = description()
    keep = ("format", "id", "nom", "maturite", "acteurs")
    data = {"format": 2} | {key: value for key, value in data.items() if key in keep}
    path = write(data, tmp_path / "court.yaml")
    main(["validate", "--format", "json", str(path)])
    results = json.loads(capsys.readouterr().out)["files"][0]["results"]
    territory = [r for r in results if (r["path"] or "").startswith("cap:territory")]
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert territory and {(r["line"], r["near"]) for r in territory} == {(last, True)}
