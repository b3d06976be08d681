"""Commands of the `validate` area (see docs/architecture.md)."""

from __future__ import annotations

COMMANDS: list = []
