"""The format table, stable serialisation, and the ``export`` and ``grid`` commands."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from cap_ptce.cli import cli, main
from cap_ptce.errors import ParameterError
from cap_ptce.grid import load_grid
from cap_ptce.grid.rdf import grid_graph
from cap_ptce.grid.tabular import GRID_CSV_COLUMNS
from cap_ptce.publish.parts import dataset_parts
from cap_ptce.rdf.serialize import (
    EXPORT_FORMATS,
    FORMATS,
    GRID_CSV,
    format_for_media_type,
    format_for_suffix,
    get_format,
    serialize,
)
from cap_ptce.rdf.vocabulary import ontology_graph
from cap_ptce.validation.shapes import shapes_graph

RDF_FORMAT_NAMES = [fmt.name for fmt in FORMATS]

# --- the format table -------------------------------------------------------------

TABLE = [
    # name, canonical media type, suffix, rdflib parser
    ("turtle", "text/turtle", ".ttl", "turtle"),
    ("json-ld", "application/ld+json", ".jsonld", "json-ld"),
    ("xml", "application/rdf+xml", ".rdf", "xml"),
    ("nt", "application/n-triples", ".nt", "nt"),
    ("csv", "text/csv", ".csv", None),
]


@pytest.mark.parametrize(("name", "media_type", "suffix", "rdflib_format"), TABLE)
def test_format_table(name, media_type, suffix, rdflib_format):
    fmt = get_format(name)
    assert (fmt.media_type, fmt.suffix, fmt.rdflib_format) == (media_type, suffix, rdflib_format)
    assert format_for_media_type(media_type) is fmt
    assert format_for_media_type(media_type.upper() + "; charset=utf-8") is fmt
    assert format_for_suffix(suffix) is fmt
    assert format_for_suffix(suffix.lstrip(".")) is fmt


def test_the_table_is_the_test_table():
    assert [fmt.name for fmt in EXPORT_FORMATS] == [row[0] for row in TABLE]
    assert GRID_CSV not in FORMATS and all(fmt.is_rdf for fmt in FORMATS)


@pytest.mark.parametrize("alias", ["application/x-turtle", "application/json"])
def test_aliases_name_a_canonical_format(alias):
    assert format_for_media_type(alias).media_type != alias


@pytest.mark.parametrize(
    ("lookup", "value"),
    [(get_format, "rdfa"), (format_for_media_type, "text/html"), (format_for_suffix, ".exe")],
)
def test_unknown_formats_are_refused_with_the_choices(lookup, value):
    with pytest.raises(ParameterError) as caught:
        lookup(value)
    assert "turtle" in caught.value.hint or "text/turtle" in caught.value.hint or ".ttl" in caught.value.hint


def test_csv_is_not_an_rdf_serialisation():
    with pytest.raises(ParameterError):
        serialize(grid_graph(), "csv")


# --- stable serialisation ---------------------------------------------------------

BLANK_NODE_GRAPH = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "un"@fr, "one"@en ] ,
                 [ sh:path ( ex:q ex:r ) ; sh:in ( "a" "b" ) ] .
"""


@pytest.mark.parametrize("name", RDF_FORMAT_NAMES)
def test_blank_nodes_get_the_same_labels_on_every_parse(name):
    first = Graph().parse(data=BLANK_NODE_GRAPH, format="turtle")
    second = Graph().parse(data=BLANK_NODE_GRAPH, format="turtle")
    assert serialize(first, name) == serialize(second, name)


@pytest.mark.parametrize("name", RDF_FORMAT_NAMES)
def test_insertion_order_does_not_matter(name):
    triples = list(grid_graph())
    forward, backward = Graph(), Graph()
    for triple in triples:
        forward.add(triple)
    for triple in reversed(triples):
        backward.add(triple)
    assert serialize(forward, name) == serialize(backward, name)


@pytest.mark.parametrize("name", RDF_FORMAT_NAMES)
def test_blank_node_graphs_parse_back_isomorphic(name):
    graph = Graph().parse(data=BLANK_NODE_GRAPH, format="turtle")
    back = Graph().parse(data=serialize(graph, name).decode("utf-8"), format=get_format(name).rdflib_format)
    assert isomorphic(graph, back)


