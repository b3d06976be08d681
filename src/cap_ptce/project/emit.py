"""Write description data as the people's YAML, in one fixed, readable layout.

A small writer of our own rather than ``yaml.dump``: the data is only
mappings, lists, texts, numbers, booleans and dates, the layout must be the
same for ``cap-ptce convert`` and ``cap-ptce generate`` (which writes ten
thousand files in seconds), and texts are written as JSON strings, which are
valid YAML double-quoted scalars.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..grid import load_grid
from ..i18n import t
from .schema import PROJECT, SECTION_OF, SPECS, Kind, NodeSpec
from .values import decimal_lexical

__all__ = ["data_to_yaml", "FICTIONAL_HEADER"]

FICTIONAL_HEADER = (
    "# DESCRIPTION FICTIVE — projet inventé ; il ne décrit aucun PTCE réel.\n"
    "# FICTIONAL DESCRIPTION — a made-up project; it describes no real PTCE.\n"
)

_FLOW_WIDTH = 72
_STR = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
_ANSWER_LINE = re.compile(r"^q[0-9]{2}: ")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*(-[a-z0-9]+)*$")


def data_to_yaml(data: dict, lang: str = "fr") -> str:
    """YAML text for ``data``: keys in the format's order, empty values left out, a title over each grid entry
    (in ``lang``: the keys are French whatever the reader's language, as in the blank templates)."""
    lines: list[str] = []
    section = None
    for key, value in _ordered(PROJECT, data).items():
        block = _entry(key, value, 0)
        if SECTION_OF.get(key, section) != section:
            section = SECTION_OF[key]
            lines.extend(["", _section_title(section, lang)])
        elif lines and (len(block) > 1 or lines[-1].startswith(" ") or _is_answer(lines[-1])):
            lines.append("")
        lines.extend(block)
    header = FICTIONAL_HEADER if data.get("fictif") else ""
    return header + "\n".join(lines) + "\n"


def _is_answer(line: str) -> bool:
    return bool(_ANSWER_LINE.match(line))


@lru_cache(maxsize=32)
def _section_title(section: str, lang: str) -> str:
    """``# Entrée 3 — Acteurs impliqués`` over an entry's keys."""
    if section == "faits":
        return "# " + t("template.facts", lang)
    entry = load_grid().entry(section)
    questions = ", ".join(q.id for q in entry.questions)
    return "# " + t("template.entry", lang, n=entry.position, label=entry.label.get(lang)) + f" ({questions})"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _ordered(spec: NodeSpec, data: dict) -> dict:
    """``data`` with its keys in the order of ``spec`` (unknown keys last), empty values dropped."""
    rank = spec.rank
    out = {}
    for key in sorted(data, key=lambda k: (rank.get(k, len(rank)), str(k))):
        value = data[key]
        field = spec.field(key)
        inner = _INNER.get(field.kind, field.arg) if field is not None else None
        if isinstance(value, dict) and inner in SPECS:
            value = _ordered(SPECS[inner], value)
        elif isinstance(value, list) and inner in SPECS:
            value = [_ordered(SPECS[inner], v) if isinstance(v, dict) else v for v in value]
        if not _empty(value):
            out[key] = value
    return out


# The spec of the blocks that a key of these kinds may hold (otherwise the key's argument names it).
_INNER = {
    Kind.FIGURE: "chiffre_valeur",
    Kind.SOURCE: "source",
    Kind.SOURCES: "source",
    Kind.POLES: "poles_lies",
}


def _entry(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for sub_key, sub_value in value.items():
            lines.extend(_entry(sub_key, sub_value, indent + 2))
        return lines
    if isinstance(value, list):
        flow = _flow(value)
        if flow is not None:
            return [f"{pad}{key}: {flow}"]
        return [f"{pad}{key}:", *_items(value, indent + 2)]
    return [f"{pad}{key}: {_scalar(value)}"]


def _items(values: list, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for value in values:
        if isinstance(value, dict):
            block = [line for key, sub in value.items() for line in _entry(key, sub, indent + 2)]
            lines.append(f"{pad}- {block[0].lstrip()}" if block else f"{pad}- {{}}")
            lines.extend(block[1:])
        else:
            lines.append(f"{pad}- {_scalar(value)}")
    return lines


def _flow(values: list) -> str | None:
    """A short list of short texts on one line (``[environnement, mobilite-durable]``), else None."""
    if any(not isinstance(v, str) or len(v) >= 40 for v in values):
        return None
    text = "[" + ", ".join(_text(v) for v in values) + "]"
    return text if len(text) <= _FLOW_WIDTH + 2 else None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return decimal_lexical(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return '""'
    return _text(str(value))


@lru_cache(maxsize=65536)
def _text(text: str) -> str:
    """Identifiers plain (``scic-legumerie``), any other text as a JSON string."""
    if _IDENTIFIER.match(text) and _RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR:
        return text
    return json.dumps(text, ensure_ascii=False)
