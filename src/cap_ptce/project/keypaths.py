"""From a path of YAML keys (``coordination.valorisation``) to the RDF path that holds its values.

The grid says which keys of a description answer each question (``champs:`` in
``grille/grille.yaml``); completeness looks for their values in the graph, for
a description read from YAML, Turtle or JSON-LD alike. A path is a sequence of
steps from the project; each step is one predicate, or several alternatives
(actors and groups are members, ``org:hasMember``, or partners,
``cap:hasPartner``).
"""

from __future__ import annotations

from functools import cache

from rdflib import URIRef

from ..errors import UnknownKeyError
from ..i18n.suggest import did_you_mean, nearest
from ..rdf.namespaces import CAP
from .context import predicate
from .fields import Kind
from .schema import PROJECT, SPECS

__all__ = ["rdf_steps", "holds_items"]

Steps = tuple[tuple[URIRef, ...], ...]


@cache
def rdf_steps(key_path: str) -> Steps:
    """The RDF path of ``key_path``, one tuple of alternative predicates per step; UnknownKeyError if no such key."""
    spec, steps = PROJECT, []
    for key in key_path.split("."):
        if spec is None:
            raise _unknown(key_path, key, ())
        spec_field = spec.field(key)
        if spec_field is None or spec_field.version == 1 or spec_field.kind in _NO_VALUES:
            raise _unknown(key_path, key, spec.keys)
        inner = SPECS.get(spec_field.arg) if spec_field.kind in _INTO else None
        if spec_field.kind != Kind.NEST:
            step = (predicate(key, spec.scope),)
            if inner is not None and inner.field("relation") is not None:
                step += (CAP.hasPartner,)
            steps.append(step)
        spec = inner
    return tuple(steps)


@cache
def holds_items(key_path: str) -> bool:
    """Whether the values of ``key_path`` are items (blocks: ``constats``, ``coordination``), not texts, codes or
    kinds; UnknownKeyError if no such key."""
    rdf_steps(key_path)  # the key's checks
    spec = PROJECT
    for key in key_path.split("."):
        spec_field = spec.field(key)
        spec = SPECS.get(spec_field.arg) if spec_field.kind in _INTO else None
    return spec is not None


_INTO = frozenset({Kind.NEST, Kind.OBJECT, Kind.OBJECTS})
_NO_VALUES = frozenset({Kind.FORMAT, Kind.RELATION, Kind.ANSWER, Kind.ANSWERS})


def _unknown(key_path: str, key: str, keys) -> UnknownKeyError:
    suggestion = nearest(key, keys)
    return UnknownKeyError(
        f"{key_path!r} ne désigne aucune clé du format / names no key of the format",
        key=key_path,
        hint=did_you_mean(suggestion) if suggestion else "voir / see docs/project-format.md",
    )
