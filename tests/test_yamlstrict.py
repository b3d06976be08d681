"""The strict YAML reader: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from cap_ptce.errors import InputFileError, YamlError
from cap_ptce.i18n import one_language
from cap_ptce.yamlstrict import Loader, load_yaml

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def refusal(text, error=YamlError, **kwargs):
    with pytest.raises(error) as caught:
        load_yaml(text, source="f.yaml", **kwargs)
    return caught.value


def test_reads_plain_data_with_the_line_of_every_key_and_item():
    data, lines = load_yaml("nom: Pôle\nacteurs:\n  - id: a\n    ess: true\n  - id: b\ncree: 2024-03-05\n")
    assert data == {
        "nom": "Pôle",
        "acteurs": [{"id": "a", "ess": True}, {"id": "b"}],
        "cree": datetime.date(2024, 3, 5),
    }
    assert lines.line(("nom",)) == 1
    assert lines.line(("acteurs", 0)) == 3
    assert lines.line(("acteurs", 0, "ess")) == 4
    assert lines.line(("acteurs", 1, "id")) == 5
    assert lines.line(("cree",)) == 6


def test_an_unknown_path_falls_back_to_its_nearest_recorded_ancestor():
    _, lines = load_yaml("acteurs:\n  - id: a\n")
    assert lines.line(("acteurs", 0, "siren")) == 2


def test_quoted_values_stay_text():
    data, _ = load_yaml('code: "01053"\nannee: "2024"\nbool: "true"\n')
    assert data == {"code": "01053", "annee": "2024", "bool": "true"}


def test_uses_the_c_parser_when_pyyaml_has_it():
    expected = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert Loader is expected


def test_a_utf8_byte_order_mark_is_accepted():
    data, _ = load_yaml("\ufeffnom: x\n".encode("utf-8"))
    assert data == {"nom": "x"}


def test_aliases_are_refused_with_line_and_hint():
    error = refusal("a: 1\nb: &ancre 2\nc: *ancre\n")
    assert error.line == 2 and "anchor" in error.message
    assert error.source == "f.yaml" and error.hint


def test_an_alias_without_anchor_on_its_line_is_refused_too():
    error = refusal("a:\n  - x\nb: *x\n")
    assert error.line == 3 and "aliases (*x)" in error.message


def test_the_billion_laughs_bomb_is_refused_at_its_first_anchor():
    error = refusal(BILLION_LAUGHS)  # refused before any expansion: expanding it would not end
    assert error.line == 1 and "anchors (&a)" in error.message


def test_merge_keys_are_refused():
    assert "merge" in refusal("base:\n  x: 1\nautre:\n  <<: {x: 2}\n").message


def test_tags_are_refused():
    error = refusal("a: !!python/object/apply:os.system ['true']\n")
    assert error.line == 1 and "tag" in error.message
    assert "tag" in refusal("a: !!str 80021\n").message


def test_duplicate_keys_are_refused_naming_both_lines():
    error = refusal("nom: a\nid: x\nnom: b\n")
    assert error.line == 3 and "'nom'" in error.message and "line 1" in error.hint


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("012", "012"),  # YAML 1.1's octal: 10, a département that was not written
        ("07", "07"),  # octal 7: the zero that makes it Ardèche's code lost
        ("-017", "-017"),
        ("0b101", "0b101"),  # binary
        ("0x1F", "0x1F"),  # hexadecimal: 31, Haute-Garonne's code, from a retest
        ("9:30", "9:30"),  # base 60: 570
        ("1:30.5", "1:30.5"),
    ],
)
def test_a_number_yaml_1_1_would_read_in_another_base_stays_as_written(text, kept):
    data, _lines = load_yaml(f"a: {text}\nb: [{text}]\n")
    assert data == {"a": kept, "b": [kept]}


def test_decimal_numbers_stay_numbers():
    data, _lines = load_yaml("a: 12\nb: 0\nc: -3\nd: 1_000\ne: 1.5\nf: 08\n")
    assert data == {"a": 12, "b": 0, "c": -3, "d": 1000, "e": 1.5, "f": "08"}  # 08 was never a number in YAML 1.1


def test_yaml_1_1_booleans_other_than_true_false_are_refused():
    error = refusal("ess: yes\n")
    assert error.line == 1 and "true or false" in error.hint
    assert refusal("ess: Off\n").line == 1


def test_non_utf8_bytes_are_refused_with_their_line():
    error = refusal(b"nom: ok\ndescription: caf\xe9\n", InputFileError)
    assert error.line == 2 and "UTF-8" in error.message


def test_a_file_saved_as_windows_1252_is_told_which_letter_of_which_word_is_not_utf8():
    """A carrier's file saved by Notepad in « ANSI » was told « l'octet 0xf4 (position 37) n'est pas de
    l'UTF-8 »: the « ô » of « Pôle », line 3, had to be guessed."""
    error = refusal('format: 2\nid: x\nnom: "Pôle Sud Archer"\n'.encode("cp1252"), InputFileError)
    assert (error.line, error.column) == (3, 8)
    assert error.message.startswith("ligne 3, colonne 8 : l'octet 0xf4 n'est pas de l'UTF-8")
    assert "c'est « ô » dans « Pôle »" in error.message and '"ô" in "Pôle"' in error.message
    assert (
        one_language(error.hint, "fr")
        == "l'enregistrer en UTF-8 (dans Bloc-notes : Enregistrer sous, puis Codage UTF-8)"
    )
    assert one_language(error.message, "en").startswith("line 3, column 8: byte 0xf4 is not valid UTF-8")
    undefined = refusal(b"nom: \x81\n", InputFileError)  # a byte Windows-1252 has no letter for: no guess
    assert "0x81" in undefined.message and "Windows-1252" not in undefined.message


