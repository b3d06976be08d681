"""The nearest valid word to a mistyped one, and the hint that names it.

Every reader of user input (descriptions, the grid's YAML, ready-made queries
and their parameters) suggests a correction the same way.
"""

from __future__ import annotations

import difflib

__all__ = ["did_you_mean", "did_you_mean_halves", "nearest"]


def nearest(word: str, candidates) -> str | None:
    """The valid word closest to ``word``: two swapped letters first (``sirne`` → ``siren``), then difflib."""
    candidates = list(candidates)
    swapped = [
        c
        for c in candidates
        if len(c) == len(word) and sorted(c) == sorted(word) and sum(a != b for a, b in zip(c, word)) == 2
    ]
    if swapped:
        return swapped[0]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(suggestion: str) -> str:
    """The hint that names the nearest valid word, in French and English."""
    return " / ".join(did_you_mean_halves(suggestion))


def did_you_mean_halves(suggestion: str) -> tuple[str, str]:
    """The French and the English of :func:`did_you_mean`, for a hint that goes on in each language."""
    return f"vouliez-vous dire « {suggestion} » ?", f"did you mean '{suggestion}'?"
