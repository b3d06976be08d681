"""The chart shapes that pages share, as Vega-Lite specifications (dicts), readable in black and white.

Bars are dark grey on white with their value written at their end, so that a
chart printed without colour, or read by someone who does not tell colours
apart, says the same thing.
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


def bar_chart(rows: list[dict], *, title: str, description: str, percent: bool = False, width: int = 280) -> dict:
    """Horizontal bars, one per ``{"label": str, "value": number, "text": str}`` row, in the given order.

    ``percent``: values are ratios from 0 to 1, drawn on a 0–100 % scale.
    ``text`` is what is written at the end of the bar (the value itself when absent).
    """
    values = [{**row, "text": row.get("text") or _number(row["value"], percent)} for row in rows]
    x = {"field": "value", "type": "quantitative", "title": None, "axis": None}
    if percent:
        x["scale"] = {"domain": [0, 1]}
    y = {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 320}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": width,
        "height": {"step": 22},
        "data": {"values": values},
        "encoding": {"y": y, "x": x},
        "layer": [
            {"mark": {"type": "bar", "color": "#56606b", "stroke": _INK, "strokeWidth": 0.5}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": _INK},
                "encoding": {"text": {"field": "text"}},
            },
        ],
        "config": _CONFIG,
    }


def percentile_chart(rows: list[dict], *, title: str, description: str, width: int = 260) -> dict:
    """Where one project stands on each measure: a dot on a 0–100 line per row ``{"label", "percentile", "text"}``.

    A grey band marks the middle half of the corpus (25th to 75th percentile).
    """
    values = [{**row, "low": 25, "high": 75} for row in rows]
    y = {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 320}}
    scale = {"domain": [0, 100]}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": width,
        "height": {"step": 24},
        "data": {"values": values},
        "encoding": {"y": y},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#e3e6ea", "height": 10},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "scale": scale, "title": None},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "color": _INK, "size": 70, "shape": "diamond"},
                "encoding": {"x": {"field": "percentile", "type": "quantitative", "scale": scale, "title": None}},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 8, "color": _INK},
                "encoding": {
                    "x": {"field": "percentile", "type": "quantitative", "scale": scale},
                    "text": {"field": "text"},
                },
            },
        ],
        "config": _CONFIG,
    }


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{round(value * 100)} %"
    return f"{value:g}"
