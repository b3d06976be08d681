"""Read a user's JSON-LD safely, before any JSON-LD processing.

rdflib's JSON-LD parser fetches every ``@context`` given as a string (an http
URL or a local file name) and every ``@import``, with no switch to stop it.
:func:`parse_json_document` therefore refuses them, and refuses duplicate keys,
nesting deeper than the limit, and keys that no context defines (the JSON-LD
processor would drop them without a word).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError, RdfSyntaxError, UnknownKeyError
from ..yamlstrict import MAX_DEPTH
from .values import nearest
from .context import terms

__all__ = ["parse_json_document"]


def parse_json_document(text: str, source: str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in ``text``, checked to be safe for the JSON-LD processor."""
    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise RdfSyntaxError(f"this is not valid JSON: {exc.msg}", source=source, line=exc.lineno,
                             column=exc.colno, hint="check the brackets, commas and quotes") from exc
    except _DuplicateKey as exc:
        raise RdfSyntaxError(f"the key {exc.key!r} appears twice in one object", source=source,
                             key=exc.key, hint="keep only one of them") from exc
    except RecursionError as exc:
        raise InputError("the JSON is nested too deeply", source=source,
                         hint=f"a description needs no more than {max_depth} levels") from exc
    known = set(terms())
    for node, depth in _walk(document):
        if depth > max_depth:
            raise InputError(f"the JSON is nested more than {max_depth} levels deep", source=source,
                             hint="flatten the structure")
        if isinstance(node, dict):
            _check_context(node, source, known)
    for node, _ in _walk(document):
        if isinstance(node, dict):
            _check_keys(node, source, known)
    return document


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _walk(document: Any):
    """Every dict and list in the document with its depth, iteratively (no recursion)."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _check_context(node: dict, source: str, known: set[str]) -> None:
    if "@import" in node:
        raise RdfSyntaxError("@import is refused: it would make the JSON-LD processor fetch a document",
                             source=source, key="@import", hint="remove @import")
    if "@context" not in node:
        return
    value = node["@context"]
    contexts = value if isinstance(value, list) else [value]
    for item in contexts:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise RdfSyntaxError(
                f"a @context given as {type(item).__name__} ({str(item)[:80]!r}) is refused: "
                "it would be fetched", source=source, key="@context",
                hint="remove @context (the CAP PTCE context applies by default) or inline it as an object")
        known.update(k for k in item if not k.startswith("@"))


def _check_keys(node: dict, source: str, known: set[str]) -> None:
    for key in node:
        if key.startswith("@") or ":" in key or key in known:
            continue
        suggestion = nearest(key, sorted(known))
        raise UnknownKeyError(f"unknown key {key!r}", source=source, key=key,
                              hint=f"did you mean '{suggestion}'?" if suggestion
                              else "see docs/project-format.md for the keys")
