"""Where a project stands among the others of a knowledge base: percentiles on a few measures, and the nearest poles.

Each project's profile comes from SPARQL (``profile.rq`` and ``places.rq``
beside this module), run on the knowledge base for the corpus and on a small
in-memory Oxigraph store for a description that is not in it (a file being
checked): the same query text measures both sides. The measures are the size
of the consortium, the mix of its members (distinct kinds, shares of SSE
members, of local authorities, of research and training bodies), the forecast
funding (its amount, its public and self-funded shares) and the completeness
(the validation's: recorded at load for the corpus, given by the caller for a
file; unknown otherwise, since a question may be answered by facts as well as
in words, and only the validation knows which).
A percentile rank is the share of the *other* projects whose value is lower
or equal. The nearest poles share the most thematic axes and territory.
An application's dossier goes to the State: made-up examples (``fictif:
true``) are no ground for its ranking (``real_only``), and with fewer than
``MINIMUM_OTHERS`` real poles left it has no ranking at all.

Usage::

    from cap_ptce.dossier.compare import corpus_profiles, profile_of_graph, standing_of

    others = corpus_profiles(kb)                      # kb: a cap_ptce.store.KnowledgeBase
    report = validate_description(description)      # for the completeness
    mine = profile_of_graph(description.graph, completeness=report.completeness.ratio)
    standing = standing_of(mine, others, lang="fr")
    standing.measures[0].percentile, standing.nearest[0].name
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from statistics import median

import pyoxigraph as ox
from rdflib import Graph

from ..charts import percentile_chart, to_svg
from ..geo import load_geography
from ..grid import load_grid
from ..grid.rdf import grid_graph
from ..i18n import t
from .values import euros, number

__all__ = [
    "Profile",
    "Measure",
    "Near",
    "Standing",
    "MEASURES",
    "MINIMUM_OTHERS",
    "corpus_profiles",
    "profile_of_graph",
    "standing_of",
    "standing_svg",
]

_PROVENANCE = "https://w3id.org/cap-ptce/graphe/provenance"
_COMPLETENESS = f"""
SELECT ?projet ?completude WHERE {{ GRAPH <{_PROVENANCE}> {{
  ?graphe <http://xmlns.com/foaf/0.1/primaryTopic> ?projet ;
          <https://w3id.org/cap-ptce/def#validation>/<https://w3id.org/cap-ptce/def#completeness> ?completude
}} }}"""
# measure -> how its value reads ("count", "share", "euros")
MEASURES = {
    "membres": "count",
    "categories": "count",
    "part_ess": "share",
    "part_collectivites": "share",
    "part_recherche_formation": "share",
    "financement": "euros",
    "part_public": "share",
    "part_autofinancement": "share",
    "completude": "share",
}
_NEAREST = 5
# Among fewer others, one pole more or less moves a percentile rank by more than ten points.
MINIMUM_OTHERS = 10


@dataclass(frozen=True)
class Profile:
    """A project's measures (None: not known, e.g. no funding given), its thematic axes and its places."""

    iri: str
    name: str
    values: dict[str, float | None]
    axes: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # "departement:80", "region:32"
    fictional: bool = False  # a made-up example (fictif: true): said beside its name


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    value: float | None
    value_text: str
    median_text: str
    percentile: float | None
    percentile_text: str


@dataclass(frozen=True)
class Near:
    iri: str
    name: str
    score: float
    why: str
    href: str | None = None
    fictional: bool = False


@dataclass(frozen=True)
class Standing:
    """A project among ``others`` projects: each measure with its percentile rank, and the nearest projects
    (neither, when too few real poles are left to rank an application among)."""

    others: int
    measures: tuple[Measure, ...]
    nearest: tuple[Near, ...] = field(default_factory=tuple)
    fictional_others: int = 0  # how many of the others are fictional examples
    fictional_left_out: int = 0  # fictional examples left out of the others (real_only)
    minimum: int = MINIMUM_OTHERS

    def why_unranked(self) -> tuple[str, dict]:
        """The message that says why the pole is ranked among no other, and its values: no other pole at all,
        fictional examples only, or too few real applications (for the dossier's Markdown and HTML alike)."""
        if not (self.others or self.fictional_left_out):
            return "standing.alone", {}
        if not self.others:  # « compte 0 autre(s) candidature(s) » was said to the State's reader of the default data
            return "standing.only_fictional", {"fictional": self.fictional_left_out}
        key = "standing.too_few_fictional" if self.fictional_left_out else "standing.too_few"
        return key, {"count": self.others, "minimum": self.minimum, "fictional": self.fictional_left_out}

    def with_links(self, href) -> Standing:
        """The same standing, each nearest project linked by ``href(iri)`` (a page, or None)."""
        return replace(self, nearest=tuple(replace(n, href=href(n.iri)) for n in self.nearest))


