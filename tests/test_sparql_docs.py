"""The documentation of the endpoint and of the settings follows the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cap_ptce.settings import SETTINGS
from cap_ptce.sparql import GRAPH_FORMATS, TABLE_FORMATS
from cap_ptce.web.errors import STATUS

DOCS = Path(__file__).resolve().parents[1] / "docs"
SETTINGS_DOC = (DOCS / "settings.md").read_text(encoding="utf-8")
SPARQL_DOC = (DOCS / "sparql.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_is_documented_with_its_default_and_help(setting):
    default = "*(vide / empty)*" if setting.default in (None, "") else f"`{setting.default}`"
    assert f"| `{setting.name}` | {default} | {setting.help} |" in SETTINGS_DOC


def test_the_settings_doc_names_no_setting_that_does_not_exist():
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", SETTINGS_DOC, flags=re.MULTILINE))
    assert documented == {setting.name for setting in SETTINGS}


@pytest.mark.parametrize("fmt", TABLE_FORMATS + GRAPH_FORMATS, ids=lambda fmt: fmt.name)
def test_every_result_format_is_documented(fmt):
    assert f"`{fmt.name}`" in SPARQL_DOC and f"`{fmt.media_type}`" in SPARQL_DOC


@pytest.mark.parametrize("error, status", STATUS, ids=lambda value: getattr(value, "__name__", str(value)))
def test_every_error_status_is_documented(error, status):
    assert re.search(rf"^\| {status} \|", SPARQL_DOC, flags=re.MULTILINE)