def test_oversized_input_is_refused():
    error = refusal("a: " + "x" * 200 + "\n", InputFileError, max_bytes=100)
    assert "limit" in error.message


def test_oversized_files_are_refused_before_being_read(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: b\n" * 300_000)
    with pytest.raises(InputFileError) as caught:
        load_yaml(path)
    assert caught.value.source == str(path)


def test_too_deep_nesting_is_refused():
    deep = "a: " + "[" * 25 + "]" * 25 + "\n"
    assert "nested" in refusal(deep).message
    data, _ = load_yaml("a: " + "[" * 10 + "]" * 10 + "\n")
    assert data["a"] == [[[[[[[[[[]]]]]]]]]]


def test_invalid_yaml_gives_its_line_and_column():
    error = refusal("nom: x\nacteurs:\n  - id: a\n   ess: true\n")
    assert error.line == 4 and error.column is not None


# Mistakes people make when they write YAML by hand: what the reader says (in French first), and on which line.
SYNTAX_MISTAKES = [
    ("nom: Pôle: ESS\n", 1, "deux-points « : » inattendu", "guillemets"),
    ('nom: x\nacronyme: "PTCE\n', 2, "guillemet ouvert n'est jamais refermé", "refermer le guillemet"),
    ("acteurs:\n  - id: a\n   nom: b\n", 3, "l'indentation n'est pas cohérente", "aligner la ligne"),
    ("acteurs:\n\t- id: a\n", 2, "ne peut pas commencer une valeur", "des espaces, pas des tabulations"),
    # the line where « [ » opens, not the next one, where the parser missed its end (a carrier's walk of 2026-12-06)
    ("axes: [a, b\nnom: x\n", 1, "liste ouverte par « [ » n'est pas refermée", "« ] »"),
    ("acteurs: {id: a\nnom: x\n", 1, "bloc ouvert par « { » n'est pas refermé", "« } »"),
    ('nom: "C:\\dossier"\n', 1, "barre oblique inverse", "guillemets simples"),
    ("nom: |x\n  a\n", 1, "après « | » ou « > »", "lignes suivantes"),
    # a quote left open in the middle of the file: the value runs on to the next quote, where the parser stops
    (
        'acteurs:\n  - id: a\n    nom: "Juratri\n    type: cooperative\n    ess: true\n    siren: "812056372"\n',
        3,
        "guillemet ouvert à cette ligne n'est pas refermé",
        "refermer le guillemet",
    ),
    ('axes: [a]\nidentification: "Trois séminaires.\nq04: "Une fabrique."\n', 2, "ligne 3", "sur la même ligne"),
    ("nom: 'Pôle\ndescription: 'Un pôle.'\n", 1, "guillemet ouvert à cette ligne", "refermer le guillemet"),
]


@pytest.mark.parametrize("loader", [Loader, yaml.SafeLoader], ids=["libyaml", "pyyaml"])
@pytest.mark.parametrize(("text", "line", "meaning", "todo"), SYNTAX_MISTAKES)
def test_syntax_mistakes_are_explained_in_french_where_they_are(monkeypatch, loader, text, line, meaning, todo):
    monkeypatch.setattr("cap_ptce.yamlstrict.Loader", loader)
    error = refusal(text)
    assert error.message.startswith("YAML invalide : ") and meaning in error.message
    assert todo in error.hint and " / " in error.hint  # what to do, in French then English
    assert error.line == line


def test_a_value_quoted_over_several_lines_is_not_taken_for_a_quote_left_open():
    data, _ = load_yaml('nom: "Pôle\n  des Monts"\nid: p\n')
    assert data == {"nom": "Pôle des Monts", "id": "p"}
    error = refusal('nom: "Pôle\n  des Monts" x\nid: p\n')  # something after a quoted value, not a quote open
    assert "guillemet ouvert" not in error.message and error.line == 2


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("date_creation: 2014-13-10\n", "le mois 13 n'existe pas"),
        ("date_creation: 2014-02-30\n", "il n'y a pas de 30 février 2014"),
        ("date_creation: 2014-00-10\n", "le mois 00 n'existe pas"),
    ],
)
def test_a_date_that_does_not_exist_is_said_not_to_exist(text, meaning):
    error = refusal(text)
    assert "n'existe pas" in error.message and meaning in error.message and error.line == 1
    assert "guillemets" not in error.hint and "2014-10-13" in error.hint and "13/10/2014" in error.hint


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"PK\x03\x04binary", "Word"),  # a .docx or .odt is a zip archive
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01", "Word"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Word"),  # an old .doc
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image PNG"),  # a logo renamed: « un octet nul » said nothing
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image JPEG"),
        (b"nom: a\x00b\n", None),
    ],
)
def test_a_file_that_is_not_text_is_said_not_to_be_and_how_to_get_one(tmp_path: Path, raw, kind):
    path = tmp_path / "candidature.docx"
    path.write_bytes(raw)
    error = refusal(path, InputFileError)
    assert "n'est pas un fichier texte" in error.message and "not a text file" in error.message
    assert kind is None or kind in error.message
    assert "texte brut" in error.hint and ".yaml" in error.hint and "/editeur" in error.hint


