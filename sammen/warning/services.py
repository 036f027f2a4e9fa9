"""Keeping the flags in step with the engine's findings, audited, in one transaction.

``refresh_flags`` evaluates (``engine.assess``) and then, for the pupils it evaluated:

- a finding with no open flag for its pupil and rule raises one (``opened_on`` = the evaluation
  day, ``due_on`` = that many school days later in the school's calendar as the school's
  standard gives for an answer);
- a finding with an open flag keeps it: its level, evidence and ``seen_on`` are refreshed, never
  a second flag (the database allows one open flag per pupil and rule);
- an open flag with no finding any more is closed (``closed_on`` = the evaluation day).

Every raised and closed flag, and every change of level, is one audit event, written in bulk
in the same transaction, with one summary event per school. A full run covers every pupil of
the schools; an incremental run (``pupil_ids``, after an import) covers only the pupils whose
records changed, which gives the flags a full run would give on the same day as long as a full
run has been made for that day (docs/early-warning.md); otherwise the school is run in full.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from sammen.attendance.models import CalendarDay, DayKind
from sammen.audit import actions
from sammen.audit.log import Actor, ActorLike
from sammen.audit.models import AuditEvent
from sammen.lib import collector
from sammen.lib.bulkwrite import insert_rows
from sammen.lib.idsets import id_array
from sammen.lib.uuids import uuid7_batch
from sammen.roster.models import Pupil, School
from sammen.warning.engine import DEFAULT, Assessment, Finding, assess, stored_standards
from sammen.warning.flag_audit import FULL_RUN, audit_changes
from sammen.warning.flag_store import (
    FLAG_FIELDS,
    OpenFlag,
    chunks,
    json_text,
    open_flags,
    pupil_names,
    update_flags,
)
from sammen.warning.models import Flag
from sammen.warning.standard import Standard

ACTOR = Actor.system("early warning")
# Serialises refreshes on PostgreSQL (the nightly run and an import's run may meet).
_LOCK = 0x5A4D_5741  # "ZMWA"


@dataclass
class RefreshSummary:
    as_of: date
    pupils: int = 0  # evaluated
    raised: int = 0
    kept: int = 0
    level_changed: int = 0
    closed: int = 0
    open: int = 0  # open flags of the evaluated pupils afterwards
    full_schools: list[int] = field(default_factory=list)
    incremental_pupils: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "pupils": self.pupils,
            "raised": self.raised,
            "kept": self.kept,
            "level_changed": self.level_changed,
            "closed": self.closed,
            "open": self.open,
            "full_schools": len(self.full_schools),
            "incremental_pupils": self.incremental_pupils,
        }

    def line(self) -> str:
        return (
            f"Early warning as of {self.as_of.isoformat()}: {self.pupils} pupils evaluated, "
            f"{self.raised} flags raised, {self.kept} kept ({self.level_changed} changed level), "
            f"{self.closed} closed; {self.open} open."
        )


def refresh_flags(
    school_ids: Collection[int] | None,
    as_of: date,
    *,
    pupil_ids: Collection[int] | None = None,
    actor: ActorLike = ACTOR,
) -> RefreshSummary:
    """Bring the flags of the schools (all when None) in line with the findings on ``as_of``.

    With ``pupil_ids`` only those pupils are evaluated (the incremental run), in the schools
    that had a full run for ``as_of``; a school without one is evaluated in full.
    """
    summary = RefreshSummary(as_of)
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    if pupil_ids is not None:
        touched = _school_of(pupil_ids)
        schools = schools.filter(pk__in=set(touched.values()))
    scope = set(schools.values_list("pk", flat=True))
    if not scope:
        return summary
    if pupil_ids is None:
        full, incremental = scope, set()
    else:
        done = _full_run_made(scope, as_of)
        full, incremental = scope - done, scope & done
    standards = stored_standards(scope)
    with _serialised(), collector.paused():
        assessments: list[tuple[Assessment, set[int]]] = []
        if full:
            assessments.append((assess(sorted(full), as_of, standards), set()))
            summary.full_schools = sorted(full)
        known: _Known | None = None
        if incremental and pupil_ids is not None:
            asked = {p for p, s in touched.items() if s in incremental}
            # Read ahead only when nothing is written before this part: a full run of another
            # school first may close flags of these pupils (one who moved from it), which a
            # list read now would still hold open.
            with _meanwhile(asked, ahead=not full) as reading:
                found = assess(sorted(incremental), as_of, standards, pupil_ids=asked)
            known = reading.result
            assessments.append((found, asked))
            summary.incremental_pupils = len(asked)
        with transaction.atomic():
            for found, asked in assessments:
                if asked:
                    _apply(found, set(), asked, incremental, standards, actor, summary, known)
                else:
                    _apply(found, full, set(), full, standards, actor, summary)
    return summary


def _school_of(pupil_ids: Collection[int]) -> dict[int, int]:
    """Each pupil's school."""
    ids = sorted(set(pupil_ids))
    if connection.vendor == "postgresql":
        # One array instead of a parameter per id.
        table = connection.ops.quote_name(Pupil._meta.db_table)
        with connection.cursor() as cursor:
            sql = f"SELECT id, school_id FROM {table} WHERE id IN (SELECT unnest(%s::bigint[]))"  # noqa: S608 - our table
            cursor.execute(sql, [id_array(ids)])
            return dict(cursor.fetchall())
    out: dict[int, int] = {}
    for chunk in chunks(ids):
        out.update(Pupil.objects.filter(pk__in=chunk).values_list("pk", "school_id"))
    return out


