"""CAP PTCE: the Institut Godin's grid for PTCE projects as linked data.

The public Python API is listed in :data:`__all__` (see the README's "Python
API"). Its functions are imported on first use, so that ``import cap_ptce``
stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from .errors import *  # noqa: E402,F401,F403
from .errors import __all__ as _error_names  # noqa: E402

# Public name -> module that defines it.
_API = {
    "load_grid": "grid",
    "Grid": "grid",
    "grid_graph": "grid.rdf",
    "ontology_graph": "rdf.vocabulary",
    "shapes_graph": "validation",
    "dataset_parts": "publish.parts",
    "serialize": "rdf.serialize",
    "load_description": "project",
    "description_to_yaml": "project",
    "Description": "project",
    "validate_file": "validation",
    "validate_description": "validation",
    "validate_paths": "validation",
    "Report": "validation",
    "KnowledgeBase": "store",
    "list_queries": "queries",
    "run_query": "queries",
    "publish_site": "web.export",
}

__all__ = ["__version__", *_error_names, *_API]


def __getattr__(name: str) -> Any:
    """Import a public name of the API from its module on first use."""
    module_name = _API.get(name)
    if module_name is None:
        raise AttributeError(f"module 'cap_ptce' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
