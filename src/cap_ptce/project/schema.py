"""The description format as data: every key, the kind of its value, and its node.

One table for the loader (which keys exist, what each must hold), the RDF
builder and reader (which node a key belongs to) and the template of
``cap-ptce new``. The RDF predicate of each key is not here: it is the key's
term in ``context.jsonld`` (see :mod:`cap_ptce.project.context`). The order of
the keys is the order in which the writer gives them: each grid entry's
structured keys, then the free text of each of its questions (``q01`` …).
"""

from __future__ import annotations

from .fields import Field, Kind, NodeSpec
from .nodes import (
    ACTEUR,
    ACTION,
    ATTESTATION,
    CHIFFRE,
    CONSTAT,
    CONVENTION,
    COORDINATION,
    DISPOSITIF,
    EVOLUTION,
    FIGURE_VALUE,
    FINANCEMENT,
    GOUVERNANCE,
    GROUPE,
    IMPLICATION,
    INSTANCE,
    PARTIE,
    POLE,
    RECONNAISSANCE,
    SOURCE,
    STRUCTURE,
    TERRITOIRE,
)

__all__ = [
    "PLACE_KIND_OF_LEVEL",
    "Field",
    "NodeSpec",
    "PROJECT",
    "SPECS",
    "SECTIONS",
    "SECTION_OF",
    "Kind",
    "FORMAT_VERSIONS",
    "CURRENT_FORMAT",
]

FORMAT_VERSIONS = (1, 2)
CURRENT_FORMAT = 2


def _answer(qid: str) -> Field:
    return Field(qid, Kind.ANSWER, qid)


K = Kind

# The project's keys grid entry by grid entry: each entry's structured keys, then the free
# text of each of its questions, which the writer and the template keep together.
SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("structure-porteuse", (Field("structure_porteuse", K.NEST, "structure_porteuse"), _answer("q01"))),
    (
        "objectifs-vision-strategique",
        (
            Field("strategie_commune", K.TEXT),
            Field("objectifs", K.TEXTS),
            Field("constats", K.OBJECTS, "constats"),
            _answer("q02"),
            Field("axes", K.CONCEPTS, "axes-thematiques"),
            Field("autres_axes", K.TEXTS),
            Field("identification_axes", K.TEXT),
            _answer("q03"),
            _answer("q04"),
            _answer("q05"),
            _answer("q06"),
        ),
    ),
    (
        "acteurs-impliques",
        (Field("acteurs", K.OBJECTS, "acteurs"), Field("groupes", K.OBJECTS, "groupes"), _answer("q07")),
    ),
    ("mode-gouvernance", (Field("gouvernance", K.NEST, "gouvernance"), _answer("q08"), _answer("q09"))),
    (
        "perimetre-ancrage-territorial",
        (Field("territoire", K.OBJECT, "territoire"), _answer("q10"), _answer("q11")),
    ),
    ("plan-actions", (Field("actions", K.OBJECTS, "actions"), _answer("q12"))),
    ("implication-membres", (Field("implications", K.OBJECTS, "implications"), _answer("q13"))),
    (
        "politiques-publiques",
        (
            Field("effets_attendus", K.TEXTS),
            _answer("q14"),
            Field("dispositifs", K.OBJECTS, "dispositifs"),
            _answer("q15"),
        ),
    ),
    (
        "financement-previsionnel",
        (
            Field("coordination", K.OBJECTS, "coordination"),
            _answer("q16"),
            _answer("q17"),
            Field("financements", K.OBJECTS, "financements"),
            _answer("q18"),
        ),
    ),
    (
        # facts beyond the grid's questions
        "faits",
        (
            Field("chiffres", K.OBJECTS, "chiffres"),
            Field("reconnaissances", K.OBJECTS, "reconnaissances"),
            Field("poles_lies", K.POLES, "poles_lies"),
            Field("sources", K.SOURCES),
            Field("attestations", K.OBJECTS, "attestations"),
        ),
    ),
)

PROJECT = NodeSpec(
    "projet",
    "cap:Project",
    None,
    (
        Field("fictif", K.BOOL),
        Field("format", K.FORMAT),
        Field("id", K.SLUG, required=True),
        Field("nom", K.TEXT),
        Field("description", K.TEXT),
        Field("maturite", K.CONCEPT, "maturites"),
        Field("site_web", K.URL),
        Field("courriel", K.EMAIL),
        Field("date_creation", K.DATE_SPAN),
        Field("mise_a_jour", K.DATE),
        *(spec_field for _, fields in SECTIONS for spec_field in fields),
        # Version 1: the free texts in one block
        Field("reponses", K.ANSWERS, version=1),
    ),
)

# The section (a grid entry's id, or "faits") of each of the project's keys.
SECTION_OF: dict[str, str] = {f.key: section for section, fields in SECTIONS for f in fields}

SPECS: dict[str, NodeSpec] = {
    spec.name: spec
    for spec in (
        PROJECT,
        STRUCTURE,
        CONVENTION,
        CONSTAT,
        ACTEUR,
        GROUPE,
        INSTANCE,
        GOUVERNANCE,
        TERRITOIRE,
        PARTIE,
        EVOLUTION,
        ACTION,
        IMPLICATION,
        DISPOSITIF,
        COORDINATION,
        FINANCEMENT,
        CHIFFRE,
        FIGURE_VALUE,
        RECONNAISSANCE,
        ATTESTATION,
        POLE,
        SOURCE,
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
# INSEE levels -> the kind of place the official geography (cap_ptce.geo) knows them by.
PLACE_KIND_OF_LEVEL: dict[str, str] = {
    "commune": "commune",
    "intercommunalite": "epci",
    "departement": "departement",
    "region": "region",
}
