"""A key the description format does not know, in the editor: where it is, and the carrier's ways out.

The loader stops at the first unknown key (``sirne:`` for ``siren:``), and no
control of the form shows it: a carrier without a text editor could neither
see what it holds nor remove it, so the description could never be checked.
:func:`unknown_key` says which node holds it (the actor, by its name) and the
two fixes the form offers; :func:`fix_key` applies the one chosen. The value
moves to the suggested key only when that key is empty, and a key is dropped
only with its value shown on the button: nothing is lost unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..errors import InputError, UnknownKeyError
from ..i18n import t
from ..i18n.suggest import nearest
from ..project.schema import PROJECT, SPECS, Kind, NodeSpec

__all__ = ["unknown_key", "fix_key", "FIX_FIELD"]

FIX_FIELD = "corriger"  # the form's button: « acteurs.1.sirne » drops the key, « acteurs.1.sirne=siren » moves it
_NESTED_KINDS = (Kind.OBJECTS, Kind.NEST, Kind.OBJECT)
_SHOWN_CHARS = 80


def _path(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in name.split("."))


def _node(data: Mapping, parents: tuple) -> tuple[dict | None, NodeSpec | None]:
    """The mapping at ``parents`` in ``data`` and its node's spec, or (None, None)."""
    node, spec = data, PROJECT
    for part in parents:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None, None
            node = node[part]
            continue
        spec_field = spec.field(part) if spec is not None and isinstance(node, Mapping) else None
        if spec_field is None or spec_field.kind not in _NESTED_KINDS:
            return None, None
        node, spec = node.get(part), SPECS[spec_field.arg]
    return (node, spec) if isinstance(node, dict) else (None, None)


def _unknown(data: Mapping, name: str) -> tuple[dict, NodeSpec, str] | None:
    """(the mapping, its spec, the key) when ``name`` is the path of a key its node does not know."""
    path = _path(name)
    if not path or not isinstance(path[-1], str):
        return None
    node, spec = _node(data, path[:-1])
    if node is None or path[-1] not in node or spec.field(path[-1]) is not None:
        return None
    return node, spec, path[-1]


def _shown(value) -> str:
    if isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, (Mapping, list)):
        text = str(value)
    else:
        text = "" if value is None else str(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def unknown_key(error: InputError | None, data: Mapping, lang: str) -> dict | None:
    """The unknown key the loader stopped at: its path, the name of the item holding it, the fixes, and the
    key and its value as the file writes them."""
    if not isinstance(error, UnknownKeyError) or not error.key:
        return None
    found = _unknown(data, error.key)
    if found is None:
        return None
    node, spec, key = found
    value = _shown(node[key])
    fixes = []
    suggested = nearest(key, [k for k in spec.keys if spec.field(k).version != 1])
    if suggested and node.get(suggested) in (None, "", [], {}):
        label = t(f"field.{spec.name}.{suggested}", lang)
        fixes.append((f"{error.key}={suggested}", t("editor.key_move", lang, value=value, label=label)))
    fixes.append((error.key, t("editor.key_drop", lang, name=key, value=value)))
    holder = node.get("nom") if node is not data else None
    return {
        "path": _path(error.key),
        "holder": str(holder) if holder else None,
        "fixes": fixes,
        "name": key,
        "value": value,
    }


def fix_key(data: dict, chosen: str) -> dict:
    """``data`` with the unknown key ``chosen`` names dropped, or moved to the key after ``=`` if that one
    is empty; anything else (a known key, a key already filled) leaves ``data`` as it is."""
    name, _, target = chosen.partition("=")
    found = _unknown(data, name)
    if found is None:
        return data
    node, spec, key = found
    if target:
        if spec.field(target) is None or node.get(target) not in (None, "", [], {}):
            return data
        node[target] = node[key]
    del node[key]
    return data
