"""The building blocks of the format table: the kinds of value, a key, a kind of node.

:mod:`cap_ptce.project.schema` lists the format's nodes and keys with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["Kind", "Field", "NodeSpec"]


class Kind:
    """The kinds of value a key may hold (see docs/project-format.md, "Value types")."""

    TEXT = "texte"
    TEXTS = "textes"
    BOOL = "booléen"
    INT = "entier"
    DECIMAL = "décimal"
    DATE = "date"
    DATE_SPAN = "date ou période"  # a date, or years known within a span (cap:yearFrom / cap:yearTo)
    YEAR = "année"  # cap:year, or cap:yearFrom / cap:yearTo for a span
    SLUG = "slug"
    URL = "URL"
    EMAIL = "e-mail"
    CODE = "code"  # arg: what the code is (siren, siret, categorie…); kept as text
    CODES = "codes"  # a set of codes kept as text (QPV)
    CONCEPT = "concept"  # arg: the concept scheme
    CONCEPTS = "concepts"  # arg: the concept scheme
    CONCEPT_SET = "concept(s)"  # arg: the concept scheme; one concept, or a list of them
    OTHER = "autre"  # arg: the key whose concept "autre" this text names (cap:otherLabel)
    PUBLIC_SCHEME = "dispositif"  # an id of grille/dispositifs.yaml
    ACTOR = "réf. acteur"
    ACTORS = "réfs. acteurs"
    MEMBERS = "réfs. acteurs ou groupes"  # actors and groups of members
    RELATION = "relation"  # membre (org:hasMember) or partenaire (cap:hasPartner)
    GEO = "codes INSEE"  # arg: the INSEE level (commune, intercommunalite, departement, region)
    GEO_ONE = "code INSEE"  # arg: the INSEE level
    COMMUNE = "code INSEE de commune"
    FREQUENCY = "fréquence"
    FUNDER = "financeur"  # a funder's name, which becomes a node
    ROLES = "rôles"  # texts that become org:Role nodes of the actor's membership
    MEMBER_SINCE = "date d'adhésion"  # a date on the actor's membership
    QUANTITY = "valeur chiffrée"  # rdf:value, or schema:minValue / schema:maxValue; "environ" → cap:approximate
    FIGURE = "chiffre"  # arg: the indicator; a number, "environ 15", or a block → a cap:Figure node
    SOURCE = "source"  # a text, a URL or a block → a cap:Source node
    SOURCES = "sources"  # several of them
    POLES = "pôles liés"  # project ids and blocks for poles outside the corpus
    OBJECT = "objet"  # arg: the NodeSpec name
    OBJECTS = "liste d'objets"  # arg: the NodeSpec name
    NEST = "bloc"  # arg: the NodeSpec name; its keys are properties of the parent node
    ANSWERS = "réponses"  # the version-1 block q01 … q18 → text
    ANSWER = "réponse"  # arg: the question id; one free text under its question's entry
    FORMAT = "version du format"  # 1 or 2; no triple

    SETS = frozenset({TEXTS, CODES, CONCEPTS, CONCEPT_SET, ACTORS, MEMBERS, GEO, ROLES})
    SCALARS = frozenset(
        {
            TEXT,
            BOOL,
            INT,
            DECIMAL,
            DATE,
            DATE_SPAN,
            YEAR,
            SLUG,
            URL,
            EMAIL,
            CODE,
            CONCEPT,
            OTHER,
            PUBLIC_SCHEME,
            ACTOR,
            RELATION,
            GEO_ONE,
            COMMUNE,
            FREQUENCY,
            FUNDER,
            MEMBER_SINCE,
            QUANTITY,
            ANSWER,
            FORMAT,
        }
    )


@dataclass(frozen=True)
class Field:
    """One key of a node: its kind, the kind's argument, and whether it must be given.

    Only the ids that IRIs are made of are required by the loader; what the law,
    the décret and the grid require is checked by the SHACL shapes, which point
    at the YAML line instead of stopping at the first problem. ``version`` is 1
    for the keys of the first format that version 2 writes another way (refused
    in a file that says ``format: 2``).
    """

    key: str
    kind: str
    arg: str | None = None
    required: bool = False
    version: int | None = None


@dataclass(frozen=True)
class NodeSpec:
    """A kind of node: its RDF class, the IRI segment of its items, and its keys.

    ``segment`` names items under the project IRI (``{projet}/{segment}/{n}``),
    or under their parent node when ``nested`` (an actor's figures:
    ``{acteur}/chiffre/{n}``); ``named`` items take their ``id`` instead of
    their rank. ``scope`` is the context term whose scoped context applies to
    its keys.
    """

    name: str
    rdf_type: str | None
    segment: str | None
    fields: tuple[Field, ...]
    scope: str | None = None
    nested: bool = False
    named: bool = False

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

    def keys_in(self, version: int) -> tuple[str, ...]:
        """The keys a file of format ``version`` may use here."""
        return tuple(f.key for f in self.fields if version == 1 or f.version != 1)
