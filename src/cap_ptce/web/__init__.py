"""The web stage: the Flask app, built by :func:`create_app`, with one blueprint per area.

Owns: the views (SPARQL endpoint, ready-made queries, pages of every resource,
linked-data negotiation), templates and static files, the language of each
request, the one error shape, and the static copy of the site
(:mod:`.export`). Views stay thin: read the request, call one library function,
render. May import: every stage below it (``publish`` and down); only ``cli``
imports it.
"""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask

from .. import settings
from . import links
from .negotiation_guard import refuse_long_negotiation_headers

__all__ = ["create_app"]

# Modules of this package that expose a blueprint ``bp`` or set the app up (``init_app``), in this order.
_BLUEPRINTS = (
    "limits",
    "cache",
    "site",
    "i18n",
    "errors",
    "headers",
    "sparql",
    "queries",
    "validator",
    "editor",
    "dossier",
    "explorer",
    "dashboard",
    "pages",
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Flask app from the defaults, the environment and ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.update(settings.from_environ())
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]
    app.config["TRUSTED_HOSTS"] = links.trusted_hosts(app.config.get("SITE_URL"))
    app.wsgi_app = refuse_long_negotiation_headers(links.hosts_in_lower_case(app.wsgi_app))
    for name in _BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
    return app
