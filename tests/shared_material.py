"""Where the shared test material lives: the grid's source text and the W3C protocol suite.

It stays out of the repository, in a ``shared`` folder beside the checkout. CI
clones main into a temporary folder, so a clone made from a local checkout also
looks beside that checkout; ``CAP_PTCE_SHARED`` names the folder outright.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def candidates() -> list[Path]:
    """The ``shared`` folders to look in, in order."""
    found = [Path(os.environ["CAP_PTCE_SHARED"])] if os.environ.get("CAP_PTCE_SHARED") else []
    found.append(REPOSITORY.parent / "shared")
    origin = subprocess.run(
        ["git", "-C", str(REPOSITORY), "config", "--get", "remote.origin.url"], capture_output=True, text=True
    ).stdout.strip()
    if origin and "://" not in origin and Path(origin).is_dir():
        found.append(Path(origin).resolve().parent / "shared")
    return found


def find(relative: str) -> Path | None:
    """``relative`` (e.g. ``seeds/….txt``) in the first shared folder that has it, or None."""
    return next((folder / relative for folder in candidates() if (folder / relative).exists()), None)


def missing(relative: str, what: str) -> str:
    """The message for a test whose material is nowhere to be found."""
    places = ", ".join(str(folder / relative) for folder in candidates())
    return (
        f"{what} is missing: looked for {places} (put the shared test material beside the repository, "
        "or set CAP_PTCE_SHARED)"
    )
