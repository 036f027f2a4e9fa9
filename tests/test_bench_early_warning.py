"""The early-warning benchmark runs end to end on a tiny size, so it cannot rot. Its speed is not
tested; what it checks is: the incremental run after a new day gives the flags of a full run,
and the straightforward per-pupil implementation finds what the engine finds."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.early_warning import main


@pytest.mark.slow
def test_the_early_warning_benchmark_runs_and_its_two_implementations_agree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The workers get SAMMEN_DATA_DIR from here; keep it out of the tests that follow.
    monkeypatch.setenv("SAMMEN_DATA_DIR", str(tmp_path / "data"))
    databases = ["sqlite"]
    args = ["--pupils", "600", "--sample", "60"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        databases.append("postgres")
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "sammen"
        args += ["--postgres-url", urlunsplit(parts._replace(path=f"/{name}_warning_bench"))]

    status = main([*args, "--databases", ",".join(databases)])

    out = capsys.readouterr().out
    assert status == 0, out
    lines = out.strip().splitlines()
    assert len(lines) == len(databases), out
    for line in lines:
        assert " 600 pupils (" in line
        assert "full recompute " in line and "peak memory " in line
        assert "same flags as a full run: True" in line, line
        assert "findings agree: True" in line, line
    assert lines[0].startswith("SQLite 600 pupils")
    if "postgres" in databases:
        assert lines[1].startswith("PostgreSQL 600 pupils")
