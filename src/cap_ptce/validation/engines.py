"""Which engine validates: the fast one (the default) or pySHACL, the reference."""

from __future__ import annotations

import os

from ..errors import ParameterError
from ..settings import SETTINGS

__all__ = ["ENGINES", "engine_choice"]

# Ours (cap_ptce.validation.fast), then the reference (pySHACL, cap_ptce.validation.engine).
ENGINES = ("fast", "pyshacl")


def engine_choice(engine: str | None = None) -> str:
    """``engine``, else the VALIDATION_ENGINE setting (``CAP_PTCE_VALIDATION_ENGINE``); refused if unknown."""
    if engine is None:
        default = next(setting.default for setting in SETTINGS if setting.name == "VALIDATION_ENGINE")
        engine = os.environ.get("CAP_PTCE_VALIDATION_ENGINE") or default
    if engine not in ENGINES:
        raise ParameterError(
            f"moteur de validation inconnu / unknown validation engine {engine!r}",
            key="engine",
            hint=f"au choix / one of: {', '.join(ENGINES)}",
        )
    return engine
