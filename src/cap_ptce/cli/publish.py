"""Commands of the publish area (see docs/architecture.md)."""

from __future__ import annotations

COMMANDS: list = []
