"""Vega-Lite to SVG with vl-convert, with the data inline and no way out to the network."""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache

from ..errors import ParameterError

__all__ = ["to_svg"]

# vl-convert runs Vega in one embedded JavaScript engine: one conversion at a time.
_LOCK = threading.Lock()


def to_svg(spec: dict) -> str:
    """The SVG text of the Vega-Lite ``spec``; its data must be given inline (``data.values``)."""
    _refuse_urls(spec)
    return _convert(json.dumps(spec, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=256)
def _convert(spec_json: str) -> str:
    import vl_convert

    with _LOCK:
        # allowed_base_urls=[]: even a URL that slipped through would not be fetched
        svg = vl_convert.vegalite_to_svg(spec_json, allowed_base_urls=[])
    return _accessible(svg, json.loads(spec_json))


def _refuse_urls(node) -> None:
    """A chart draws the data it is given: a ``url`` anywhere in the specification is refused."""
    if isinstance(node, dict):
        if "url" in node:
            raise ParameterError("un graphique ne lit que ses propres données / a chart reads only its own data")
        for value in node.values():
            _refuse_urls(value)
    elif isinstance(node, list):
        for value in node:
            _refuse_urls(value)


def _accessible(svg: str, spec: dict) -> str:
    """The SVG as an image with a name: ``role="img"`` and the description as its label.

    A screen reader then announces the chart by what it shows; the figures
    themselves are always beside the chart as text or a table. Vega's own ARIA
    inside the image goes: its words are English (« rect mark container »,
    « Title text '…' ») on a page in French, and an image's parts are not read.
    """
    label = spec.get("description") or ""
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = _VEGA_ARIA.sub("", svg)
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', svg, count=1)


_VEGA_ARIA = re.compile(r' (?:aria-roledescription|aria-label|role)="[^"]*"')
