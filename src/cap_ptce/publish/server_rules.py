"""Content-negotiation rules for Apache and nginx, written from the negotiation table.

A static copy of the site holds documents only (``q01.fr.html``, ``q01.ttl``…).
These rules let a web server answer the IRIs as the app does: ``303 See Other``
to the document that ``Accept`` and ``Accept-Language`` ask for (q-values read as
:mod:`cap_ptce.rdf.accept` reads them), 406 when none is acceptable, with ``Vary``,
``Link`` and CORS. What they decide is described in :mod:`.static_rules`; Apache's
``.htaccess`` is written by :mod:`.apache`, nginx's files by :mod:`.nginx`.
"""

from __future__ import annotations

from .apache import apache_rules
from .nginx import nginx_rules
from .static_rules import media_types

__all__ = ["apache_rules", "nginx_rules", "media_types"]
