"""Write description data as the people's YAML: the format's key order, readable layout."""

from __future__ import annotations

from typing import Any

import re

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

__all__ = ["data_to_yaml", "FICTIONAL_HEADER"]

FICTIONAL_HEADER = (
    "# DESCRIPTION FICTIVE — projet inventé ; il ne décrit aucun PTCE réel.\n"
    "# FICTIONAL DESCRIPTION — a made-up project; it describes no real PTCE.\n"
)

_FLOW_WIDTH = 72
_STR = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*(-[a-z0-9]+)*$")


class _Dumper(yaml.SafeDumper):
    """Short lists of plain values on one line; no aliases; keys in the given order."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)  # indent list items under their key


def _represent_list(dumper: _Dumper, items: list) -> yaml.Node:
    scalars = all(isinstance(i, (str, int, float)) and not isinstance(i, bool) for i in items)
    flow = scalars and len(", ".join(map(str, items))) <= _FLOW_WIDTH and all(
        isinstance(i, str) and len(i) < 40 for i in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


def _represent_str(dumper: _Dumper, text: str) -> yaml.Node:
    """Identifiers plain (``scic-legumerie``), every other text in double quotes."""
    plain = _IDENTIFIER.match(text) and _RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR
    style = None if plain else "|" if "\n" in text else '"'
    return dumper.represent_scalar(_STR, text, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def data_to_yaml(data: dict) -> str:
    """YAML text for ``data``, a blank line between top-level sections."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000, indent=2)
    spaced: list[str] = []
    for line in body.splitlines():
        top_level = not line.startswith((" ", "-"))
        after_block = bool(spaced) and spaced[-1].startswith(" ")
        if spaced and top_level and (line.endswith(":") or after_block):
            spaced.append("")
        spaced.append(line)
    header = FICTIONAL_HEADER if data.get("fictif") else ""
    return header + "\n".join(spaced) + "\n"