def test_ntriples_are_sorted_lines():
    lines = serialize(grid_graph(), "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(grid_graph())


def test_json_ld_has_an_inline_context_of_the_prefixes_it_uses():
    import json

    document = json.loads(serialize(grid_graph(), "json-ld"))
    assert document["@context"]["cap"] == "https://w3id.org/cap-ptce/def#"
    assert "igeo" not in document["@context"]


# --- cap-ptce export --------------------------------------------------------------


def export(runner, *args):
    return runner.invoke(cli, ["export", *args])


@pytest.fixture(scope="module")
def grid_exports():
    """The grid exported once in each RDF format, read back."""
    from click.testing import CliRunner

    runner = CliRunner()
    parsed = {}
    for fmt in FORMATS:
        result = runner.invoke(cli, ["export", "--format", fmt.name])
        assert result.exit_code == 0, result.output
        parsed[fmt.name] = Graph().parse(data=result.stdout_bytes.decode("utf-8"), format=fmt.rdflib_format)
    return parsed


def test_export_writes_turtle_of_the_grid_by_default(runner):
    result = export(runner)
    assert result.exit_code == 0
    graph = Graph().parse(data=result.output, format="turtle")
    assert isomorphic(graph, grid_graph())


@pytest.mark.parametrize("name", RDF_FORMAT_NAMES)
def test_every_format_parses_back_to_the_grid(grid_exports, name):
    assert isomorphic(grid_exports[name], grid_graph())


@pytest.mark.parametrize(("what", "build"), [("ontology", ontology_graph), ("shapes", shapes_graph)])
def test_export_each_part(runner, what, build):
    result = export(runner, "--what", what, "--format", "nt")
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.output, format="nt"), build())


def test_export_all_is_the_union_of_the_parts(runner):
    result = export(runner, "--what", "all", "--format", "nt")
    union = Graph()
    for graph in dataset_parts().values():
        union += graph
    assert isomorphic(Graph().parse(data=result.output, format="nt"), union)


def test_the_grid_licence_follows_the_setting(runner):
    other = "https://creativecommons.org/licenses/by/4.0/"
    result = runner.invoke(cli, ["export", "--format", "nt"], env={"CAP_PTCE_LICENSE": other})
    assert (
        f"<https://w3id.org/cap-ptce/grille/cap-ptce> <http://purl.org/dc/terms/license> <{other}> ." in result.output
    )


def test_export_to_a_file(runner, tmp_path):
    target = tmp_path / "grille.jsonld"
    result = export(runner, "--format", "json-ld", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert isomorphic(Graph().parse(target, format="json-ld"), grid_graph())


def run_cli(*args: str, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "cap_ptce", *args], capture_output=True, env=env, check=True)
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", [fmt.name for fmt in EXPORT_FORMATS])
def test_two_exports_are_byte_identical_across_processes(name):
    what = "grid" if name == "csv" else "all"
    first = run_cli("export", "--what", what, "--format", name, seed="1")
    second = run_cli("export", "--what", what, "--format", name, seed="2")
    assert first and first == second


def test_csv_has_one_row_per_question(runner):
    result = export(runner, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert tuple(rows[0]) == GRID_CSV_COLUMNS
    assert len(rows) == 1 + 18
    grid = load_grid()
    for row, question in zip(rows[1:], grid.questions):
        record = dict(zip(rows[0], row))
        assert record["question_id"] == question.id and record["question_fr"] == question.text.fr
        assert record["entry_id"] == question.entry_id
        assert record["future_en"] == question.future.en
        assert record["examples_fr"].split(" | ") == [e.label.fr for e in question.examples]
        assert record["open_list"] == ("true" if question.open_list else "false")


def test_csv_is_for_the_grid_only(capsys):
    assert main(["export", "--what", "ontology", "--format", "csv"]) == 2
    assert "--what grid" in capsys.readouterr().err


def test_a_bad_format_is_a_usage_error(capsys):
    assert main(["export", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "pdf" in err and "turtle" in err


def test_an_unwritable_output_is_exit_2_without_a_traceback(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "missing" / "grille.ttl")]) == 2
    err = capsys.readouterr().err
    assert "grille.ttl" in err and "Traceback" not in err


# --- cap-ptce grid ----------------------------------------------------------------


def test_grid_shows_entries_numbered_questions_and_examples(runner):
    result = runner.invoke(cli, ["grid"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    grid = load_grid()
    flowing = " ".join(result.output.split())
    for entry in grid.entries:
        assert entry.label.fr.upper() in flowing
    questions = re.findall(r"^  ([ \d]\d)\. ", result.output, flags=re.MULTILINE)
    assert [int(number) for number in questions] == list(range(1, 19))
    entries = re.findall(r"^(\d)\. ", result.output, flags=re.MULTILINE)
    assert [int(number) for number in entries] == list(range(1, 10))
    assert f"• {grid.questions[0].examples[0].label.fr}" in result.output


def test_grid_in_english_and_in_the_future(runner):
    result = runner.invoke(cli, ["grid", "--lang", "en", "--future"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    question = load_grid().question("q02")
    assert question.future.en in result.output
    assert question.text.fr not in result.output


@pytest.mark.parametrize("width", [50, 80])
def test_grid_wraps_to_the_terminal_width(runner, width):
    result = runner.invoke(cli, ["grid"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= width


@pytest.mark.parametrize("command", ["export", "grid"])
def test_help_gives_examples(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert f"cap-ptce {command}" in result.output and "Exemples" in result.output
