"""Shared fixtures: a fresh app per test, its client, and a CLI runner."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cap_ptce.cli import cli
from cap_ptce.web import create_app

ROOT = Path(__file__).resolve().parents[1]

# A suite started in the background (`make test &`, `nohup`) inherits a shell's ignored Ctrl-C: the tests of
# what a Ctrl-C does (a load, the bulk loaders) send one to themselves or their children, and need Python's own.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def app():
    """A fresh app on the embedded default data."""
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """Invoke ``cap-ptce`` in-process: ``runner.invoke(cli, [...])``."""
    return CliRunner()


@pytest.fixture
def cap_ptce(runner):
    """Call the command line with arguments, return the click result."""

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke
