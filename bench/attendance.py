"""Importing a million attendance rows into SQLite and PostgreSQL: rows per second.

``python -m bench`` writes a CSV for a synthetic roster, then for each database starts a fresh
process (its own ``DATABASE_URL``) that migrates an empty database, loads the roster and the
default calendar, and times ``import_attendance`` twice: the first import, and the same file
again (every row unchanged). The PostgreSQL database (``sammen_bench``) is created and dropped.
``--row-path`` imports without the columnar fast path, to compare the two.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/sammen_bench"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="the PostgreSQL database to create, use and drop (default: %(default)s)",
    )
    parser.add_argument(
        "--row-path",
        action="store_true",
        help="import row by row, without the columnar fast path (to compare the two)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.csv, args.pupils, fast=False if args.row_path else None)
    results = []
    with tempfile.TemporaryDirectory(prefix="sammen-bench-") as tmp:
        _setup_django(tmp)
        from bench.synthetic import write_csv

        csv_path = Path(tmp) / "attendance.csv"
        started = time.perf_counter()
        rows = write_csv(csv_path, rows=args.rows, pupils=args.pupils)
        print(
            f"Wrote {rows:,} rows for {args.pupils:,} pupils "
            f"({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        for name in [n.strip() for n in args.databases.split(",") if n.strip()]:
            if name == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
                results.append(_run("SQLite", url, csv_path, args.pupils, tmp, args.row_path))
            elif name == "postgres":
                results.append(
                    _postgres(args.postgres_url, csv_path, args.pupils, tmp, args.row_path)
                )
            else:
                parser.error(f"unknown database {name!r}")
    failed = False
    for result in results:
        if "error" in result:
            print(f"{result['database']}: {result['error']}")
            failed = failed or not result.get("skipped", False)
            continue
        print(
            f"{result['database']}: {result['rows']:,} rows in {result['seconds']:.1f} s = "
            f"{result['rows'] / result['seconds']:,.0f} rows/s; the same file again "
            f"(all unchanged) {result['again_seconds']:.1f} s = "
            f"{result['rows'] / result['again_seconds']:,.0f} rows/s"
        )
    return 1 if failed else 0


def _setup_django(tmp: str) -> None:
    # The calendar's holiday names are translatable, so even writing the CSV needs settings.
    os.environ.setdefault("SAMMEN_DATA_DIR", str(Path(tmp) / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammen.settings")
    import django

    django.setup()


def _run(
    label: str, url: str, csv_path: Path, pupils: int, tmp: str, row_path: bool
) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "SAMMEN_DATA_DIR": str(Path(tmp) / "data")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "bench",
            "--worker",
            "attendance",
            "--csv",
            str(csv_path),
            "--pupils",
            str(pupils),
            *(["--row-path"] if row_path else []),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"database": label, "error": f"failed:\n{done.stdout}\n{done.stderr}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["database"] = label
    return result


def _postgres(url: str, csv_path: Path, pupils: int, tmp: str, row_path: bool) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(server, autocommit=True)
    except psycopg.Error as exc:
        return {
            "database": "PostgreSQL",
            "error": f"skipped: cannot connect ({exc})",
            "skipped": True,
        }
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            return _run("PostgreSQL", url, csv_path, pupils, tmp, row_path)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _worker(csv_path: Path, pupils: int, *, fast: bool | None) -> int:
    _setup_django(str(csv_path.parent))
    from django.core.management import call_command

    from bench.roster import load_roster
    from sammen.attendance.importers.run import import_attendance

    call_command("migrate", verbosity=0)
    load_roster(pupils)
    timings = []
    reports = []
    for _ in range(2):
        started = time.perf_counter()
        report = import_attendance(csv_path, fmt="csv", fast=fast)
        timings.append(time.perf_counter() - started)
        reports.append(report)
    first, again = reports
    if first.rejected or not first.applied or sum(again.created.values()):
        print(first.as_text()[:5000], file=sys.stderr)
        return 1
    rows = first.created["attendance_record"]
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": timings[0],
                "again_seconds": timings[1],
                "unchanged": again.unchanged["attendance_record"],
            }
        )
    )
    return 0
