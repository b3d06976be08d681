"""Where a description cites its sources, in the format's order.

A source is written where the fact is (``source: "Rapport d'activité 2023"``)
and becomes one ``cap:Source`` node per distinct source, ``{projet}/source/{n}``.
So that ``n`` does not depend on the order of the keys in a file (and a
description read back from RDF gets the same IRIs), the sources are numbered
in the format's order: the project's own ``sources:`` first, then every
``source:`` in the order of the format table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .fields import Kind, NodeSpec
from .schema import PROJECT, SPECS

__all__ = ["source_paths"]


def source_paths(data: Any) -> Iterator[tuple[Any, tuple]]:
    """``(value, path)`` of every source the description cites, in the format's order."""
    if not isinstance(data, dict):
        return
    listed = data.get("sources")
    if isinstance(listed, list):
        yield from ((value, ("sources", n)) for n, value in enumerate(listed) if value not in (None, ""))
    yield from _walk(PROJECT, data, (), skip="sources")


def _walk(spec: NodeSpec, data: dict, path: tuple, skip: str | None = None) -> Iterator[tuple[Any, tuple]]:
    for spec_field in spec.fields:
        value = data.get(spec_field.key)
        if value in (None, "", [], {}) or spec_field.key == skip:
            continue
        here = path + (spec_field.key,)
        kind = spec_field.kind
        if kind == Kind.SOURCE:
            yield value, here
        elif kind in (Kind.NEST, Kind.OBJECT) and isinstance(value, dict):
            yield from _walk(SPECS[spec_field.arg], value, here)
        elif kind == Kind.FIGURE and isinstance(value, dict):
            yield from _walk(SPECS["chiffre_valeur"], value, here)
        elif kind == Kind.OBJECTS and isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _walk(SPECS[spec_field.arg], item, here + (n,))
