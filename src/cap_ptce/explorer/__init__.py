"""The corpus at a glance: the explorer of the projects, the dashboards, and the report.

Owns: the explorer's facets and their URL form (:mod:`.facets`), the project
table read in one query and filtered, searched and sorted in Python
(:mod:`.projects`), a selection of projects as a knowledge base of its own so
that every ready-made query counts only that part of the corpus
(:mod:`.subset`), the dashboards' charts, each a ready-made query's rows drawn
from one Vega-Lite specification (:mod:`.dashboard`), the cache of all this
over one knowledge base (:mod:`.view`), and the dashboards as one document in
HTML, Markdown or PDF (:mod:`.report`). The web's explorer and dashboard pages
and ``cap-ptce report`` draw from here. May import: ``queries``, ``dossier``
(its PDF writer), ``store``, ``charts``, ``grid``, ``i18n``, ``errors``; never
``publish``, ``web`` or ``cli``.
"""

from __future__ import annotations

from .dashboard import CHARTS, Chart, ChartSpec, build_dashboard
from .facets import FACETS, Selection, parse_selection
from .projects import Exploration, ProjectRow, explore, read_projects
from .subset import subset_kb
from .view import CorpusView

__all__ = [
    "CHARTS",
    "Chart",
    "ChartSpec",
    "CorpusView",
    "Exploration",
    "FACETS",
    "ProjectRow",
    "Selection",
    "build_dashboard",
    "explore",
    "parse_selection",
    "read_projects",
    "subset_kb",
]
