"""Charts as SVG, drawn on the server from Vega-Lite specifications: pages, dossiers and PDFs need no JavaScript.

Owns: turning a Vega-Lite specification (a dict) into an SVG text with
``vl-convert-python`` (Vega-Lite and its renderer compiled into the package:
nothing is fetched), and the few chart shapes that the pages share
(:func:`bar_chart`, :func:`percentile_chart`; for the corpus's dashboards
:func:`paired_bar_chart` and :func:`matrix_chart`). The data always travels inside
the specification; a specification that names a URL is refused, so no chart
ever reaches the network or a file. May import: ``errors`` only, so that any
stage (the validator's report, the dossier, the corpus explorer) can draw.

Usage::

    from cap_ptce.charts import bar_chart, to_svg

    svg = to_svg(bar_chart([{"label": "Acteurs", "value": 1.0}], title="Complétude", percent=True))
"""

from __future__ import annotations

from .series import matrix_chart, paired_bar_chart
from .shapes import bar_chart, percentile_chart
from .svg import to_svg

__all__ = ["to_svg", "bar_chart", "percentile_chart", "paired_bar_chart", "matrix_chart"]