@pytest.mark.parametrize("bom", [True, False], ids=["with-its-mark", "without"])
def test_a_text_saved_as_utf16_is_said_so_and_how_to_save_it_as_utf8(tmp_path: Path, bom):
    """Windows' Notepad may save a description in UTF-16: it was « pas un fichier texte : un octet nul »."""
    path = tmp_path / "pole.yaml"
    path.write_bytes("nom: Pôle du Ségala\nmaturite: emergent\n".encode("utf-16" if bom else "utf-16-le"))
    error = refusal(path, InputFileError)
    assert "UTF-16" in error.message and "pas un fichier texte" not in error.message and "UTF-8" in error.hint


def test_sizes_are_written_the_french_way_in_french():
    """« 1,117,277 octets » read as English in a French message."""
    from cap_ptce.yamlstrict import read_text

    with pytest.raises(InputFileError) as caught:
        read_text(b"x" * 1_117_277, source="gros.yaml", max_bytes=1_000_000)
    french, english = caught.value.message.split(" / ")
    assert "1\u202f117\u202f277 octets" in french and "1\u202f000\u202f000" in french and "1,117,277 bytes" in english


def test_a_problem_the_reader_has_no_words_for_is_still_named():
    error = refusal("%YAML 1.1\n%YAML 1.1\n---\nnom: a\n")  # a duplicate directive
    assert error.message.startswith("YAML invalide") and error.line == 2 and error.hint


def test_keys_must_be_plain_texts():
    assert refusal("? [a, b]\n: 1\n").line == 1


def test_one_document_per_file():
    assert "more than one" in refusal("a: 1\n---\nb: 2\n").message


def test_a_missing_file_is_an_input_file_error(tmp_path: Path):
    with pytest.raises(InputFileError) as caught:
        load_yaml(tmp_path / "absent.yaml")
    assert caught.value.hint


