"""Synthetic descriptions left incomplete or failing the law, at a chosen share.

A corpus to test a tool that reads descriptions (the report, the counts, the
pages) needs the descriptions real carriers send: some with questions left
open, some that are not PTCEs in the sense of the law. :func:`spoil` draws,
for one description, whether it is left incomplete (one to four questions lose
their keys and their free text) and whether it fails article 9 of the law of
31 July 2014 (no ESS enterprise, no enterprise outside the ESS, no territory or
no common strategy). References stay sound: actors, the keys that other keys
point at, are never removed.
"""

from __future__ import annotations

import random

from ..grid import load_grid

__all__ = ["spoil", "OPEN_QUESTIONS", "LAW_DEFECTS"]

# Questions whose keys nothing else refers to, so that removing them leaves a loadable description.
OPEN_QUESTIONS = ("q01", "q02", "q03", "q04", "q05", "q06", "q08", "q09", "q11", "q12", "q13", "q14", "q15", "q18")
LAW_DEFECTS = ("sans-ess", "sans-entreprise-hors-ess", "sans-territoire", "sans-strategie")


def spoil(data: dict, rng: random.Random, *, incomplete: float, invalid: float) -> None:
    """Leave ``data`` incomplete with probability ``incomplete``, failing the law with probability ``invalid``."""
    if rng.random() < incomplete:
        for qid in rng.sample(OPEN_QUESTIONS, rng.randint(1, 4)):
            _forget(data, qid)
    if rng.random() < invalid:
        _break_the_law(data, rng.choice(LAW_DEFECTS))


def _forget(data: dict, qid: str) -> None:
    data.pop(qid, None)
    for key_path in load_grid().question(qid).fields:
        node, *rest = key_path.split(".")
        if not rest:
            data.pop(node, None)
        elif isinstance(data.get(node), dict):
            data[node].pop(rest[0], None)


def _break_the_law(data: dict, defect: str) -> None:
    actors = data["acteurs"]
    if defect == "sans-ess":
        for actor in actors:
            if actor.get("ess"):
                actor["ess"] = False
        _forget_make_up(data, True)
    elif defect == "sans-entreprise-hors-ess":
        for actor in actors:
            if actor.get("type") == "entreprise-hors-ess":
                actor["ess"] = True
                actor["type"] = "societe-commerciale-ess"
        _forget_make_up(data, False)
    elif defect == "sans-territoire":
        territory = data["territoire"]
        for key in ("communes", "epci", "departements", "regions"):
            territory.pop(key, None)
    else:
        data.pop("strategie_commune", None)


def _forget_make_up(data: dict, mostly_ess: bool) -> None:
    """Groups count for the law by their make-up (shapes/legal.ttl): a broken description says none."""
    for group in data.get("groupes", []):
        if group.get("majoritairement_ess") is mostly_ess:
            del group["majoritairement_ess"]
