"""The web app: an application factory and one blueprint per area."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask

from .. import settings

__all__ = ["create_app"]

# Modules of this package that expose a blueprint ``bp``, in registration order.
_BLUEPRINTS = ("i18n", "errors", "sparql", "queries", "pages")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Flask app from the defaults, the environment and ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.update(settings.from_environ())
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]
    for name in _BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
    return app
