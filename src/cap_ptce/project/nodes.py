"""The nodes of a description other than the project: their class, IRI segment and keys.

:mod:`cap_ptce.project.schema` puts them together with the project's own keys.
"""

from __future__ import annotations

from .fields import Field, Kind, NodeSpec

__all__ = [
    "SOURCE",
    "FIGURE_VALUE",
    "CHIFFRE",
    "CONVENTION",
    "STRUCTURE",
    "CONSTAT",
    "ACTEUR",
    "GROUPE",
    "INSTANCE",
    "GOUVERNANCE",
    "PARTIE",
    "EVOLUTION",
    "TERRITOIRE",
    "ACTION",
    "IMPLICATION",
    "DISPOSITIF",
    "COORDINATION",
    "FINANCEMENT",
    "RECONNAISSANCE",
    "POLE",
]

K = Kind

SOURCE = NodeSpec(
    "source",
    "cap:Source",
    "source",
    (
        Field("titre", K.TEXT),
        Field("editeur", K.FUNDER, "editeur"),
        Field("date", K.DATE),
        Field("url", K.URL),
    ),
)

# A figure given in one key (nombre_membres: "environ 15"), or as a block with these keys.
FIGURE_VALUE = NodeSpec(
    "chiffre_valeur",
    "cap:Figure",
    None,
    (
        Field("valeur", K.QUANTITY),
        Field("environ", K.BOOL),
        Field("annee", K.YEAR),
        Field("description", K.TEXT),
        Field("source", K.SOURCE),
    ),
)

CHIFFRE = NodeSpec(
    "chiffres",
    "cap:Figure",
    "chiffre",
    (
        Field("indicateur", K.CONCEPT, "indicateurs"),
        Field("indicateur_autre", K.OTHER, "indicateur"),
        *FIGURE_VALUE.fields,
    ),
    nested=True,
)

CONVENTION = NodeSpec(
    "convention",
    "cap:ConsortiumAgreement",
    "convention",
    (
        Field("nom", K.TEXT),
        Field("date", K.DATE_SPAN),
        Field("signataires", K.MEMBERS),
        Field("nombre_signataires", K.FIGURE, "membres"),
        Field("description", K.TEXT),
        Field("source", K.SOURCE),
    ),
)

STRUCTURE = NodeSpec(
    "structure_porteuse",
    None,
    None,
    (
        Field("portage", K.CONCEPT, "portages"),
        Field("porteurs", K.ACTORS),
        Field("acteur", K.ACTOR, version=1),
        Field("convention", K.OBJECT, "convention"),
        Field("experience_cooperation", K.TEXT),
        Field("cooperations_engagees", K.TEXTS),
    ),
)

CONSTAT = NodeSpec(
    "constats",
    "cap:InitialFinding",
    "constat",
    (
        Field("texte", K.TEXT),
        Field("sources", K.TEXTS),
        Field("partage", K.BOOL),
    ),
    scope="constats",
)

ACTEUR = NodeSpec(
    "acteurs",
    "cap:Actor",
    "acteur",
    (
        Field("id", K.SLUG, required=True),
        Field("nom", K.TEXT),
        Field("relation", K.RELATION),
        Field("type", K.CONCEPT_SET, "types-acteurs"),
        Field("type_autre", K.OTHER, "type"),
        Field("ess", K.BOOL),
        Field("agrement_esus", K.BOOL),
        Field("statuts_ess", K.BOOL),
        Field("siren", K.CODE, "siren"),
        Field("siret", K.CODE, "siret"),
        Field("rna", K.CODE, "rna"),
        Field("forme_juridique", K.TEXT),
        Field("categorie_juridique", K.CODE, "categorie"),
        Field("commune", K.COMMUNE),
        Field("site_web", K.URL),
        Field("competences", K.TEXTS),
        Field("roles", K.ROLES),
        Field("depuis", K.MEMBER_SINCE),
        Field("chiffres", K.OBJECTS, "chiffres"),
        Field("source", K.SOURCE),
    ),
    named=True,
)

GROUPE = NodeSpec(
    "groupes",
    "cap:MemberGroup",
    "groupe",
    (
        Field("id", K.SLUG, required=True),
        Field("nom", K.TEXT),
        Field("relation", K.RELATION),
        Field("type", K.CONCEPT, "types-groupes"),
        Field("type_autre", K.OTHER, "type"),
        Field("nombre_membres", K.FIGURE, "membres"),
        Field("majoritairement_ess", K.BOOL),
        Field("membres", K.ACTORS),
        Field("personne_morale", K.ACTOR),
        Field("au_sein_de", K.ACTOR),
        Field("description", K.TEXT),
        Field("source", K.SOURCE),
    ),
    named=True,
)

INSTANCE = NodeSpec(
    "instances",
    "cap:GovernanceBody",
    "instance",
    (
        Field("nom", K.TEXT),
        Field("type", K.CONCEPT, "espaces-implication"),
        Field("type_autre", K.OTHER, "type"),
        Field("frequence", K.FREQUENCY),
        Field("participants", K.ACTORS),
        Field("autres_participants", K.TEXTS),
        Field("description", K.TEXT),
    ),
)

