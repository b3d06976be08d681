"""Legal nature and ESS status of each actor, from the facts its description gives, never from their absence.

The shapes check the law (loi n° 2014-856, art. 1 and 9) and the décret
(n° 2015-431) on facts that this module adds to the data graph before pySHACL
runs, as the engine adds the grid's concept schemes:

- ``cap:legalNature``: ``personne-physique``, ``sans-personnalite-morale``,
  ``droit-prive`` or ``droit-public``, from the INSEE catégorie juridique, else
  the actor's kind, else its RNA number (a declared association), else its legal
  form in words; absent when none of these says it;
- ``cap:essStatus``: ``entreprise-ess`` (with ``cap:essBasis`` ``statut``,
  ``preuve`` or ``declaration``), ``entreprise-hors-ess``, ``personne-publique``,
  ``hors-champ`` (a natural person or a grouping without legal personality, which
  is neither) or ``inconnu``; for a group of members (``cap:MemberGroup``),
  ``entreprise-ess`` or ``entreprise-hors-ess`` with the basis ``groupe`` when the
  description says whether its members are mostly in the ESS, else ``inconnu``;
- ``cap:legalPerson``: true for a legal person of private or public law, false
  for a natural person or a grouping without legal personality, absent when the
  nature is not known;
- ``cap:article9Role``: ``collectivite``, ``recherche-formation`` or ``aucun``
  (the décret's third kind of member), absent when nothing says; a group of
  members is what its own legal person is, else ``aucun`` when its description
  gives it as enterprises (``cap:mostlyESS``, or a kind of group of enterprises);
- the reasons, in French and English, for the messages (``cap:legalNatureReason``…),
  and the key that gave each fact (``cap:legalNatureBasis``…) for the report's lines.

docs/validation.md ("Nature juridique et ESS") gives the rules as a table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..i18n import LANGUAGES, t
from ..rdf.namespaces import CAP, ORG, VOCAB
from .legal_table import ESS_FAMILIES, Facts, LegalTable, legal_table

__all__ = [
    "ActorFacts",
    "Source",
    "LegalStatus",
    "STATUS_FACTS",
    "actor_facts",
    "legal_status",
    "legal_triples",
    "ess_statuses",
]

_KINDS = str(VOCAB["types-acteurs/"])
_GROUP_KINDS = str(VOCAB["types-groupes/"])
_ACTOR = CAP.Actor
_IMPOSSIBLE_FOR_ESS = ("droit-public", "personne-physique", "sans-personnalite-morale")


@dataclass(frozen=True)
class ActorFacts:
    """The facts of one actor that its legal nature and ESS status follow from."""

    category: str | None = None
    kinds: tuple[str, ...] = ()
    ess: bool | None = None
    evidence: bool = False  # an ESUS approval, or statutes meeting article 1, stated as true
    rna: str | None = None
    legal_form: str | None = None


@dataclass(frozen=True)
class Source:
    """One fact-giving key of an actor: what it says, its predicate (for the YAML line) and its wording."""

    facts: Facts
    basis: URIRef
    reason: dict[str, str]


@dataclass(frozen=True)
class LegalStatus:
    """What the facts of an actor establish; None where they do not say."""

    nature: str | None
    nature_source: Source | None
    family: str | None
    family_source: Source | None
    ess_status: str
    ess_basis: str | None
    article9: str | None
    category_name: dict[str, str] | None
    kind_contradicts_category: bool
    form_contradicts_category: bool = False
    category_outside_nomenclature: bool = False


def actor_facts(graph: Graph, actor) -> ActorFacts:
    """The facts that ``graph`` gives about ``actor``."""
    ess = graph.value(actor, _IS_ESS)
    evidence = any((actor, p, _TRUE) in graph for p in _EVIDENCE)
    kinds = tuple(sorted(str(k)[len(_KINDS) :] for k in graph.objects(actor, _CLASSIFICATION) if k.startswith(_KINDS)))
    return ActorFacts(
        category=_text(graph.value(actor, _CATEGORY)),
        kinds=kinds,
        ess=None if ess is None else bool(ess.toPython()),
        evidence=evidence,
        rna=_text(graph.value(actor, _RNA)),
        legal_form=_text(graph.value(actor, _LEGAL_FORM)),
    )


# rdflib's namespaces make a new term on each access: the hot paths read these instead
_IS_ESS, _CATEGORY, _RNA, _LEGAL_FORM = CAP.isESS, CAP.legalCategory, CAP.rna, CAP.legalForm
_EVIDENCE, _CLASSIFICATION, _TRUE = (CAP.esusApproval, CAP.essStatutes), ORG.classification, Literal(True)


# The predicates an actor's ESS status follows from (what actor_facts reads), for a store's query (ess_statuses).
STATUS_FACTS = (_IS_ESS, _CATEGORY, _RNA, _LEGAL_FORM, *_EVIDENCE, _CLASSIFICATION)


def ess_statuses(rows: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Each actor's ESS status (``cap:essStatus``, as validation derives it) from ``rows`` of (actor IRI,
    predicate IRI, object's lexical form) for the predicates of :data:`STATUS_FACTS`; an actor of no such
    fact comes as (actor IRI, None, None), and is « inconnu ».

    For a knowledge base, which keeps the descriptions and not the validation's data
    graph: the ready-made queries then read the law as the checks do. A key given
    twice takes its smallest value (one value is what a description gives).
    """
    said: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for actor, predicate, value in rows:
        facts = said[actor]
        if predicate is not None and value is not None:
            facts[predicate].append(value)
    return {actor: _status_of(_facts_of(facts))[0].ess_status for actor, facts in said.items()}


