"""How the loader reads each kind of value: the ``kind_*`` and ``item_*`` methods of the builder.

:class:`KindReader` is the half of :class:`cap_ptce.project.build._Builder`
that turns one YAML value into its JSON-LD form. It is forgiving where people
write naturally (see :mod:`cap_ptce.project.values`) and strict elsewhere:
every refusal names the key, its line and what to write instead. A kind whose
value fills several terms of a node (a span of years, a range, ``environ 15``)
returns a :class:`Merge`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..errors import InputError, UnknownKeyError
from ..i18n.suggest import did_you_mean, did_you_mean_halves, nearest
from ..rdf.namespaces import CAP, VOCAB
from .fields import Field, Kind, NodeSpec
from .schema import FREQ_NS, FREQUENCIES, GEO_LEVELS, INSEE_GEO, PLACE_KIND_OF_LEVEL, SPECS
from .values import (
    SLUG_RE,
    Unreadable,
    decimal_lexical,
    empty,
    left_empty,
    read_bool,
    read_code,
    read_date,
    read_number,
    read_quantity,
    slugify,
)

__all__ = ["KindReader", "Merge", "expected", "XSD", "grid_ids"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_IRI_START = ("http://", "https://")
# The form of each level's code: a value of another form may be the place's name (« Dieppe », « Drôme »).
_CODE_FORMS = {
    "commune": re.compile(r"^(\d{5}|2[AB]\d{3})$"),
    "departement": re.compile(r"^(\d{2,3}|2[AB])$"),
    "region": re.compile(r"^\d{2}$"),
    "intercommunalite": re.compile(r"^[\d\s]{9,}$"),  # a SIREN, its spaces dropped by read_code
}
# level: whose name it is (French, English), and whose code to write when several places have that name (French)
_NAMED = {
    "commune": ("d'une commune", "a commune's", "de la bonne commune"),
    "departement": ("d'un département", "a département's", "du bon département"),
    "region": ("d'une région", "a region's", "de la bonne région"),
    "intercommunalite": ("d'un EPCI", "an EPCI's", "du bon EPCI"),
}
_NAMESAKES = 5  # communes of one name listed in a hint (Saint-Denis: 4; Sainte-Colombe: 13)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def _url_hint(value: Any) -> str | None:
    """What to do with a web address that is not one: its ``https://`` added, or the e-mail address moved."""
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        return None
    text = value.strip()
    if "@" in text and "/" not in text:
        return (
            "c'est une adresse électronique : la mettre dans « courriel » / "
            "this is an e-mail address: put it in 'courriel'"
        )
    if "." in text and ":" not in text:
        return f"écrire « https://{text} » / write 'https://{text}'"
    return None


def _choices(suggestion: str | None, choices) -> tuple[str, str]:
    """The French and English halves of a hint: the nearest choice, or every one."""
    if suggestion:
        return did_you_mean_halves(suggestion)
    listed = ", ".join(choices)
    return f"au choix : {listed}", f"one of: {listed}"


def _named_code(place, level: str) -> str:
    """« « 76217 » (Dieppe, 76) »: a place's code, then its name (and a commune's département, for namesakes)."""
    if level == "intercommunalite":
        return f"« {place.siren} » ({place.name})"
    return (
        f"« {place.code} » ({place.name}, {place.departement})"
        if level == "commune"
        else f"« {place.code} » ({place.name})"
    )


class Merge(dict):
    """Several terms that one YAML value fills on its node (``annee: "2002-2004"`` → yearFrom, yearTo)."""


def expected(what: str) -> str:
    """« attendu : une date / expected: a date » from « une date / a date »: one separator between the languages,
    so that a page can show its own half (:func:`cap_ptce.i18n.one_language`)."""
    french, separator, english = what.partition(" / ")
    if not separator or " / " in english:
        return f"attendu / expected: {what}"
    return f"attendu : {french} / expected: {english}"


