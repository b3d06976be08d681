"""A chart's labels are written whole: a long entry name wraps onto more lines, it is never cut with « … »."""

from __future__ import annotations

import re
from html import unescape

import pytest

from cap_ptce.charts import bar_chart, percentile_chart, to_svg
from cap_ptce.grid import load_grid

# the longest entry name of the grid (entry 8), which the completeness chart used to cut, in each language
LONGEST = {lang: max((getattr(entry.label, lang) for entry in load_grid().entries), key=len) for lang in ("fr", "en")}
LONG = LONGEST["fr"]


def _texts(svg: str) -> list[str]:
    """The text of each <text> element, its lines (tspans) joined by a space, as a reader would read it."""
    found = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()) for text in found]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_completeness_charts_labels_are_whole(lang):
    entries = load_grid().entries
    rows = [{"label": getattr(e.label, lang), "value": 0.5, "text": "1/2"} for e in entries]
    svg = to_svg(bar_chart(rows, title="Complétude", description="d", percent=True))
    assert "…" not in svg
    assert LONGEST[lang] in _texts(svg) and len(LONGEST[lang]) > 60
    assert all(row["label"] in _texts(svg) for row in rows)


def test_a_percentile_chart_wraps_long_labels_too():
    rows = [{"label": LONG, "percentile": 40, "text": "40e centile"}]
    svg = to_svg(percentile_chart(rows, title="T", description="d"))
    assert "…" not in svg and LONG in _texts(svg)


def test_short_labels_stay_on_one_line():
    svg = to_svg(bar_chart([{"label": "Plan d’actions", "value": 1.0}], title="T", description="d", percent=True))
    assert "<tspan" not in svg and "Plan d’actions" in _texts(svg)


def test_a_chart_is_one_image_named_in_the_pages_language_without_vegas_english_parts():
    """Left from an accessibility pass: inside each chart, Vega named its parts in English (« value: 2; label:
    Bretagne », « rect mark container », « Title text … ») on a page in French."""
    rows = [{"label": "Bretagne", "value": 2, "text": "2"}, {"label": "Corse", "value": 1, "text": "1"}]
    svg = to_svg(bar_chart(rows, title="Projets par région", description="Projets par région : Bretagne 2, Corse 1."))
    assert re.findall(r'\brole="[^"]*"', svg) == ['role="img"']
    assert re.findall(r'aria-label="[^"]*"', svg) == ['aria-label="Projets par région : Bretagne 2, Corse 1."']
    assert "aria-roledescription" not in svg and "mark container" not in svg and "value: 2" not in svg
