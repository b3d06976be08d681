"""The official geography of the places a description names, as facts for the shapes.

Before pySHACL runs, the engine adds, for each commune, EPCI, département and
région of the description (the nodes typed ``igeo:Commune``…), what
:mod:`cap_ptce.geo` (the Code officiel géographique) says of it:

- ``cap:officialName``: its name in the COG, absent when the code names no place;
- ``cap:inDepartement``, ``cap:inRegion``: the département and région it lies in (for an EPCI, each of those
  its member communes lie in);
- ``cap:inEpci``: for a commune, the EPCI (and the EPT of the Grand Paris) it belongs to;
- ``cap:postalCodeOf``: when the code is a postal code too, the communes it serves besides the one it names, as
  « Amiens (80021) » (a carrier may have typed the postal code where the INSEE code goes), and
  ``cap:postalCodeServes``, each of them (named);
- ``cap:currentCommune``: for a code that no longer names a current commune
  (a commune déléguée or associée, a former code), the commune that holds it today;
- ``cap:geographySource``: which COG the facts come from ("COG 2026").

And for each actor whose SIREN is, in the COG, a current commune's or an EPCI's
(:func:`siren_triples`): ``cap:sirenOf``, that commune or EPCI (with its
name), ``cap:sirenBody``, its wording (« Figeac (commune 46102) »); and when
keys of the actor say it is something else (a kind that such a body is not, a
catégorie juridique that is no commune's, or no EPCI's): ``cap:sirenDeniedBy``,
each such key's predicate, ``cap:sirenDenial``, what they say (« le type
« association » »), and ``cap:sirenDenialKeys``, their names (« le type »). A
SIREN names one legal person: a commune given its EPCI's SIREN, or an
association given its town hall's, says two things of one.

The département, région and current commune named this way get their
``cap:officialName`` and ``igeo:codeINSEE`` too, so that a message can name them.
The shapes of ``shapes/geography.ttl`` check these facts; the geography has no
other source.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..geo import Commune, CommuneKind, Geography, load_geography
from ..i18n import LANGUAGES, t
from ..project.schema import INSEE_GEO
from ..rdf.namespaces import CAP, IGEO, ORG, VOCAB
from .legal_table import legal_table

__all__ = ["place_triples", "place_iri", "read_geography", "siren_triples"]

_LEVELS = {
    IGEO.Commune: "commune",
    IGEO.Departement: "departement",
    IGEO.Region: "region",
    IGEO.Intercommunalite: "intercommunalite",
}


def place_iri(level: str, code: str) -> URIRef:
    """The INSEE IRI of a place, as descriptions name it (``…/geo/commune/80021``)."""
    return URIRef(f"{INSEE_GEO}{level}/{code}")


def place_triples(graph: Graph) -> Iterator[tuple]:
    """What the COG says of every place that ``graph`` names."""
    for place_class, level in _LEVELS.items():
        for node in set(graph.subjects(_TYPE, place_class)):
            code = graph.value(node, _CODE)
            if isinstance(node, URIRef) and code is not None:
                yield from _place_facts(level, node, str(code).strip())


def read_geography() -> None:
    """Read the COG and build the indexes that the facts of places use (a seventh of a second).

    A process that forks validating workers calls it first: they inherit them
    instead of each building its own.
    """
    geo = load_geography()
    departement = geo.departement_codes()[0]
    commune = geo.communes_of_departement(departement)[0]
    for code in (commune, "00000"):  # a current commune, and a code the COG does not know
        list(_commune(geo, place_iri("commune", code), code))


@lru_cache(maxsize=8192)
def _place_facts(level: str, node: URIRef, code: str) -> tuple:
    """The facts of one place, worked out once: a corpus names the same communes again and again."""
    geo = load_geography()
    return ((node, CAP.geographySource, Literal(f"COG {geo.source.millesime}")), *_FACTS[level](geo, node, code))


_TYPE, _CODE = RDF.type, IGEO.codeINSEE
_POSTAL_SHOWN = 5  # communes named by a postal code in a message (a rural one serves up to dozens)


def _commune(geo: Geography, node: URIRef, code: str) -> Iterator[tuple]:
    commune = geo.commune(code)
    current = geo.current_commune(code)
    postal = _served_by_postal_code(geo, code, commune)
    if postal:
        text = ", ".join(other.named for other in postal[:_POSTAL_SHOWN])
        yield node, CAP.postalCodeOf, Literal(text + (" …" if len(postal) > _POSTAL_SHOWN else ""))
        for other in postal[:_POSTAL_SHOWN]:
            yield node, CAP.postalCodeServes, place_iri("commune", other.code)
            yield from _named(place_iri("commune", other.code), other.code, other.name)
    if commune is not None:
        yield node, CAP.officialName, Literal(commune.name)
        yield from _parents(geo, node, commune.departement)
    holder = commune if commune is not None and commune.is_current else current
    if holder is not None:
        for epci in geo.epcis_of_commune(holder.code):
            yield node, CAP.inEpci, place_iri("intercommunalite", epci.siren)
    if current is not None and (commune is None or commune.kind is not CommuneKind.MUNICIPAL_ARRONDISSEMENT):
        iri = place_iri("commune", current.code)
        yield node, CAP.currentCommune, iri
        yield iri, CAP.officialName, Literal(current.name)
        yield iri, IGEO.codeINSEE, Literal(current.code)
        if commune is None:  # a former code: the current commune's département is where it lies
            yield from _parents(geo, node, current.departement)


def _served_by_postal_code(geo: Geography, code: str, commune: Commune | None) -> tuple[Commune, ...]:
    """The current communes that ``code``, read as a postal code, serves, besides the commune it names."""
    # « 80000 »: no INSEE code, Amiens's postal code. A former code is no commune's today, and may be a postal
    # code: « 75001 », Paris's, was Alfortville's code until 1968. « 26100 » is Combovin's INSEE code and
    # Romans-sur-Isère's postal code: either may be meant (an information, not a warning: Lille's own 59350
    # gets it too). A commune
    # déléguée's code is left to capsh:CommuneIsCurrent, which already asks for another code.
    if commune is not None and commune.kind not in (CommuneKind.CURRENT, CommuneKind.MUNICIPAL_ARRONDISSEMENT):
        return ()
    return tuple(other for other in geo.communes_of_postal_code(code) if other.code != code)


def _parents(geo: Geography, node: URIRef, departement_code: str) -> Iterator[tuple]:
    departement = geo.departement(departement_code)
    if departement is None:
        return
    yield node, CAP.inDepartement, place_iri("departement", departement.code)
    yield node, CAP.inRegion, place_iri("region", departement.region)
    yield from _named(place_iri("departement", departement.code), departement.code, departement.name)
    region = geo.region(departement.region)
    if region is not None:
        yield from _named(place_iri("region", region.code), region.code, region.name)


def _named(iri: URIRef, code: str, name: str) -> Iterator[tuple]:
    yield iri, CAP.officialName, Literal(name)
    yield iri, IGEO.codeINSEE, Literal(code)


def _departement(geo: Geography, node: URIRef, code: str) -> Iterator[tuple]:
    departement = geo.departement(code)
    if departement is not None:
        yield node, CAP.officialName, Literal(departement.name)
        yield node, CAP.inRegion, place_iri("region", departement.region)
        region = geo.region(departement.region)
        if region is not None:
            yield from _named(place_iri("region", region.code), region.code, region.name)


def _region(geo: Geography, node: URIRef, code: str) -> Iterator[tuple]:
    region = geo.region(code)
    if region is not None:
        yield node, CAP.officialName, Literal(region.name)


def _epci(geo: Geography, node: URIRef, siren: str) -> Iterator[tuple]:
    epci = geo.epci(siren)
    if epci is not None:
        yield node, CAP.officialName, Literal(epci.name)
        members = (geo.commune(code) for code in epci.members)
        for departement in sorted({commune.departement for commune in members if commune is not None}):
            yield from _parents(geo, node, departement)


_FACTS = {"commune": _commune, "departement": _departement, "region": _region, "intercommunalite": _epci}


# --- actors whose SIREN is a commune's or an EPCI's -------------------------------------

_KINDS = str(VOCAB["types-acteurs/"])
_NEUTRAL_KINDS = ("reseau", "autre")  # what any legal person may be besides
# The kinds a body of the COG is, and the catégories juridiques it may have (a code, or its first two digits).
# An EPCI is a public body (établissement public) too. A commune: 7210; Paris, a commune with a special status,
# 7229. An EPCI by its nature: 7346 community of communes, 7348 agglomeration community, 7343 urban community,
# 7344 metropolis; a territorial public body of the Grand Paris (EPT), a local public body: 73. The Métropole
# de Lyon, an authority with a special status that took over an EPCI: either.
_EPCI_KINDS = ("epci", "etablissement-public")
_BODIES = {
    "commune": (("collectivite-territoriale",), ("7210", "7229")),
    "CC": (_EPCI_KINDS, ("7346",)),
    "CA": (_EPCI_KINDS, ("7348",)),
    "CU": (_EPCI_KINDS, ("7343",)),
    "METRO": (_EPCI_KINDS, ("7344",)),
    "EPT": (_EPCI_KINDS, ("73",)),
    "MET69": (("epci", "collectivite-territoriale"), ("72", "73")),
}


def siren_triples(data) -> Iterator[tuple]:
    """For each actor of ``data`` whose SIREN names a current commune or an EPCI in the COG, the facts above."""
    geo = load_geography()
    for actor in set(data.subjects(RDF.type, CAP.Actor)):
        siren = data.value(actor, CAP.siren)
        if isinstance(actor, URIRef) and siren is not None:
            kinds = tuple(sorted(str(k)[len(_KINDS) :] for k in data.objects(actor, ORG.classification)))
            category = data.value(actor, CAP.legalCategory)
            yield from _siren_facts(geo, actor, str(siren).strip(), kinds, str(category or "").strip())


@lru_cache(maxsize=4096)
def _siren_facts(geo: Geography, actor: URIRef, siren: str, kinds: tuple, category: str) -> tuple:
    body = _body_of_siren(geo, siren)
    if body is None:
        return ()
    iri, nature, wording = body
    facts = [
        (actor, CAP.sirenOf, iri),
        (iri, CAP.geographySource, Literal(f"COG {geo.source.millesime}")),
        *((actor, CAP.sirenBody, Literal(text, lang=lang)) for lang, text in wording.items()),
    ]
    denials = _denials(nature, kinds, category)
    if denials:
        facts += [(actor, CAP.sirenDeniedBy, predicate) for predicate, _said, _key in denials]
        for lang in LANGUAGES:
            joined = t("checks.and", lang).join
            said, keys = joined(said[lang] for _p, said, _k in denials), joined(t(key, lang) for _p, _s, key in denials)
            facts += [
                (actor, CAP.sirenDenial, Literal(said, lang=lang)),
                (actor, CAP.sirenDenialKeys, Literal(keys, lang=lang)),
            ]
    return tuple(facts)


def _denials(nature: str, kinds: tuple, category: str) -> list[tuple]:
    """(predicate, what it says in each language, the message key of its name) of each key of the actor that says
    the body is something else: a kind that it is not, a catégorie juridique that is not of its sort."""
    allowed, categories = _BODIES[nature]
    table = legal_table()
    denying = [
        kind
        for kind in kinds
        if kind not in _NEUTRAL_KINDS
        and not any(table.is_kind(kind, one) or table.is_kind(one, kind) for one in allowed)
    ]
    denials = []
    if denying:
        said = {lang: t("checks.by_kind", lang, kind=", ".join(denying)) for lang in LANGUAGES}
        denials.append((ORG.classification, said, "checks.key_kind"))
    if category and not category.startswith(categories):
        named = table.category(category)
        said = {
            lang: t("checks.by_category", lang, code=category, name=named.name[lang])
            if named
            else t("checks.by_category_code", lang, code=category)
            for lang in LANGUAGES
        }
        denials.append((CAP.legalCategory, said, "checks.key_category"))
    return denials


def _body_of_siren(geo: Geography, siren: str) -> tuple[URIRef, str, dict[str, str]] | None:
    """(its INSEE IRI, "commune" or the EPCI's nature (CC, CA, CU, METRO, EPT, MET69), its wording in each
    language) of the body with that SIREN."""
    commune = geo.commune_of_siren(siren)
    if commune is not None:
        wording = {lang: t("checks.siren_commune", lang, name=commune.name, code=commune.code) for lang in LANGUAGES}
        return place_iri("commune", commune.code), "commune", wording
    epci = geo.epci(siren)
    if epci is not None:
        said = "checks.siren_met69" if epci.nature == "MET69" else "checks.siren_epci"  # no EPCI: an authority
        wording = {lang: t(said, lang, name=epci.name) for lang in LANGUAGES}
        return place_iri("intercommunalite", siren), epci.nature if epci.nature in _BODIES else "EPT", wording
    return None
