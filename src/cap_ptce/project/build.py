"""From the people's YAML data to a JSON-LD document, checked key by key.

:func:`build_document` walks the data with the format table
(:mod:`cap_ptce.project.schema`), refuses unknown keys (naming the nearest
valid one), missing required keys and values that cannot be read, turns
identifiers into IRIs, and records the YAML line behind every
``(node, predicate)`` pair. The JSON-LD document it returns uses the keys of
the shipped context; :mod:`cap_ptce.project.graph` turns it into triples. How
each kind of value is read is in :mod:`cap_ptce.project.build_kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..errors import InputError, UnknownKeyError, YamlError, together
from ..i18n.suggest import did_you_mean, nearest
from ..rdf.namespaces import BASE
from ..yamlstrict import ODD_SPACE_HINT, LineMap, odd_space
from .build_facts import FactReader
from .build_kinds import KindReader, Merge
from .context import predicate
from .schema import CURRENT_FORMAT, FORMAT_VERSIONS, PROJECT, Field, Kind, NodeSpec
from .sources import source_paths
from .values import START_FROM_TEMPLATE, empty, left_empty

__all__ = ["Built", "build_document", "MAX_ITEMS"]


@dataclass
class Built:
    """A JSON-LD document (without its context), the project IRI and the line map."""

    document: dict
    iri: str
    # (node, predicate or None) -> line; (node, predicate, place) -> the line where that key names the place
    lines: dict[tuple, int] = field(default_factory=dict)


# The kinds of value whose error ends no more than the value: the description is read on, and every such
# error is told at once (a web address without https://, a date, a number, a code, a concept…). An id, a
# reference to an actor, a node (a funder, a role, a source) or a block stops the reading at once: what
# follows could fail only because of it.
_READ_ON = frozenset(
    {
        Kind.TEXT,
        Kind.TEXTS,
        Kind.BOOL,
        Kind.INT,
        Kind.DECIMAL,
        Kind.DATE,
        Kind.DATE_SPAN,
        Kind.YEAR,
        Kind.URL,
        Kind.EMAIL,
        Kind.CODE,
        Kind.CODES,
        Kind.CONCEPT,
        Kind.CONCEPTS,
        Kind.CONCEPT_SET,
        Kind.OTHER,
        Kind.PUBLIC_SCHEME,
        Kind.GEO,
        Kind.GEO_ONE,
        Kind.COMMUNE,
        Kind.FREQUENCY,
        Kind.QUANTITY,
        Kind.FIGURE,
        Kind.MEMBER_SINCE,
    }
)


# The most items a list of a description may hold (actors, groups, actions, fundings, communes…). The
# largest PTCEs count a few hundred members; the validation's checks of a project against each of its
# members grow with the square of their number (3,000 actors in an 82 kB file took 78 s and 9.9 GB).
MAX_ITEMS = 500


def build_document(data: Any, lines: LineMap | None = None, *, source: str | None = None, base: str = BASE) -> Built:
    """Check ``data`` (a parsed description) and turn it into a JSON-LD document.

    A value that cannot be read raises an :class:`~cap_ptce.errors.InputError`
    once the whole description is read: the first in the file's order, with
    the others (``others``) — a carrier corrects them all in one go.
    """
    if not base.endswith(("/", "#")):
        base += "/"  # a base given as https://example.org/ptce still mints …/ptce/projet/{id}
    builder = _Builder(lines or LineMap(), source, base)
    try:
        built = builder.project(data)
    except InputError as exc:
        raise together([*builder.errors, exc]) from None
    if builder.errors:
        raise together(builder.errors)
    return built


class _Builder(KindReader, FactReader):
    """Walks one description; holds its project IRI, its ids, its sources and the lines found so far."""

    def __init__(self, lines: LineMap, source: str | None, base: str) -> None:
        self.linemap = lines
        self.source = source
        self.base = base
        self.iri = ""
        self.version: int | None = None
        self.actors: tuple[str, ...] = ()
        self.groups: tuple[str, ...] = ()
        self.partners: set[str] = set()
        self.roles: dict[str, str] = {}
        self.sources: dict[tuple, str] = {}
        self.lines: dict[tuple, int] = {}
        self.errors: list[InputError] = []  # the values that could not be read, the reading going on

    # -- errors and lines ------------------------------------------------

    def fail(self, message: str, path: tuple, hint: str, error=YamlError) -> YamlError:
        key = ".".join(str(p) for p in path) or None
        return error(message, source=self.source, line=self.linemap.line(path), key=key, hint=hint)

    def note(self, node: str, key: str | None, path: tuple, scope: str | None = None) -> None:
        """Remember the line of ``node``, or of its ``key``: the first one given (several hundred a description)."""
        if key is None:
            entry = (node, None)
        else:
            text = _predicate_text(key, scope)
            if text is None:
                return
            entry = (node, text)
        if entry in self.lines:
            return
        line = self.linemap.line(path)
        if line is not None:
            self.lines[entry] = line

    def note_named(self, node: str, key: str, scope: str | None, path: tuple, place: dict) -> None:
        """Remember the line at which ``node``'s ``key`` names ``place``: a place is one node wherever the file
        names it (Amiens, an actor's seat and a commune of the territory), and its own line is the first of
        them, so a result about the territory's commune would point at the seat."""
        text = _predicate_text(key, scope)
        line = self.linemap.line(path)
        if text is not None and line is not None:
            self.lines.setdefault((node, text, place["@id"]), line)

    # -- the project -----------------------------------------------------

    def project(self, data: Any) -> Built:
        if not isinstance(data, dict):
            raise self.fail(
                "une description est un bloc de clés (nom:, maturite:, acteurs: …) / "
                "a description is a mapping of keys",
                (),
                START_FROM_TEMPLATE,
            )
        self.version = self.format_version(data.get("format"))
        self.check_keys(PROJECT, data, ())
        project_id = self.slug(data["id"], ("id",))
        self.iri = f"{self.base}projet/{project_id}"
        self.actors = self.item_ids(data.get("acteurs"), "acteurs", ("acteurs", "actors"))
        self.groups = self.item_ids(data.get("groupes"), "groupes", ("groupes", "groups"))
        self.check_shared_ids(data)
        self.check_answers_once(data)
        self.number_sources(data)
        document = self.node(PROJECT, data, (), self.iri)
        return Built(document, self.iri, self.lines)

    def number_sources(self, data: dict) -> None:
        """Sources are numbered in the format's order (not the file's), each one once, so that IRIs are stable."""
        keys: dict[tuple, None] = {}
        for value, path in source_paths(data):
            keys.setdefault(self.source_key(value, path), None)
        self.sources = {key: f"{self.iri}/source/{n}" for n, key in enumerate(keys, start=1)}

    def format_version(self, value: Any) -> int | None:
        if empty(value):
            return None
        if value not in FORMAT_VERSIONS or isinstance(value, bool):
            raise self.fail(
                f"version du format inconnue / unknown format version {value!r}",
                ("format",),
                f"écrire / write format: {CURRENT_FORMAT}",
            )
        return value

    def item_ids(self, items: Any, key: str, names: tuple[str, str]) -> tuple[str, ...]:
        """Collect the ids of actors or groups first, so that references may come before them."""
        if empty(items):
            return ()
        what = " / ".join(names)
        self.expect(isinstance(items, list), f"une liste ({what}) / a list ({what})", (key,))
        self.check_length(items, (key,))
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            path = (key, index)
            self.expect(
                isinstance(item, dict), f"un bloc avec id:, nom: … ({what}) / a mapping with id:, nom: … ({what})", path
            )
            if empty(item.get("id")):
                continue  # reported as a missing key by check_keys
            item_id = self.slug(item["id"], path + ("id",))
            if item_id in seen:
                raise self.fail(
                    f"deux {names[0]} ont l'id {item_id!r} / two {names[1]} have the id {item_id!r}",
                    path + ("id",),
                    f"donner à chacun son propre id (l'autre est le n° {seen[item_id] + 1}) / give each its own id",
                )
            seen[item_id] = index
        return tuple(seen)

    def check_length(self, items: Any, path: tuple) -> None:
        """Refuse a list of more than MAX_ITEMS items: no real pole needs it, and checking it would not end."""
        if isinstance(items, list) and len(items) > MAX_ITEMS:
            places = path[-1] in ("communes", "epci")
            raise self.fail(
                f"{len(items)} éléments : une liste en compte au plus {MAX_ITEMS} / "
                f"{len(items)} items: a list holds at most {MAX_ITEMS}",
                path,
                "donner plutôt les intercommunalités ou les départements qui les contiennent (epci:, "
                "departements:) / give the EPCI or the départements that hold them instead"
                if places
                else "décrire les plus importants, et les autres par leur nombre (chiffres:) / "
                "describe the main ones, and the others by their number (chiffres:)",
            )

    def check_shared_ids(self, data: dict) -> None:
        shared = sorted(set(self.actors) & set(self.groups))
        if shared:
            index = self.groups.index(shared[0])
            raise self.fail(
                f"{shared[0]!r} est l'id d'un acteur et d'un groupe / is the id of an actor and of a group",
                ("groupes", index, "id"),
                "donner au groupe un autre id (college-…, grappe-…) / give the group another id",
            )

    def check_answers_once(self, data: dict) -> None:
        """A question's free text is given once: under its entry (q07:) or, as in version 1, under reponses:."""
        block = data.get("reponses")
        if not isinstance(block, dict):
            return
        for qid, text in block.items():
            if not empty(text) and not empty(data.get(qid)):
                raise self.fail(
                    f"la question {qid} a deux réponses (« {qid}: » et « reponses: {qid}: ») / "
                    f"question {qid} is answered twice",
                    ("reponses", qid),
                    f"n'en garder qu'une, de préférence « {qid}: » sous son entrée / keep one, preferably '{qid}:'",
                )

    # -- nodes -----------------------------------------------------------

    def check_keys(self, spec: NodeSpec, data: dict, path: tuple) -> None:
        allowed = spec.keys_in(self.version or 1) if self.version == CURRENT_FORMAT else spec.keys
        for key in data:
            if key in allowed:
                continue
            if spec.field(key) is not None:
                raise self.fail(*self.older_key(spec, key, path), UnknownKeyError)
            space = odd_space(str(key))
            if space is not None:  # « q05:\u00a0"Des emplois » read as one key: the YAML's space was not one
                raise self.fail(
                    f"clé inconnue {key!r} : une espace insécable ou fine (U+{ord(space):04X}) après un « : » ou dans "
                    f"l'indentation, au lieu d'une espace ordinaire / unknown key {key!r}: a no-break or thin space "
                    f"(U+{ord(space):04X}) after a colon or in the indentation, instead of a plain space",
                    path + (key,),
                    ODD_SPACE_HINT,
                    UnknownKeyError,
                )
            suggestion = nearest(str(key), allowed)
            hint = (
                did_you_mean(suggestion)
                if suggestion
                else f"clés possibles ici : {', '.join(allowed)} / keys allowed here: {', '.join(allowed)}"
            )
            raise self.fail(f"clé inconnue {key!r} / unknown key {key!r}", path + (key,), hint, UnknownKeyError)
        for spec_field in spec.fields:
            if spec_field.required and empty(data.get(spec_field.key)):
                raise self.fail(
                    f"la clé {spec_field.key!r} est obligatoire ici / the key {spec_field.key!r} is required here",
                    path,
                    f"ajouter '{spec_field.key}:' ({spec_field.kind}) / add '{spec_field.key}:' ({spec_field.kind})",
                )

    def older_key(self, spec: NodeSpec, key: str, path: tuple) -> tuple[str, tuple, str]:
        instead = {
            "reponses": "écrire chaque réponse sous son entrée (q01: …, q02: …) / write each answer as q01: …",
            "acteur": "écrire / write porteurs: [id]",
        }[key]
        return (
            f"la clé {key!r} est de la version 1 du format ; ce fichier dit format: 2 / "
            f"{key!r} is a key of format version 1; this file says format: 2",
            path + (key,),
            f"{instead} ; cap-ptce upgrade le fait / cap-ptce upgrade does it",
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
            spec_field = spec.field(key)
            if empty(value) or left_empty(value):  # a block whose keys are all empty says nothing either
                self.note_empty(spec, spec_field, iri, path + (key,))
                continue
            self.check_length(value, path + (key,))
            try:
                converted = self.value(spec_field, value, path + (key,), iri, spec.scope)
            except InputError as exc:
                if spec_field.kind not in _READ_ON:
                    raise
                self.errors.append(exc)
                continue
            self.place(out, spec, spec_field, converted, path + (key,), iri)
        self.check_others(spec, data, path)
        if spec.name == "structure_porteuse" and not empty(data.get("acteur")) and not empty(data.get("porteurs")):
            raise self.fail(
                "« acteur » (version 1) et « porteurs » disent la même chose / say the same thing",
                path + ("acteur",),
                "ne garder que / keep only porteurs: [id, …]",
            )
        if spec.name == "acteurs":
            self.membership(out, iri, path)
        if spec is PROJECT:
            self.separate_partners(out)
        return out

    def note_empty(self, spec: NodeSpec, spec_field: Field, iri: str, path: tuple) -> None:
        """An empty key still has a line: where a result about its missing value points."""
        if spec_field.kind in (Kind.ANSWER, Kind.ANSWERS):
            self.value(spec_field, {} if spec_field.kind == Kind.ANSWERS else "", path, iri)
        elif spec_field.kind not in (Kind.NEST, Kind.FORMAT, Kind.RELATION):
            self.note(iri, spec_field.key, path, spec.scope)

    def place(self, out: dict, spec: NodeSpec, spec_field: Field, value: Any, path: tuple, iri: str) -> None:
        """Put a converted value into the node; a value that fills several terms comes as a Merge."""
        if spec_field.kind in (Kind.FORMAT, Kind.RELATION) or value is None:
            return
        if spec_field.kind in (Kind.ANSWER, Kind.ANSWERS):
            out.setdefault("reponses", []).extend(value)
            if spec_field.kind == Kind.ANSWERS:
                self.note(iri, "reponses", path)
            return
        if spec_field.kind == Kind.NEST:
            for key, inner in value.items():
                self.put(out, key, inner, path)
            return
        items = value.items() if isinstance(value, Merge) else ((spec_field.key, value),)
        for key, inner in items:
            self.put(out, key, inner, path)
            self.note(iri, key, path, spec.scope)

    def put(self, out: dict, key: str, value: Any, path: tuple) -> None:
        if key in out and out[key] != value:
            raise self.fail(
                f"deux valeurs contraires pour / two contrary values for {key!r}",
                path,
                "n'en garder qu'une (« environ 15 » dit déjà environ: true) / keep one",
            )
        out[key] = value

    def check_others(self, spec: NodeSpec, data: dict, path: tuple) -> None:
        """``autre`` in an open list comes with its label (``type_autre``), and a label with ``autre``."""
        found = []
        for other in (f for f in spec.fields if f.kind == Kind.OTHER):
            chosen = data.get(other.arg)
            has_other = chosen == "autre" or (isinstance(chosen, list) and "autre" in chosen)
            has_label = not empty(data.get(other.key))
            if has_other and not has_label:
                raise self.fail(
                    f"« autre » demande son libellé / 'autre' needs its label: {other.key}",
                    path + (other.arg,),
                    f'ajouter / add {other.key}: "…" (par ex. / e.g. "Entreprise adaptée")',
                )
            if has_label and not has_other:
                raise self.fail(
                    f"{other.key} ne sert qu'avec « autre » / is only for 'autre' in {other.arg}",
                    path + (other.key,),
                    f"ajouter autre à / add autre to {other.arg}, ou retirer / or remove {other.key}",
                )
            if has_other:
                found.append(other.key)
        if len(found) > 1:
            raise self.fail(
                f"un seul « autre » par élément / one 'autre' per item ({', '.join(found)})",
                path + (found[1],),
                "préciser le second dans nom: ou description: / give the second in nom: or description:",
            )

    def membership(self, actor: dict, iri: str, path: tuple) -> None:
        """Move an actor's roles and start date onto its org:Membership node (a member) or cap:Partnership."""
        name = iri.rsplit("/", 1)[1]
        if iri in self.partners:
            link_iri = f"{self.iri}/partenariat/{name}"
            link = {"@id": link_iri, "@type": "cap:Partnership", "partenariat_de": self.iri}
            keys, reverse = {"roles": "roles_partenaire", "depuis": "depuis"}, "partenariat"
        else:
            link_iri = f"{self.iri}/adhesion/{name}"
            link = {"@id": link_iri, "@type": "org:Membership", "organisation": self.iri}
            keys, reverse = {"roles": "roles", "depuis": "depuis"}, "adhesion"
        for key, term in keys.items():
            if key in actor:
                link[term] = actor.pop(key)
                self.note(link_iri, term, path + (key,))
        self.note(link_iri, None, path)
        actor[reverse] = link

    def separate_partners(self, out: dict) -> None:
        """Partners are linked by cap:hasPartner, members by org:hasMember."""
        for key in ("acteurs", "groupes"):
            nodes = out.pop(key, [])
            members = [n for n in nodes if n["@id"] not in self.partners]
            partners = [n for n in nodes if n["@id"] in self.partners]
            if members:
                out[key] = members
            if partners:
                out.setdefault("partenaires", []).extend(partners)


@cache
def _predicate_text(key: str, scope: str | None) -> str | None:
    """The predicate of ``key`` as text, as the lines are keyed; None for a block (``@nest``)."""
    found = predicate(key, scope)
    return None if found is None else str(found)
