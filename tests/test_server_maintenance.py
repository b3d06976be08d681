"""The server's own housekeeping: which connections it closes, and when."""

from __future__ import annotations

from types import SimpleNamespace

from cap_ptce.web.server import GuardedServer


class _Channel(SimpleNamespace):
    closed = False

    def handle_close(self) -> None:
        self.closed = True


def _server(channels: dict) -> GuardedServer:
    server = GuardedServer.__new__(GuardedServer)  # no socket: maintenance reads its channels and settings only
    server.request_timeout, server.per_client, server._waiting_since = 10.0, 8, {}
    server.adj, server.active_channels = SimpleNamespace(channel_timeout=10.0), channels
    return server


def test_an_answer_is_not_cut_because_its_request_came_long_before_it():
    """An operator's finding of 2026-12-07: in a flood, an answer made 10 s after its request (IDLE_TIMEOUT) was
    cut after its headers: the channel's last activity was its request's, so the answer looked unread for 10 s
    the moment it began to wait. A channel is now closed when its answer has waited IDLE_TIMEOUT unread."""
    answered_late = _Channel(requests=[1], request=None, total_outbufs_len=2135, last_activity=1000.0)
    reading = _Channel(requests=[1], request=None, total_outbufs_len=10**8, last_activity=1009.0)
    server = _server({1: answered_late, 2: reading})
    server.maintenance(1010.5)  # the answer has just begun to wait, its request came 10.5 s ago
    assert not answered_late.closed and not reading.closed
    reading.last_activity = 1015.0  # the client of the second reads on
    server.maintenance(1019.0)
    assert not answered_late.closed and not reading.closed
    server.maintenance(1021.0)  # 10.5 s of the first answer waiting unread: closed; the reader is not
    assert answered_late.closed and not reading.closed
    server.maintenance(1030.0)  # nothing read by the second since 1019, when it was last seen reading: closed
    assert reading.closed