@cache
def _query(name: str) -> str:
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def _value(term) -> str | None:
    return None if term is None else term.value


def _profiles(select, completeness: dict[str, float] | None = None) -> list[Profile]:
    """Profiles from ``select(query) -> rows of pyoxigraph terms by name``."""
    completeness = completeness or {}
    places = _axes_and_places(select)
    found = []
    for row in select(_query("profile.rq")):
        iri = row["projet"].value
        number_of = {name: float(term.value) for name, term in row.items() if name not in ("projet", "nom", "fictif")}
        members = number_of.get("membres", 0.0)
        funding = number_of.get("financement", 0.0) if row.get("financement") is not None else None
        values = {
            "membres": members,
            "categories": number_of.get("categories", 0.0),
            "part_ess": _share(number_of.get("membres_ess"), members),
            "part_collectivites": _share(number_of.get("collectivites"), members),
            "part_recherche_formation": _share(number_of.get("recherche_formation"), members),
            "financement": funding,
            "part_public": _share(number_of.get("financement_public"), funding),
            "part_autofinancement": _share(number_of.get("autofinancement"), funding),
            "completude": completeness.get(iri),
        }
        axes, areas = places.get(iri, (frozenset(), frozenset()))
        name = _value(row.get("nom")) or iri.rsplit("/", 1)[-1]
        found.append(Profile(iri, name, values, axes, areas, fictional=_value(row.get("fictif")) == "true"))
    return sorted(found, key=lambda p: p.iri)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if not whole else (part or 0.0) / whole


def _axes_and_places(select) -> dict[str, tuple[frozenset, frozenset]]:
    axes: dict[str, set] = {}
    places: dict[str, set] = {}
    geo = load_geography()
    for row in select(_query("places.rq")):
        iri = row["projet"].value
        if row.get("axe") is not None:
            axes.setdefault(iri, set()).add(row["axe"].value)
        if row.get("zone") is not None:
            places.setdefault(iri, set()).update(_areas(geo, row["zone"].value, _value(row.get("code"))))
    return {iri: (frozenset(axes.get(iri, ())), frozenset(places.get(iri, ()))) for iri in set(axes) | set(places)}


def _areas(geo, zone: str, code: str | None) -> set[str]:
    """The département and région an area lies in ("departement:80", "region:32"), from the official geography."""
    kind = zone.rstrip("/").rsplit("/", 2)[-2] if "/geo/" in zone else ""
    code = code or zone.rstrip("/").rsplit("/", 1)[-1]
    if kind == "region":
        return {f"region:{code}"}
    if kind == "departement":
        found = geo.departement(code)
        return {f"departement:{code}"} | ({f"region:{found.region}"} if found else set())
    if kind == "commune":
        found = geo.commune(code)
        return {f"departement:{found.departement}", f"region:{found.region}"} if found else set()
    if kind == "intercommunalite":
        epci = geo.epci(code)
        communes = [geo.commune(c) for c in (epci.members if epci else ())]
        return {f"departement:{c.departement}" for c in communes if c} | {f"region:{c.region}" for c in communes if c}
    return set()


def corpus_profiles(kb) -> list[Profile]:
    """The profile of every project of the corpus of ``kb`` (a :class:`cap_ptce.store.KnowledgeBase`): the
    register's real poles are no applications, and are left aside."""
    select = partial(kb.select, ready_made=True)  # the program's own queries: on the server's in-memory copy
    completeness = {row["projet"].value: float(row["completude"].value) for row in select(_COMPLETENESS)}
    return _profiles(select, completeness)


def profile_of_graph(graph: Graph, completeness: float | None = None) -> Profile:
    """The profile of one description's graph, measured by the same queries as the corpus's.

    ``completeness`` is the validation's ratio (``report.completeness.ratio``); without it the
    completeness is unknown and left out of the standing.
    """
    store = ox.Store()
    store.bulk_extend(_quads(graph))
    store.bulk_extend(_quads(_vocabularies()))

    def select(query: str) -> list[dict]:
        solutions = store.query(query)
        names = [v.value for v in solutions.variables]
        return [{name: solution[name] for name in names if solution[name] is not None} for solution in solutions]

    profiles = _profiles(select)
    if not profiles:
        return Profile("", "", {key: None for key in MEASURES})
    profile = profiles[0]
    if completeness is not None:
        profile = replace(profile, values={**profile.values, "completude": completeness})
    return profile


