"""Text folded for comparing and searching: lower case, without accents.

« Économie » finds « economie » and back, in the explorer's search, the
vocabulary's search and the lookup of a commune by its name.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """Lower case without accents (compatibility decomposition, combining marks taken away)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