@cache
def grid_ids() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """Concept ids by scheme, public-scheme ids, question ids, and the schemes whose list is open."""
    from ..grid import load_grid

    grid = load_grid()
    concepts = {s.id: tuple(c.id for c in s.concepts) for s in grid.schemes}
    opened = frozenset(s.id for s in grid.schemes if s.open_list)
    return concepts, tuple(p.id for p in grid.public_schemes), tuple(q.id for q in grid.questions), opened


class KindReader:
    """The value readers of the builder; the builder provides ``fail``, ``note``, ``note_named`` and its state."""

    # -- shared checks -----------------------------------------------------

    def expect(self, condition: bool, what: str, path: tuple, hint: str | None = None) -> None:
        if not condition:
            key = path[-1]
            raise self.fail(
                expected(what),
                path,
                hint or f"voir docs/project-format.md, « {key} » / see docs/project-format.md, '{key}'",
            )

    def readable(self, reader, value: Any, path: tuple, *args, **kwargs):
        """``reader(value)``, its :class:`Unreadable` turned into an error at ``path``."""
        try:
            return reader(value, *args, **kwargs)
        except Unreadable as exc:
            raise self.fail(expected(exc.what), path, exc.hint) from exc

    def value(self, spec_field: Field, value: Any, path: tuple, iri: str, scope: str | None = None) -> Any:
        if spec_field.kind == Kind.CONCEPT_SET and not isinstance(value, list):
            value = [value]
        if spec_field.kind in Kind.SETS:
            return self.set_value(spec_field, value, path, iri, scope)
        converted = getattr(self, "kind_" + _METHODS[spec_field.kind])(value, path, spec_field, iri)
        if spec_field.kind in _PLACES:
            self.note_named(iri, spec_field.key, scope, path, converted)
        return converted

    def set_value(self, spec_field: Field, value: Any, path: tuple, iri: str, scope: str | None = None) -> list:
        self.expect(
            isinstance(value, list),
            f"une liste ({spec_field.kind}) / a list ({spec_field.kind})",
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
            if empty(item):
                continue
            if item in seen:
                raise self.fail(
                    f"{item!r} est donné deux fois / is given twice",
                    item_path,
                    "ne le garder qu'une fois / keep it once",
                )
            seen.add(item)
            try:
                out.append(getattr(self, "item_" + _METHODS[spec_field.kind])(item, item_path, spec_field))
                if spec_field.kind in _PLACES:
                    self.note_named(iri, spec_field.key, scope, item_path, out[-1])
            except InputError as exc:
                if spec_field.kind == Kind.ACTORS or spec_field.kind == Kind.MEMBERS:
                    raise  # a reference: what follows could fail only because of it
                self.errors.append(exc)  # each item told, the reading going on (see build._READ_ON)
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
        # « Pôle Alimentaire » → pole-alimentaire; « Maîtrise d’Œuvre » → maitrise-d-oeuvre
        written = slugify(value.translate(_SPELLED)) if isinstance(value, str) else ""
        self.expect(
            isinstance(value, str) and bool(SLUG_RE.match(value)),
            "un id en minuscules, chiffres et tirets (asso-terres-vives) / "
            "an id of lowercase letters, digits and hyphens",
            path,
            f"écrire « {written} », et de même là où il est cité / write '{written}', and likewise where it is "
            "referred to"
            if SLUG_RE.match(written)
            else None,
        )
        return value

    def date_value(self, value: Any, path: tuple) -> dict:
        lexical, datatype = self.readable(read_date, value, path)
        return {"@value": lexical, "@type": XSD + datatype}

    def concept(self, value: Any, path: tuple, scheme: str, spec_field: Field | None = None) -> str:
        concepts = grid_ids()[0][scheme]
        if not isinstance(value, str) or value not in concepts:
            from ..grid import load_grid

            suggestion = load_grid().scheme(scheme).suggestion(str(value))
            fr, en = _choices(suggestion, concepts)
            if "autre" in concepts and scheme in grid_ids()[3] and spec_field is not None:
                key = spec_field.key
                fr += f" ; la liste est ouverte : écrire « {key}: autre » et le libellé sous « {key}_autre: »"
                en += f"; the list is open: write « {key}: autre » and the label in « {key}_autre: »"
            hint = f"{fr} / {en}"  # one separator: a page shows its language's half
            raise self.fail(
                f"« {value} » n'est pas un concept du schéma {scheme} / {value!r} is not a concept of the scheme {scheme}",
                path,
                hint,
                UnknownKeyError,
            )
        return str(VOCAB[f"{scheme}/{value}"])

    def reference(self, value: Any, path: tuple, groups: bool = False) -> str:
        known = self.actors + (self.groups if groups else ())
        if not isinstance(value, str) or value not in known:
            suggestion = nearest(str(value), known)
            where_fr, where_en = (
                ("« acteurs: » ou « groupes: »", "acteurs: or groupes:") if groups else ("« acteurs: »", "acteurs:")
            )
            hint = (
                did_you_mean(suggestion)
                if suggestion
                else f"donner l'id d'un élément de {where_fr} / give the id of an item of {where_en}"
            )
            whom_fr, whom_en = (
                ("aucun acteur ni groupe", "no actor or group") if groups else ("aucun acteur", "no actor")
            )
            raise self.fail(f"{whom_fr} n'a l'id « {value} » / {whom_en} has the id {value!r}", path, hint)
        segment = "acteur" if value in self.actors else "groupe"
        return f"{self.iri}/{segment}/{value}"

    def geo(self, value: Any, path: tuple, level: str) -> dict:
        if isinstance(value, str) and not _CODE_FORMS[level].match(value):
            self.not_a_name(value, path, level)
        code = self.readable(read_code, value, path, level)
        iri = f"{INSEE_GEO}{level}/{code}"
        self.note(iri, None, path)
        self.note(iri, "code_insee", path)
        return {"@id": iri, "@type": "igeo:" + GEO_LEVELS[level], "code_insee": code}

    def not_a_name(self, value: str, path: tuple, level: str) -> None:
        """Refuse a place's name where its code goes, naming the code (« Dieppe »: 76217; « Drôme »: 26)."""
        from ..geo import load_geography  # late: the COG is read only for this mistake

        kind, (whose_fr, whose_en, right_fr) = PLACE_KIND_OF_LEVEL[level], _NAMED[level]
        code, not_fr, not_en = ("SIREN",) * 3 if kind == "epci" else ("code", "code INSEE", "INSEE code")
        named = load_geography().places_named(kind, value)
        if not named:
            return
        codes = [_named_code(place, level) for place in named[:_NAMESAKES]]
        more = len(named) - _NAMESAKES
        listed = ", ".join(codes) + (f" … (+{more})" if more > 0 else "")
        # each half whole, the codes in both: a page shows its language's half (cap_ptce.i18n.one_language)
        raise self.fail(
            f"« {value} » est le nom {whose_fr}, pas son {not_fr} / « {value} » is {whose_en} name, not its {not_en}",
            path,
            f"écrire son {code} : {listed} / write its {code}: {listed}"
            if len(named) == 1
            else f"écrire le {code} {right_fr} : {listed} / write the right one's {code}: {listed}",
        )

    def mapping(self, value: Any, path: tuple, spec: NodeSpec) -> None:
        self.expect(
            isinstance(value, dict),
            f"un bloc de clés ({', '.join(spec.keys)}) / a mapping of keys ({', '.join(spec.keys)})",
            path,
        )

    # -- scalar kinds: kind_<name>(value, path, field, iri) -------------------

    def kind_text(self, value, path, spec_field, iri):
        return self.text(value, path)

    def kind_bool(self, value, path, spec_field, iri):
        return self.readable(read_bool, value, path)

    def kind_int(self, value, path, spec_field, iri):
        if spec_field.key == "population" and isinstance(value, str):
            # a population is an order of magnitude (cap:population): "environ 26 000" says no more than 26000
            quantity = self.readable(read_quantity, value, path)
            self.expect(quantity.value is not None, "un nombre d'habitants / a number of inhabitants", path)
            value = quantity.value
        return int(self.readable(read_number, value, path, whole=True))

    def kind_decimal(self, value, path, spec_field, iri):
        return decimal_lexical(self.readable(read_number, value, path))

    def kind_date(self, value, path, spec_field, iri):
        return self.date_value(value, path)

    def kind_slug(self, value, path, spec_field, iri):
        return self.slug(value, path)

    def kind_url(self, value, path, spec_field, iri):
        self.expect(
            isinstance(value, str) and bool(_IRI.match(value)),
            "une adresse web complète (https://…) / a full web address (https://…)",
            path,
            _url_hint(value),
        )
        return value

    def kind_code(self, value, path, spec_field, iri):
        return self.readable(read_code, value, path, spec_field.arg)

    def kind_concept(self, value, path, spec_field, iri):
        return self.concept(value, path, spec_field.arg, spec_field)

    def kind_other(self, value, path, spec_field, iri):
        return self.text(value, path)

    def kind_public_scheme(self, value, path, spec_field, iri):
        known = grid_ids()[1]
        if not isinstance(value, str) or value not in known:
            suggestion = nearest(str(value), known)
            hint = (
                did_you_mean(suggestion)
                if suggestion
                else f"au choix : {', '.join(known)} (ou l'omettre) / one of: {', '.join(known)} (or leave it out)"
            )
            raise self.fail(
                f"{value!r} n'est pas un dispositif de la grille / is not a public scheme of the grid",
                path,
                hint,
                UnknownKeyError,
            )
        return str(VOCAB[f"dispositifs/{value}"])

    def kind_actor(self, value, path, spec_field, iri):
        return self.reference(value, path)

    def kind_relation(self, value, path, spec_field, iri):
        if not isinstance(value, str) or value not in ("membre", "partenaire"):
            suggestion = nearest(str(value), ("membre", "partenaire"))
            hint = (
                did_you_mean(suggestion) if suggestion else "écrire membre ou partenaire / write membre or partenaire"
            )
            raise self.fail(f"relation inconnue / unknown relation {value!r}", path, hint, UnknownKeyError)
        if value == "partenaire":
            self.partners.add(iri)
            # a result about the partnership (cap:hasPartner, said of the project) points at this line
            line = self.linemap.line(path)
            if line is not None:
                self.lines.setdefault((iri, _HAS_PARTNER), line)
        return None

    def kind_commune(self, value, path, spec_field, iri):
        return self.geo(value, path, "commune")

    def kind_geo_one(self, value, path, spec_field, iri):
        return self.geo(value, path, spec_field.arg)

    def kind_frequency(self, value, path, spec_field, iri):
        if not isinstance(value, str) or value not in FREQUENCIES:  # a list is no frequency, nor a key of them
            suggestion = nearest(str(value), FREQUENCIES)
            hint = " / ".join(_choices(suggestion, FREQUENCIES))
            raise self.fail(f"{value!r} n'est pas une fréquence / is not a frequency", path, hint, UnknownKeyError)
        return FREQ_NS + FREQUENCIES[value]

    def kind_funder(self, value, path, spec_field, iri):
        funder = f"{iri}/{spec_field.arg}"
        self.note(funder, None, path)
        self.note(funder, "nom", path)
        return {"@id": funder, "@type": "schema:Organization", "nom": self.text(value, path)}

    def kind_member_since(self, value, path, spec_field, iri):
        return self.date_value(value, path)

    def kind_format(self, value, path, spec_field, iri):
        return None  # read first, by the builder

    def kind_object(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.mapping(value, path, spec)
        return self.node(spec, value, path, f"{self.iri}/{spec.segment}")

    def kind_objects(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.expect(
            isinstance(value, list),
            "une liste, un élément '- clé: valeur' chacun / a list of '- key: value' items",
            path,
        )
        parent = iri if spec.nested else self.iri
        items = []
        for index, item in enumerate(value):
            item_path = path + (index,)
            self.mapping(item, item_path, spec)
            if left_empty(item):
                continue
            name = item.get("id") if spec.named else index + 1
            node = self.node(spec, item, item_path, f"{parent}/{spec.segment}/{name}")
            node["position"] = index + 1
            items.append(node)
        return items

    def kind_nest(self, value, path, spec_field, iri):
        spec = SPECS[spec_field.arg]
        self.mapping(value, path, spec)
        return self.properties(spec, value, path, iri)

    # -- set items: item_<name>(value, path, field) -----------------------------

    def item_text(self, value, path, spec_field):
        return self.text(value, path)

    def item_code(self, value, path, spec_field):
        return self.readable(read_code, value, path, spec_field.arg)

    def item_concept(self, value, path, spec_field):
        return self.concept(value, path, spec_field.arg, spec_field)

    def item_actor(self, value, path, spec_field):
        return self.reference(value, path)

    def item_member(self, value, path, spec_field):
        return self.reference(value, path, groups=True)

    def item_geo(self, value, path, spec_field):
        return self.geo(value, path, spec_field.arg)

    def item_role(self, value, path, spec_field):
        label = self.text(value, path)
        slug = slugify(label)
        self.expect(bool(slug), "un rôle avec au moins une lettre / a role with at least one letter", path)
        if self.roles.setdefault(slug, label) != label:
            raise self.fail(
                f"les rôles {label!r} et {self.roles[slug]!r} se confondent / the two roles are too close to tell apart",
                path,
                "écrire un même rôle toujours de la même façon / write a role the same way everywhere",
            )
        role = f"{self.iri}/role/{slug}"
        self.note(role, None, path)
        self.note(role, "libelle", path)
        return {"@id": role, "@type": "org:Role", "libelle": label}


_HAS_PARTNER = str(CAP.hasPartner)
# what slugify's ASCII folding would drop: ligatures (no accent to take off) and the typographic apostrophe
_SPELLED = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "’": "'"})
_PLACES = frozenset({Kind.COMMUNE, Kind.GEO_ONE, Kind.GEO})  # the kinds whose values name a place of the COG
_METHODS = {
    Kind.TEXT: "text",
    Kind.BOOL: "bool",
    Kind.INT: "int",
    Kind.DECIMAL: "decimal",
    Kind.DATE: "date",
    Kind.DATE_SPAN: "date_span",
    Kind.YEAR: "year",
    Kind.SLUG: "slug",
    Kind.URL: "url",
    Kind.EMAIL: "text",
    Kind.CODE: "code",
    Kind.CODES: "code",
    Kind.CONCEPT: "concept",
    Kind.OTHER: "other",
    Kind.PUBLIC_SCHEME: "public_scheme",
    Kind.ACTOR: "actor",
    Kind.RELATION: "relation",
    Kind.COMMUNE: "commune",
    Kind.GEO_ONE: "geo_one",
    Kind.FREQUENCY: "frequency",
    Kind.FUNDER: "funder",
    Kind.MEMBER_SINCE: "member_since",
    Kind.FORMAT: "format",
    Kind.QUANTITY: "quantity",
    Kind.FIGURE: "figure",
    Kind.SOURCE: "source",
    Kind.SOURCES: "sources",
    Kind.POLES: "poles",
    Kind.OBJECT: "object",
    Kind.OBJECTS: "objects",
    Kind.NEST: "nest",
    Kind.ANSWER: "answer",
    Kind.ANSWERS: "answers",
    Kind.TEXTS: "text",
    Kind.CONCEPTS: "concept",
    Kind.CONCEPT_SET: "concept",
    Kind.ACTORS: "actor",
    Kind.MEMBERS: "member",
    Kind.GEO: "geo",
    Kind.ROLES: "role",
}
