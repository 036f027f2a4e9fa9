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

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from sammen.attendance.models import CalendarDay, DayKind
from sammen.audit import actions
from sammen.audit.actions import ACTIONS
from sammen.audit.log import Actor, ActorLike, Event, diff, record_many, request_id_var
from sammen.audit.models import AuditEvent, AuditKind
from sammen.lib.bulkwrite import insert_rows
from sammen.lib.uuids import uuid7_batch
from sammen.roster.models import Pupil, School
from sammen.warning.engine import DEFAULT, Assessment, Finding, assess, stored_standards
from sammen.warning.models import Flag
from sammen.warning.standard import Standard

ACTOR = Actor.system("early warning")
# Ids per query: well under SQLite's limit of bound parameters.
_CHUNK = 5000
# Serialises refreshes on PostgreSQL (the nightly run and an import's run may meet).
_LOCK = 0x5A4D_5741  # "ZMWA"
_FULL = "full as of "
T = TypeVar("T")


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
    with _serialised():
        assessments: list[tuple[Assessment, set[int]]] = []
        if full:
            assessments.append((assess(sorted(full), as_of, standards), set()))
            summary.full_schools = sorted(full)
        known: _Known | None = None
        if incremental and pupil_ids is not None:
            asked = {p for p, s in touched.items() if s in incremental}
            with _meanwhile(asked) as reading:
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
            cursor.execute(sql, [_id_array(ids)])
            return dict(cursor.fetchall())
    out: dict[int, int] = {}
    for chunk in _chunks(ids):
        out.update(Pupil.objects.filter(pk__in=chunk).values_list("pk", "school_id"))
    return out


def _id_array(ids: Iterable[int]) -> str:
    """Ids as a PostgreSQL array literal (``'{1,2,3}'``, cast in the SQL): psycopg adapting a
    list of fifteen thousand ints element by element costs tens of milliseconds."""
    return "{" + ",".join(str(int(i)) for i in sorted(set(ids))) + "}"


def _id_chunks(ids: Collection[int]) -> Iterator[list[int]]:
    """Ids for ``__in`` lookups, as many per query as the database takes parameters
    (PostgreSQL 65,535; SQLite 32,766, and fewer in older builds)."""
    size = 50_000 if connection.vendor == "postgresql" else _CHUNK
    yield from _chunks(sorted(set(ids)), size)


def _full_run_made(schools: Collection[int], as_of: date) -> set[int]:
    """The schools whose flags had a full run for ``as_of`` (its summary event says so)."""
    public = dict(School.objects.filter(pk__in=list(schools)).values_list("public_id", "pk"))
    made = AuditEvent.objects.filter(
        action=actions.FLAGS_REFRESHED,
        school_id__in=list(public),
        detail__startswith=f"{_FULL}{as_of.isoformat()}",
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

    flags: list[_Open]
    pupils: dict[int, tuple[uuid.UUID, str]]


class _Reading:
    result: _Known | None = None


@contextmanager
def _meanwhile(pupils: set[int]) -> Iterator[_Reading]:
    """Read the pupils' open flags and names on a second connection while the caller evaluates
    (the engine mostly waits for its own connections): about 0.4 s of an incremental run for
    15,000 pupils. Only where that connection sees what this one sees: PostgreSQL in autocommit,
    outside any transaction (a command, the scheduler, the benchmark); elsewhere (a test's
    transaction, SQLite) ``result`` stays None and ``_apply`` reads them itself."""
    reading = _Reading()
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or not connection.get_autocommit()
    ):
        yield reading
        return

    def read() -> _Known:
        try:
            return _Known(_open_flags(set(), pupils), _pupils(pupils))
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(read)
        yield reading
        reading.result = future.result()


