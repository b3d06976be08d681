"""The projects of a knowledge base as the explorer's table: each with its facets' values, filtered and sorted.

One SPARQL query (``projects.rq``) reads every project's values in one go
(0.1 s on the sample corpus); filtering, the facets' counts, the search and the
order are worked out here, in Python, on that table: a state of the explorer
costs no further query.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..errors import ParameterError
from ..i18n import LANGUAGES, t
from ..i18n.folding import fold
from .facets import BANDS, DATASETS, FACET_NAMES, FACETS, NONE, NOT_APPLICABLE, Selection, completeness_band

__all__ = [
    "ProjectRow",
    "FacetValue",
    "Exploration",
    "check_language",
    "read_projects",
    "read_tables",
    "explore",
    "dataset_counts",
]

_QUERY = Path(__file__).with_name("projects.rq")
_LABELS = Path(__file__).with_name("labels.rq")
_NAMED = {"region", "departement"}  # facets whose label is a place's name (igeo:nom): the same in every language
_SKOS = "http://www.w3.org/2004/02/skos/core#"
# the facets whose values are concepts, and the property of their label (labels.rq)
_CONCEPT_LABEL = {
    "maturite": _SKOS + "prefLabel",
    "axe": _SKOS + "prefLabel",
    "type": _SKOS + "prefLabel",
    "dispositif": _SKOS + "altLabel",
}


@dataclass
class ProjectRow:
    """One project: IRI, identifier, name, and for each facet its values (codes or identifiers) and their labels."""

    iri: str
    id: str
    name: str = ""
    values: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    completeness: float | None = None
    text: str = ""  # everything the search reads, folded (no case, no accents)

    def facet(self, name: str) -> set[str]:
        return self.values.get(name) or {NONE}

    def label_list(self, name: str) -> list[str]:
        return sorted((self.labels.get((name, value), value) for value in self.values.get(name, ())), key=fold)

    @property
    def dataset(self) -> str:
        """Where the pole comes from: ``registre`` (real, sourced), ``fictif`` (a made-up example) or ``corpus``."""
        return next(iter(self.facet("jeu")))

    @property
    def is_application(self) -> bool:
        """False for a record of the register: the grid's conformity and completeness say nothing of it."""
        return self.dataset != "registre"


@dataclass(frozen=True)
class FacetValue:
    """A value of a facet as the explorer offers it: how many projects match with it, and whether it is chosen."""

    facet: str
    value: str
    label: str
    count: int
    chosen: bool


@dataclass
class Exploration:
    """A state of the explorer: the matching projects in order, and each facet's values with their counts."""

    selection: Selection
    projects: list[ProjectRow]
    total: int
    facets: dict[str, list[FacetValue]]

    @property
    def datasets(self) -> dict[str, int]:
        """How many of the matching poles come from each dataset (see :func:`dataset_counts`)."""
        return dataset_counts(self.projects)


def dataset_counts(projects: list[ProjectRow]) -> dict[str, int]:
    """How many of ``projects`` come from each dataset: ``registre``, ``fictif``, ``corpus``, in that order.

    The dashboards' charts run the corpus's ready-made queries, which leave the register aside:
    they count the ``fictif`` and ``corpus`` poles, and say so beside the register's.
    """
    counts = Counter(project.dataset for project in projects)
    return {name: counts[name] for name in DATASETS}


@cache
def _query_text() -> str:
    return _QUERY.read_text(encoding="utf-8")


@cache
def _labels_text() -> str:
    return _LABELS.read_text(encoding="utf-8")


def _concept_labels(kb) -> dict[tuple[str, str], dict[str, str]]:
    """(label property, concept IRI) -> {language: label}, for every concept of ``kb`` (labels.rq)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for row in kb.select(_labels_text(), max_rows=1_000_000, ready_made=True):
        found.setdefault((row["propriete"].value, row["valeur"].value), {})[row["libelle"].language] = row[
            "libelle"
        ].value
    return found


def check_language(lang: str) -> None:
    """ParameterError unless ``lang`` is one of the site's languages."""
    if lang not in LANGUAGES:
        raise ParameterError(f"langue inconnue / unknown language {lang!r}", key="lang")


def read_projects(kb, lang: str) -> list[ProjectRow]:
    """Every project of ``kb`` with its facets' values, labels in ``lang``."""
    check_language(lang)
    return read_tables(kb)[lang]


