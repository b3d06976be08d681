"""From the people's YAML data to a JSON-LD document, checked key by key.

:func:`build_document` walks the data with the format table
(:mod:`cap_ptce.project.schema`), refuses unknown keys (naming the nearest
valid one), missing required keys and values of the wrong type, turns
identifiers into IRIs, and records the YAML line behind every
``(node, predicate)`` pair. The JSON-LD document it returns uses the keys of
the shipped context; :mod:`cap_ptce.project.graph` turns it into triples.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from ..errors import UnknownKeyError, YamlError
from ..i18n.suggest import did_you_mean, nearest
from ..rdf.namespaces import BASE, GRILLE, VOCAB
from ..yamlstrict import LineMap
from .context import predicate
from .schema import FREQ_NS, FREQUENCIES, GEO_LEVELS, INSEE_GEO, PROJECT, SPECS, Field, Kind, NodeSpec
from .values import SLUG_RE, decimal_lexical, slugify

__all__ = ["Built", "build_document"]

_YEAR = re.compile(r"^[0-9]{4}$")
_YEAR_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_CODE = re.compile(r"^[0-9A-Za-z]+$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Built:
    """A JSON-LD document (without its context), the project IRI and the line map."""

    document: dict
    iri: str
    lines: dict[tuple[str, str | None], int] = field(default_factory=dict)


@cache
def _grid_ids() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...]]:
    """Concept ids by scheme, public-scheme ids and question ids, from the grid."""
    from ..grid import load_grid

    grid = load_grid()
    concepts = {s.id: tuple(c.id for c in s.concepts) for s in grid.schemes}
    return concepts, tuple(p.id for p in grid.public_schemes), tuple(q.id for q in grid.questions)


def build_document(data: Any, lines: LineMap | None = None, *, source: str | None = None, base: str = BASE) -> Built:
    """Check ``data`` (a parsed description) and turn it into a JSON-LD document."""
    if not base.endswith(("/", "#")):
        base += "/"  # a base given as https://example.org/ptce still mints …/ptce/projet/{id}
    return _Builder(lines or LineMap(), source, base).project(data)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class _Builder:
    """Walks one description; holds its project IRI, its actor ids and the lines found so far."""

    def __init__(self, lines: LineMap, source: str | None, base: str) -> None:
        self.linemap = lines
        self.source = source
        self.base = base
        self.iri = ""
        self.actors: tuple[str, ...] = ()
        self.roles: dict[str, str] = {}
        self.lines: dict[tuple[str, str | None], int] = {}

    # -- errors and lines ------------------------------------------------

    def fail(self, message: str, path: tuple, hint: str, error=YamlError) -> YamlError:
        key = ".".join(str(p) for p in path) or None
        return error(message, source=self.source, line=self.linemap.line(path), key=key, hint=hint)

    def note(self, node: str, key: str | None, path: tuple, scope: str | None = None) -> None:
        pred = None if key is None else predicate(key, scope)
        if key is not None and pred is None:
            return
        entry = (node, None if pred is None else str(pred))
        line = self.linemap.line(path)
        if line is not None and entry not in self.lines:
            self.lines[entry] = line

    # -- the project -----------------------------------------------------

    def project(self, data: Any) -> Built:
        if not isinstance(data, dict):
            raise self.fail(
                "une description est un bloc de clés (nom:, maturite:, acteurs: …) / "
                "a description is a mapping of keys",
                (),
                "partir du modèle / start from the template: cap-ptce new -o mon-ptce.yaml",
            )
        self.check_keys(PROJECT, data, ())
        project_id = self.slug(data["id"], ("id",))
        self.iri = f"{self.base}projet/{project_id}"
        self.actors = self.actor_ids(data.get("acteurs"))
        document = self.node(PROJECT, data, (), self.iri)
        return Built(document, self.iri, self.lines)

    def actor_ids(self, actors: Any) -> tuple[str, ...]:
        """Collect the actors' ids first, so that references may come before the actor."""
        if _empty(actors):
            return ()
        self.expect(isinstance(actors, list), "une liste d'acteurs / a list of actors", ("acteurs",))
        seen: dict[str, int] = {}
        for index, actor in enumerate(actors):
            path = ("acteurs", index)
            self.expect(
                isinstance(actor, dict),
                "un acteur (un bloc avec id:, nom: …) / an actor (a mapping with id:, nom: …)",
                path,
            )
            if _empty(actor.get("id")):
                continue  # reported as a missing key by check_keys
            actor_id = self.slug(actor["id"], path + ("id",))
            if actor_id in seen:
                raise self.fail(
                    f"deux acteurs ont l'id {actor_id!r} / two actors have the id {actor_id!r}",
                    path + ("id",),
                    f"donner à chaque acteur son propre id (l'autre est l'acteur "
                    f"{seen[actor_id] + 1}) / give each actor its own id",
                )
            seen[actor_id] = index
        return tuple(seen)

    # -- nodes -----------------------------------------------------------

    def check_keys(self, spec: NodeSpec, data: dict, path: tuple) -> None:
        for key in data:
            if spec.field(key) is None:
                suggestion = nearest(str(key), spec.keys)
                hint = (
                    did_you_mean(suggestion)
                    if suggestion
                    else f"clés possibles ici / keys allowed here: {', '.join(spec.keys)}"
                )
                raise self.fail(f"clé inconnue / unknown key {key!r}", path + (key,), hint, UnknownKeyError)
        for spec_field in spec.fields:
            if spec_field.required and _empty(data.get(spec_field.key)):
                raise self.fail(
                    f"la clé {spec_field.key!r} est obligatoire ici / is required here",
                    path,
                    f"ajouter / add '{spec_field.key}:' ({spec_field.kind})",
                )

    def node(self, spec: NodeSpec, data: dict, path: tuple, iri: str) -> dict:
        out: dict[str, Any] = {"@id": iri}
        if spec.rdf_type:
            out["@type"] = spec.rdf_type
        self.note(iri, None, path)
        out.update(self.properties(spec, data, path, iri))
        return out

    def properties(self, spec: NodeSpec, data: dict, path: tuple, iri: str) -> dict:
        self.check_keys(spec, data, path)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if _empty(value):
                continue
            spec_field = spec.field(key)
            out[key] = self.value(spec_field, value, path + (key,), iri)
            self.note(iri, key, path + (key,), spec.scope)
        if spec.name == "acteurs":
            self.membership(out, iri, path)
        return out

    def membership(self, actor: dict, iri: str, path: tuple) -> None:
        """Move an actor's roles and start date onto its org:Membership node."""
        membership_iri = f"{self.iri}/adhesion/{iri.rsplit('/', 1)[1]}"
        membership = {"@id": membership_iri, "@type": "org:Membership", "organisation": self.iri}
        for key in ("roles", "depuis"):
            if key in actor:
                membership[key] = actor.pop(key)
                self.note(membership_iri, key, path + (key,))
        self.note(membership_iri, None, path)
        actor["adhesion"] = membership

    # -- values ----------------------------------------------------------

    def expect(self, condition: bool, what: str, path: tuple, hint: str | None = None) -> None:
        if not condition:
            raise self.fail(
                f"attendu / expected: {what}", path, hint or f"voir / see docs/project-format.md, '{path[-1]}'"
            )

    def value(self, spec_field: Field, value: Any, path: tuple, iri: str) -> Any:
        if spec_field.kind in Kind.SETS:
            return self.set_value(spec_field, value, path)
        convert = getattr(self, "kind_" + _METHODS[spec_field.kind])
        return convert(value, path, spec_field, iri)

    def set_value(self, spec_field: Field, value: Any, path: tuple) -> list:
        self.expect(
            isinstance(value, list),
            f"une liste / a list ({spec_field.kind})",
            path,
            "une valeur par ligne '- valeur', ou [a, b] / one '- value' per line, or [a, b]",
        )
        seen = set()
        out = []
        for index, item in enumerate(value):
            item_path = path + (index,)
            self.expect(
                not isinstance(item, (dict, list)), "une seule valeur par élément / one value per item", item_path
            )
            if _empty(item):
                continue
            if item in seen:
                raise self.fail(
                    f"{item!r} est donné deux fois / is given twice",
                    item_path,
                    "ne le garder qu'une fois / keep it once",
                )
            seen.add(item)
            out.append(getattr(self, "item_" + _METHODS[spec_field.kind])(item, item_path, spec_field))
        return out

    def text(self, value: Any, path: tuple) -> str:
        self.expect(
            isinstance(value, str),
            "un texte / a text",
            path,
            "écrire le texte, entre guillemets s'il contient ':' ou '#' / write the text, quoted if it has ':' or '#'",
        )
        return value

    def slug(self, value: Any, path: tuple) -> str:
        self.expect(
            isinstance(value, str) and bool(SLUG_RE.match(value)),
            "un id en minuscules, chiffres et tirets (asso-terres-vives) / "
            "an id of lowercase letters, digits and hyphens",
            path,
        )
        return value

    def code(self, value: Any, path: tuple) -> str:
        self.expect(
            isinstance(value, str),
            "un code entre guillemets / a code in quotes",
            path,
            'ex. / e.g. "01053" : sans guillemets, les zéros de tête se perdent / unquoted, leading zeros are lost',
        )
        self.expect(
            bool(_CODE.match(value)), "un code fait de lettres et de chiffres / a code of letters and digits only", path
        )
        return value

    def date_value(self, value: Any, path: tuple) -> dict:
        if isinstance(value, date) and not isinstance(value, datetime):
            return {"@value": value.isoformat(), "@type": XSD + "date"}
        if isinstance(value, str) and _YEAR_MONTH.match(value):
            return {"@value": value, "@type": XSD + "gYearMonth"}
        if isinstance(value, str) and _YEAR.match(value):
            return {"@value": value, "@type": XSD + "gYear"}
        raise self.fail(
            f"attendu une date / expected a date: {value!r}",
            path,
            'écrire / write 2024-03-15, "2024-03" ou / or "2024"',
        )

    def concept(self, value: Any, path: tuple, scheme: str) -> str:
        concepts = _grid_ids()[0][scheme]
        if not isinstance(value, str) or value not in concepts:
            suggestion = nearest(str(value), concepts)
            hint = did_you_mean(suggestion) if suggestion else f"au choix / one of: {', '.join(concepts)}"
            raise self.fail(
                f"{value!r} n'est pas un concept du schéma / is not a concept of the scheme {scheme}",
                path,
                hint,
                UnknownKeyError,
            )
        return str(VOCAB[f"{scheme}/{value}"])

    def actor(self, value: Any, path: tuple) -> str:
        if not isinstance(value, str) or value not in self.actors:
            suggestion = nearest(str(value), self.actors)
            hint = (
                did_you_mean(suggestion)
                if suggestion
                else "donner l'id d'un acteur de « acteurs: » / give the id of an actor under acteurs:"
            )
            raise self.fail(f"aucun acteur n'a l'id / no actor has the id {value!r}", path, hint)
        return f"{self.iri}/acteur/{value}"

    def geo(self, value: Any, path: tuple, level: str) -> dict:
        code = self.code(value, path)
        iri = f"{INSEE_GEO}{level}/{code}"
        self.note(iri, None, path)
        self.note(iri, "code_insee", path)
        return {"@id": iri, "@type": "igeo:" + GEO_LEVELS[level], "code_insee": code}

    # scalar kinds: kind_<name>(value, path, field, iri)

    def kind_text(self, value, path, spec_field, iri):
        return self.text(value, path)

    def kind_bool(self, value, path, spec_field, iri):
        self.expect(isinstance(value, bool), "true ou / or false", path)
        return value

    def kind_int(self, value, path, spec_field, iri):
        self.expect(isinstance(value, int) and not isinstance(value, bool), "un nombre entier / a whole number", path)
        return value

    def kind_decimal(self, value, path, spec_field, iri):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        self.expect(
            ok and math.isfinite(value),
            "un nombre, avec un point pour les décimales (0.5) / a number, with a dot for decimals",
            path,
        )
        return decimal_lexical(value)

    def kind_date(self, value, path, spec_field, iri):
        return self.date_value(value, path)

    def kind_slug(self, value, path, spec_field, iri):
        return self.slug(value, path)

    def kind_url(self, value, path, spec_field, iri):
        self.expect(
            isinstance(value, str) and bool(_IRI.match(value)),
            "une adresse web complète / a full web address (https://…)",
            path,
        )
        return value

    def kind_code(self, value, path, spec_field, iri):
        return self.code(value, path)

    def kind_concept(self, value, path, spec_field, iri):
        return self.concept(value, path, spec_field.arg)

    def kind_public_scheme(self, value, path, spec_field, iri):
        known = _grid_ids()[1]
        if value not in known:
            suggestion = nearest(str(value), known)
            hint = (
                did_you_mean(suggestion)
                if suggestion
                else f"au choix / one of: {', '.join(known)} (ou omettre / or leave it out)"
            )
            raise self.fail(
                f"{value!r} n'est pas un dispositif de la grille / is not a public scheme of the grid",
                path,
                hint,
                UnknownKeyError,
            )
        return str(VOCAB[f"dispositifs/{value}"])

    def kind_actor(self, value, path, spec_field, iri):
        return self.actor(value, path)

    def kind_commune(self, value, path, spec_field, iri):
        return self.geo(value, path, "commune")

    def kind_frequency(self, value, path, spec_field, iri):
        if value not in FREQUENCIES:
            suggestion = nearest(str(value), FREQUENCIES)
            hint = did_you_mean(suggestion) if suggestion else f"au choix / one of: {', '.join(FREQUENCIES)}"
            raise self.fail(f"{value!r} n'est pas une fréquence / is not a frequency", path, hint, UnknownKeyError)
        return FREQ_NS + FREQUENCIES[value]

    def kind_funder(self, value, path, spec_field, iri):
        funder = f"{iri}/financeur"
        self.note(funder, None, path)
        self.note(funder, "nom", path)
        return {"@id": funder, "@type": "schema:Organization", "nom": self.text(value, path)}

    def kind_member_since(self, value, path, spec_field, iri):
        return self.date_value(value, path)

    def kind_object(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.expect(isinstance(value, dict), f"un bloc de clés / a mapping of keys ({', '.join(spec.keys)})", path)
        return self.node(spec, value, path, f"{self.iri}/{spec.segment}")

    def kind_objects(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.expect(
            isinstance(value, list),
            "une liste, un élément '- clé: valeur' chacun / a list of '- key: value' items",
            path,
        )
        items = []
        for index, item in enumerate(value):
            item_path = path + (index,)
            self.expect(
                isinstance(item, dict), f"un bloc de clés / a mapping of keys ({', '.join(spec.keys)})", item_path
            )
            name = item.get("id") if spec.name == "acteurs" else index + 1
            node = self.node(spec, item, item_path, f"{self.iri}/{spec.segment}/{name}")
            node["position"] = index + 1
            items.append(node)
        return items

    def kind_nest(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.expect(isinstance(value, dict), f"un bloc de clés / a mapping of keys ({', '.join(spec.keys)})", path)
        return self.properties(spec, value, path, iri)

    def kind_answers(self, value, path, spec_field, iri):
        self.expect(isinstance(value, dict), "un bloc q01 … q18 → texte / a mapping from q01 … q18 to texts", path)
        questions = _grid_ids()[2]
        answers = []
        for qid, text in value.items():
            if qid not in questions:
                suggestion = nearest(str(qid), questions)
                hint = did_you_mean(suggestion) if suggestion else "questions q01 … q18"
                raise self.fail(f"question inconnue / unknown question {qid!r}", path + (qid,), hint, UnknownKeyError)
            answer = f"{self.iri}/reponse/{qid}"
            self.note(answer, None, path + (qid,))  # also for an empty answer: where to write it
            if _empty(text):
                continue
            answers.append(
                {
                    "@id": answer,
                    "@type": "cap:Answer",
                    "question": str(GRILLE[f"question/{qid}"]),
                    "texte": self.text(text, path + (qid,)),
                }
            )
            self.note(answer, "texte", path + (qid,))
        return answers

    # set items: item_<name>(value, path, field)

    def item_text(self, value, path, spec_field):
        return self.text(value, path)

    def item_concept(self, value, path, spec_field):
        return self.concept(value, path, spec_field.arg)

    def item_actor(self, value, path, spec_field):
        return self.actor(value, path)

    def item_geo(self, value, path, spec_field):
        return self.geo(value, path, spec_field.arg)

    def item_role(self, value, path, spec_field):
        label = self.text(value, path)
        slug = slugify(label)
        self.expect(bool(slug), "un rôle avec au moins une lettre / a role with at least one letter", path)
        if self.roles.setdefault(slug, label) != label:
            raise self.fail(
                f"les rôles {label!r} et {self.roles[slug]!r} se confondent / "
                "the two roles are too close to tell apart",
                path,
                "écrire un même rôle toujours de la même façon / write a role the same way everywhere",
            )
        role = f"{self.iri}/role/{slug}"
        self.note(role, None, path)
        self.note(role, "libelle", path)
        return {"@id": role, "@type": "org:Role", "libelle": label}


_METHODS = {
    Kind.TEXT: "text",
    Kind.BOOL: "bool",
    Kind.INT: "int",
    Kind.DECIMAL: "decimal",
    Kind.DATE: "date",
    Kind.SLUG: "slug",
    Kind.URL: "url",
    Kind.EMAIL: "text",
    Kind.CODE: "code",
    Kind.CONCEPT: "concept",
    Kind.PUBLIC_SCHEME: "public_scheme",
    Kind.ACTOR: "actor",
    Kind.COMMUNE: "commune",
    Kind.FREQUENCY: "frequency",
    Kind.FUNDER: "funder",
    Kind.MEMBER_SINCE: "member_since",
    Kind.OBJECT: "object",
    Kind.OBJECTS: "objects",
    Kind.NEST: "nest",
    Kind.ANSWERS: "answers",
    Kind.TEXTS: "text",
    Kind.CONCEPTS: "concept",
    Kind.ACTORS: "actor",
    Kind.GEO: "geo",
    Kind.ROLES: "role",
}