def _facts_of(said: dict[str, list[str]]) -> ActorFacts:
    """:class:`ActorFacts` from each predicate's lexical forms (see :func:`ess_statuses`)."""

    def one(predicate) -> str | None:
        return _text(min(said[str(predicate)])) if said.get(str(predicate)) else None

    ess = one(_IS_ESS)
    kinds = sorted({v[len(_KINDS) :] for v in said.get(str(_CLASSIFICATION), ()) if v.startswith(_KINDS)})
    return ActorFacts(
        category=one(_CATEGORY),
        kinds=tuple(kinds),
        ess=None if ess is None else ess in ("true", "1"),
        evidence=any(v in ("true", "1") for p in _EVIDENCE for v in said.get(str(p), ())),
        rna=one(_RNA),
        legal_form=one(_LEGAL_FORM),
    )


def _text(value) -> str | None:
    return None if value is None else str(value).strip() or None


def _sources(facts: ActorFacts, table: LegalTable) -> tuple[Source | None, Source | None, list[Source]]:
    """The category's source, the kinds' source, and the weaker ones (RNA number, legal form in words)."""
    category = table.category(facts.category) if facts.category else None
    by_category = None
    if category is not None:
        reason = _reason("checks.by_category", code=category.code, name=category.name)
        by_category = Source(category.facts, CAP.legalCategory, reason)
    by_kind = _kind_source(facts.kinds, table)
    weaker = []
    if facts.rna:
        weaker.append(Source(Facts("droit-prive", "association"), CAP.rna, _reason("checks.by_rna", rna=facts.rna)))
    if facts.legal_form:
        reason = _reason("checks.by_form", form=facts.legal_form)
        weaker.append(Source(table.form_facts(facts.legal_form), CAP.legalForm, reason))
    return by_category, by_kind, weaker


def _kind_source(kinds: tuple[str, ...], table: LegalTable) -> Source | None:
    """What the kinds say together; a fact on which two kinds disagree is left unsaid."""
    if not kinds:
        return None
    said = [table.kind_facts(kind) for kind in kinds]
    merged = Facts(*(_agreed(getattr(f, name) for f in said) for name in ("nature", "family", "article9")))
    return Source(merged, ORG.classification, _reason("checks.by_kind", kind=", ".join(kinds)))


def _agreed(values) -> str | None:
    found = {v for v in values if v is not None}
    return found.pop() if len(found) == 1 else None


def _reason(key: str, name: dict[str, str] | None = None, **params) -> dict[str, str]:
    return {lang: t(key, lang, **params, **({"name": name[lang]} if name else {})) for lang in LANGUAGES}


def _first(sources, fact: str) -> Source | None:
    return next((s for s in sources if s is not None and getattr(s.facts, fact) is not None), None)