def read_tables(kb) -> dict[str, list[ProjectRow]]:
    """Every project of ``kb`` with its facets' values, in each language of the site, from one query.

    The rows of the two languages share their values and the texts the search
    reads; only the labels differ. At 10,000 descriptions the table is a query
    of 467,882 rows: the second language cost as much again, and 218 MiB. The
    concepts' labels come from a query of their own (a few hundred rows): read
    with each row, they made 143,508 rows more and 2.7 s of the table's 14.9 s.
    """
    rows: dict[str, ProjectRow] = {}
    texts: dict[str, list[str]] = {}
    labels: dict[str, dict[str, dict]] = {lang: {} for lang in LANGUAGES}
    concepts = _concept_labels(kb)
    # one of the program's own queries: on the server's in-memory copy when it is made (12.2 s on the folder at 10,000)
    for row in kb.select(_query_text(), max_rows=1_000_000, ready_made=True):
        iri = row["projet"].value
        project = rows.setdefault(iri, ProjectRow(iri, iri.rstrip("/").rsplit("/", 1)[-1]))
        value = row["valeur"].value
        key = _add(project, row["facette"].value, value, texts.setdefault(iri, []))
        if key is None:
            continue
        label = row.get("libelle")
        if label is not None:  # a place's name
            for lang in LANGUAGES if key[0] in _NAMED or label.language not in labels else [label.language]:
                labels[lang].setdefault(iri, {})[key] = label.value
        elif key[0] in _CONCEPT_LABEL:
            for lang, text in concepts.get((_CONCEPT_LABEL[key[0]], value), {}).items():
                labels[lang].setdefault(iri, {})[key] = text
    for iri, project in rows.items():
        project.text = fold(" ".join([project.name, *sorted(texts[iri])]))  # in one order whatever the rows'
        if not project.is_application:
            _not_an_application(project)
    return {
        lang: [dataclasses.replace(project, labels=labels[lang].get(iri, {})) for iri, project in rows.items()]
        for lang in LANGUAGES
    }


def _not_an_application(project: ProjectRow) -> None:
    """A register record neither conforms nor fails, and is not more or less complete, as an application:
    its validation under the register's profile checks its sources, not its answers to the grid."""
    project.values["conformite"] = {NOT_APPLICABLE}
    project.values["completude"] = {NOT_APPLICABLE}
    project.completeness = None


def _add(project: ProjectRow, facet: str, value: str, texts: list[str]) -> tuple[str, str] | None:
    """Put one row's value in ``project``; the (facet, value) its label names, if it may have one."""
    if facet == "nom":
        project.name = value
    elif facet == "texte":
        texts.append(value)
    elif facet == "completude":
        project.completeness = float(Decimal(value))
        project.values["completude"] = {completeness_band(project.completeness)}
    elif facet == "conformite":
        project.values["conformite"] = {"oui" if value == "true" else "non"}
    else:
        key = value.rstrip("/").rsplit("/", 1)[-1]  # a concept's identifier, or an INSEE code as it is
        project.values.setdefault(facet, set()).add(key)
        return facet, key
    return None


def matches(project: ProjectRow, selection: Selection, *, except_facet: str | None = None) -> bool:
    """True when ``project`` is in ``selection`` (leaving ``except_facet`` aside, to count its values)."""
    for name in FACET_NAMES:
        chosen = selection.values(name)
        if chosen and name != except_facet and not (project.facet(name) & set(chosen)):
            return False
    return all(word in project.text for word in fold(selection.words).split())


def explore(projects: list[ProjectRow], selection: Selection, lang: str) -> Exploration:
    """The projects in ``selection``, sorted, and every facet's values with the count each would give."""
    found = [p for p in projects if matches(p, selection)]
    return Exploration(selection, _sorted(found, selection.sort), len(projects), _facets(projects, selection, lang))


def _sorted(projects: list[ProjectRow], sort: str) -> list[ProjectRow]:
    by_name = sorted(projects, key=lambda p: (fold(p.name), p.id))
    if sort.endswith("completude"):
        known = [p for p in by_name if p.completeness is not None]
        unknown = [p for p in by_name if p.completeness is None]
        return sorted(known, key=lambda p: p.completeness, reverse=not sort.startswith("-")) + unknown
    if sort == "region":
        return sorted(by_name, key=lambda p: fold((p.label_list("region") or ["\uffff"])[0]))  # Île under I
    return by_name[::-1] if sort == "-nom" else by_name


def _facets(projects: list[ProjectRow], selection: Selection, lang: str) -> dict[str, list[FacetValue]]:
    """Each facet's values, each counted among the projects the other facets leave (faceted search's rule)."""
    facets = {}
    for facet in FACETS:
        counts: Counter = Counter()
        labels: dict[str, str] = {}
        for project in projects:
            if matches(project, selection, except_facet=facet.name):
                for value in project.facet(facet.name):
                    counts[value] += 1
                    labels[value] = project.labels.get((facet.name, value), value)
        for value in selection.values(facet.name):
            counts.setdefault(value, 0)
        values = [
            FacetValue(
                facet.name, v, _label(facet.name, v, labels.get(v, v), lang), n, v in selection.values(facet.name)
            )
            for v, n in counts.items()
        ]
        facets[facet.name] = _ordered(facet, values)
    return facets


def _label(facet: str, value: str, label: str, lang: str) -> str:
    if value == NONE or facet in ("jeu", "conformite", "completude"):
        return t(f"explorer.value.{facet}.{value}", lang)
    if facet in ("region", "departement") and label != value:
        return f"{label} ({value})"
    return label


def _ordered(facet, values: list[FacetValue]) -> list[FacetValue]:
    if facet.name == "completude":
        return sorted(values, key=lambda v: BANDS.index(v.value))
    if facet.name == "jeu":
        return sorted(values, key=lambda v: DATASETS.index(v.value))
    if facet.ordered:
        return sorted(values, key=lambda v: (v.value == NONE, v.value))
    return sorted(values, key=lambda v: (v.value == NONE, -v.count, fold(v.label)))
