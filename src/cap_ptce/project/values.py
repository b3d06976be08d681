"""Small value helpers shared by the loader, the writer and the generator."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["SLUG_RE", "decimal_lexical", "slugify"]

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def decimal_lexical(value: int | float | Decimal) -> str:
    """The canonical xsd:decimal form of a number: no exponent, no trailing zeros."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def slugify(text: str) -> str:
    """A slug for a free text (used for role IRIs): ASCII, lowercase, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
