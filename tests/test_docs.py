"""Every view and every command is documented (settings are checked in test_sparql_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_ptce.cli import COMMAND_MODULES
from cap_ptce.web import create_app

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _documented_prefix(rule: str) -> str:
    """The fixed part of a URL rule, before its first variable (``/requetes/<name>`` → ``/requetes/``)."""
    return rule.split("<", 1)[0]


@pytest.mark.parametrize("rule", sorted({r.rule for r in create_app({"TESTING": True}).url_map.iter_rules()}))
def test_every_view_is_documented(rule):
    prefix = _documented_prefix(rule)
    if prefix == "/":
        # the home page and the catch-all of dereferenceable IRIs: their IRIs are documented instead
        assert "https://w3id.org/cap-ptce/grille/question/q01" in DOCS
        return
    assert f"`{prefix}" in DOCS or f"{prefix}`" in DOCS or f" {prefix}" in DOCS, f"{rule} is not documented"


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_every_command_is_documented(command):
    assert f"cap-ptce {command}" in DOCS
