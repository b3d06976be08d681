"""Small value helpers shared by the loader, the writer and the generator."""

from __future__ import annotations

import difflib
import re
import unicodedata
from decimal import Decimal

__all__ = ["SLUG_RE", "decimal_lexical", "did_you_mean", "nearest", "slugify"]

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


def nearest(word: str, candidates) -> str | None:
    """The valid word closest to ``word``: two swapped letters first (``sirne`` → ``siren``), then difflib."""
    candidates = list(candidates)
    swapped = [c for c in candidates if len(c) == len(word) and sorted(c) == sorted(word)
               and sum(a != b for a, b in zip(c, word)) == 2]
    if swapped:
        return swapped[0]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(suggestion: str) -> str:
    """The hint that names the nearest valid word, in French and English."""
    return f"vouliez-vous dire « {suggestion} » ? / did you mean '{suggestion}'?"
