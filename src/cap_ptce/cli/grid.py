"""Commands of the grid area (see docs/architecture.md)."""

from __future__ import annotations

COMMANDS: list = []
