"""``cap-ptce query``: ready-made queries, SPARQL texts and .rq files from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cap_ptce.cli import main
from cap_ptce.queries import get_query, list_queries, run_query
from cap_ptce.queries.results import solutions_to_rows
from cap_ptce.store.build import build_kb


@pytest.fixture(scope="module")
def sample_kb():
    base = build_kb({})
    yield base
    base.close()


def run(capsysbinary, *args: str) -> tuple[int, bytes, str]:
    """Exit code, stdout bytes and stderr text of ``cap-ptce query ARGS``."""
    code = main(["query", *args])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def rows_of(body: bytes) -> list[dict]:
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    return solutions_to_rows(solutions, [variable.value for variable in solutions.variables])


def test_list_names_every_query_with_its_title(capsysbinary):
    code, out, _ = run(capsysbinary, "--list")
    lines = out.decode().splitlines()
    assert code == 0
    assert [line.split("\t")[0] for line in lines] == [query.name for query in list_queries()]
    assert "projets-par-dispositif\tProjets par dispositif public\t[dispositif]" in lines


def test_list_in_english_and_as_json(capsysbinary):
    _, english, _ = run(capsysbinary, "--list", "--lang", "en")
    assert "Projects by public scheme" in english.decode()
    _, as_json, _ = run(capsysbinary, "--list", "--format", "json")
    listing = json.loads(as_json)
    assert listing[0]["name"] == list_queries()[0].name
    assert {"name", "type", "default", "description"} <= set(listing[0]["parameters"][0])


def test_a_ready_made_query_runs_on_the_embedded_sample_corpus(capsysbinary, sample_kb):
    code, out, _ = run(
        capsysbinary, "--name", "projets-par-dispositif", "--param", "dispositif=pat", "--format", "json"
    )
    assert code == 0
    assert rows_of(out) == run_query(sample_kb, "projets-par-dispositif", {"dispositif": "pat"})


def test_csv_is_the_default_format(capsysbinary, sample_kb):
    code, out, _ = run(capsysbinary, "--name", "membres-ess")
    table = list(csv.DictReader(io.StringIO(out.decode("utf-8"))))
    expected = run_query(sample_kb, "membres-ess")
    assert code == 0
    assert [row["nom"] for row in table] == [row["nom"] for row in expected]
    assert list(table[0]) == list(expected[0])


@pytest.mark.parametrize(("fmt", "start"), [("tsv", b"?projet\t"), ("xml", b"<?xml"), ("json", b'{"head"')])
def test_every_result_format(capsysbinary, fmt, start):
    code, out, _ = run(capsysbinary, "--name", "membres-ess", "--format", fmt)
    assert code == 0
    assert out.startswith(start)


def test_a_sparql_text(capsysbinary, sample_kb):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/cap-ptce/def#Project> }"
    code, out, _ = run(capsysbinary, query, "--format", "json")
    assert code == 0
    # the sample corpus's projects (couverture-par-projet leaves the register aside) and the register's poles
    register = len(list((Path(__file__).resolve().parents[1] / "registre" / "poles").glob("*.yaml")))
    assert rows_of(out) == [{"n": len(run_query(sample_kb, "couverture-par-projet")) + register}]


def test_a_query_file_with_its_own_parameters(capsysbinary, tmp_path):
    path = tmp_path / "ma-requete.rq"
    path.write_text(
        "# title: {fr: Projets d'une maturité, en: Projects of one maturity}\n"
        "# description: {fr: Essai, en: Test}\n"
        "# parameters:\n"
        "#   maturite: {type: concept, scheme: maturites, description: {fr: m, en: m}}\n"
        "PREFIX cap: <https://w3id.org/cap-ptce/def#>\n"
        "SELECT ?p WHERE { VALUES ?maturite { UNDEF } ?p cap:maturity ?maturite }\n",
        encoding="utf-8",
    )
    _, every, _ = run(capsysbinary, "--file", str(path), "--format", "json")
    _, established, _ = run(capsysbinary, "--file", str(path), "--param", "maturite=etabli", "--format", "json")
    _, emerging, _ = run(capsysbinary, "--file", str(path), "--param", "maturite=emergent", "--format", "json")
    assert len(rows_of(every)) == len(rows_of(established)) + len(rows_of(emerging)) > 0


def test_show_prints_the_query_with_its_parameters_bound(capsysbinary):
    code, out, _ = run(capsysbinary, "--name", "stades-plan-action", "--param", "axe=mobilite-durable", "--show")
    assert code == 0
    assert out.decode() == get_query("stades-plan-action").build({"axe": "mobilite-durable"})
    assert "VALUES ?axe { <https://w3id.org/cap-ptce/vocab/axes-thematiques/mobilite-durable> }" in out.decode()


def test_output_to_a_file(capsysbinary, tmp_path):
    target = tmp_path / "resultats.csv"
    code, out, _ = run(capsysbinary, "--name", "projets-par-region", "-o", str(target))
    assert code == 0 and out == b""
    assert target.read_text(encoding="utf-8").startswith("code_region,nom_region,projets")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "membre-ess"], "did you mean membres-ess"),
        (["--name", "membres-ess", "--param", "maturite=etablie"], "did you mean 'etabli'"),
        (["--name", "membres-ess", "--param", "maturiteetabli"], "not of the form name=value"),
        (["--name", "projets-par-departement", "--param", "region=99"], "not the INSEE code of a région"),
        (["--name", "projets-par-departement", "--param", "region=032"], "did you mean '32'"),
        (["--name", "membres-ess", "--param", "a=1", "--param", "a=2"], "given twice"),
        (["--name", "membres-ess", "--param", "maturit=etabli"], "did you mean 'maturite'"),
        (["--name", "heterogeneite-consortium", "--param", "minimum=1 } UNION { ?s ?p ?o"], "not an integer"),
        ([], "give exactly one query"),
        (["SELECT * {}", "--name", "membres-ess"], "got SPARQL, --name"),
        (["--file", "/nonexistent/q.rq"], "cannot read the query file"),
        (["SELECT * WHERE { ?s ?p }"], "SPARQL syntax error"),
        (["PREFIX schema: <https://schema.org/> SELECT * { ?s shema:name ?n }"], "vouliez-vous dire « schema: » ?"),
        (["SELECT ?s (COUNT(?o) AS ?n) { ?s ?p ?o }"], "(ajoutez GROUP BY ?s après le WHERE"),
        (["SELECT * WHERE {\n  ?s ?p ?o FILTER(?o > 1\n}"], "2:18: « ( » ouverte ligne 2, colonne 18, jamais fermée"),
        (["INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "read-only"),
        (["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], "SERVICE"),
        (["CONSTRUCT WHERE { ?s ?p ?o }"], "gives no table"),
    ],
)
def test_what_cannot_run_exits_2_with_a_message(capsysbinary, args, message):
    code, out, err = run(capsysbinary, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == b""


def test_help_shows_examples(capsysbinary):
    code, out, _ = run(capsysbinary, "--help")
    assert code == 0
    assert "cap-ptce query --name projets-par-dispositif --param dispositif=pat" in out.decode()


def test_every_query_the_help_names_exists(capsysbinary):
    import re

    code, out, _ = run(capsysbinary, "--help")
    named = re.findall(r"--name ([a-z][a-z0-9-]+)", out.decode())
    assert code == 0 and len(named) >= 3
    known = {query.name for query in list_queries()}
    assert [name for name in named if name not in known] == []


def test_corpus_loads_other_descriptions(capsysbinary, tmp_path):
    import shutil

    from cap_ptce.resources import data_dir

    source = sorted(data_dir("corpus").glob("*.yaml"))[0]
    shutil.copy(source, tmp_path / source.name)
    code, out, _ = run(capsysbinary, "--name", "couverture-par-projet", "--corpus", str(tmp_path), "--format", "json")
    assert code == 0
    assert [row["projet"].rsplit("/", 1)[1] for row in rows_of(out)] == [source.stem]


def test_the_corpus_and_store_settings_are_read_from_the_environment(capsysbinary, tmp_path, monkeypatch):
    """``CAP_PTCE_CORPUS`` as docs/settings.md promises for every setting: not the embedded corpus, silently."""
    import shutil

    from cap_ptce.resources import data_dir

    source = sorted(data_dir("corpus").glob("*.yaml"))[0]
    shutil.copy(source, tmp_path / source.name)
    monkeypatch.setenv("CAP_PTCE_CORPUS", str(tmp_path))
    code, out, _ = run(capsysbinary, "--name", "couverture-par-projet", "--format", "json")
    assert code == 0
    assert [row["projet"].rsplit("/", 1)[1] for row in rows_of(out)] == [source.stem]


UNREADABLE = 'format: 2\nid: {id}\nnom: "Pôle {id}"\nacteurs:\n  - id: a\n    nom: "A"\n    type: autre\n'


def test_a_corpus_file_that_cannot_be_read_is_an_error_not_a_project_less(capsysbinary, tmp_path):
    """A researcher's test of 2026-12-06: a 21st file whose actor said « type: autre » without its label was left
    out, exit 0 and nothing said: « émergent » counted 10 projects where the folder held 11."""
    import shutil

    from cap_ptce.resources import data_dir

    for source in data_dir("corpus").glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    for name in ("casse-un", "casse-deux"):
        (tmp_path / f"{name}.yaml").write_text(UNREADABLE.format(id=name), encoding="utf-8")
    code, out, err = run(capsysbinary, "--name", "projets-par-maturite", "--corpus", str(tmp_path))
    assert code == 2 and out == b""
    assert "casse-un.yaml:7" in err and "casse-deux.yaml:7" in err and "type_autre" in err  # each file, its line
    assert "cap-ptce load" in err and "Traceback" not in err


def test_a_ready_made_query_gives_every_row_and_another_query_at_most_max_result_rows(capsysbinary, monkeypatch):
    """A researcher's test of 2026-12-06: at 9,500 descriptions `query --name projets-par-dispositif` stopped at
    10,000 rows (exit 2), where its page gave all 10,294; and CAP_PTCE_MAX_RESULT_ROWS changed nothing."""
    monkeypatch.setenv("CAP_PTCE_MAX_RESULT_ROWS", "5")
    code, out, err = run(capsysbinary, "--name", "acteurs-par-type", "--format", "json")
    assert code == 0, err
    assert len(rows_of(out)) == 20  # the sample corpus's, as the web gives them
    code, out, err = run(capsysbinary, "SELECT ?s WHERE { ?s a ?type }", "--format", "json")
    assert code == 2 and "5" in err and out == b""


def test_a_file_name_given_as_the_querys_text_is_told_to_use_file(capsysbinary, tmp_path):
    # the verification walk of 2026-12-06: « cap-ptce query q.rq » was read as SPARQL, « expected SELECT… found nothing »
    path = tmp_path / "q.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    code, out, err = run(capsysbinary, str(path))
    assert code == 2 and out == b""
    assert "est un nom de fichier" in err and f"cap-ptce query --file {path}" in err
    code, out, _ = run(capsysbinary, "--file", str(path))
    assert code == 0 and out


def test_a_query_the_engine_gives_up_on_exits_2_with_a_way_round_not_a_rust_backtrace(capsysbinary, tmp_path):
    """On a store of one's own the query ran in the command's own process: the engine's panic (ORDER BY over
    values of different kinds, with Oxigraph 0.5) killed it with SIGABRT and a Rust backtrace, exit 134. It now
    runs in a worker process, as on the server, without a time limit."""
    from cap_ptce.resources import data_dir

    store = tmp_path / "store"
    assert main(["load", str(data_dir("corpus")), "--store", str(store)]) == 0
    capsysbinary.readouterr()
    mixed = "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o ORDER BY ?o"
    code, out, err = run(capsysbinary, "--store", str(store), mixed)
    if code == 2:  # Oxigraph 0.5.13 gives up on it; a fixed one answers, and then so does the command
        assert "the query engine failed on this query" in err and "STR(?x)" in err and out == b""
    else:
        assert code == 0 and out.startswith(b"o,n")
    code, out, _ = run(capsysbinary, "--store", str(store), mixed.replace("ORDER BY ?o", "ORDER BY STR(?o)"))
    assert code == 0 and out.startswith(b"o,n")  # the way round


@pytest.mark.parametrize("end", ["", "\n", "  \n\n"])
def test_a_syntax_error_is_where_the_user_wrote_it_whatever_ends_the_query(capsysbinary, end):
    """A researcher's test: « SELECT ?x WHERE { ?x ?y } » gave « expected OPTIONAL » at <input>:2:1, a line a
    one-line query has not (the command read it, then ended it with a newline), where the endpoint said 1:26."""
    code, out, err = run(capsysbinary, "SELECT ?x WHERE { ?x ?y }" + end)
    assert code == 2 and out == b"" and "Traceback" not in err
    assert "<input>:1:26: erreur de syntaxe SPARQL, attendu l'un de LATERAL, SERVICE / SPARQL syntax error" in err


def test_a_syntax_error_in_a_file_is_at_the_files_own_line(capsysbinary, tmp_path):
    """The header's comment lines and the blank lines after them were taken away before the engine counted."""
    path = tmp_path / "q.rq"
    path.write_text("# counts the things\n\n  SELECT ?x\n  WHERE { ?x ?y }\n", encoding="utf-8")
    code, out, err = run(capsysbinary, "--file", str(path))
    assert code == 2 and out == b""
    assert f"{path}:4:18: erreur de syntaxe SPARQL" in err, err


def test_a_refusal_by_our_own_endpoint_is_said_as_the_command_says_its_errors(capsysbinary, tmp_path):
    """A researcher's test: with --store http://…/sparql, the command printed the endpoint's JSON as it came
    (« the SPARQL server refused the query: {"column": 1, … »)."""
    from kbhelpers import corpus_kb, test_app
    from liveserver import serving

    with corpus_kb(tmp_path / "corpus", 2) as kb, serving(test_app(kb)) as url:
        code, out, err = run(capsysbinary, "--store", url + "/sparql", "SELECT ?x WHERE { ?x ?y }\n")
        assert code == 2 and out == b"" and "Traceback" not in err
        assert "{" not in err and "refused the query" not in err, err
        assert "<input>:1:26: erreur de syntaxe SPARQL, attendu l'un de LATERAL, SERVICE / SPARQL syntax" in err
        assert "(corrigez la requête à cette position / fix the query at this position)" in err
        code, out, err = run(capsysbinary, "--store", url + "/sparql", "SELECT * FROM <http://example.org/no> {}")
        assert code == 2 and "FROM nomme un graphe absent de la base" in err and "{" not in err.split("(")[0]
