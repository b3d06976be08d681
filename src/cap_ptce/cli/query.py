"""Commands of the `query` area (see docs/architecture.md)."""

from __future__ import annotations

COMMANDS: list = []