GOUVERNANCE = NodeSpec(
    "gouvernance",
    None,
    None,
    (
        Field("formes", K.CONCEPTS, "formes-gouvernance"),
        Field("formes_autre", K.OTHER, "formes"),
        Field("instances", K.OBJECTS, "instances"),
    ),
)

PARTIE = NodeSpec(
    "parties",
    "cap:AreaPart",
    "partie",
    (
        Field("departement", K.GEO_ONE, "departement"),
        Field("region", K.GEO_ONE, "region"),
        Field("description", K.TEXT),
    ),
    nested=True,
)

EVOLUTION = NodeSpec(
    "evolutions",
    "cap:TerritoryChange",
    "evolution",
    (
        Field("annee", K.YEAR),
        Field("description", K.TEXT),
        Field("communes", K.GEO, "commune"),
        Field("epci", K.GEO, "intercommunalite"),
        Field("departements", K.GEO, "departement"),
        Field("regions", K.GEO, "region"),
        Field("source", K.SOURCE),
    ),
    nested=True,
)

TERRITOIRE = NodeSpec(
    "territoire",
    "cap:Territory",
    "territoire",
    (
        Field("nom", K.TEXT),
        Field("description", K.TEXT),
        Field("communes", K.GEO, "commune"),
        Field("epci", K.GEO, "intercommunalite"),
        Field("departements", K.GEO, "departement"),
        Field("regions", K.GEO, "region"),
        Field("parties", K.OBJECTS, "parties"),
        Field("qpv", K.CODES),
        Field("petr", K.TEXTS),
        Field("population", K.INT),
        Field("atouts", K.TEXTS),
        Field("faiblesses", K.TEXTS),
        Field("ressources", K.TEXTS),
        Field("evolutions", K.OBJECTS, "evolutions"),
    ),
)

ACTION = NodeSpec(
    "actions",
    "cap:Action",
    "action",
    (
        Field("nom", K.TEXT),
        Field("description", K.TEXT),
        Field("stade", K.CONCEPT, "stades-action"),
        Field("axes", K.CONCEPTS, "axes-thematiques"),
        Field("debut", K.DATE),
        Field("fin", K.DATE),
        Field("porteurs", K.ACTORS),
    ),
    scope="actions",
)

IMPLICATION = NodeSpec(
    "implications",
    "cap:Involvement",
    "implication",
    (
        Field("membre", K.ACTOR),
        Field("formes", K.CONCEPTS, "formes-implication"),
        Field("formes_autre", K.OTHER, "formes"),
        Field("description", K.TEXT),
        Field("etp", K.DECIMAL),
        Field("montant", K.DECIMAL),
    ),
    scope="implications",
)

DISPOSITIF = NodeSpec(
    "dispositifs",
    "cap:LocalSchemeInstance",
    "dispositif",
    (
        Field("dispositif", K.PUBLIC_SCHEME),
        Field("nom", K.TEXT),
        Field("description", K.TEXT),
        Field("depuis", K.DATE),
    ),
)

COORDINATION = NodeSpec(
    "coordination",
    "cap:CoordinationPost",
    "coordination",
    (
        Field("nom", K.TEXT),
        Field("fonctions", K.CONCEPTS, "fonctions-coordination"),
        Field("fonctions_autre", K.OTHER, "fonctions"),
        Field("statut", K.CONCEPT, "statuts-ressources"),
        Field("etp", K.DECIMAL),
        Field("valorisation", K.CONCEPT, "valorisation-postes"),
        Field("employeur", K.ACTOR),
    ),
    scope="coordination",
)

FINANCEMENT = NodeSpec(
    "financements",
    "cap:Funding",
    "financement",
    (
        Field("financeur", K.FUNDER, "financeur"),
        Field("financeur_acteur", K.ACTOR),
        Field("type_financeur", K.CONCEPT, "types-financeurs"),
        Field("type_financeur_autre", K.OTHER, "type_financeur"),
        Field("montant", K.DECIMAL),
        Field("nature", K.CONCEPT, "natures-depenses"),
        Field("statut", K.CONCEPT, "statuts-financement"),
        Field("dispositif_financier", K.TEXT),
        Field("description", K.TEXT),
        Field("debut", K.DATE),
        Field("fin", K.DATE),
    ),
    scope="financements",
)

RECONNAISSANCE = NodeSpec(
    "reconnaissances",
    "cap:Recognition",
    "reconnaissance",
    (
        Field("type", K.CONCEPT, "reconnaissances"),
        Field("type_autre", K.OTHER, "type"),
        Field("appel", K.CONCEPT, "appels"),
        Field("appel_autre", K.OTHER, "appel"),
        Field("phase", K.INT),
        Field("annee", K.YEAR),
        Field("nom", K.TEXT),
        Field("montant", K.DECIMAL),
        Field("description", K.TEXT),
        Field("source", K.SOURCE),
    ),
    scope="reconnaissances",
)

POLE = NodeSpec(
    "poles_lies",
    "cap:ExternalPole",
    "pole-lie",
    (
        Field("nom", K.TEXT),
        Field("site_web", K.URL),
        Field("description", K.TEXT),
    ),
)
