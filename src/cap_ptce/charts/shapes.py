"""The chart shapes that pages share, as Vega-Lite specifications (dicts), readable in black and white.

Bars are dark grey on white with their value written beside them, so that a
chart printed without colour, or read by someone who does not tell colours
apart, says the same thing. Each row's label is written above its bar, so a
chart is as wide as asked (300 pixels) whatever its labels: it fits a phone.
"""

from __future__ import annotations

__all__ = ["bar_chart", "percentile_chart"]

_INK = "#1d2329"
_FONT = "DejaVu Sans, Verdana, sans-serif"
_CONFIG = {
    "font": _FONT,
    "view": {"stroke": None},
    "axis": {"labelColor": _INK, "titleColor": _INK, "labelFontSize": 11, "grid": False},
    "background": "white",
}


def bar_chart(rows: list[dict], *, title: str, description: str, percent: bool = False, width: int = 300) -> dict:
    """Horizontal bars, one per ``{"label": str, "value": number, "text": str}`` row, in the given order.

    Each row's label is written above its bar and its ``text`` (the value itself when absent) at the
    right end of the label's line, so that the chart is ``width`` pixels wide whatever the labels
    and fits a phone. ``percent``: values are ratios from 0 to 1, drawn on a 0–100 % scale over a
    pale track.
    """
    values = [{**row, "text": row.get("text") or _number(row["value"], percent)} for row in rows]
    scale = {"domain": [0, 1]} if percent else {}
    x = {"field": "value", "type": "quantitative", "title": None, "axis": None, "scale": scale}
    bar = {"type": "bar", "height": 12, "yOffset": _BAR_OFFSET}
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
            *_label_line(width),
        ],
    }


def percentile_chart(rows: list[dict], *, title: str, description: str, width: int = 300) -> dict:
    """Where one project stands on each measure: a dot on a 0–100 line per row ``{"label", "percentile", "text"}``.

    A grey band marks the middle half of the corpus (25th to 75th percentile); the label is written
    above its line and the percentile at its right end, as in :func:`bar_chart`.
    """
    values = [{**row, "low": 25, "high": 75} for row in rows]
    scale = {"domain": [0, 100]}
    axis = {"values": [0, 25, 50, 75, 100], "title": None, "labelFontSize": 10}
    return {
        **_frame(title, description, width, values),
        "layer": [
            {
                "mark": {"type": "rule", "color": "#8a939c", "yOffset": _BAR_OFFSET},
                "encoding": {"x": {"datum": 0, "type": "quantitative", "scale": scale}, "x2": {"datum": 100}},
            },
            {
                "mark": {"type": "bar", "color": _TRACK, "height": 10, "yOffset": _BAR_OFFSET},
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
                    "yOffset": _BAR_OFFSET,
                },
                "encoding": {"x": {"field": "percentile", "type": "quantitative", "scale": scale}},
            },
            *_label_line(width),
        ],
    }


_TRACK = "#e3e6ea"
_BAR_OFFSET = 9  # the bar sits below the middle of its row, the label line above it


def _frame(title: str, description: str, width: int, values: list[dict]) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": width,
        "height": {"step": 38},
        "data": {"values": values},
        "encoding": {"y": {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": None}},
        "config": _CONFIG,
    }


def _label_line(width: int) -> list[dict]:
    """The row's label at the left and its figure at the right, on a line above its bar."""
    line = {"type": "text", "baseline": "middle", "dy": -8, "color": _INK}
    return [
        {"mark": {**line, "align": "left", "x": 0, "limit": width - 48}, "encoding": {"text": {"field": "label"}}},
        {"mark": {**line, "align": "right", "x": width, "fontWeight": "bold"}, "encoding": {"text": {"field": "text"}}},
    ]


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{round(value * 100)} %"
    return f"{value:g}"