@dataclass
class _Open:
    """An open flag as read for a refresh (plain values: tens of thousands of them)."""

    pk: int
    public_id: uuid.UUID
    pupil_id: int
    school_id: int
    rule: str
    level: int
    evidence: dict[str, Any]
    opened_on: date
    seen_on: date
    due_on: date


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
    changed: list[tuple[_Open, int]] = []  # with the old level
    closed: list[_Open] = []
    updates: list[tuple[Any, ...]] = []
    seen: list[int] = []
    kept = 0
    for flag in known.flags if known else _open_flags(schools, pupils):
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
            updates.append((flag.level, _json(flag.evidence), as_of, flag.school_id, flag.pk))
        elif flag.seen_on != as_of:
            seen.append(flag.pk)
    due = _due_dates({f.school_id for f in wanted.values()}, as_of, standards)
    raised = [
        _Open(
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
    _update(updates)
    for ids in _chunks(seen):
        Flag.objects.filter(pk__in=ids).update(seen_on=as_of)
    for ids in _chunks([f.pk for f in closed]):
        Flag.objects.filter(pk__in=ids, opened_on__lte=as_of).update(closed_on=as_of)
        # Re-run for a day before the flag was raised: it closes the day it opened.
        Flag.objects.filter(pk__in=ids, opened_on__gt=as_of).update(closed_on=F("opened_on"))
    insert_rows(
        Flag,
        _FLAG_FIELDS,
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
    _audit(
        raised,
        changed,
        closed,
        as_of,
        actor,
        audited,
        full=bool(schools),
        names=known.pupils if known else None,
    )


_FLAG_FIELDS = (
    "public_id",
    "pupil",
    "school",
    "rule",
    "level",
    "evidence",
    "opened_on",
    "seen_on",
    "closed_on",
    "due_on",
    "answer",
    "dismiss_reason",
    "answer_note",
    "answered_at",
    "answered_by",
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _update(rows: list[tuple[Any, ...]]) -> None:
    """Kept flags whose level, evidence or school changed (level, evidence JSON, seen_on,
    school_id, id): on PostgreSQL one statement per chunk from arrays, elsewhere one prepared
    statement for all."""
    if not rows:
        return
    table = connection.ops.quote_name(Flag._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as one JSON document the server unpacks: psycopg turning 20,000 rows
            # into five arrays, element by element in Python, took longer than the update.
            sql = (
                f"UPDATE {table} AS f SET level = v.level, evidence = v.evidence,"  # noqa: S608 - our table
                " seen_on = v.seen_on, school_id = v.school_id"
                " FROM jsonb_to_recordset(%s::jsonb)"
                " AS v(level int, evidence jsonb, seen_on date, school_id bigint, id bigint)"
                " WHERE f.id = v.id"
            )
            for batch in _chunks(rows, 10_000):
                document = ",".join(
                    f'{{"level":{int(level)},"evidence":{evidence},'
                    f'"seen_on":"{seen.isoformat()}","school_id":{int(school)},"id":{int(pk)}}}'
                    for level, evidence, seen, school, pk in batch
                )
                cursor.execute(sql, [f"[{document}]"])
            return
        sql = (
            f"UPDATE {table} SET level = %s, evidence = %s, seen_on = %s,"  # noqa: S608 - our table
            " school_id = %s WHERE id = %s"
        )
        for batch in _chunks(rows):
            cursor.executemany(sql, batch)


def _open_flags(schools: Collection[int], pupils: Collection[int]) -> list[_Open]:
    """The open flags of the schools' pupils and of flags held at the schools (a full run), or
    of the pupils (an incremental one). Plain SQL: a nightly run reads every open flag of the
    municipality, and the ORM's model machinery would cost more than the rest of the refresh."""
    flag = connection.ops.quote_name(Flag._meta.db_table)
    pupil = connection.ops.quote_name(Pupil._meta.db_table)
    select = (
        "SELECT id, public_id, pupil_id, school_id, rule, level, evidence, opened_on, seen_on,"  # noqa: S608 - our tables
        f" due_on FROM {flag} WHERE closed_on IS NULL"
    )
    postgres = connection.vendor == "postgresql"
    queries: list[tuple[str, list[Any]]] = []
    if schools:
        ids = sorted(schools)
        # Ids as one array on PostgreSQL; written in (through int()) on SQLite.
        at = (
            "IN (SELECT unnest(%s::bigint[]))"
            if postgres
            else f"IN ({', '.join(str(int(i)) for i in ids)})"
        )
        where = f"school_id {at} OR pupil_id IN (SELECT id FROM {pupil} WHERE school_id {at})"  # noqa: S608 - our tables, ids
        queries.append((f"{select} AND ({where})", [_id_array(ids)] * 2 if postgres else []))
    elif postgres:
        # A join with the array, not "= ANY": the flag table may have no statistics yet (a first
        # run), and a linear search of 15,000 ids in every row took seconds.
        joined = f"{select} AND pupil_id IN (SELECT unnest(%s::bigint[]))"
        queries.append((joined, [_id_array(pupils)]))
    else:
        for chunk in _chunks(sorted(set(pupils))):
            marks = ", ".join(str(int(i)) for i in chunk)
            queries.append((f"{select} AND pupil_id IN ({marks})", []))
    out: list[_Open] = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            for (
                pk,
                public_id,
                pupil_id,
                school_id,
                rule,
                level,
                evidence,
                opened,
                seen,
                due,
            ) in cursor.fetchall():
                out.append(
                    _Open(
                        pk,
                        public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(public_id),
                        pupil_id,
                        school_id,
                        rule,
                        level,
                        json.loads(evidence) if isinstance(evidence, str) else evidence,
                        _day(opened),
                        _day(seen),
                        _day(due),
                    )
                )
    return out


def _day(value: Any) -> date:
    """A date column as read without the ORM (SQLite gives ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


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


def _audit(
    raised: list[_Open],
    changed: list[tuple[_Open, int]],
    closed: list[_Open],
    as_of: date,
    actor: ActorLike,
    schools: Collection[int],
    *,
    full: bool,
    names: dict[int, tuple[uuid.UUID, str]] | None = None,
) -> None:
    """One audit event per raised or closed flag and per change of level, and one summary per
    school, written in one statement each: the rows ``Event(...).to_row()`` would write (a test
    holds the two together), built without a model instance per event."""
    flags = [*raised, *(flag for flag, _ in changed), *closed]
    if names is None:
        names = _pupils({flag.pupil_id for flag in flags})
    wanted = {f.school_id for f in flags} | set(schools)
    by_pk = {s.pk: s for s in School.objects.filter(pk__in=wanted)}
    rows = _EventRows(actor)
    for flag in raised:
        rows.add(
            actions.FLAG_RAISED,
            flag,
            names,
            by_pk,
            # What diff({}, ...) gives, built directly: nothing here is secret.
            {
                "rule": {"old": None, "new": flag.rule},
                "level": {"old": None, "new": flag.level},
                "evidence": {"old": None, "new": flag.evidence},
                "opened_on": {"old": None, "new": flag.opened_on.isoformat()},
                "due_on": {"old": None, "new": flag.due_on.isoformat()},
            },
        )
    for flag, old in changed:
        rows.add(
            actions.FLAG_LEVEL_CHANGED,
            flag,
            names,
            by_pk,
            diff({"level": old}, {"level": flag.level}),
        )
    for flag in closed:
        change = diff({"closed_on": None}, {"closed_on": max(as_of, flag.opened_on)})
        rows.add(actions.FLAG_CLOSED, flag, names, by_pk, change)
    insert_rows(AuditEvent, _AUDIT_FIELDS, rows.rows)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for name, group in (("raised", raised), ("closed", closed)):
        for flag in group:
            counts[flag.school_id][name] += 1
    for flag, _ in changed:
        counts[flag.school_id]["changed level"] += 1
    kind = f"{_FULL}{as_of.isoformat()}" if full else f"incremental as of {as_of.isoformat()}"

    def said(school_id: int) -> str:
        parts = [f"{n} {what}" for what, n in sorted(counts[school_id].items())]
        return f"{kind}: {', '.join(parts) or 'no change'}"

    record_many(
        Event(
            AuditKind.CHANGE,
            actions.FLAGS_REFRESHED,
            actor,
            school=by_pk[school_id],
            detail=said(school_id),
        )
        for school_id in sorted(schools)
    )


_AUDIT_FIELDS = (
    "at",
    "kind",
    "action",
    "actor_id",
    "actor_label",
    "object_type",
    "object_id",
    "object_label",
    "school_id",
    "school_label",
    "pupil_id",
    "pupil_label",
    "changes",
    "detail",
    "request_id",
)


class _EventRows:
    """Audit rows of flag changes as plain tuples in ``_AUDIT_FIELDS`` order."""

    def __init__(self, actor: ActorLike) -> None:
        who = actor if isinstance(actor, Actor) else Actor.of(actor)
        self.head = (timezone.now(), AuditKind.CHANGE.value)
        self.who = (who.id, who.label[:300], Flag._meta.label_lower)
        self.request_id = request_id_var.get()
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        action: str,
        flag: _Open,
        pupils: dict[int, tuple[uuid.UUID, str]],
        schools: dict[int, School],
        changes: dict[str, Any],
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"audit action {action!r} is not registered")
        pupil_public, pupil_name = pupils[flag.pupil_id]
        school = schools[flag.school_id]
        self.rows.append(
            (
                *self.head,
                action,
                *self.who,
                str(flag.public_id),
                f"{pupil_name} {flag.rule} ({flag.opened_on})"[:300],
                school.public_id,
                str(school)[:300],
                pupil_public,
                pupil_name[:300],
                changes,
                flag.rule[:500],
                self.request_id,
            )
        )


def _pupils(ids: Iterable[int]) -> dict[int, tuple[uuid.UUID, str]]:
    """Public id and name (as ``str(pupil)`` gives it) of each pupil."""
    out: dict[int, tuple[uuid.UUID, str]] = {}
    for chunk in _chunks(sorted(ids)):
        for pk, public_id, given, family in Pupil.objects.filter(pk__in=chunk).values_list(
            "pk", "public_id", "given_name", "family_name"
        ):
            out[pk] = (public_id, f"{given} {family}".strip())
    return out


def _chunks(items: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
