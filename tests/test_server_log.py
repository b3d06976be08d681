"""What the server writes of a crowd: one line a minute at most, not one per request queued."""

from __future__ import annotations

from cap_ptce.web.server import Lanes, QueueDepthLog


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def warning(self, message: str, *args) -> None:
        self.lines.append(message % args)


def test_a_crowd_is_told_once_a_minute_with_the_deepest_queue():
    # an operator's test of 2026-12-06: 30,506 lines of « Task queue depth is N » in 20 minutes, 12,000 a minute at
    # 1,100 requests a second while nothing was wrong; journald drops messages past 10,000 in 30 s, errors included
    now = [100.0]
    out = _Lines()
    told = QueueDepthLog("pages", interval=60.0, clock=lambda: now[0], logger=out)
    for depth in [1, 5, 34, 2] * 3000:  # 12,000 requests queued within the same second
        told.warning("Task queue depth is %d", depth)
    assert len(out.lines) == 1 and "pages" in out.lines[0] and " 1 " in out.lines[0]
    now[0] += 30.0
    told.warning("Task queue depth is %d", 7)
    assert len(out.lines) == 1
    now[0] += 31.0
    told.warning("Task queue depth is %d", 3)
    assert len(out.lines) == 2
    assert "34" in out.lines[1] and "12001" in out.lines[1].replace(",", "").replace("\u202f", "")


def test_the_servers_lanes_tell_their_queues_so():
    lanes = Lanes(1, 1)
    try:
        assert isinstance(lanes.endpoint.queue_logger, QueueDepthLog)
        assert isinstance(lanes.other.queue_logger, QueueDepthLog)
        assert lanes.endpoint.queue_logger.lane != lanes.other.queue_logger.lane
    finally:
        lanes.shutdown()


def test_descriptions_sent_to_be_checked_have_a_lane_of_their_own():
    """An operator's retest of 2026-12-07: with the checks' turns alone, 16 addresses posting the largest
    description allowed still held the page threads while they waited for a turn (a page took 24 s)."""
    from types import SimpleNamespace

    lanes = Lanes(1, 1, 1)
    taken = []
    try:
        for name in ("endpoint", "checks", "other"):
            getattr(lanes, name).add_task = lambda task, name=name: taken.append((task.label, name))
        sent = [
            ("POST", "/valider"),
            ("POST", "/validate"),
            ("POST", "/editeur"),
            ("POST", "/editor/"),
            ("POST", "/dossier"),
            ("GET", "/valider"),  # the form itself: a page
            ("GET", "/projet/tiers-lieu-gueret.fr.html"),
            ("POST", "/sparql"),
            ("GET", "/sparql"),
            ("POST", "/valider-autre-chose"),
        ]
        stamps = {}
        for method, path in sent:
            request = SimpleNamespace(command=method, path=path, headers={"X_CAP_PTCE_QUEUED": "0"})
            lanes.add_task(SimpleNamespace(requests=[request], label=f"{method} {path}"))
            stamps[f"{method} {path}"] = request.headers["X_CAP_PTCE_QUEUED"]
        assert dict(taken) == {
            "POST /valider": "checks",
            "POST /validate": "checks",
            "POST /editeur": "checks",
            "POST /editor/": "checks",
            "POST /dossier": "checks",
            "GET /valider": "other",
            "GET /projet/tiers-lieu-gueret.fr.html": "other",
            "POST /sparql": "endpoint",
            "GET /sparql": "endpoint",
            "POST /valider-autre-chose": "other",
        }
        # a check is stamped with when it was queued, a client's own stamp replaced; the others are left alone
        assert float(stamps["POST /valider"]) > 0 and stamps["GET /valider"] == "0"
    finally:
        lanes.shutdown()
