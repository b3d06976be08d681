"""An app shared by a test module, and the queries its knowledge base runs, for the tests that count drawings."""

from __future__ import annotations

import pytest

from cap_ptce.web import create_app


def module_app():
    """A module-scoped ``app`` fixture: one app on the embedded default data, its knowledge base closed after.

    In a test module: ``app = module_app()``.
    """

    @pytest.fixture(scope="module")
    def app():
        app = create_app({"TESTING": True})
        yield app
        app.extensions["cap_ptce"]["kb"].close()

    return app


def runs_of(app, monkeypatch) -> list:
    """The queries the app's knowledge base runs from now on: (request, result format), in order."""
    with app.app_context():
        from cap_ptce.web.sparql import get_kb

        kb = get_kb()
    runs = []
    real = kb.run

    def counted(query, fmt, **kwargs):
        runs.append((query, fmt))
        return real(query, fmt, **kwargs)

    monkeypatch.setattr(kb, "run", counted)
    return runs