def legal_status(facts: ActorFacts, table: LegalTable | None = None) -> LegalStatus:
    """The legal nature and ESS status that ``facts`` establish (see the module's docstring)."""
    table = table or legal_table()
    by_category, by_kind, weaker = _sources(facts, table)
    ordered = [by_category, by_kind, *weaker]
    nature_source = _first(ordered, "nature")
    family_source = _family_source(by_category, by_kind, ordered)
    nature = nature_source.facts.nature if nature_source else None
    family = family_source.facts.family if family_source else None
    status, basis = _ess_status(facts, nature, family, table)
    article9 = _article9(ordered)
    category = table.category(facts.category) if facts.category else None
    return LegalStatus(
        nature,
        nature_source,
        family,
        family_source,
        status,
        basis,
        article9,
        category.name if category else None,
        _contradicts(by_kind, by_category, facts.kinds),
        _form_contradicts(weaker, by_category),
        category is not None and not table.in_nomenclature(category.code),
    )


def _family_source(by_category: Source | None, by_kind: Source | None, ordered: list) -> Source | None:
    """The category's family, except that a cooperative kind refines a company's category (a SCIC SAS is 5710)."""
    if (
        by_category is not None
        and by_kind is not None
        and by_kind.facts.family == "cooperative"
        and by_category.facts.family in ("societe-commerciale", "autre")
    ):
        return by_kind
    return _first(ordered, "family")


def _ess_status(facts: ActorFacts, nature: str | None, family: str | None, table: LegalTable) -> tuple[str, str | None]:
    """ESS status and its basis, by article 1 of loi n° 2014-856 (docs/validation.md gives the order)."""
    says_outside = "entreprise-hors-ess" in facts.kinds
    if nature == "droit-public":
        return "personne-publique", None
    if nature in ("personne-physique", "sans-personnalite-morale"):
        sole_proprietor = nature == "personne-physique" and (facts.category or "").startswith("1")
        return ("entreprise-hors-ess", None) if sole_proprietor else ("hors-champ", None)
    if family in ESS_FAMILIES:
        return "entreprise-ess", "statut"
    if facts.evidence:
        return "entreprise-ess", "preuve"
    if facts.ess is True:
        return ("inconnu", None) if says_outside else ("entreprise-ess", "declaration")
    if facts.ess is False or says_outside:
        return ("entreprise-hors-ess", None) if _is_enterprise(facts, family, table) else ("inconnu", None)
    return "inconnu", None


def _is_enterprise(facts: ActorFacts, family: str | None, table: LegalTable) -> bool:
    """An enterprise by its category (a company, 5xxx or 6xxx) or by its kind (under "entreprise")."""
    by_category = (facts.category or "")[:1] in ("5", "6")
    return family == "societe-commerciale" or by_category or any(table.is_kind(k, "entreprise") for k in facts.kinds)


def _article9(ordered: list) -> str | None:
    """The décret's third kind of member, "aucun" when the facts say what the actor is but not that."""
    found = _first(ordered, "article9")
    if found is not None:
        return found.facts.article9
    says_something = any(s is not None and (s.facts.nature or s.facts.family) for s in ordered)
    return "aucun" if says_something or ordered[1] is not None else None


def _contradicts(by_kind: Source | None, by_category: Source | None, kinds: tuple[str, ...]) -> bool:
    """Whether the kinds say a nature or a family that the category denies (docs/validation.md)."""
    if by_kind is None or by_category is None:
        return False
    if "entreprise-hors-ess" in kinds and by_category.facts.family in ESS_FAMILIES:
        return True
    return _facts_disagree(by_kind.facts, by_category.facts)


def _form_contradicts(weaker: list[Source], by_category: Source | None) -> bool:
    """Whether the legal form in words says a nature or a family that the category denies ("Association loi
    1901" of category 5499); a form whose words say neither contradicts nothing."""
    form = next((s.facts for s in weaker if s.basis == CAP.legalForm), None)
    if form is None or by_category is None:
        return False
    return _facts_disagree(form, by_category.facts)


def _facts_disagree(said: Facts, category: Facts) -> bool:
    """A nature or a family that the category's differs from, a cooperative and a company agreeing (a SCIC SAS)."""
    if said.nature and category.nature and said.nature != category.nature:
        return True
    if said.family is None or said.family == category.family:
        return False
    compatible = {"cooperative": ("societe-commerciale", "autre"), "societe-commerciale": ("cooperative",)}
    return category.family not in compatible.get(said.family, ())


def legal_triples(graph: Graph) -> Iterator[tuple]:
    """The facts above for every actor and group of members of ``graph``, as triples to add to the data graph."""
    statuses = {}
    for actor in set(graph.subjects(RDF.type, _ACTOR)):
        if isinstance(actor, URIRef):
            facts = actor_facts(graph, actor)
            statuses[actor], pairs = _status_of(facts)
            for predicate, value in pairs:
                yield actor, predicate, value
    for group in set(graph.subjects(RDF.type, CAP.MemberGroup)):
        if isinstance(group, URIRef):
            yield from _group_triples(graph, group, statuses)