def test_errors_read_as_file_line_message_hint():
    text = str(refusal("a: 1\na: 2\n"))
    assert text.startswith("f.yaml:2:1: la clé 'a' apparaît deux fois / the key 'a' appears twice (")


@pytest.mark.parametrize(
    "text, line",
    [("acteurs:\n  - id: a\n    nom: b\n\tsiren: x\n", 4), ("nom: x\n\tid: b\n", 2), ("q04: |\n\tUn texte.\n", 2)],
)
def test_a_tab_in_the_indentation_is_told_in_the_pages_language(text, line):
    """The carrier's walk of 2026-12-06: « YAML invalide : found a tab character that violates indentation »."""
    from cap_ptce.i18n import one_language

    error = refusal(text)
    assert error.line == line and "tabulation" in error.message and "des espaces" in error.hint
    assert one_language(error.message, "fr").startswith("YAML invalide : une tabulation dans l'indentation")
    assert one_language(error.message, "en").startswith("invalid YAML: a tab in the indentation")


def test_an_unclosed_list_is_told_in_one_language_on_a_page():
    """The same walk: the page showed « … n'est pas refermée (« did not find expected ',' or ']' ») / invalid YAML: … »."""
    from cap_ptce.i18n import one_language

    message = refusal("axes: [a, b\nnom: x\n").message
    assert " / " not in one_language(message, "fr") and " / " not in one_language(message, "en")


@pytest.mark.parametrize(
    ("text", "line", "where"),
    [
        (
            "nom: Pôle\nstructure_porteuse:\n  porteurs:\u00a0[archer]\n  portage: association\n",
            3,
            "après « porteurs: »",
        ),
        ("nom: Pôle\nq05:\u00a0Des emplois durables\nq06: non\n", 2, "après « q05: »"),
        ("nom: Pôle\nq04: x\u202f\nq05:\u202fTexte\nq06: y\n", 3, "après « q05: »"),
    ],
)
def test_a_no_break_space_pasted_from_a_word_processor_is_named_at_its_line(text, line, where):
    """A carrier's finding of 2026-12-07: « porteurs:\u00a0[archer] » (a no-break space after the colon, as a word
    processor puts it) was « un deux-points « : » inattendu, ou une ligne décalée » one line later, with the hint to
    quote a value that holds a colon."""
    error = refusal(text)
    assert error.line == line and where in error.message and "insécable" in error.message, error.message
    assert "espace ordinaire" in error.hint


def test_a_no_break_space_inside_a_text_is_not_blamed_for_a_later_mistake():
    text = "nom: Pôle\ndescription: |\n  Note:\u00a0un texte\n  suite\naxes: [a, b\nq06: x\n"
    error = refusal(text)
    assert "insécable" not in error.message and "[" in error.message, error.message


@pytest.mark.parametrize(
    "text",
    ['nom: Pôle\nq05:\u00a0"Des emplois : oui."\nq06: non\n', 'nom: Pôle\nterritoire:\n\u00a0 communes: ["80021"]\n'],
)
def test_a_no_break_space_that_yaml_reads_into_a_key_is_named(text):
    """The same space where YAML reads on, into a key (« q05:\u00a0"Des emplois »): the loader's « clé inconnue »
    listed every key of the format; it now names the space."""
    from cap_ptce.errors import UnknownKeyError
    from cap_ptce.project import load_description

    with pytest.raises(UnknownKeyError) as caught:
        load_description(text, source="f.yaml", format="yaml")
    assert "insécable" in str(caught.value) and "U+00A0" in str(caught.value) and caught.value.line in (2, 3)
    assert "clés possibles" not in str(caught.value)


def test_the_hint_for_a_file_that_is_no_text_shows_one_language_on_a_page():
    """A carrier's remark of 2026-12-07: the French page, told of a PDF sent by mistake, showed the hint half in
    English (« …/editeur / save the description as plain text… »)."""
    hint = refusal(b"%PDF-1.7\n...", error=InputFileError).hint
    assert " / " not in one_language(hint, "fr") and " / " not in one_language(hint, "en")
    assert one_language(hint, "fr").startswith("enregistrer la description en texte brut")
