"""One value of a description as people read it: labels instead of codes, places by name, amounts in euros.

Each kind of the format (:class:`cap_ptce.project.schema.Kind`) has its way
to be shown; a value of a kind this module does not know is shown as it is
written, so that nothing is ever dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..errors import NotFoundError
from ..geo import Commune, Epci, load_geography
from ..grid import Grid
from ..i18n import t
from ..project.schema import PLACE_KIND_OF_LEVEL, Field, Kind
from ..project.values import Unreadable, read_bool, read_date, read_number
from ..yamlstrict import MONTH_NAMES

__all__ = ["Shown", "ValueFormatter", "readable_date", "safe_href", "euros", "number", "unknown_place_words"]

# Where the description's own texts are written: descriptions are in French.
TEXT_LANG = "fr"
_NAMESAKES = 5  # places of one name whose codes a hint gives (Sainte-Colombe: 13 communes)
_TEXT_KINDS = {
    Kind.TEXT,
    Kind.TEXTS,
    Kind.ROLES,
    Kind.FUNDER,
    *(getattr(Kind, k) for k in ("OTHER",) if hasattr(Kind, k)),
}


def unknown_place_words(kind: str, code: str, lang: str) -> str | None:
    """What a code that names no current place of ``kind`` is, in words; None when it names one.

    A place's name (« le nom d'une commune, pas son code ; écrire 26281 »), a postal code (« un code postal,
    pas le code INSEE d'une commune actuelle ; il dessert Amiens (80021) »), a former commune's code (« ancien
    code ; aujourd'hui Ajaccio (2A004) »), or nothing (« aucun lieu de ce code »): the editor's hint and the
    dossier never show such a code as if it were a place, nor « = ? ».
    """
    geo = load_geography()
    if geo.place_name(kind, code):
        return None
    named = geo.places_named(kind, code)
    if named:  # « Romans-sur-Isère », « Drôme »: a name, which the loader refuses, saying its code
        codes = [_code_of(place, len(named) > 1) for place in named[:_NAMESAKES]]
        if len(codes) == 1:
            write = t("place.write_code", lang, code=codes[0])
        else:
            write = t("place.write_one_code", lang, codes=", ".join(codes) + (" …" if len(named) > _NAMESAKES else ""))
        return t(f"place.name_of_{kind}", lang, write=write)
    if kind == "commune":
        served = geo.communes_of_postal_code(code)
        if served:
            communes = ", ".join(commune.named for commune in served)
            return t("place.postal_code", lang, communes=communes)
        current = geo.current_commune(code)
        if current is not None:
            return t("place.former_code", lang, commune=current.named)
    return t("place.unknown", lang)


def _code_of(place, namesakes: bool) -> str:
    """A place's code (an EPCI's SIREN); a commune among namesakes with its département: « 11339 (11) »."""
    if isinstance(place, Epci):
        return place.siren
    return f"{place.code} ({place.departement})" if namesakes and isinstance(place, Commune) else place.code


@dataclass(frozen=True)
class Shown:
    """A value ready to show: its text, a link (http(s) only) or an anchor in the document, its language."""

    text: str
    href: str | None = None
    anchor: str | None = None
    lang: str | None = None


def readable_date(value, lang: str) -> str:
    """A date, a month or a year the reader's way (« 1er mars 2024 », « janvier 2026 », « 15 March 2024 »),
    however it is written (a ``date``, 2026-01, 01/2026); as written when it is none."""
    try:
        lexical, kind = read_date(value)
    except Unreadable:
        return str(value)
    if kind == "gYear":
        return lexical
    month = MONTH_NAMES[lang][int(lexical[5:7]) - 1]
    if kind == "gYearMonth":
        return f"{month} {lexical[:4]}"
    day = int(lexical[8:10])
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month} {lexical[:4]}"
    return f"{day} {month} {lexical[:4]}"


def safe_href(value: object) -> str | None:
    """The value as a link target when it is an http(s) IRI; anything else (``javascript:``…) is never linked."""
    text = str(value).strip()
    scheme, sep, rest = text.partition("://")
    if sep and scheme.lower() in ("http", "https") and rest and not any(c in text for c in "\"'<> \t\n"):
        return text
    return None


def number(value, lang: str, digits: int = 2) -> str:
    """A number with the page language's separators: 26 000 and 0,5 in French, 26,000 and 0.5 in English."""
    quantity = Decimal(str(value))
    text = f"{quantity:,.{digits}f}".rstrip("0").rstrip(".") if quantity % 1 else f"{int(quantity):,}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def euros(value, lang: str) -> str:
    """An amount in euros: « 30 000 € » (« 12,50 € » with cents) in French, « €30,000 » in English."""
    quantity = Decimal(str(value))
    text = number(quantity, lang) if quantity % 1 == 0 else _cents(quantity, lang)
    return f"{text}\u00a0€" if lang == "fr" else f"€{text}"


def _cents(quantity: Decimal, lang: str) -> str:
    text = f"{quantity:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


class ValueFormatter:
    """Shows the values of one description in ``lang``; ``refs`` names its actors and groups: id -> (name, anchor)."""

    def __init__(self, grid: Grid, lang: str, refs: dict[str, tuple[str, str]]) -> None:
        self.grid = grid
        self.lang = lang
        self.refs = refs

    def show(self, field: Field, value) -> list[Shown]:
        """Every value of ``field`` as shown items (a list keeps its order)."""
        if value is None or value == "" or value == [] or value == {}:
            return []
        items = value if isinstance(value, list) else [value]
        return [self._one(field, item) for item in items if item not in (None, "")]

    def _one(self, field: Field, value) -> Shown:
        kind = field.kind
        if isinstance(value, Mapping):
            return self._block(field, value)
        if kind in _TEXT_KINDS:
            return Shown(str(value), lang=TEXT_LANG if self.lang != TEXT_LANG else None)
        if kind == Kind.BOOL:
            return Shown(self._yes_no(value))
        if kind in _CONCEPT_KINDS:
            return Shown(self._concept(field.arg, str(value)))
        if kind == Kind.PUBLIC_SCHEME:
            return Shown(self._public_scheme(str(value)))
        if kind in _REF_KINDS:
            name, anchor = self.refs.get(str(value), (str(value), None))
            return Shown(name, anchor=anchor)
        if kind in _PLACE_KINDS:
            return Shown(self._place(PLACE_KIND_OF_LEVEL.get(field.arg or "commune", "commune"), str(value)))
        if kind == Kind.FREQUENCY:
            return Shown(self._word("frequency", str(value)))
        if kind == getattr(Kind, "RELATION", None):
            return Shown(self._word("relation", str(value)))
        if kind in (Kind.URL, getattr(Kind, "SOURCE", None)):
            return Shown(str(value), href=safe_href(value))
        if kind == Kind.DECIMAL or kind == Kind.INT:
            return Shown(self._quantity(field, value))
        if kind in (Kind.DATE, Kind.DATE_SPAN, Kind.MEMBER_SINCE) or isinstance(value, date):
            return Shown(self._date(value))
        if isinstance(value, bool):
            return Shown(t("value.yes" if value else "value.no", self.lang))
        return Shown(str(value))

    def _block(self, field: Field, value: Mapping) -> Shown:
        """A value given as a block (a figure with its year and source, a source with its title…), in one line."""
        from ..project.schema import SPECS

        spec = SPECS.get(_BLOCK_SPECS.get(field.kind, "")) or SPECS.get(field.arg or "")
        parts, href = [], None
        for key, inner in value.items():
            inner_field = spec.field(key) if spec is not None else None
            shown = self.show(inner_field, inner) if inner_field is not None else [Shown(str(inner))]
            if key == "environ" and inner:
                parts.insert(0, t("value.approximate", self.lang))
                continue
            href = href or next((v.href for v in shown if v.href), None)
            text = ", ".join(v.text for v in shown)
            label = t(f"field.{spec.name}.{key}", self.lang) if inner_field is not None else key
            parts.append(
                text
                if key in ("valeur", "titre", "nom")
                else f"{label} : {text}"
                if self.lang == "fr"
                else f"{label}: {text}"
            )
        return Shown(" — ".join(p for p in parts if p), href=href)

    def _concept(self, scheme: str | None, concept_id: str) -> str:
        try:
            return self.grid.scheme(scheme).concept(concept_id).label.get(self.lang)
        except NotFoundError:  # a concept the grid does not know (the loader refuses them; Turtle may not)
            return concept_id

    def _public_scheme(self, scheme_id: str) -> str:
        try:
            public = self.grid.public_scheme(scheme_id)
        except NotFoundError:
            return scheme_id
        return f"{public.acronym} — {public.label.get(self.lang)}"

    def _place(self, kind: str, code: str) -> str:
        """« Amiens (80021) »; a code that names no place as written, with what it is (another commune's
        postal code, or nothing): the dossier never shows « Siège : 80000 » as if it were a place."""
        name = load_geography().place_name(kind, code)
        return f"{name} ({code})" if name else f"{code} ({unknown_place_words(kind, code, self.lang)})"

    def _word(self, area: str, word: str) -> str:
        try:
            return t(f"{area}.{word}", self.lang)
        except KeyError:
            return word

    def _date(self, value) -> str:
        return readable_date(value, self.lang)

    def _yes_no(self, value) -> str:
        try:
            return t("value.yes" if read_bool(value) else "value.no", self.lang)
        except Unreadable:  # as written, when it is neither yes nor no
            return str(value)

    def _quantity(self, field: Field, value) -> str:
        try:
            quantity = read_number(value)
        except Unreadable:  # "environ 26 000", "20 à 25": as written
            return str(value)
        if field.key == "montant":
            return euros(quantity, self.lang)
        if field.key == "etp":
            return f"{number(quantity, self.lang)} {t('value.fte', self.lang)}"
        return number(quantity, self.lang)


def _kinds(*names: str) -> frozenset:
    """The kinds of the format named, those of this version of the format that exist."""
    return frozenset(getattr(Kind, name) for name in names if hasattr(Kind, name))


_CONCEPT_KINDS = _kinds("CONCEPT", "CONCEPTS", "CONCEPT_SET")
_REF_KINDS = _kinds("ACTOR", "ACTORS", "MEMBERS")
_PLACE_KINDS = _kinds("GEO", "GEO_ONE", "COMMUNE")
_BLOCK_SPECS = {
    getattr(Kind, "FIGURE", "?"): "chiffre_valeur",
    getattr(Kind, "SOURCE", "?"): "source",
    getattr(Kind, "SOURCES", "?"): "source",
    getattr(Kind, "POLES", "?"): "poles_lies",
}
