"""Chart shapes for two series and for a matrix, readable in black and white.

Two series are told apart by their fill, not their colour: the first is dark,
the second white with a dark outline, each bar with its value written at its
end, and the legend shows the same two fills. A matrix writes its number in
each cell, on a grey whose darkness follows the number (text white on the
darkest cells), so that nothing rests on colour alone.
"""

from __future__ import annotations

from .shapes import _CONFIG, _INK

__all__ = ["paired_bar_chart", "matrix_chart"]

_FILLS = ["#3b434c", "#ffffff"]


def paired_bar_chart(
    rows: list[dict], *, series: tuple[str, str], title: str, description: str, width: int = 260
) -> dict:
    """Two bars per label, one per series: rows ``{"label", "series", "value", "text"}`` in the given order."""
    y = {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 300}}
    x = {"field": "value", "type": "quantitative", "title": None, "axis": None}
    fill = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": list(series), "range": _FILLS},
        "legend": {"title": None, "orient": "top", "symbolStrokeColor": _INK, "symbolType": "square"},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": width,
        "height": {"step": 30},
        "data": {"values": rows},
        "encoding": {"y": y, "x": x, "yOffset": {"field": "series", "sort": list(series)}},
        "layer": [
            {"mark": {"type": "bar", "stroke": _INK, "strokeWidth": 0.8}, "encoding": {"fill": fill}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": _INK},
                "encoding": {"text": {"field": "text"}},
            },
        ],
        "config": _CONFIG,
    }


def matrix_chart(rows: list[dict], *, title: str, description: str, size: int = 34) -> dict:
    """A square table of numbers: rows ``{"row", "column", "value"}``, labels in the order they first come."""
    order = list(dict.fromkeys([r["row"] for r in rows] + [r["column"] for r in rows]))
    top = max((r["value"] for r in rows), default=1) or 1
    values = [{**r, "dark": r["value"] > top * 0.55} for r in rows]
    axis = {"sort": order, "title": None, "type": "nominal"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": description,
        "width": {"step": size},
        "height": {"step": size},
        "data": {"values": values},
        "encoding": {
            "x": {**axis, "field": "column", "axis": {"labelAngle": -40, "labelLimit": 180, "orient": "top"}},
            "y": {**axis, "field": "row", "axis": {"labelLimit": 220}},
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": _INK, "strokeWidth": 0.5},
                "encoding": {
                    "fill": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"range": ["#f4f5f6", "#2b3137"], "domain": [0, top]},
                        "legend": None,
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 12},
                "encoding": {
                    "text": {"field": "value", "type": "quantitative"},
                    "color": {"condition": {"test": "datum.dark", "value": "white"}, "value": _INK},
                },
            },
        ],
        "config": _CONFIG,
    }
