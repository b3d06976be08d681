"""The description format as data: every key, the kind of its value, and its node.

One table for the loader (which keys exist, what each must hold), the RDF
builder and reader (which node a key belongs to) and the template of
``cap-ptce new``. The RDF predicate of each key is not here: it is the key's
term in ``context.jsonld`` (see :mod:`cap_ptce.project.context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["Field", "NodeSpec", "PROJECT", "SPECS", "Kind"]


class Kind:
    """The kinds of value a key may hold (see docs/project-format.md, "Value types")."""

    TEXT = "texte"
    TEXTS = "textes"
    BOOL = "booléen"
    INT = "entier"
    DECIMAL = "décimal"
    DATE = "date"
    SLUG = "slug"
    URL = "URL"
    EMAIL = "e-mail"
    CODE = "code"  # an identifier kept as text: SIREN, SIRET, RNA, legal category
    CONCEPT = "concept"  # arg: the concept scheme
    CONCEPTS = "concepts"  # arg: the concept scheme
    PUBLIC_SCHEME = "dispositif"  # an id of grille/dispositifs.yaml
    ACTOR = "réf. acteur"
    ACTORS = "réfs. acteurs"
    GEO = "codes INSEE"  # arg: the INSEE level (commune, intercommunalite, departement, region)
    COMMUNE = "code INSEE de commune"
    FREQUENCY = "fréquence"
    FUNDER = "financeur"  # a funder's name, which becomes a node
    ROLES = "rôles"  # texts that become org:Role nodes of the actor's membership
    MEMBER_SINCE = "date d'adhésion"  # a date on the actor's membership
    OBJECT = "objet"  # arg: the NodeSpec name
    OBJECTS = "liste d'objets"  # arg: the NodeSpec name
    NEST = "bloc"  # arg: the NodeSpec name; its keys are properties of the parent node
    ANSWERS = "réponses"

    SETS = frozenset({TEXTS, CONCEPTS, ACTORS, GEO, ROLES})
    SCALARS = frozenset(
        {
            TEXT,
            BOOL,
            INT,
            DECIMAL,
            DATE,
            SLUG,
            URL,
            EMAIL,
            CODE,
            CONCEPT,
            PUBLIC_SCHEME,
            ACTOR,
            COMMUNE,
            FREQUENCY,
            FUNDER,
            MEMBER_SINCE,
        }
    )


@dataclass(frozen=True)
class Field:
    """One key of a node: its kind, the kind's argument, and whether it must be given.

    Only the ids that IRIs are made of are required by the loader; what the law,
    the décret and the grid require is checked by the SHACL shapes, which point
    at the YAML line instead of stopping at the first problem.
    """

    key: str
    kind: str
    arg: str | None = None
    required: bool = False


@dataclass(frozen=True)
class NodeSpec:
    """A kind of node: its RDF class, the IRI segment of its items, and its keys.

    ``segment`` names items under the project IRI (``{projet}/{segment}/{n}``);
    ``scope`` is the context term whose scoped context applies to its keys.
    """

    name: str
    rdf_type: str | None
    segment: str | None
    fields: tuple[Field, ...]
    scope: str | None = None

    def field(self, key: str) -> Field | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def rank(self) -> dict[str, int]:
        """Each key's place in the format's order."""
        return {f.key: n for n, f in enumerate(self.fields)}

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


K = Kind

STRUCTURE = NodeSpec(
    "structure_porteuse",
    None,
    None,
    (
        Field("acteur", K.ACTOR),
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
)

ACTEUR = NodeSpec(
    "acteurs",
    "cap:Actor",
    "acteur",
    (
        Field("id", K.SLUG, required=True),
        Field("nom", K.TEXT),
        Field("type", K.CONCEPT, "types-acteurs"),
        Field("ess", K.BOOL),
        Field("siren", K.CODE),
        Field("siret", K.CODE),
        Field("rna", K.CODE),
        Field("forme_juridique", K.TEXT),
        Field("categorie_juridique", K.CODE),
        Field("commune", K.COMMUNE),
        Field("site_web", K.URL),
        Field("competences", K.TEXTS),
        Field("roles", K.ROLES),
        Field("depuis", K.MEMBER_SINCE),
    ),
)

INSTANCE = NodeSpec(
    "instances",
    "cap:GovernanceBody",
    "instance",
    (
        Field("nom", K.TEXT),
        Field("type", K.CONCEPT, "espaces-implication"),
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
        Field("instances", K.OBJECTS, "instances"),
    ),
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
        Field("population", K.INT),
        Field("atouts", K.TEXTS),
        Field("faiblesses", K.TEXTS),
        Field("ressources", K.TEXTS),
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
)

IMPLICATION = NodeSpec(
    "implications",
    "cap:Involvement",
    "implication",
    (
        Field("membre", K.ACTOR),
        Field("formes", K.CONCEPTS, "formes-implication"),
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
        Field("financeur", K.FUNDER),
        Field("financeur_acteur", K.ACTOR),
        Field("type_financeur", K.CONCEPT, "types-financeurs"),
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

PROJECT = NodeSpec(
    "projet",
    "cap:Project",
    None,
    (
        Field("fictif", K.BOOL),
        Field("id", K.SLUG, required=True),
        Field("nom", K.TEXT),
        Field("description", K.TEXT),
        Field("maturite", K.CONCEPT, "maturites"),
        Field("site_web", K.URL),
        Field("courriel", K.EMAIL),
        Field("date_creation", K.DATE),
        Field("mise_a_jour", K.DATE),
        Field("structure_porteuse", K.NEST, "structure_porteuse"),
        Field("strategie_commune", K.TEXT),
        Field("objectifs", K.TEXTS),
        Field("constats", K.OBJECTS, "constats"),
        Field("axes", K.CONCEPTS, "axes-thematiques"),
        Field("autres_axes", K.TEXTS),
        Field("identification_axes", K.TEXT),
        Field("acteurs", K.OBJECTS, "acteurs"),
        Field("gouvernance", K.NEST, "gouvernance"),
        Field("territoire", K.OBJECT, "territoire"),
        Field("actions", K.OBJECTS, "actions"),
        Field("implications", K.OBJECTS, "implications"),
        Field("effets_attendus", K.TEXTS),
        Field("dispositifs", K.OBJECTS, "dispositifs"),
        Field("coordination", K.OBJECTS, "coordination"),
        Field("financements", K.OBJECTS, "financements"),
        Field("reponses", K.ANSWERS),
    ),
)

SPECS: dict[str, NodeSpec] = {
    spec.name: spec
    for spec in (
        PROJECT,
        STRUCTURE,
        CONSTAT,
        ACTEUR,
        INSTANCE,
        GOUVERNANCE,
        TERRITOIRE,
        ACTION,
        IMPLICATION,
        DISPOSITIF,
        COORDINATION,
        FINANCEMENT,
    )
}

# French frequency words -> DCMI Collection Frequency terms (http://purl.org/cld/freq/).
FREQUENCIES: dict[str, str] = {
    "hebdomadaire": "weekly",
    "bimensuelle": "semimonthly",
    "mensuelle": "monthly",
    "bimestrielle": "bimonthly",
    "trimestrielle": "quarterly",
    "semestrielle": "semiannual",
    "annuelle": "annual",
    "irreguliere": "irregular",
}
FREQ_NS = "http://purl.org/cld/freq/"

# INSEE levels -> the path segment of their IRIs and their class in the INSEE ontology.
GEO_LEVELS: dict[str, str] = {
    "commune": "Commune",
    "intercommunalite": "Intercommunalite",
    "departement": "Departement",
    "region": "Region",
}
INSEE_GEO = "http://id.insee.fr/geo/"
