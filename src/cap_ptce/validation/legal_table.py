"""The INSEE catégories juridiques and what actor kinds and legal forms say: ``shapes/categories-juridiques.yaml``.

One table of facts, read once: the nature (natural person, grouping without
legal personality, private or public law), the family for the ESS (an
association, cooperative, mutual or foundation by status; a commercial company
under conditions) and the décret's third kind of member (a local authority or
grouping, a research or training body) of a 4-digit code, a kind of actor or a
legal form written in words; and the kinds of member groups that are sets of
enterprises. A code takes the facts of its level 1, then of its level 2, then
its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from ..grid import load_grid
from ..resources import data_dir

__all__ = ["NATURES", "FAMILIES", "ESS_FAMILIES", "Facts", "Category", "LegalTable", "legal_table"]

NATURES = ("personne-physique", "sans-personnalite-morale", "droit-prive", "droit-public")
FAMILIES = ("association", "cooperative", "mutuelle", "fondation", "societe-commerciale", "autre")
ESS_FAMILIES = frozenset(FAMILIES[:4])  # loi n° 2014-856, art. 1, II, 1°: ESS by their status


@dataclass(frozen=True)
class Facts:
    """What one source (a category, a kind, a legal form) says; None where it says nothing."""

    nature: str | None = None
    family: str | None = None
    article9: str | None = None

    def merged(self, finer: Facts) -> Facts:
        """These facts, overridden by those that ``finer`` gives."""
        return Facts(finer.nature or self.nature, finer.family or self.family, finer.article9 or self.article9)


@dataclass(frozen=True)
class Category:
    """A catégorie juridique: its code, its name at the finest level the table knows, and its facts."""

    code: str
    name: dict[str, str]
    facts: Facts


class LegalTable:
    """Lookups in the table: a category by code, the facts of actor kinds and of a legal form in words."""

    def __init__(self, data: dict) -> None:
        self.source = data["source"]
        self._levels = [data[f"niveau_{n}"] for n in (1, 2, 3)]
        self._codes = frozenset(data["codes"].split())
        self._kinds = {kind: _facts(row) for kind, row in data["types"].items()}
        self.enterprise_groups = frozenset(data["groupes_d_entreprises"])
        self._forms = [(re.compile(rf"\b({row['motif']})\b", re.IGNORECASE), _facts(row)) for row in data["formes"]]
        self._broader = {c.id: c.broader for c in load_grid().scheme("types-acteurs").concepts}

    def category(self, code: str) -> Category | None:
        """The category of a 4-digit code, or None when not even its first digit is a level of the nomenclature."""
        if not re.fullmatch(r"[0-9]{4}", code):
            return None
        rows = [level.get(code[:width]) for level, width in zip(self._levels, (1, 2, 4))]
        if rows[0] is None:
            return None
        facts, name = Facts(), {}
        for row in filter(None, rows):
            facts = facts.merged(_facts(row))
            name = {lang: row[lang] for lang in ("fr", "en")}
        return Category(code, name, facts)

    def in_nomenclature(self, code: str) -> bool:
        """Whether ``code`` is a code of the nomenclature's level 3 (the table's facts stop at level 2 for most)."""
        return code in self._codes

    def kind_facts(self, kind: str) -> Facts:
        """What a kind of actor says, its broader kinds included (the finer kind wins)."""
        chain = []
        while kind is not None:
            chain.append(kind)
            kind = self._broader.get(kind)
        facts = Facts()
        for step in reversed(chain):
            facts = facts.merged(self._kinds.get(step, Facts()))
        return facts

    def form_facts(self, legal_form: str) -> Facts:
        """What a legal form in words says ("SCIC SAS", "Association loi 1901"), or nothing."""
        return next((facts for pattern, facts in self._forms if pattern.search(legal_form)), Facts())

    def is_kind(self, kind: str, ancestor: str) -> bool:
        """Whether ``kind`` is ``ancestor`` or lies under it in the scheme of kinds of actors."""
        while kind is not None and kind != ancestor:
            kind = self._broader.get(kind)
        return kind == ancestor


def _facts(row: dict) -> Facts:
    return Facts(row.get("nature"), row.get("famille"), row.get("article9"))


@cache
def legal_table() -> LegalTable:
    """The table shipped with the shapes, read once per process."""
    path = data_dir("shapes") / "categories-juridiques.yaml"
    # PyYAML's C loader when it has one: the pure-Python one takes a seventh of a second on this table
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return LegalTable(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
