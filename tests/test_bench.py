"""The benchmark runs end to end on a tiny size, so it cannot rot (its speed is not tested)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.attendance import main


@pytest.mark.slow
def test_the_attendance_benchmark_imports_a_small_file_and_prints_rows_per_second(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # main() sets SAMMEN_DATA_DIR for its workers; keep that out of the tests that follow.
    monkeypatch.setenv("SAMMEN_DATA_DIR", str(tmp_path / "data"))
    databases = ["sqlite"]
    args = ["--rows", "2000", "--pupils", "40"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        databases.append("postgres")
        parts = urlsplit(url)
        args += ["--postgres-url", urlunsplit(parts._replace(path="/sammen_bench_test"))]

    status = main([*args, "--databases", ",".join(databases)])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "Wrote 2,000 rows for 40 pupils" in out
    assert "SQLite: 2,000 rows in " in out
    assert "rows/s; the same file again (all unchanged)" in out
    if "postgres" in databases:
        assert "PostgreSQL: 2,000 rows in " in out
