"""CAP PTCE: the Institut Godin's grid for PTCE projects as linked data.

The public Python API is listed in :data:`__all__`; see ``docs/python.md``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import *  # noqa: E402,F401,F403
from .errors import __all__ as _error_names  # noqa: E402

__all__ = ["__version__", *_error_names]
