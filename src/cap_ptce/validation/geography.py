"""The official geography of the places a description names, as facts for the shapes.

Before pySHACL runs, the engine adds, for each commune, EPCI, département and
région of the description (the nodes typed ``igeo:Commune``…), what
:mod:`cap_ptce.geo` (the Code officiel géographique) says of it:

- ``cap:officialName``: its name in the COG, absent when the code names no place;
- ``cap:inDepartement``, ``cap:inRegion``: the département and région it lies in;
- ``cap:inEpci``: for a commune, the EPCI (and the EPT of the Grand Paris) it belongs to;
- ``cap:postalCodeOf``: when the code names no commune (or only a former one) but is a postal code, the
  communes it serves, as « Amiens (80021) » (a carrier typed the postal code where the INSEE code goes);
- ``cap:currentCommune``: for a code that no longer names a current commune
  (a commune déléguée or associée, a former code), the commune that holds it today;
- ``cap:geographySource``: which COG the facts come from ("COG 2026").

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

from ..geo import CommuneKind, Geography, load_geography
from ..project.schema import INSEE_GEO
from ..rdf.namespaces import CAP, IGEO

__all__ = ["place_triples", "place_iri", "read_geography"]

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
    # « 80000 »: no INSEE code, Amiens's postal code. (An INSEE code is often another commune's postal code too:
    # Lille's, 59350, is Saint-André-lez-Lille's; told, it was a warning on a right code.) A former code is no
    # commune's today, and may be a postal code: « 75001 », Paris's, was Alfortville's code until 1968.
    postal = geo.communes_of_postal_code(code) if commune is None else ()
    if postal:
        text = ", ".join(other.named for other in postal[:_POSTAL_SHOWN])
        yield node, CAP.postalCodeOf, Literal(text + (" …" if len(postal) > _POSTAL_SHOWN else ""))
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


_FACTS = {"commune": _commune, "departement": _departement, "region": _region, "intercommunalite": _epci}
