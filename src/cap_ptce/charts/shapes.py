"""The chart shapes that pages share, as Vega-Lite specifications (dicts), readable in black and white.

Bars are dark grey on white with their value written beside them, so that a
chart printed without colour, or read by someone who does not tell colours
apart, says the same thing. Each row's label is written above its bar, so a
chart is as wide as asked (300 pixels) whatever its labels: it fits a phone. A
label too long for the width is wrapped onto more lines, never cut: an entry of
the grid is named in full (« … et locales »), as the carrier reads it elsewhere.
"""

from __future__ import annotations

import textwrap

__all__ = ["bar_chart", "percentile_chart"]

_INK = "#1d2329"
_FONT = "DejaVu Sans, Verdana, sans-serif"
_CONFIG = {
    "font": _FONT,
    "view": {"stroke": None},
    "axis": {"labelColor": _INK, "titleColor": _INK, "labelFontSize": 11, "grid": False},
    "background": "white",
    # no ARIA of Vega's own: its words are English (« value: 2; label: Bretagne », « bar »); the chart is one
    # image named by its description in the page's language (svg.py), its figures in the table beside it
    "aria": False,
}


def bar_chart(rows: list[dict], *, title: str, description: str, percent: bool = False, width: int = 300) -> dict:
    """Horizontal bars, one per ``{"label": str, "value": number, "text": str}`` row, in the given order.

    Each row's label is written above its bar and its ``text`` (the value itself when absent) at the
    right end of the label's line, so that the chart is ``width`` pixels wide whatever the labels
    and fits a phone. ``percent``: values are ratios from 0 to 1, drawn on a 0–100 % scale over a
    pale track.
    """
    values = _wrapped([{**row, "text": row.get("text") or _number(row["value"], percent)} for row in rows], width)
    scale = {"domain": [0, 1]} if percent else {}
    x = {"field": "value", "type": "quantitative", "title": None, "axis": None, "scale": scale}
    bar = {"type": "bar", "height": 12, "yOffset": _bar_offset(values)}
    track = (
        [
            {
                "mark": {**bar, "color": _TRACK},
                "encoding": {"x": {"datum": 1, "type": "quantitative", "scale": scale, "axis": None}},
            }
        ]
        if percent
        else []
    )
    return {
        **_frame(title, description, width, values),
        "layer": [
            *track,
            {"mark": {**bar, "color": "#56606b", "stroke": _INK, "strokeWidth": 0.5}, "encoding": {"x": x}},
            *_label_line(width, values),
        ],
    }


def percentile_chart(rows: list[dict], *, title: str, description: str, width: int = 300) -> dict:
    """Where one project stands on each measure: a dot on a 0–100 line per row ``{"label", "percentile", "text"}``.

    A grey band marks the middle half of the corpus (25th to 75th percentile); the label is written
    above its line and the percentile at its right end, as in :func:`bar_chart`.
    """
    values = _wrapped([{**row, "low": 25, "high": 75} for row in rows], width)
    offset = _bar_offset(values)
    scale = {"domain": [0, 100]}
    axis = {"values": [0, 25, 50, 75, 100], "title": None, "labelFontSize": 10}
    return {
        **_frame(title, description, width, values),
        "layer": [
            {
                "mark": {"type": "rule", "color": "#8a939c", "yOffset": offset},
                "encoding": {"x": {"datum": 0, "type": "quantitative", "scale": scale}, "x2": {"datum": 100}},
            },
            {
                "mark": {"type": "bar", "color": _TRACK, "height": 10, "yOffset": offset},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "scale": scale, "axis": axis},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {
                    "type": "point",
                    "filled": True,
                    "color": _INK,
                    "size": 70,
                    "shape": "diamond",
                    "yOffset": offset,
                },
                "encoding": {"x": {"field": "percentile", "type": "quantitative", "scale": scale}},
            },
            *_label_line(width, values),
        ],
    }


_TRACK = "#e3e6ea"
_BAR_OFFSET = 9  # the bar sits below the middle of its row, the label line above it
_ROW_STEP = 38
_LINE_HEIGHT = 13  # Vega's line height for 11-pixel text
# DejaVu Sans at 11 px takes about 5.7 pixels a character in French text; 6 leaves room for wide
# letters (the "limit" below still guards the width; the grid's labels, wrapped so, never reach it).
_CHAR_PIXELS = 6.0
_FIGURE_ROOM = 48  # the right end of the label's line holds the row's figure


def _wrapped(values: list[dict], width: int) -> list[dict]:
    """The rows with their label as a list of lines (``lines``), each short enough for the label's room."""
    room = max(int((width - _FIGURE_ROOM) / _CHAR_PIXELS), 12)
    lines = [textwrap.wrap(str(row["label"]), room, break_on_hyphens=False) or [""] for row in values]
    most = max(map(len, lines), default=1)
    # rows are all as tall as the longest label: a shorter one moves down by the lines it lacks
    # (``shift``, in pixels), so that every label ends just above its own bar, not the bar below it
    return [{**row, "lines": found, "shift": (most - len(found)) * _LINE_HEIGHT} for row, found in zip(values, lines)]


def _extra_lines(values: list[dict]) -> int:
    """How many lines the longest label takes beyond the first: every row grows by as many."""
    return max((len(row["lines"]) for row in values), default=1) - 1


def _bar_offset(values: list[dict]) -> float:
    # the row grows by the extra lines; the bar moves down by half of them, the label's first line up by half
    return _BAR_OFFSET + _extra_lines(values) * _LINE_HEIGHT / 2


def _frame(title: str, description: str, width: int, values: list[dict]) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": width,
        "height": {"step": _ROW_STEP + _extra_lines(values) * _LINE_HEIGHT},
        "data": {"values": values},
        "encoding": {"y": {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": None}},
        "config": _CONFIG,
    }


def _label_line(width: int, values: list[dict]) -> list[dict]:
    """The row's label at the left (on as many lines as it needs) and its figure at the right, above its bar."""
    line = {"type": "text", "baseline": "middle", "color": _INK}
    # the last line of every label sits where a one-line label sat: 8 pixels above the row's middle
    last = -8 + _extra_lines(values) * _LINE_HEIGHT / 2
    return [
        {
            # with a yOffset, Vega places the text from the top of the row (not its middle), moved down
            # by the row's shift: its first line then lands 11 pixels + shift below the top
            "mark": {**line, "dy": _ROW_STEP / 2 - 8, "align": "left", "x": 0, "limit": width - _FIGURE_ROOM},
            "encoding": {
                "text": {"field": "lines"},
                "yOffset": {"field": "shift", "type": "quantitative", "scale": None},
            },
        },
        {
            "mark": {**line, "dy": last, "align": "right", "x": width, "fontWeight": "bold"},
            "encoding": {"text": {"field": "text"}},
        },
    ]


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{round(value * 100)} %"
    return f"{value:g}"
