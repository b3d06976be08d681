"""One knowledge base seen through the explorer: its project table, selections' knowledge bases, dashboards.

The web app keeps one :class:`CorpusView` per knowledge base and the report
command makes its own; both ask it for an exploration, a dashboard or a
selection's knowledge base, and it keeps the last few of each (a selection's
knowledge base costs 0.2 to 0.4 s on the sample corpus, a dashboard a few
seconds, most of it drawing). Selections that match the same projects share
their knowledge base and their dashboard. Thread-safe: the web serves several
requests at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .dashboard import Chart, build_chart, build_dashboard, chart_spec
from .facets import Selection
from .projects import Exploration, ProjectRow, check_language, explore, read_tables
from .subset import subset_kb

__all__ = ["CorpusView"]

_KEPT_BASES = 6
_KEPT_DASHBOARDS = 12


class CorpusView:
    """The explorer's and the dashboards' view of ``kb`` (which it does not close)."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self.version = kb.version  # what it keeps is true of this version of the store only
        self._lock = threading.RLock()  # builds of bases and dashboards, one at a time
        self._table_lock = threading.Lock()  # the project table alone: pages need it while a dashboard builds
        self._projects: dict[str, list[ProjectRow]] = {}
        self._bases: OrderedDict[frozenset, object] = OrderedDict()
        self._dashboards: OrderedDict[tuple, list[Chart]] = OrderedDict()

    def projects(self, lang: str) -> list[ProjectRow]:
        with self._table_lock:
            if lang not in self._projects:  # both languages at once: one query, the texts shared
                check_language(lang)
                self._projects.update(read_tables(self.kb))
            return self._projects[lang]

    def explore(self, selection: Selection, lang: str) -> Exploration:
        return explore(self.projects(lang), selection, lang)

    def matching(self, selection: Selection) -> frozenset[str]:
        """The IRIs of the projects in ``selection``."""
        return frozenset(p.iri for p in self.explore(selection.sorted_by("nom"), "fr").projects)

    def kb_for(self, selection: Selection, *, making: Callable[[Callable[[], Any]], Any] | None = None):
        """The knowledge base of ``selection``: the whole one when nothing narrows it.

        ``making``, if given, runs the making of a selection's base when none is
        kept for it (the web app's limit on work done at once): ``making(make)``
        returns ``make()``, or raises. The view's lock is not held meanwhile.
        """
        if selection.is_everything:
            return self.kb
        key = self.matching(selection)
        if len(key) == len(self.projects("fr")):
            return self.kb
        with self._lock:
            if key in self._bases:
                self._bases.move_to_end(key)
                return self._bases[key]
        made = (making or _now)(lambda: subset_kb(self.kb, set(key)))
        with self._lock:
            if key in self._bases:  # another request made it meanwhile
                made.close()
            else:
                self._bases[key] = made
                while len(self._bases) > _KEPT_BASES:
                    self._bases.popitem(last=False)[1].close()
            self._bases.move_to_end(key)
            return self._bases[key]

    def dashboard(self, selection: Selection, lang: str) -> list[Chart]:
        key = (self.matching(selection), lang)
        with self._lock:
            if key not in self._dashboards:
                self._dashboards[key] = build_dashboard(self.kb_for, selection, lang)
                while len(self._dashboards) > _KEPT_DASHBOARDS:
                    self._dashboards.popitem(last=False)
            self._dashboards.move_to_end(key)
            return self._dashboards[key]

    def chart(self, chart_id: str, selection: Selection, lang: str) -> Chart:
        """One chart, from the cached dashboard when there is one."""
        spec = chart_spec(chart_id)
        key = (self.matching(selection), lang)
        with self._lock:
            if key in self._dashboards:
                return next(c for c in self._dashboards[key] if c.spec.id == chart_id)
        return build_chart(spec, self.kb_for, selection, lang)

    def close(self) -> None:
        """Close the selections' knowledge bases (not the view's own)."""
        with self._lock:
            for base in self._bases.values():
                base.close()
            self._bases.clear()


def _now(make: Callable[[], Any]) -> Any:
    return make()