@cache
def _vocabularies() -> Graph:
    return grid_graph()


def _quads(graph: Graph):
    for s, p, o in graph:
        yield ox.Quad(_term(s), _term(p), _term(o), ox.DefaultGraph())


def _term(node):
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    assert isinstance(node, Literal)
    if node.language:
        return ox.Literal(str(node), language=node.language)
    if node.datatype:
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    return ox.Literal(str(node))


def standing_of(profile: Profile, corpus: list[Profile], lang: str = "fr", *, real_only: bool = False) -> Standing:
    """Where ``profile`` stands among the projects of ``corpus`` (itself left out, by IRI).

    ``real_only``: the standing of an application, in a document sent to the State. The fictional
    examples are left out of the others, and with fewer than ``MINIMUM_OTHERS`` real ones left there
    are no measures and no nearest poles: the dossier says why instead.
    """
    others = [other for other in corpus if other.iri != profile.iri]
    left_out = sum(other.fictional for other in others) if real_only else 0
    if real_only:
        others = [other for other in others if not other.fictional]
        if len(others) < MINIMUM_OTHERS:
            return Standing(len(others), (), (), 0, left_out)
    measures = tuple(_measure(key, profile.values.get(key), others, lang) for key in MEASURES)
    fictional = sum(other.fictional for other in others)
    return Standing(len(others), measures, tuple(_nearest(profile, others, lang)), fictional, left_out)


def _measure(key: str, value: float | None, others: list[Profile], lang: str) -> Measure:
    known = sorted(v for o in others if (v := o.values.get(key)) is not None)
    percentile = 100 * sum(1 for v in known if v <= value) / len(known) if known and value is not None else None
    return Measure(
        key,
        t(f"standing.measure_{key}", lang),
        value,
        _text(key, value, lang),
        _text(key, median(known), lang) if known else "—",
        percentile,
        "—" if percentile is None else t("standing.percentile", lang, rank=round(percentile)),
    )


def _text(key: str, value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    kind = MEASURES[key]
    if kind == "share":
        return t("typography.percent", lang, value=round(value * 100))
    if kind == "euros":
        return euros(round(value), lang)
    return number(round(value, 1), lang)


def _nearest(profile: Profile, others: list[Profile], lang: str):
    scored = []
    for other in others:
        axes = profile.axes & other.axes
        places = profile.places & other.places
        score = _jaccard(profile.axes, other.axes) + _jaccard(profile.places, other.places)
        if score > 0:
            scored.append((-score, other.name, other, axes, places))
    for negative, _, other, axes, places in sorted(scored, key=lambda item: item[:2])[:_NEAREST]:
        why = _why(axes, places, lang)
        yield Near(other.iri, other.name, round(-negative, 3), why, href=other.iri, fictional=other.fictional)


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _why(axes: frozenset, places: frozenset, lang: str) -> str:
    grid = load_grid()
    reasons = []
    if axes:
        scheme = grid.scheme("axes-thematiques")
        labels = sorted(_concept_label(scheme, iri, lang) for iri in axes)
        reasons.append(t("standing.shared_axes", lang, axes=", ".join(labels)))
    geo = load_geography()
    regions = sorted(geo.place_name("region", p.split(":", 1)[1]) or p for p in places if p.startswith("region:"))
    departements = sorted(
        geo.place_name("departement", p.split(":", 1)[1]) or p for p in places if p.startswith("departement:")
    )
    if departements:
        reasons.append(t("standing.same_departement", lang, names=", ".join(departements)))
    elif regions:
        reasons.append(t("standing.same_region", lang, names=", ".join(regions)))
    return " ; ".join(reasons) if lang == "fr" else "; ".join(reasons)


def _concept_label(scheme, iri: str, lang: str) -> str:
    concept_id = iri.rstrip("/").rsplit("/", 1)[-1]
    try:
        return scheme.concept(concept_id).label.get(lang)
    except Exception:  # an axis outside the grid's scheme: its id says what it is
        return concept_id


def standing_spec(standing: Standing, lang: str) -> dict:
    rows = [
        {"label": m.label, "percentile": m.percentile, "text": m.percentile_text}
        for m in standing.measures
        if m.percentile is not None
    ]
    return percentile_chart(
        rows, title=t("standing.chart_title", lang), description=t("standing.chart_description", lang)
    )


def standing_svg(standing: Standing, lang: str) -> str:
    """The percentile chart as SVG (drawn on the server)."""
    return to_svg(standing_spec(standing, lang))
