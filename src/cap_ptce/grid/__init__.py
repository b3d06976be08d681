"""The grid stage: the CAP PTCE grid read from ``grille/``, and the grid as RDF and as a table.

Owns: the grid's dataclasses (:mod:`.model`), the strict reader of its YAML
(:mod:`.source`, :mod:`.reader`), its RDF graph and IRIs (:mod:`.rdf`) and its
CSV table (:mod:`.tabular`). May import: the foundations (``errors``,
``settings``, ``resources``, ``yamlstrict``, ``i18n``) and ``rdf``; nothing of
the stages above it (``project``, ``validation``, ``store``…).
"""

from __future__ import annotations

from .model import (
    FRAMING_KEYS,
    Author,
    Concept,
    ConceptScheme,
    Entry,
    Example,
    Grid,
    HistoryItem,
    PublicScheme,
    Question,
    Text,
)
from .reader import load_grid, load_grid_from

__all__ = [
    "FRAMING_KEYS",
    "Text",
    "Author",
    "HistoryItem",
    "Example",
    "Question",
    "Entry",
    "Concept",
    "ConceptScheme",
    "PublicScheme",
    "Grid",
    "load_grid",
    "load_grid_from",
]
