"""Small value helpers shared by the loader, the writer and the generator.

The ``read_*`` functions are the forgiving side of the loader: they accept what
a French carrier writes naturally (``oui``, ``12 000 €``, ``0,5``, ``environ 15``,
``2002 ou 2004``, ``15/03/2024``) and return the one canonical value, or raise
:class:`Unreadable` with a bilingual message and hint, which the loader turns
into an error at the value's line. Nothing is guessed: a value that could mean
two things (``12.000``) is refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..yamlstrict import no_such_date

__all__ = [
    "MAX_DIGITS",
    "SLUG_RE",
    "Unreadable",
    "Quantity",
    "YearSpan",
    "decimal_lexical",
    "blank",
    "empty",
    "left_empty",
    "slugify",
    "read_bool",
    "read_number",
    "read_quantity",
    "read_years",
    "read_date",
    "read_code",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def empty(value: Any) -> bool:
    """A value that counts as absent: ``None`` (``nom:``), ``""``, ``[]`` or ``{}``."""
    return value is None or value == "" or value == [] or value == {}


def blank(value: Any) -> bool:
    """An empty value (:func:`empty`), or a text of spaces alone."""
    return empty(value) or (isinstance(value, str) and not value.strip())


def left_empty(item: Any) -> bool:
    """An item of a list whose keys are all blank (``- {}``, the editor's « Ajouter » with nothing typed): it
    says nothing, so it counts as absent, as an empty value does."""
    return isinstance(item, Mapping) and all(blank(value) for value in item.values())


class Unreadable(ValueError):
    """A value the loader cannot read: what was expected and what to write, both in French / English."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint


def decimal_lexical(value: int | float | Decimal) -> str:
    """The canonical xsd:decimal form of a number: no exponent, no trailing zeros."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Where a description starts from, for whoever has none yet: the command line's template, or the check page's.
START_FROM_TEMPLATE = (
    "partir du modèle : cap-ptce new -o mon-ptce.yaml, ou un modèle vierge de la page Vérifier / "
    "start from the template: cap-ptce new -o my-ptce.yaml, or a blank template of the Check page"
)


def slugify(text: str) -> str:
    """A slug for a free text (used for role IRIs): ASCII, lowercase, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- yes / no -----------------------------------------------------------------------------

_BOOLEAN_WORDS = {"oui": True, "vrai": True, "true": True, "non": False, "faux": False, "false": False}


def read_bool(value: Any) -> bool:
    """``true``/``false``, or the words ``oui``/``non`` and ``vrai``/``faux`` (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value.strip().lower()]
    raise Unreadable(
        "oui ou non / yes or no (true, false)", "écrire oui, non, true ou false / write oui, non, true or false"
    )


# --- numbers and amounts ------------------------------------------------------------------

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "'": " ", "’": " "})
_CURRENCY = re.compile(r"\s*(?P<unit>k€|K€|M€|€|euros?|EUR|eur)\s*$")
_SCALE = {"k€": 1000, "K€": 1000, "M€": 1_000_000}
_NUMBER = re.compile(r"^[0-9]+(?: [0-9]{3})*(?:[.,][0-9]+)?$")
_DOTTED_THOUSANDS = re.compile(r"[0-9]\.[0-9]{3}(?![0-9])")
_APPROXIMATELY = re.compile(
    r"^(?:environ|env\.|à peu près|a peu pres|près de|pres de|approximativement|approx\.?|about|around|circa|ca\.|~)\s*",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^(?:entre\s+|between\s+)?(?P<low>.+?)\s*(?:à|a|et|-|–|—|to|and)\s*(?P<high>[0-9].*)$")

_NUMBER_HINT = (
    "écrire un nombre : 12000, 12 000, 12 000,50 €, 0,5 ou 0.5 / write a number: 12000, 12 000, 12 000,50 €, 0,5 or 0.5"
)


# The most digits a figure of a description may have (10^18 € is beyond any budget, 10^18 inhabitants beyond any
# territory): past it, the readers and the editor refuse a number before Python spends seconds converting it.
MAX_DIGITS = 18


def read_number(value: Any, *, whole: bool = False) -> Decimal:
    """A number ≥ 0: a YAML number, or a text with spaces between thousands, a decimal comma, a euro sign."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise Unreadable("un nombre / a number", _NUMBER_HINT)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        number = _number_from_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise Unreadable("un nombre fini / a finite number", _NUMBER_HINT)
    else:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number < 0:
        raise Unreadable("un nombre positif ou nul / a number of 0 or more", _NUMBER_HINT)
    if number.adjusted() >= MAX_DIGITS:  # a figure of a PTCE, not a number that costs seconds to write out
        raise Unreadable(
            f"un nombre de {MAX_DIGITS} chiffres au plus / a number of at most {MAX_DIGITS} digits", _NUMBER_HINT
        )
    if whole and number != number.to_integral_value():
        raise Unreadable("un nombre entier / a whole number", "écrire un nombre sans décimales / write a whole number")
    return number


def _number_from_text(text: str) -> Decimal:
    cleaned = " ".join(text.translate(_SPACES).split())
    scale = 1
    unit = _CURRENCY.search(cleaned)
    if unit:
        scale = _SCALE.get(unit.group("unit"), 1)
        cleaned = cleaned[: unit.start()]
    if _DOTTED_THOUSANDS.search(cleaned) or ("," in cleaned and "." in cleaned):
        raise Unreadable(
            f"un nombre sans ambiguïté, et non {text!r} / an unambiguous number, not {text!r}",
            "séparer les milliers par des espaces (12 000) et les décimales par une virgule ou un point / "
            "separate thousands with spaces (12 000) and decimals with a comma or a dot",
        )
    if not _NUMBER.match(cleaned):
        raise Unreadable(f"un nombre, et non {text!r} / a number, not {text!r}", _NUMBER_HINT)
    try:
        return Decimal(cleaned.replace(" ", "").replace(",", ".")) * scale
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only digits
        raise Unreadable(f"un nombre, et non {text!r} / a number, not {text!r}", _NUMBER_HINT) from exc


@dataclass(frozen=True)
class Quantity:
    """A figure as a carrier gives it: a value, or a range, maybe approximate."""

    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    approximate: bool = False


def read_quantity(value: Any) -> Quantity:
    """``145``, ``"environ 15"``, ``"20 à 25"``, ``"12 000 €"``: a value or a range, and whether it is approximate."""
    if not isinstance(value, str):
        return Quantity(value=read_number(value))
    text = " ".join(value.translate(_SPACES).split())
    approximate = _APPROXIMATELY.match(text)
    if approximate:
        try:
            return Quantity(value=read_number(text[approximate.end() :]), approximate=True)
        except Unreadable as exc:  # quote what was written, « environ » included
            raise Unreadable(exc.what.replace(repr(text[approximate.end() :]), repr(value)), exc.hint) from None
    span = _RANGE.match(text)
    if span and not _NUMBER.match(text):
        low, high = read_number(span.group("low")), read_number(span.group("high"))
        if low >= high:
            raise Unreadable(
                f"une fourchette croissante, et non {value!r} / a rising range, not {value!r}",
                'écrire la plus petite valeur en premier : "20 à 25" / write the smaller value first: "20 à 25"',
            )
        return Quantity(low=low, high=high)
    return Quantity(value=read_number(text))


def quantity_text(low: Decimal | int | float, high: Decimal | int | float) -> str:
    """How the writer gives a range back: ``"20 à 25"``."""
    return f"{decimal_lexical(low)} à {decimal_lexical(high)}"


# --- years and dates ----------------------------------------------------------------------

_YEAR = re.compile(r"^[0-9]{4}$")
_YEAR_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_YEAR_SPAN = re.compile(
    r"^(?:entre\s+|between\s+)?(?P<low>[0-9]{4})\s*(?:-|–|—|/|ou|à|a|et|or|to|and)\s*(?P<high>[0-9]{4})$",
    re.IGNORECASE,
)
_FRENCH_DATE = re.compile(r"^(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$")
_ISO_DATE = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})$")
_FRENCH_MONTH = re.compile(r"^(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$")
_YEAR_HINT = (
    'écrire une année (2023) ou une période ("2002-2004", "2002 ou 2004") / '
    'write a year (2023) or a span ("2002-2004", "2002 ou 2004")'
)
_DATE_HINT = 'écrire 2024-03-15, 15/03/2024, "2024-03", 03/2024 ou 2024 / write 2024-03-15, 15/03/2024, "2024-03", 03/2024 or 2024'


