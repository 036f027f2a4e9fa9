"""A synthetic municipality and its attendance CSV, deterministic for a given seed.

Pupils get source ids ``P000001`` …; each has ``rows_per_pupil`` rows spread over distinct school
days of the Norwegian default calendar: whole-day absences, lesson absences, lateness and leaving
early in the proportions a real school register shows, and never two rows that contradict.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from sammen.attendance.norwegian_calendar import default_school_year

YEAR_START = date(2026, 8, 17)
YEAR_END = date(2027, 6, 18)
LESSONS = 6
PUPILS_PER_SCHOOL = 500
REASONS = ("sick", "sick", "sick", "leave", "unexplained", "other", "home_teaching")


def school_days() -> list[date]:
    return [d.date for d in default_school_year(YEAR_START, YEAR_END) if d.kind == "school_day"]


def pupil_id(n: int) -> str:
    return f"P{n:06d}"


def write_csv(path: Path, *, rows: int, pupils: int, seed: int = 2026) -> int:
    """Write ``rows`` attendance rows for ``pupils`` pupils to ``path``; returns the row count."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    days = school_days()
    per_pupil, extra = divmod(rows, pupils)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "pupil_id",
                "date",
                "period",
                "subject",
                "kind",
                "minutes",
                "reason",
                "documented",
                "comment",
            ]
        )
        for n in range(1, pupils + 1):
            wanted = per_pupil + (1 if n <= extra else 0)
            sid = pupil_id(n)
            for day in sorted(rng.sample(days, min(len(days), wanted))):
                if written >= rows or wanted <= 0:
                    break
                iso = day.isoformat()
                roll = rng.random()
                if roll < 0.25:
                    reason = rng.choice(REASONS)
                    writer.writerow(
                        [
                            sid,
                            iso,
                            "",
                            "",
                            "absent",
                            "",
                            reason,
                            "yes" if reason != "unexplained" else "no",
                            "",
                        ]
                    )
                    wanted -= 1
                    written += 1
                    continue
                periods = rng.sample(range(1, LESSONS + 1), min(wanted, rng.randint(1, 3)))
                for period in sorted(periods):
                    kind = rng.choices(("absent", "late", "left_early"), (6, 3, 1))[0]
                    minutes = str(rng.randint(2, 40)) if kind != "absent" else ""
                    reason = rng.choice(REASONS[:-1]) if kind == "absent" else "unexplained"
                    writer.writerow(
                        [
                            sid,
                            iso,
                            period,
                            "Matematikk" if period == 1 else "",
                            kind,
                            minutes,
                            reason,
                            "no",
                            "",
                        ]
                    )
                    wanted -= 1
                    written += 1
    return written
