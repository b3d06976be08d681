"""The validation stage: a description checked against the shapes, and the report in several forms.

Owns: the SHACL shapes (:mod:`.shapes`: the files of ``shapes/`` and the
completeness shapes that :mod:`.completeness` generates from the grid), the
two engines named in :data:`ENGINES` (:mod:`.engines` chooses): the fast one
(:mod:`.fast`, with :mod:`.fastshapes`, :mod:`.fastcheck`,
:mod:`.fastcomponents` and :mod:`.fastsparql`) and pySHACL, the reference
(:mod:`.engine`), the report as data (:mod:`.report`), batches of
descriptions (:mod:`.batch`, in processes of :mod:`.processes`), the origin
of each check (:mod:`.origins`: law, décret, grid, or structure and formats) and the
renderers (:mod:`.render`: text, JSON, Turtle, HTML, named in
:data:`REPORT_FORMATS`). May import: the foundations,
``rdf``, ``grid`` and ``project``; nothing of ``corpus``, ``store``, ``web`` or
``cli``.

The names below are imported on first use, so that reading
:data:`REPORT_FORMATS` or :data:`ENGINES` (``cap-ptce validate --help``) does not load pySHACL.
"""

from __future__ import annotations

import importlib
from typing import Any

from .engines import ENGINES  # the engines, fast and pyshacl: cheap to import (no rdflib, no pySHACL)

# The report's forms, in the order the command line offers them; :mod:`.render` writes each one.
REPORT_FORMATS = ("text", "json", "turtle", "html")

# Public name -> module of this package that defines it.
_API = {
    "SEVERITIES": "report",
    "Result": "report",
    "Report": "report",
    "Unreadable": "report",
    "data_graph": "report",
    "validate_graph": "report",
    "report_from_shacl": "report",
    "validate_description": "report",
    "validate_file": "report",
    "validate_paths": "report",
    "expand_paths": "report",
    "completeness_shapes": "completeness",
    "shapes_graph": "shapes",
}

__all__ = ["REPORT_FORMATS", "ENGINES", *_API]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module_name = _API.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