@dataclass(frozen=True)
class YearSpan:
    """A year known exactly (``low == high``) or only within a span (``2002 ou 2004`` → 2002–2004)."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def text(self) -> int | str:
        """How the writer gives it back: ``2023`` or ``"2002-2004"``."""
        return self.low if self.exact else f"{self.low}-{self.high}"


def read_years(value: Any) -> YearSpan:
    """A year (``2023``, ``"2023"``) or a span of years (``"2002-2004"``, ``"2002 ou 2004"``)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return YearSpan(value, value)
    text = value.strip() if isinstance(value, str) else ""
    if _YEAR.match(text):
        return YearSpan(int(text), int(text))
    span = _YEAR_SPAN.match(text)
    if span and int(span.group("low")) < int(span.group("high")):
        return YearSpan(int(span.group("low")), int(span.group("high")))
    raise Unreadable(
        f"une année ou une période, et non {value!r} / a year or a span of years, not {value!r}", _YEAR_HINT
    )


def read_date(value: Any) -> tuple[str, str]:
    """``(lexical form, XSD type name)``: a full date, a month or a year, in ISO or French order."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat(), "date"
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value), "gYear"
    text = value.strip() if isinstance(value, str) else ""
    if _YEAR_MONTH.match(text) and 1 <= int(text[5:]) <= 12:
        return text, "gYearMonth"
    if _YEAR.match(text):
        return text, "gYear"
    full = _FRENCH_DATE.match(text) or _ISO_DATE.match(text)
    if full:
        year, month, day = (int(full.group(part)) for part in ("year", "month", "day"))
        why = no_such_date(year, month, day)
        if why:
            fr, en = why
            raise Unreadable(
                f"une date qui existe ({fr}), et non {value!r} / a date that exists ({en}), not {value!r}", _DATE_HINT
            )
        return date(year, month, day).isoformat(), "date"
    month = _FRENCH_MONTH.match(text)
    if month and 1 <= int(month.group("month")) <= 12:
        return f"{month.group('year')}-{int(month.group('month')):02d}", "gYearMonth"
    raise Unreadable(f"une date, et non {value!r} / a date, not {value!r}", _DATE_HINT)


# --- identifiers and codes ----------------------------------------------------------------

_CODE = re.compile(r"^[0-9A-Za-z]+$")
# The number of digits an identifier has, so that an unquoted number can be taken as it is
# (a lost leading zero changes the count and is refused).
CODE_DIGITS = {
    "siren": (9,),
    "siret": (14,),
    "categorie": (4,),
    "commune": (5,),
    "intercommunalite": (9,),
    "departement": (2, 3),
    "region": (2,),
}
# The codes of places, which start with zeros (Ain's communes, "01053"; Ardèche, "07").
_PLACE_CODES = frozenset({"commune", "departement", "region"})
# Identifiers that people write in groups of digits ("459 880 001"): spaces are not part of them.
_GROUPED = frozenset({"siren", "siret", "categorie", "intercommunalite", "rna"})


def read_code(value: Any, kind: str | None = None) -> str:
    """An identifier kept as text: quoted, or an unquoted number of the right length; spaces dropped in SIREN/SIRET."""
    digits = CODE_DIGITS.get(kind or "", ())
    if isinstance(value, int) and not isinstance(value, bool) and digits:
        text = str(value)
        if len(text) in digits:
            return text
        if len(text) < min(digits) and kind in _PLACE_CODES:  # 7 for "07": a zero that the file did not write
            full = text.zfill(min(digits))
            hint = (
                f'avec ses zéros de tête, le code s\'écrit "{full}" / with its leading zeros, the code reads "{full}"'
            )
        else:
            hint = f"ce nombre a {len(text)} chiffres : vérifier le code / this number has {len(text)} digits: check the code"
        raise Unreadable(
            f"un code de {' ou '.join(map(str, digits))} chiffres / a code of {' or '.join(map(str, digits))} digits",
            hint,
        )
    if not isinstance(value, str):
        raise Unreadable(
            "un code entre guillemets / a code in quotes",
            'par exemple "01053" : sans guillemets, les zéros de tête se perdent / e.g. "01053": unquoted, leading zeros are lost',
        )
    text = "".join(value.translate(_SPACES).split()) if kind in _GROUPED else value
    if kind == "rna":
        text = text.upper()  # "w802004512" is the same number as "W802004512"
    if not _CODE.match(text):
        raise Unreadable(
            "un code fait de lettres et de chiffres / a code of letters and digits only",
            "retirer les signes et les espaces / remove signs and spaces",
        )
    return text
