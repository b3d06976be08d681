"""The places that the corpus names, once, in their own graph: names, codes, levels and hierarchy.

A description names a place by its INSEE IRI (``http://id.insee.fr/geo/commune/80021``,
``…/intercommunalite/{SIREN}``, ``…/departement/80``, ``…/region/32``) and says
nothing else about it: what a place is comes from the official geography
(:mod:`cap_ptce.geo`, the COG of the package's millésime), written into the
graph ``https://w3id.org/cap-ptce/graphe/lieux`` after each load::

    <…/commune/80021> a igeo:Commune ; igeo:codeINSEE "80021" ; igeo:nom "Amiens"@fr ;
        cap:municipalPopulation 135429 ;
        igeo:subdivisionDe <…/departement/80> , <…/region/32> ;   # every level above, stated once
        igeo:subdivisionDirecteDe <…/intercommunalite/248000531> .  # its EPCI à fiscalité propre
    <…/departement/80> a igeo:Departement ; igeo:codeINSEE "80" ; igeo:nom "Somme"@fr ;
        igeo:subdivisionDirecteDe <…/region/32> ; igeo:subdivisionDe <…/region/32> .
    <…/intercommunalite/248000531> a igeo:Intercommunalite ; igeo:codeINSEE "248000531" ;
        igeo:nom "CA Amiens Métropole"@fr ; igeo:territoireCommunAvec <…/departement/80> , <…/region/32> .

Only the places the corpus names, and the places above them, are written: the
whole COG would be 35,000 communes for a corpus that names a few hundred (see
docs/sparql.md for the figures). A code the COG does not know keeps its level
and code, read from its IRI, and nothing else. The level is in the IRI and in
the type, so "01" the région and "01" the département never meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from ..geo import CommuneKind, Geography, load_geography

__all__ = ["PLACES_GRAPH", "INSEE_GEO", "PLACE_IRIS_QUERY", "places_ntriples", "is_place"]

PLACES_GRAPH = "https://w3id.org/cap-ptce/graphe/lieux"
INSEE_GEO = "http://id.insee.fr/geo/"
_IGEO = "http://rdf.insee.fr/def/geo#"
_CAP = "https://w3id.org/cap-ptce/def#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# path segment of an INSEE IRI -> its class in the INSEE ontology
LEVELS = {
    "commune": "Commune",
    "intercommunalite": "Intercommunalite",
    "departement": "Departement",
    "region": "Region",
}
_COMMUNE_CLASSES = {
    CommuneKind.CURRENT: "Commune",
    CommuneKind.MUNICIPAL_ARRONDISSEMENT: "ArrondissementMunicipal",
    CommuneKind.DELEGATED: "CommuneDeleguee",
    CommuneKind.ASSOCIATED: "CommuneAssociee",
}

# Every INSEE IRI that a description names (as a value: descriptions no longer describe places).
# Any property may name one (a territory, an actor's commune…); the graphs that the knowledge base
# writes itself are left out, so that a place no description names any more goes with the next load.
PLACE_IRIS_QUERY = f"""
SELECT DISTINCT ?place WHERE {{
  GRAPH ?g {{ ?s ?p ?place }}
  FILTER(isIRI(?place) && STRSTARTS(STR(?place), "{INSEE_GEO}"))
  FILTER(?g NOT IN (<{PLACES_GRAPH}>, <https://w3id.org/cap-ptce/graphe/indicateurs>,
                    <https://w3id.org/cap-ptce/graphe/organisations>))
}}
"""


def is_place(iri: str) -> bool:
    """Whether ``iri`` is an INSEE place IRI of one of the four levels we know."""
    level, _, code = iri.removeprefix(INSEE_GEO).partition("/")
    return iri.startswith(INSEE_GEO) and level in LEVELS and bool(code) and "/" not in code


def place_iri(level: str, code: str) -> str:
    return f"{INSEE_GEO}{level}/{code}"


@dataclass
class _Places:
    """The triples of the places graph, each place described once however often it is reached."""

    geo: Geography
    triples: set[tuple] = field(default_factory=set)
    done: set[str] = field(default_factory=set)

    def add(self, subject: str, predicate: str, obj) -> None:
        term = obj if isinstance(obj, (ox.Literal, ox.NamedNode)) else ox.NamedNode(obj)
        self.triples.add(ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), term))

    def place(self, level: str, code: str) -> str:
        """Describe the place (and the places above it) once; its IRI."""
        iri = place_iri(level, code)
        if iri not in self.done:
            self.done.add(iri)
            self.add(iri, _IGEO + "codeINSEE", ox.Literal(code))
            getattr(self, level)(iri, code)
        return iri

    def named(self, iri: str, cls: str, name: str | None, population: int | None = None) -> None:
        self.add(iri, _RDF_TYPE, _IGEO + cls)
        if name:
            self.add(iri, _IGEO + "nom", ox.Literal(name, language="fr"))
        if population is not None:
            self.add(iri, _CAP + "municipalPopulation", ox.Literal(str(population), datatype=_XSD_INTEGER))

    def within(self, iri: str, *containers: str, direct: str | None = None) -> None:
        for container in containers:
            self.add(iri, _IGEO + "subdivisionDe", container)
        if direct:
            self.add(iri, _IGEO + "subdivisionDirecteDe", direct)

    def commune(self, iri: str, code: str) -> None:
        found = self.geo.commune(code)
        if found is None:
            self.named(iri, LEVELS["commune"], None)
            return
        self.named(iri, _COMMUNE_CLASSES[found.kind], found.name, found.population)
        departement = self.place("departement", found.departement)
        self.within(iri, departement, self.place("region", found.region))
        holder = self.geo.current_commune(code) if not found.is_current else None
        if holder is not None:
            self.within(iri, self.place("commune", holder.code), direct=self.place("commune", holder.code))
        if found.epci:
            self.within(iri, direct=self.place("intercommunalite", found.epci))

    def intercommunalite(self, iri: str, siren: str) -> None:
        found = self.geo.epci(siren)
        if found is None:
            self.named(iri, LEVELS["intercommunalite"], None)
            return
        self.named(iri, LEVELS["intercommunalite"], found.name, found.population)
        members = [self.geo.commune(code) for code in found.members]
        for departement in sorted({member.departement for member in members if member}):
            self.add(iri, _IGEO + "territoireCommunAvec", self.place("departement", departement))
        for region in sorted({member.region for member in members if member}):
            self.add(iri, _IGEO + "territoireCommunAvec", self.place("region", region))

    def departement(self, iri: str, code: str) -> None:
        found = self.geo.departement(code)
        if found is None:
            self.named(iri, LEVELS["departement"], None)
            return
        self.named(iri, LEVELS["departement"], found.name, self._population(code))
        region = self.place("region", found.region)
        self.within(iri, region, direct=region)

    def region(self, iri: str, code: str) -> None:
        found = self.geo.region(code)
        population = sum(self._population(d) or 0 for d in self.geo.departements_of_region(code)) if found else None
        self.named(iri, LEVELS["region"], found.name if found else None, population or None)

    def _population(self, departement: str) -> int | None:
        return _departement_population(self.geo, departement)


@cache
def _departement_population(geo: Geography, departement: str) -> int | None:
    """The municipal population of a département: the sum over its current communes, as INSEE counts it.

    Kept for the process: a corpus over every région sums all 35,000 communes once, not at each load.
    """
    communes = [geo.commune(code) for code in geo.communes_of_departement(departement)]
    figures = [commune.population for commune in communes if commune and commune.population is not None]
    return sum(figures) if figures else None


def _source_triples(geo: Geography) -> list[ox.Triple]:
    """Where the graph comes from: the COG package, its version and millésime."""
    graph = ox.NamedNode(PLACES_GRAPH)
    source = ox.NamedNode(f"https://www.npmjs.com/package/{geo.source.package}/v/{geo.source.version}")
    return [
        ox.Triple(graph, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), source),
        ox.Triple(
            graph,
            ox.NamedNode("http://purl.org/dc/terms/description"),
            ox.Literal(f"Code officiel géographique {geo.source.millesime} ({geo.source})", language="fr"),
        ),
    ]


def places_ntriples(iris) -> bytes:
    """The places graph for the INSEE IRIs ``iris`` (others are ignored), as N-Triples."""
    places = _Places(load_geography())
    for iri in sorted(set(iris)):
        if is_place(iri):
            level, _, code = iri.removeprefix(INSEE_GEO).partition("/")
            places.place(level, code)
    triples = sorted(places.triples, key=str) + (_source_triples(places.geo) if places.triples else [])
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
