"""The JSON-LD context that maps the French keys to the ontology, read once.

The context ships inside the package (``cap_ptce/project/context.jsonld``) and is only
ever handed to the JSON-LD processor as a Python object: a string ``@context``
would make rdflib fetch it.
"""

from __future__ import annotations

import copy
import json
from functools import cache

from rdflib import URIRef

from ..resources import package_file

__all__ = ["context", "context_document", "predicate", "expand", "terms"]


@cache
def _loaded() -> dict:
    with package_file("project", "context.jsonld").open(encoding="utf-8") as handle:
        return json.load(handle)


def context_document() -> dict:
    """A fresh copy of the whole context document ``{"@context": {...}}``."""
    return copy.deepcopy(_loaded())


def context() -> dict:
    """The context object (the value of ``@context``); do not modify it."""
    return _loaded()["@context"]


def terms() -> frozenset[str]:
    """Every term the context defines, scoped ones included."""
    found = set()
    for term, definition in context().items():
        if term.startswith("@"):
            continue
        found.add(term)
        if isinstance(definition, dict):
            found.update(k for k in definition.get("@context", {}) if not k.startswith("@"))
    return frozenset(found)


def expand(curie: str) -> URIRef:
    """Expand ``prefix:name`` with the context's prefixes (absolute IRIs pass through)."""
    prefix, _, name = curie.partition(":")
    namespace = context().get(prefix)
    if isinstance(namespace, str) and not name.startswith("//"):
        return URIRef(namespace + name)
    return URIRef(curie)


@cache
def predicate(key: str, scope: str | None = None) -> URIRef | None:
    """The predicate of ``key`` (in the scoped context of ``scope`` if it redefines it).

    None for ``@nest`` blocks; a reverse property gives its forward predicate.
    """
    definition = None
    if scope is not None:
        scoped = context().get(scope, {})
        if isinstance(scoped, dict):
            definition = scoped.get("@context", {}).get(key)
    if definition is None:
        definition = context().get(key)
    if definition is None:
        raise KeyError(f"the context does not define {key!r}")
    if isinstance(definition, str):
        return None if definition == "@nest" else expand(definition)
    target = definition.get("@id") or definition.get("@reverse")
    return None if target == "@nest" else expand(target)
