"""Helpers of the carrier's browser tests: screenshots under test-output/, and axe-core run in the page.

The issue asks for no serious or critical violation; the carrier's pages have none at all, and the tests keep it so.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CORPUS = ROOT / "examples" / "corpus"


def screenshot(page, name: str) -> Path:
    """A full-page screenshot under test-output/screenshots/ (gitignored), for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Every violation axe-core (from npm, injected into the page) finds, whatever its impact."""
    assert AXE.exists(), "axe-core is an npm dependency: run npm ci"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in found]
