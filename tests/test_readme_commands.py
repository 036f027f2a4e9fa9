"""The README's promise: from a clean clone, `make demo` serves Sammen and /healthz answers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(
    not (ROOT / ".git").exists(), reason="not a git checkout, so there is nothing to clone"
)
def test_make_demo_from_a_clean_clone_reaches_healthz(tmp_path: Path) -> None:
    clone = tmp_path / "sammen"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = _free_port()
    # A fresh machine: none of the test run's own settings (a data dir, a database) leak in.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "VIRTUAL_ENV"} and not k.startswith("SAMMEN_")
    }
    env["PORT"] = str(port)
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        ["make", "demo"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = _wait_for_health(port, demo, deadline=time.monotonic() + 420)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGTERM)
            demo.wait(timeout=30)
        log.close()
        output = (tmp_path / "demo.log").read_text()
        print(output[-3000:])  # shown by pytest when the test fails
    assert '"status": "ok"' in body
    for login in ("kontaktlaerer", "faglaerer", "rektor", "helsesykepleier", "forelder1", "admin"):
        assert login in output, f"make demo did not print the login {login}"
    assert (clone / "data" / "sammen.sqlite3").exists()


def _wait_for_health(port: int, demo: subprocess.Popen[bytes], *, deadline: float) -> str:
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            pytest.fail(f"make demo exited early with {demo.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                return str(resp.read().decode())
        except OSError:
            time.sleep(0.5)
    pytest.fail("make demo did not answer /healthz within the deadline")