def _full_run_made(schools: Collection[int], as_of: date) -> set[int]:
    """The schools whose flags had a full run for ``as_of`` (its summary event says so)."""
    public = dict(School.objects.filter(pk__in=list(schools)).values_list("public_id", "pk"))
    made = AuditEvent.objects.filter(
        action=actions.FLAGS_REFRESHED,
        school_id__in=list(public),
        detail__startswith=f"{FULL_RUN}{as_of.isoformat()}",
    ).values_list("school_id", flat=True)
    return {public[school] for school in made if school in public}


@contextmanager
def _serialised() -> Iterator[None]:
    """One refresh at a time on PostgreSQL (SQLite has one writer anyway)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK])


@dataclass
class _Known:
    """What an incremental run reads of the flags and pupils before it writes."""

    flags: list[OpenFlag]
    pupils: dict[int, tuple[uuid.UUID, str]]


class _Reading:
    result: _Known | None = None


@contextmanager
def _meanwhile(pupils: set[int], *, ahead: bool = True) -> Iterator[_Reading]:
    """Read the pupils' open flags and names on a second connection while the caller evaluates
    (the engine mostly waits for its own connections): about 0.4 s of an incremental run for
    15,000 pupils. Only where that connection sees what this one sees: PostgreSQL in autocommit,
    outside any transaction (a command, the scheduler, the benchmark), and only when
    ``ahead`` (nothing is written before the caller's part); elsewhere (a test's transaction,
    SQLite) ``result`` stays None and ``_apply`` reads them itself."""
    reading = _Reading()
    if (
        not ahead
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
        or not connection.get_autocommit()
    ):
        yield reading
        return

    def read() -> _Known:
        try:
            return _Known(open_flags(set(), pupils), pupil_names(pupils))
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(read)
        yield reading
        reading.result = future.result()


def _apply(
    found: Assessment,
    schools: set[int],
    pupils: set[int],
    audited: set[int],
    standards: dict[int, Standard],
    actor: ActorLike,
    summary: RefreshSummary,
    known: _Known | None = None,
) -> None:
    """Write one assessment of every pupil of ``schools`` (a full run), or of ``pupils`` (an
    incremental one): raise, keep and close their flags; audit each change. A pupil with an
    open flag who was not evaluated (left, or not enrolled on any school day) loses it.
    ``known``: the pupils' open flags and names, read already (``_meanwhile``)."""
    as_of = found.as_of
    summary.pupils += len(found.pupils)
    wanted: dict[tuple[int, str], Finding] = {(f.pupil_id, f.rule): f for f in found.findings}
    changed: list[tuple[OpenFlag, int]] = []  # with the old level
    closed: list[OpenFlag] = []
    updates: list[tuple[Any, ...]] = []
    seen: list[int] = []
    kept = 0
    for flag in known.flags if known else open_flags(schools, pupils):
        finding = wanted.pop((flag.pupil_id, flag.rule), None)
        if finding is None:
            closed.append(flag)
            continue
        kept += 1
        if (flag.level, flag.evidence, flag.school_id) != (
            finding.level,
            finding.evidence,
            finding.school_id,
        ):
            if flag.level != finding.level:
                changed.append((flag, flag.level))
            flag.level, flag.evidence, flag.school_id = (
                finding.level,
                finding.evidence,
                finding.school_id,
            )
            updates.append((flag.level, json_text(flag.evidence), as_of, flag.school_id, flag.pk))
        elif flag.seen_on != as_of:
            seen.append(flag.pk)
    due = _due_dates({f.school_id for f in wanted.values()}, as_of, standards)
    raised = [
        OpenFlag(
            0,
            public_id,
            f.pupil_id,
            f.school_id,
            f.rule,
            f.level,
            f.evidence,
            as_of,
            as_of,
            due[f.school_id],
        )
        for f, public_id in zip(wanted.values(), uuid7_batch(len(wanted)), strict=True)
    ]
    update_flags(updates)
    for ids in chunks(seen):
        Flag.objects.filter(pk__in=ids).update(seen_on=as_of)
    for ids in chunks([f.pk for f in closed]):
        Flag.objects.filter(pk__in=ids, opened_on__lte=as_of).update(closed_on=as_of)
        # Re-run for a day before the flag was raised: it closes the day it opened.
        Flag.objects.filter(pk__in=ids, opened_on__gt=as_of).update(closed_on=F("opened_on"))
    insert_rows(
        Flag,
        FLAG_FIELDS,
        (
            (
                f.public_id,
                f.pupil_id,
                f.school_id,
                f.rule,
                f.level,
                f.evidence,
                as_of,
                as_of,
                None,
                f.due_on,
                "",
                "",
                "",
                None,
                None,
            )
            for f in raised
        ),
    )
    summary.raised += len(raised)
    summary.kept += kept
    summary.level_changed += len(changed)
    summary.closed += len(closed)
    summary.open += kept + len(raised)
    audit_changes(
        raised,
        changed,
        closed,
        as_of,
        actor,
        audited,
        full=bool(schools),
        names=known.pupils if known else None,
    )


def _due_dates(schools: set[int], as_of: date, standards: dict[int, Standard]) -> dict[int, date]:
    """Per school, the day an answer is due: ``answer_within_days`` school days after
    ``as_of`` in the school's calendar; past the calendar's last day, weekdays."""
    if not schools:
        return {}
    need = {s: standards.get(s, DEFAULT).answer_within_days for s in schools}
    upcoming: dict[int, list[date]] = defaultdict(list)
    for school_id, day in (
        CalendarDay.objects.filter(
            school_id__in=list(schools),
            kind=DayKind.SCHOOL_DAY,
            date__gt=as_of,
            date__lte=as_of + timedelta(days=366),
        )
        .order_by("school_id", "date")
        .values_list("school_id", "date")
    ):
        upcoming[school_id].append(day)
    due: dict[int, date] = {}
    for school, n in need.items():
        days = upcoming[school]
        if n <= 0:
            due[school] = as_of
        elif len(days) >= n:
            due[school] = days[n - 1]
        else:
            day, left = (days[-1] if days else as_of), n - len(days)
            while left:
                day += timedelta(days=1)
                left -= day.weekday() < 5
            due[school] = day
    return due
