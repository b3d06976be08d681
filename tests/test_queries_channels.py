"""The ready-made queries give the same rows through Python, the command line and HTTP,
on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cap_ptce.cli import cli
from cap_ptce.queries import get_query, run_query
from cap_ptce.queries.results import solutions_to_rows
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from cap_ptce.web import create_app
from cap_ptce.web.sparql import get_kb
from queries_helpers import CASE_IDS, CASES, oxigraph_server, without_load_times


def _loaded(location: str) -> None:
    with KnowledgeBase.open(location) as kb:
        kb.load_reference_graphs()
        report = kb.load_corpus(data_dir("corpus"))
    assert report.ok, report.outcomes


def _parse(body: bytes) -> list[dict]:
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    return solutions_to_rows(solutions, [variable.value for variable in solutions.variables])


def python_channel(location: str) -> list[list[dict]]:
    with KnowledgeBase.open(location) as kb:
        return [run_query(kb, name, params) for name, params in CASES]


def cli_channel(location: str) -> list[list[dict]]:
    runner, results = CliRunner(), []
    for name, params in CASES:
        args = ["query", "--name", name, "--format", "json", "--store", location]
        for key, value in params.items():
            args += ["--param", f"{key}={value}"]
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        results.append(_parse(result.stdout_bytes))
    return results


def http_channel(location: str) -> list[list[dict]]:
    app = create_app({"TESTING": True, "STORE": location})
    client, results = app.test_client(), []
    try:
        for name, params in CASES:
            response = client.get(f"/requetes/{name}.json", query_string=params)
            assert response.status_code == 200, response.get_data(as_text=True)
            assert response.mimetype == "application/sparql-results+json"
            results.append(_parse(response.data))
    finally:
        with app.app_context():
            get_kb().close()  # releases the on-disk store for the next channel
    return results


@pytest.fixture(scope="module")
def channels(tmp_path_factory):
    """Every case's rows through each channel, on the embedded store and on an Oxigraph server."""
    folder = tmp_path_factory.mktemp("stores")
    _loaded(str(folder / "embedded"))
    found = {"embedded": _run_channels(str(folder / "embedded"))}
    with oxigraph_server(folder / "oxigraph") as url:
        _loaded(url)
        found["oxigraph"] = _run_channels(url)
    return found


def _run_channels(location: str) -> dict[str, list[list[dict]]]:
    # One channel at a time: an on-disk store has one writer, and each channel opens it.
    return {"python": python_channel(location), "cli": cli_channel(location), "http": http_channel(location)}


@pytest.mark.parametrize("store", ["embedded", "oxigraph"])
@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_python_cli_and_http_give_the_same_rows(channels, store, index):
    python_rows = channels[store]["python"][index]  # the same order too, GROUP_CONCAT's lists included
    assert channels[store]["cli"][index] == python_rows
    assert channels[store]["http"][index] == python_rows


def test_every_query_answers_something_on_the_sample_corpus(channels):
    """Not an empty table: every query without parameters finds rows (the legal check aside:
    the sample corpus meets the law, which test_queries checks on a failing corpus)."""
    empty = [name for (name, params), rows in zip(CASES, channels["embedded"]["python"]) if not params and not rows]
    # the legal check, and the register's queries when the store holds the sample corpus alone
    assert [name for name in empty if not get_query(name).reads_register] == ["projets-hors-definition-legale"]


def test_the_embedded_store_and_the_server_agree(channels):
    """Same corpus, same answers, whichever store holds it (each store has its own load time)."""
    embedded = [without_load_times(rows) for rows in channels["embedded"]["python"]]
    served = [without_load_times(rows) for rows in channels["oxigraph"]["python"]]
    assert served == embedded