@lru_cache(maxsize=4096)
def _status_of(facts: ActorFacts) -> tuple[LegalStatus, tuple]:
    """An actor's status and the (predicate, object) pairs it adds, worked out once for each set of facts.

    A corpus repeats a few hundred sets of facts over thousands of actors; the
    status and its bilingual reasons (about 0.2 ms each) are the same every time.
    """
    status = legal_status(facts, legal_table())
    pairs = tuple(_status_triples(status))
    if facts.kinds:  # for the messages that quote them
        pairs += ((CAP.kindList, _literal(", ".join(facts.kinds))),)
    return status, pairs


def _group_triples(graph: Graph, group: URIRef, statuses: dict) -> Iterator[tuple]:
    """A group of members counts for the ESS by what its members mostly are (``cap:mostlyESS``); it is a
    legal person when it has one of its own (``cap:groupOrganization``), as that actor is."""
    mostly = graph.value(group, CAP.mostlyESS)
    status = {True: "entreprise-ess", False: "entreprise-hors-ess"}.get(None if mostly is None else mostly.toPython())
    yield group, CAP.essStatus, _literal(status or "inconnu")
    if status is not None:
        yield group, CAP.essBasis, _literal("groupe")
    found = statuses.get(graph.value(group, CAP.groupOrganization))
    if found is not None and found.nature:
        yield group, CAP.legalPerson, _literal(found.nature in ("droit-prive", "droit-public"))
    role = found.article9 if found is not None and found.article9 else _group_article9(graph, group, status)
    if role:
        yield group, CAP.article9Role, _literal(role)


def _group_article9(graph: Graph, group: URIRef, status: str | None) -> str | None:
    """The role "aucun" for a group that its description gives as enterprises: mostly in or outside the ESS, or
    of a kind of group of enterprises (a grouping, a cluster, a federation); else unsaid, as a college or a
    network may count a local authority or a training body among its members."""
    kinds = (str(k)[len(_GROUP_KINDS) :] for k in graph.objects(group, _CLASSIFICATION) if k.startswith(_GROUP_KINDS))
    if status is not None or not legal_table().enterprise_groups.isdisjoint(kinds):
        return "aucun"
    return None


@lru_cache(maxsize=4096, typed=True)  # True is not 1: a boolean literal is not an integer one
def _literal(value: str | bool, lang: str | None = None) -> Literal:
    """A literal of the few values these facts take, made once: rdflib's Literal() costs about 15 µs."""
    return Literal(value, lang=lang)


def _status_triples(status: LegalStatus) -> Iterator[tuple]:
    """The (predicate, object) pairs of an actor's ``status``."""
    yield CAP.essStatus, _literal(status.ess_status)
    if status.ess_basis:
        yield CAP.essBasis, _literal(status.ess_basis)
    if status.nature:
        yield CAP.legalNature, _literal(status.nature)
        yield CAP.legalPerson, _literal(status.nature in ("droit-prive", "droit-public"))
        yield from _source_triples(status.nature_source, CAP.legalNatureBasis, CAP.legalNatureReason)
        for lang in LANGUAGES:
            yield CAP.legalNatureName, _literal(t(f"checks.nature_{status.nature}", lang), lang=lang)
    if status.family:
        yield CAP.legalFamily, _literal(status.family)
        yield from _source_triples(status.family_source, CAP.legalFamilyBasis, CAP.legalFamilyReason)
        for lang in LANGUAGES:
            yield CAP.legalFamilyName, _literal(t(f"checks.family_{status.family}", lang), lang=lang)
    if status.article9:
        yield CAP.article9Role, _literal(status.article9)
    for lang, name in (status.category_name or {}).items():
        yield CAP.legalCategoryName, _literal(name, lang=lang)
    if status.kind_contradicts_category:
        yield CAP.kindContradictsCategory, _literal(True)
    if status.form_contradicts_category:
        yield CAP.formContradictsCategory, _literal(True)
    if status.category_outside_nomenclature:
        yield CAP.categoryOutsideNomenclature, _literal(True)


def _source_triples(source: Source, basis, reason) -> Iterator[tuple]:
    yield basis, source.basis
    for lang, text in source.reason.items():
        yield reason, _literal(text, lang=lang)
