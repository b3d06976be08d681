"""Where the package finds its data: in the wheel, or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from .errors import NotFoundError

__all__ = ["DATA_KINDS", "data_dir", "package_file", "tool_version"]

# kind -> folder in the repository (the wheel holds it as cap_ptce/data/<kind>)
DATA_KINDS = {
    "ontology": "ontology",
    "grille": "grille",
    "shapes": "shapes",
    "corpus": "examples/corpus",
    "registre": "registre",
}

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(kind: str) -> Path:
    """The folder that holds ``kind`` (ontology, grille, shapes or corpus)."""
    if kind not in DATA_KINDS:
        raise NotFoundError(f"unknown data kind {kind!r}", hint=f"use one of {', '.join(DATA_KINDS)}")
    installed = _PACKAGE_DIR / "data" / kind
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parents[1] / DATA_KINDS[kind]
    if checkout.is_dir():
        return checkout
    raise NotFoundError(f"the package data folder {kind!r} is missing", hint="reinstall cap-ptce")


def package_file(*parts: str) -> Path:
    """A file shipped inside the package, such as ``context.jsonld`` or ``queries/x.rq``."""
    path = Path(str(resources.files("cap_ptce").joinpath(*parts)))
    if not path.exists():
        raise NotFoundError(f"package file {'/'.join(parts)} is missing")
    return path


@cache
def tool_version() -> str:
    """The installed version of CAP PTCE, which documents it makes name ("?" from a tree never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cap-ptce")
    except PackageNotFoundError:
        return "?"
