"""The early warning over a municipality: full recompute, incremental run, and a naive loop.

``python -m bench early_warning`` builds, for each database and each size (25,000, 50,000 and
100,000 pupils by default), a fresh database with a school year of lesson-level attendance
(``bench/warning_data.py``: 190 school days of 6 lessons, about 7 % absence) up to the day
before the year's last school day. Then a fresh process measures, on the year's last day:

1. the full recompute (``engine.assess`` of every pupil: loading through ADBC, every rule), its
   time and the process's peak memory (``ru_maxrss``) right after it;
2. the first ``refresh_flags`` (every flag raised and audited) and a second one (all kept);
3. the last day's records written (as an import would), then the incremental run for the
   pupils they touched, and whether the flags then equal a full evaluation's;
4. on one school (500 pupils), the straightforward implementation (``bench/naive_warning.py``:
   a loop over pupils with ORM queries) against the engine on the same pupils: their times,
   the ratio, and whether their findings agree.

The PostgreSQL database is created and dropped; SQLite uses a file in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/sammen_bench_warning"
SIZES = "25000,50000,100000"
SEED = 2026


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench early_warning", description=__doc__)
    parser.add_argument("--pupils", default=SIZES, help="comma-separated sizes (pupils)")
    parser.add_argument(
        "--databases", default="postgres,sqlite", help="comma-separated: sqlite, postgres"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_WARNING_POSTGRES_URL", DEFAULT_POSTGRES),
        help="the PostgreSQL database to create, use and drop (default: %(default)s)",
    )
    parser.add_argument("--sample", type=int, default=500, help="pupils for the naive loop")
    parser.add_argument("--worker", choices=("load", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "load":
        return _load(args.size)
    if args.worker == "measure":
        return _measure(args.sample)
    sizes = [int(x) for x in args.pupils.split(",") if x.strip()]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sammen-bench-warning-") as tmp:
        for name in [n.strip() for n in args.databases.split(",") if n.strip()]:
            for size in sizes:
                if name == "sqlite":
                    url = f"sqlite:///{Path(tmp) / f'warning-{size}.sqlite3'}"
                    results.append(_run("SQLite", url, size, args.sample, tmp))
                    Path(tmp, f"warning-{size}.sqlite3").unlink(missing_ok=True)
                elif name == "postgres":
                    results.append(_postgres(args.postgres_url, size, args.sample, tmp))
                else:
                    parser.error(f"unknown database {name!r}")
    failed = False
    for r in results:
        if "error" in r:
            print(f"{r['database']} {r['size']:,} pupils: {r['error']}")
            failed = failed or not r.get("skipped", False)
            continue
        print(_line(r))
    return 1 if failed else 0


def _line(r: dict[str, Any]) -> str:
    return (
        f"{r['database']} {r['pupils']:,} pupils ({r['pupil_days']:,} pupil-days, "
        f"{r['records']:,} records): full recompute {r['evaluate_s']:.2f} s, peak memory "
        f"{r['peak_mb']:,.0f} MB, {r['findings']:,} findings of {r['flagged']:,} pupils; "
        f"first refresh {r['first_refresh_s']:.2f} s ({r['raised']:,} flags raised), again "
        f"{r['again_refresh_s']:.2f} s; one new day ({r['touched']:,} pupils touched): "
        f"incremental {r['incremental_s']:.2f} s, same flags as a full run: "
        f"{r['incremental_equal']}; naive loop on {r['sample']} pupils {r['naive_s']:.2f} s "
        f"against the engine {r['engine_sample_s']:.2f} s = {r['sample_ratio']:,.0f}x, "
        f"naive for all pupils ~{r['naive_all_s']:,.0f} s = {r['full_ratio']:,.0f}x the full "
        f"recompute; findings agree: {r['naive_agrees']}"
    )


def _env(url: str, tmp: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SAMMEN_DATA_DIR": str(Path(tmp) / "data")}


def _worker(url: str, tmp: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench", "early_warning", *args],
        env=_env(url, tmp),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": f"failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run(label: str, url: str, size: int, sample: int, tmp: str) -> dict[str, Any]:
    loaded = _worker(url, tmp, "--worker", "load", "--size", str(size))
    if "error" in loaded:
        return {"database": label, "size": size, **loaded}
    measured = _worker(url, tmp, "--worker", "measure", "--sample", str(sample))
    return {"database": label, "size": size, **loaded, **measured}


def _postgres(url: str, size: int, sample: int, tmp: str) -> dict[str, Any]:
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
            "size": size,
            "error": f"skipped: cannot connect ({exc})",
            "skipped": True,
        }
    with admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            return _run("PostgreSQL", url, size, sample, tmp)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammen.settings")
    import django

    django.setup()


def _load(size: int) -> int:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.roster import load_roster
    from bench.synthetic import school_days
    from bench.warning_data import add_classes, load_attendance

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_roster(size)
    add_classes()
    last = school_days()[-1]
    records = load_attendance(SEED, hold_back=last)
    # A year of registrations arrives over months, and autovacuum has long since visited its
    # pages; loaded in one go they are all new. VACUUM gives them the state they would have (the
    # visibility map index-only scans rely on), ANALYZE the statistics.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    from sammen.attendance.models import PupilDay

    print(
        json.dumps(
            {
                "pupils": size,
                "records": records,
                "pupil_days": PupilDay.objects.count(),
                "load_s": time.perf_counter() - started,
            }
        )
    )
    return 0


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(sample: int) -> int:
    _setup()
    from bench.naive_warning import evaluate_pupil
    from bench.synthetic import school_days
    from bench.warning_data import new_day, write_year
    from sammen.attendance.models import AttendanceRecord
    from sammen.roster.models import Pupil, School
    from sammen.warning import engine
    from sammen.warning.models import Flag
    from sammen.warning.services import refresh_flags
    from sammen.warning.standard import Standard

    as_of = school_days()[-1]
    out: dict[str, Any] = {}
    started = time.perf_counter()
    full = engine.assess(None, as_of)
    out["evaluate_s"] = time.perf_counter() - started
    out["peak_mb"] = _peak_mb()
    out["findings"] = len(full.findings)
    out["flagged"] = len({f.pupil_id for f in full.findings})
    out["evaluated"] = len(full.pupils)

    started = time.perf_counter()
    first = refresh_flags(None, as_of)
    out["first_refresh_s"] = time.perf_counter() - started
    out["raised"] = first.raised
    started = time.perf_counter()
    refresh_flags(None, as_of)
    out["again_refresh_s"] = time.perf_counter() - started

    # The last day arrives (an import writes its records and day totals), then the run for it.
    top = AttendanceRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    day, touched = new_day(SEED, as_of, first_id=top + 1)
    write_year(day)
    started = time.perf_counter()
    incremental = refresh_flags(None, as_of, pupil_ids=touched)
    out["incremental_s"] = time.perf_counter() - started
    out["touched"] = len(touched)
    out["incremental_full_schools"] = len(incremental.full_schools)
    wanted = sorted(
        (f.pupil_id, f.rule, f.level, json.dumps(f.evidence, sort_keys=True))
        for f in engine.evaluate(None, as_of)
    )
    have = sorted(
        (p, r, lv, json.dumps(e, sort_keys=True))
        for p, r, lv, e in Flag.objects.filter(closed_on__isnull=True).values_list(
            "pupil_id", "rule", "level", "evidence"
        )
    )
    out["incremental_equal"] = wanted == have

    # The naive loop on the first school's pupils, against the engine on the same pupils.
    school = School.objects.order_by("pk").first()
    pupils = list(Pupil.objects.filter(school=school).order_by("pk")[:sample])
    started = time.perf_counter()
    naive = {
        (p.pk, rule, level): evidence
        for p in pupils
        for rule, level, evidence in evaluate_pupil(p, as_of, Standard())
    }
    out["naive_s"] = time.perf_counter() - started
    ids = [p.pk for p in pupils]
    started = time.perf_counter()
    mine = engine.assess(None, as_of, pupil_ids=ids)
    out["engine_sample_s"] = time.perf_counter() - started
    out["sample"] = len(pupils)
    out["sample_ratio"] = out["naive_s"] / out["engine_sample_s"]
    out["naive_all_s"] = out["naive_s"] / len(pupils) * out["evaluated"]
    out["full_ratio"] = out["naive_all_s"] / out["evaluate_s"]
    found = {(f.pupil_id, f.rule, f.level): f.evidence for f in mine.findings}
    out["naive_agrees"] = set(found) == set(naive) and all(_same(found[k], naive[k]) for k in found)
    out["naive_findings"] = len(naive)
    out["peak_mb_end"] = _peak_mb()
    print(json.dumps(out))
    return 0


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same evidence; percents may differ in the last rounded digit (Polars rounds the
    decimal, Python the binary number)."""
    if set(a) != set(b):
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, float) or isinstance(other, float):
            if abs(float(value) - float(other)) > 0.051:
                return False
        elif value != other:
            return False
    return True
