"""The grid loader: it reads grille/ into immutable data and refuses files that are wrong."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from cap_ptce.errors import InputError, InputFileError, NotFoundError, ParameterError, UnknownKeyError, YamlError
from cap_ptce.grid import load_grid, load_grid_from
from cap_ptce.resources import data_dir

FILES = ("grille.yaml", "vocabulaires.yaml", "dispositifs.yaml")


@pytest.fixture
def grid_dir(tmp_path):
    """A copy of the shipped grid files that a test may break."""
    for name in FILES:
        shutil.copy(data_dir("grille") / name, tmp_path / name)
    return tmp_path


def edit(path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file by ``new``; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor {old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_copy_loads_like_the_shipped_grid(grid_dir):
    copy, shipped = load_grid_from(grid_dir), load_grid()
    assert copy.entries == shipped.entries
    assert copy.schemes == shipped.schemes


def test_load_grid_is_cached():
    assert load_grid() is load_grid()


def test_the_grid_is_immutable():
    grid = load_grid()
    with pytest.raises(dataclasses.FrozenInstanceError):
        grid.question("q01").open_list = False
    with pytest.raises(TypeError):
        grid.framing["quoi"] = None


def test_lookups_of_unknown_ids_raise_not_found():
    grid = load_grid()
    with pytest.raises(NotFoundError, match="q99"):
        grid.question("q99")
    with pytest.raises(NotFoundError, match="nulle-part"):
        grid.concept("types-acteurs/nulle-part")
    with pytest.raises(NotFoundError):
        grid.entry("nulle-part")


def test_text_in_a_language():
    text = load_grid().entry("plan-actions").label
    assert (text.get("fr"), text.get("en")) == ("Plan d’actions", "Action plan")
    with pytest.raises(ParameterError):
        text.get("de")


# file, text to find, its replacement, the error class, words of the message, the key path
BROKEN = [
    pytest.param(
        "grille.yaml",
        "      - id: q01\n",
        "      - id: q01\n        id: q01\n",
        YamlError,
        "the key 'id' appears twice",
        "id",
        id="duplicate-key",
    ),
    pytest.param(
        "grille.yaml",
        "        liste_ouverte: true\n",
        "        liste_ouvert: true\n",
        UnknownKeyError,
        "unknown key 'liste_ouvert'",
        "entrees[0].questions[0].liste_ouvert",
        id="unknown-key",
    ),
    pytest.param(
        "grille.yaml",
        '          en: "How will the initiative fit',
        '          de: "How will the initiative fit',
        UnknownKeyError,
        "unknown key 'de'",
        "entrees[7].questions[0].futur.de",
        id="unknown-language",
    ),
    pytest.param(
        "grille.yaml",
        '            en: "Knowledge of the territory"\n',
        "",
        InputError,
        "missing key 'en'",
        "entrees[0].questions[0].exemples[2]",
        id="missing-translation",
    ),
    pytest.param(
        "grille.yaml",
        '      fr: "Acteurs impliqués"',
        '      fr: ""',
        InputError,
        "non-empty",
        "entrees[2].libelle.fr",
        id="empty-translation",
    ),
    pytest.param(
        "grille.yaml",
        "  - id: plan-actions\n",
        "  - id: acteurs-impliques\n",
        InputError,
        "duplicate entry id 'acteurs-impliques'",
        "entrees[5]",
        id="duplicate-entry",
    ),
    pytest.param(
        "grille.yaml",
        "      - id: q02\n",
        "      - id: q03\n",
        InputError,
        "expected q02",
        "entrees[1].questions[0].id",
        id="question-out-of-order",
    ),
    pytest.param(
        "grille.yaml",
        "concept: axes-thematiques/environnement",
        "concept: axes-thematiques/climat",
        InputError,
        "unknown concept 'axes-thematiques/climat'",
        "entrees[1].questions[1].exemples[2].concept",
        id="dangling-concept",
    ),
    pytest.param(
        "grille.yaml",
        "dispositifs: [cte, tzcld, pat]",
        "dispositifs: [cte, zzz, pat]",
        InputError,
        "unknown public scheme 'zzz'",
        "entrees[7].questions[1].dispositifs[1]",
        id="dangling-scheme",
    ),
    pytest.param(
        "grille.yaml",
        "detaille: q07-1",
        "detaille: q07-4",
        InputError,
        "not an earlier example",
        "entrees[2].questions[0].exemples[1].detaille",
        id="forward-details",
    ),
    pytest.param(
        "grille.yaml",
        'fr: "Quels seront les espaces d’implication des membres ?"',
        'fr: "Quelles sont les espaces d’implication des membres ?"',
        InputError,
        "future-tense form repeats",
        "entrees[3].questions[0].futur",
        id="future-equals-present",
    ),
    pytest.param(
        "grille.yaml",
        'version: "1.1.0"\nmodifie',
        'version: "1.2.0"\nmodifie',
        InputError,
        "no item for version 1.2.0",
        "version",
        id="version-not-in-history",
    ),
    pytest.param(
        "grille.yaml",
        'version: "1.1.0"\nmodifie',
        "version: 1.1\nmodifie",
        InputError,
        "not a version",
        "version",
        id="unquoted-version",
    ),
    pytest.param(
        "grille.yaml",
        "modifie: 2026-12-04",
        "modifie: 2026-12-04 10:00:00",
        InputError,
        "not a date",
        "modifie",
        id="datetime-for-a-date",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "questions: [q03]",
        "questions: [q99]",
        InputError,
        "unknown question 'q99'",
        "schemas[0].questions",
        id="dangling-question",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "      - id: services-proximite\n",
        "      - id: mobilite-durable\n",
        InputError,
        "duplicate concept id 'mobilite-durable'",
        "schemas[0].concepts[3]",
        id="duplicate-concept",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "  - id: formes-implication\n",
        "  - id: formes-gouvernance\n",
        InputError,
        "duplicate concept scheme id",
        "schemas[4]",
        id="duplicate-scheme",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "        broader: acteur-socio-economique\n      - id: entreprise-ess",
        "        broader: association\n      - id: entreprise-ess",
        InputError,
        "loops",
        "schemas[1].concepts[1].broader",
        id="broader-loop",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "broader: prive",
        "broader: mecenat",
        InputError,
        "unknown concept 'mecenat'",
        "broader",
        id="dangling-broader",
    ),
    pytest.param(
        "vocabulaires.yaml",
        "  - id: types-acteurs\n",
        "  - id: Types_Acteurs\n",
        InputError,
        "is not an id",
        "schemas[1].id",
        id="bad-slug",
    ),
    pytest.param(
        "dispositifs.yaml",
        "successeur: crte",
        "successeur: crte2",
        InputError,
        "unknown successor 'crte2'",
        "dispositifs[1].successeur",
        id="dangling-successor",
    ),
    pytest.param(
        "dispositifs.yaml",
        "    sigle: PAT\n",
        "",
        InputError,
        "missing key 'sigle'",
        "dispositifs[0]",
        id="missing-key",
    ),
    pytest.param(
        "dispositifs.yaml",
        "    sigle: CTE\n",
        "    sigle: CTE\n    reference: http://example.org/cte\n",
        InputError,
        "https://",
        "dispositifs[1].reference",
        id="insecure-reference",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "error", "message", "key"), BROKEN)
def test_a_broken_grid_file_is_refused_with_its_place(grid_dir, name, old, new, error, message, key):
    line = edit(grid_dir / name, old, new)
    with pytest.raises(error, match=message) as caught:
        load_grid_from(grid_dir)
    assert caught.value.source == name
    assert caught.value.key is not None and caught.value.key.endswith(key)
    assert caught.value.line is not None and abs(caught.value.line - line) <= 1


def test_a_duplicate_key_points_at_its_second_occurrence(grid_dir):
    line = edit(grid_dir / "grille.yaml", "      - id: q01\n", "      - id: q01\n        id: q01\n")
    with pytest.raises(YamlError) as caught:
        load_grid_from(grid_dir)
    assert caught.value.line == line + 1


def test_an_unknown_key_suggests_the_nearest(grid_dir):
    edit(grid_dir / "grille.yaml", "        liste_ouverte: true\n", "        liste_ouvert: true\n")
    with pytest.raises(UnknownKeyError) as caught:
        load_grid_from(grid_dir)
    assert "liste_ouverte" in caught.value.hint


@pytest.mark.parametrize(
    ("anchor", "alias"),
    [
        (("titre:\n", "titre: &titre\n"), ("sous_titre:\n  fr:", "sous_titre: *titre\nx_sous_titre:\n  fr:")),
        (("id: cap-ptce", "id: &id cap-ptce"), ("      - id: q01", "      - id: *id")),
    ],
    ids=["mapping", "scalar"],
)
def test_anchors_and_aliases_are_refused_at_the_anchor(grid_dir, anchor, alias):
    line = edit(grid_dir / "grille.yaml", *anchor)
    edit(grid_dir / "grille.yaml", *alias)
    with pytest.raises(YamlError, match="anchors") as caught:
        load_grid_from(grid_dir)
    assert caught.value.line == line


def test_keys_must_be_words(grid_dir):
    edit(grid_dir / "grille.yaml", "modifie:", "? [a, b]\n: x\nmodifie:")
    with pytest.raises(YamlError, match="a key is a word"):
        load_grid_from(grid_dir)


def test_invalid_yaml_names_its_line(grid_dir):
    line = edit(grid_dir / "dispositifs.yaml", "    sigle: PAT\n", "    sigle: [PAT\n")
    with pytest.raises(YamlError) as caught:
        load_grid_from(grid_dir)
    assert caught.value.source == "dispositifs.yaml"
    assert caught.value.line is not None and caught.value.line >= line


def test_a_missing_file_is_an_input_file_error(grid_dir):
    (grid_dir / "vocabulaires.yaml").unlink()
    with pytest.raises(InputFileError, match="vocabulaires.yaml"):
        load_grid_from(grid_dir)


def test_a_file_that_is_not_utf8_is_an_input_file_error(grid_dir):
    path = grid_dir / "dispositifs.yaml"
    path.write_bytes("# Caractère hétérogène\n".encode("latin-1") + path.read_bytes())
    with pytest.raises(InputFileError):
        load_grid_from(grid_dir)


def test_a_file_that_is_not_a_mapping_is_refused(grid_dir):
    (grid_dir / "dispositifs.yaml").write_text("- pat\n- cte\n", encoding="utf-8")
    with pytest.raises(InputError, match="mapping"):
        load_grid_from(grid_dir)


def test_readers_see_the_corrected_wording_in_french_and_the_future_when_asked():
    from cap_ptce.grid import load_grid

    q01 = load_grid().question("q01")
    assert q01.corrected and q01.wording("fr") == q01.corrected != q01.text.fr
    assert q01.wording("en") == q01.text.en
    assert q01.wording("fr", future=True) == q01.future.fr
