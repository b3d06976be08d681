"""The systemd unit of docs/deployment.md: systemd accepts it, and its command serves, survives a crash and stops.

``systemd-analyze verify`` (Debian's ``systemd``, installed by ``make
system-deps``) reads the unit as written, its paths and user changed to this
machine's. Its ``ExecStart`` is then run for real on a store of the test's:
killed with SIGKILL, as the out-of-memory killer would, started again on the
same store (what ``Restart=on-failure`` does) and queried, then stopped with
SIGTERM, which must end it with code 0 (not a failure: no restart) within the
unit's ``TimeoutStopSec``.
"""

from __future__ import annotations

import configparser
import os
import pwd
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from cap_ptce.store import KnowledgeBase
from servehelpers import CAP_PTCE, cap_ptce_serve

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"
SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"
HOME = "/srv/cap-ptce"
ASK = {"query": "ASK { <http://example.org/a> ?p ?o }"}


def documented_unit() -> str:
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- tests/test_service_unit.py checks the unit below")
    return re.search(r"```ini\n(.*?)```", text[marker:], flags=re.DOTALL).group(1)


def service_section(unit: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(unit)
    return parser["Service"]


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)s", value)
    assert match, f"a duration in seconds, not {value!r}"
    return float(match.group(1))


def test_systemd_accepts_the_documented_unit(tmp_path):
    assert Path(SYSTEMD_ANALYZE).exists(), "systemd-analyze is missing: make system-deps (as root) or install systemd"
    home = tmp_path / "cap-ptce"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / "var").mkdir()
    os.symlink(CAP_PTCE, home / ".venv" / "bin" / "cap-ptce")
    unit = documented_unit().replace(HOME, str(home))
    unit = unit.replace("User=cap-ptce", f"User={pwd.getpwuid(os.geteuid()).pw_name}")
    path = tmp_path / "cap-ptce.service"
    path.write_text(unit, encoding="utf-8")
    verify = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(path)], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr


def test_the_documented_unit_restarts_after_a_crash_not_after_a_stop():
    service = service_section(documented_unit())
    assert service["Restart"] == "on-failure"  # SIGTERM's exit 0 is no failure
    assert seconds(service["RestartSec"]) >= 2  # past the second in which a dead server's workers end


def test_the_documented_command_serves_again_after_a_crash_and_stops_cleanly(tmp_path):
    service = service_section(documented_unit())
    argv = shlex.split(service["ExecStart"])
    assert argv[0] == f"{HOME}/.venv/bin/cap-ptce" and argv[1] == "serve", argv
    store = tmp_path / "store"
    with KnowledgeBase.open(store) as kb:
        kb.load_graph("http://example.org/g", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .")
    args = " ".join(argv[2:]).replace(f"{HOME}/var/store", str(store)).replace("--port 5000", "--port 0").split()
    assert str(store) in args and "--port" in args
    settings = {"CAP_PTCE_WARM_PAGES": "false"}
    # SITE_URL lets the machine's own names through: the test asks http://127.0.0.1:port/ as the local proxy does
    with cap_ptce_serve(tmp_path, *args, env=settings) as crashed:
        assert _asked(crashed.url) is True
        os.kill(crashed.process.pid, signal.SIGKILL)  # the server alone, as the out-of-memory killer does
        crashed.process.wait(10)
        time.sleep(seconds(service["RestartSec"]))
    assert (tmp_path / "store.readers").exists(), "the crash left no readers' checkpoint: the test tries nothing"
    with cap_ptce_serve(tmp_path, *args, env=settings) as again:
        assert _asked(again.url) is True
        started = time.monotonic()
        again.process.send_signal(signal.SIGTERM)
        code = again.process.wait(seconds(service["TimeoutStopSec"]))
        took, log = time.monotonic() - started, again.log_text()
    assert code == 0, log
    assert took < seconds(service["TimeoutStopSec"])
    assert "Traceback" not in log
    assert not (tmp_path / "store.readers").exists(), "the checkpoint the crash left was not replaced, then removed"


def _asked(url: str) -> bool:
    answer = requests.post(f"{url}/sparql", data=ASK, headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["boolean"]
