"""``cap-ptce serve`` started for real by a test, on 127.0.0.1 and a free port, and stopped after it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

CAP_PTCE = str(Path(sys.executable).with_name("cap-ptce"))
_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/sparql")


@dataclass
class LiveServer:
    """A running ``cap-ptce serve``: its base URL, port, process and log file."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def cap_ptce_serve(
    tmp_path: Path, *args: str, cwd: Path | None = None, env: dict | None = None, start_timeout: float = 240
) -> Iterator[LiveServer]:
    """Run ``cap-ptce serve --port 0 ARGS`` until the block ends; yield it once it listens."""
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [CAP_PTCE, "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    try:
        port = _wait_for_url(process, log, start_timeout)
        yield LiveServer(f"http://127.0.0.1:{port}", port, process, log)
    finally:
        _stop(process)


def _wait_for_url(process: subprocess.Popen, log: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(
                f"cap-ptce serve stopped ({process.wait()}): {log.read_text(errors='replace')[-3000:]}"
            )
        match = _URL.search(line)
        if match:
            return int(match.group(1))
    raise AssertionError(f"cap-ptce serve did not start in {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process.stdout:
        process.stdout.close()


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from ``source``: 127.0.0.2, 127.0.0.3… stand for distinct clients (127/8 is the loopback)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(source: str) -> requests.Session:
    """A requests session whose connections come from the address ``source``."""
    session = requests.Session()
    session.mount("http://", SourceAdapter(source))
    return session
