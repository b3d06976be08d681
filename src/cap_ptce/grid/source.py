"""Strict YAML for the grid files, and checked values that know where they come from.

The grid files are read by :func:`cap_ptce.yamlstrict.load_yaml`, as strictly
as project descriptions: duplicate keys, merge keys, anchors, aliases, tags and
keys that are not text are refused, and every mapping remembers the line of
each key. A :class:`Where`
is a place in a file (file name, key path, line); the ``read_*`` functions
check one value and raise :class:`~cap_ptce.errors.InputError` at its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path

from ..errors import InputError, UnknownKeyError
from ..i18n import LANGUAGES
from ..i18n.suggest import did_you_mean, nearest
from ..yamlstrict import LineMap, load_yaml
from .model import Text

__all__ = [
    "YamlMap",
    "Where",
    "parse_file",
    "read_key",
    "read_list",
    "read_string",
    "read_slug",
    "read_bool",
    "read_version",
    "read_date",
    "read_text",
    "read_french",
    "read_https",
]

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEMVER = re.compile(r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)")


class YamlMap(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int | None = None
    key_lines: dict


# The grid files are larger than a project description; they are ours, but read just as strictly.
_GRID_FILE_MAX_BYTES = 5_000_000


def parse_file(path: Path) -> tuple[YamlMap, Where]:
    """The top mapping of a grid file, and its place."""
    data, lines = load_yaml(path, source=path.name, max_bytes=_GRID_FILE_MAX_BYTES)
    where = Where(path.name, "", 1)
    data = _with_lines(data, (), lines)
    if not isinstance(data, YamlMap):
        raise where.error("the file must hold a mapping of keys to values")
    return data, where


def _with_lines(value, path: tuple, lines: LineMap):
    """``value`` with each mapping turned into a :class:`YamlMap` that knows its lines."""
    if isinstance(value, list):
        return [_with_lines(item, path + (i,), lines) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    mapping = YamlMap((key, _with_lines(item, path + (key,), lines)) for key, item in value.items())
    mapping.line = lines.line(path) or 1
    mapping.key_lines = {key: lines.line(path + (key,)) for key in value}
    return mapping


@dataclass(frozen=True)
class Where:
    """A place in a grid file: the file, the key path from the top and the line."""

    source: str
    path: str = ""
    line: int | None = None

    def key(self, node: YamlMap, key: str) -> Where:
        """The place of ``node[key]``."""
        path = f"{self.path}.{key}" if self.path else key
        return Where(self.source, path, node.key_lines.get(key, node.line))

    def error(self, message: str, *, cls=InputError, hint: str | None = None) -> InputError:
        return cls(message, source=self.source, line=self.line, key=self.path or None, hint=hint)

    def mapping(self, value, required=(), optional=()) -> YamlMap:
        """``value`` as a mapping with all of ``required`` and nothing outside ``optional``."""
        if not isinstance(value, YamlMap):
            raise self.error("expected a mapping of keys to values")
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                near = nearest(str(key), allowed)
                hint = did_you_mean(near) if near else f"allowed keys: {', '.join(allowed)}"
                raise self.key(value, str(key)).error(f"unknown key {key!r}", cls=UnknownKeyError, hint=hint)
        for key in required:
            if key not in value:
                raise Where(self.source, self.path, value.line).error(f"missing key {key!r}")
        return value

    def items(self, value) -> list[tuple[object, Where]]:
        """The items of the list ``value``, each with its place."""
        if not isinstance(value, list):
            raise self.error("expected a list")
        places = []
        for i, item in enumerate(value):
            line = item.line if isinstance(item, YamlMap) else self.line
            places.append((item, Where(self.source, f"{self.path}[{i}]", line)))
        return places


def read_key(node: YamlMap, where: Where, key: str, read, default=None):
    """``read`` applied to ``node[key]`` at its place, or ``default`` when the key is absent."""
    return read(node[key], where.key(node, key)) if key in node else default


def read_string(value, where: Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error("expected a non-empty text")
    if value != value.strip():
        raise where.error("remove the spaces at the start or the end of this text")
    return value


def read_slug(value, where: Where) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise where.error(f"{value!r} is not an id", hint="use lowercase ASCII words joined by '-'")
    return value


def read_bool(value, where: Where) -> bool:
    if not isinstance(value, bool):
        raise where.error("expected true or false")
    return value


def read_version(value, where: Where) -> str:
    if not isinstance(value, str) or not _SEMVER.fullmatch(value):
        raise where.error(f"{value!r} is not a version", hint='write a quoted semantic version, e.g. "1.0.0"')
    return value


def read_date(value, where: Where) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise where.error(f"{value!r} is not a date", hint="write it as YYYY-MM-DD")
    return value


def read_text(value, where: Where) -> Text:
    """A ``{fr, en}`` mapping."""
    node = where.mapping(value, required=LANGUAGES)
    return Text(read_key(node, where, "fr", read_string), read_key(node, where, "en", read_string))


def read_french(value, where: Where) -> str:
    """A ``{fr}`` mapping (a correction of the French source text has no English twin)."""
    return read_key(where.mapping(value, required=("fr",)), where, "fr", read_string)


def read_list(node: YamlMap, where: Where, key: str, read, what: str, id_of=attrgetter("id")) -> tuple:
    """The list ``node[key]``, each item read by ``read(value, place)``; no two items share an id."""
    seen: set[str] = set()
    items = []
    for value, place in where.key(node, key).items(node[key]):
        item = read(value, place)
        if id_of(item) in seen:
            raise place.error(f"duplicate {what} {id_of(item)!r}")
        seen.add(id_of(item))
        items.append(item)
    return tuple(items)


def read_https(value, where: Where) -> str:
    if not read_string(value, where).startswith("https://"):
        raise where.error(f"{value!r} is not an https:// address")
    return value
