"""The columnar fast path of the attendance import writes and reports exactly what the row path
does, and leaves to the row path every file it cannot be sure of.

Each file goes through both paths in turn (``fast=False`` and ``fast=True``), each in a savepoint
rolled back afterwards, and everything an import leaves is compared: the report, the records
(every column but ids and time stamps), the daily and weekly totals, and the audit events (their
``changes`` as parsed JSON, record ids replaced by the records they name).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.attendance.importers.apply import created_values
from sammen.attendance.importers.audit_rows import CREATED_FIELDS, PupilAudit
from sammen.attendance.importers.checks import check
from sammen.attendance.importers.context import Context
from sammen.attendance.importers.csv_format import read_csv_file
from sammen.attendance.importers.fast_audit import ESCAPED, created_changes
from sammen.attendance.importers.fastpath import Declined
from sammen.attendance.importers.run import import_attendance
from sammen.attendance.models import AttendanceRecord, CalendarDay, PupilDay, PupilWeek
from sammen.attendance.services import Entry, register_day, register_lesson
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from sammen.lib.uuids import uuid7
from sammen.roster.models import Enrollment
from tests import factories as f
from tests.test_import_attendance_support import HEADER, MONDAY, Setup, make_setup

pytestmark = pytest.mark.django_db

_RECORD = [
    name
    for name in (field.attname for field in AttendanceRecord._meta.concrete_fields)
    if name not in {"id", "public_id", "created_at", "updated_at"}
]
_DAY = [field.attname for field in PupilDay._meta.concrete_fields if field.name != "id"]
_WEEK = [field.attname for field in PupilWeek._meta.concrete_fields if field.name != "id"]
_AUDIT = [
    field.attname
    for field in AuditEvent._meta.concrete_fields
    if field.name not in {"id", "at", "changes"}
]


# The world ---------------------------------------------------------------------------------


@dataclass
class World:
    setup: Setup
    late_starter: Any  # enrolled from Wednesday 10 February
    other_school_pupil: Any  # a school with five lessons, four on Friday 12 February


def make_world(directory: Path) -> World:
    """Two schools, pupils with and without enrolment dates, and records already stored."""
    setup = make_setup()
    school, year = setup.school, setup.year
    starter = f.make_pupil(school, given_name="Per", family_name="Sen", source_id="E-1003")
    klasse = f.make_group(school, "8B")
    Enrollment.objects.create(group=klasse, pupil=starter, start_date=date(2027, 2, 10))
    other = f.make_school(school.owner, "Sørby skole")
    ensure_default_calendar(
        actor=Actor.system("test"), school=other, school_year=year, lessons_per_day=5
    )
    CalendarDay.objects.filter(school=other, date=date(2027, 2, 12)).update(lessons=4)
    guest = f.make_pupil(other, given_name="Siri", family_name="Sør", source_id="E-2001")
    # Kari's Tuesday is Sammen's own (a staff record); the other days earlier imports': Kari
    # missed half of Friday, an absence day by a hair.
    register_day(
        actor=f.make_user("kontor"),
        school=school,
        day=date(2027, 2, 9),
        entries=[Entry(setup.kari, "absent", reason="sick", documented=True)],
    )
    earlier = [
        "E-1001,2027-02-15,2,,late,5,,,",
        *(f"E-1002,2027-02-12,{lesson},,absent,,,," for lesson in (1, 2, 3)),
        "E-2001,2027-02-11,1,,absent,,,,",
        "E-2001,2027-02-11,2,,absent,,,,",
    ]
    import_attendance(_csv(directory, *earlier), fast=False)
    return World(setup, starter, guest)


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("world"))


# Running both paths and comparing ------------------------------------------------------------


def _outcome(path: Path, *, fast: bool, **options: Any) -> dict[str, Any] | None:
    """What an import reports and leaves (None: the fast path declined); then undone."""
    ids_before = _record_ids()
    events_before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    started = timezone.now()
    point = transaction.savepoint()
    try:
        try:
            report = import_attendance(path, fast=fast, **options)
        except Declined:
            return None
        return {
            "report": report.as_json(),
            **_state(ids_before, events_before, started),
        }
    finally:
        transaction.savepoint_rollback(point)


def _record_ids() -> dict[str, tuple[Any, ...]]:
    return {
        str(public_id): (pupil_id, day.isoformat(), period)
        for public_id, pupil_id, day, period in AttendanceRecord.objects.values_list(
            "public_id", "pupil_id", "date", "period"
        )
    }


def _state(
    ids_before: dict[str, tuple[Any, ...]], events_before: int, started: datetime
) -> dict[str, Any]:
    ids = {**ids_before, **_record_ids()}
    records = list(
        AttendanceRecord.objects.order_by("pupil_id", "date", "period").values_list(*_RECORD)
    )
    new = AttendanceRecord.objects.exclude(public_id__in=[uuid.UUID(i) for i in ids_before])
    events = AuditEvent.objects.filter(id__gt=events_before).order_by("id")
    stamps = {r.created_at for r in new} | {r.updated_at for r in new}
    # The summary event is stamped when it is saved.
    stamps |= {e.at for e in events if e.action != actions.ATTENDANCE_IMPORTED}
    return {
        "records": records,
        "days": sorted(PupilDay.objects.values_list(*_DAY)),
        "weeks": sorted(PupilWeek.objects.values_list(*_WEEK)),
        "events": [
            (*(getattr(e, name) for name in _AUDIT), _named(e.changes, ids)) for e in events
        ],
        # One time stamp for the import's records and pupils' events, taken while it ran; new
        # ids are time-ordered (version 7).
        "one_stamp": len(stamps) <= 1 and all(started <= s <= timezone.now() for s in stamps),
        "versions": sorted({r.public_id.version for r in new}),
    }


def _named(value: Any, ids: dict[str, tuple[Any, ...]]) -> Any:
    """``value`` (parsed JSON) with every record id replaced by (pupil, date, lesson)."""
    if isinstance(value, dict):
        return {key: _named(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_named(item, ids) for item in value]
    if isinstance(value, str) and value in ids:
        return ["record", *ids[value]]
    return value


def _same(path: Path, **options: Any) -> bool:
    """Both paths leave the same; True when the fast path took the file, False if it declined."""
    row = _outcome(path, fast=False, **options)
    assert row is not None
    fast = _outcome(path, fast=True, **options)
    if fast is None:
        return False
    assert fast == row
    return True


def _declined(path: Path, **options: Any) -> str:
    """Why the fast path leaves ``path`` to the row path; and the automatic choice is the row
    path's outcome."""
    point = transaction.savepoint()
    try:
        with pytest.raises(Declined) as declined:
            import_attendance(path, fast=True, **options)
    finally:
        transaction.savepoint_rollback(point)
    auto = _outcome_auto(path, **options)
    assert auto == _outcome(path, fast=False, **options)
    return declined.value.reason


def _outcome_auto(path: Path, **options: Any) -> dict[str, Any] | None:
    ids_before = _record_ids()
    events_before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    started = timezone.now()
    point = transaction.savepoint()
    try:
        report = import_attendance(path, **options)
        return {"report": report.as_json(), **_state(ids_before, events_before, started)}
    finally:
        transaction.savepoint_rollback(point)


def _write(tmp_path: Path, text: str, *, name: str = "a.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    return _write(tmp_path, "\n".join([header, *rows]) + "\n")


# Files the fast path takes -------------------------------------------------------------------


def test_a_file_of_new_records_is_written_as_the_row_path_writes_it(
    world: World, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        f"E-1001,{MONDAY},,,absent,,sick,yes,",
        "E-1001,2027-02-09,1,Matematikk,late,12,,no,bussen var sen",
        "E-1001,2027-02-09,6,,left_early,20,leave,ja,",
        "E-1002,2027-02-10,3,,present_elsewhere,,,,Skoletur",
        "E-1002,2027-02-16,2,Norsk,absent,,unexplained,nei,",
        "E-1003,2027-02-08,1,,absent,,,,",  # before Per's enrolment: no daily totals
        "E-1003,2027-02-11,,,absent,,other,,",
        "E-2001,2027-02-12,4,Kroppsøving,absent,,syk,,",
        "E-2001,2027-02-16,,,fravær,,permisjon,ja,",
    )

    assert _same(path)
    report = import_attendance(path, fast=True)
    assert report.created["attendance_record"] == 9
    assert PupilDay.objects.filter(pupil=world.late_starter).count() == 1


def test_norwegian_headers_semicolons_a_bom_crlf_and_spaces_are_read_alike(
    world: World, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "\ufeffelev_id;dato;time;fag;type;minutter;årsak;dokumentert;kommentar;klasse\r\n"
        " E-1001 ;08.02.2027;2.;Norsk; For sent ;5;;NEI;med, komma;8A\r\n"
        "E-1002;8.2.2027;;;FRAVÆR;;Permisjon;Ja;a\\b\u00a0;8A\r\n"
        ";;;;;;;;;\r\n"
        "   \r\n"
        "E-2001;9.2.2027;1;\tKunst og håndverk\t;absent\r\n",
    )

    assert _same(path)


def test_a_dry_run_reports_the_same_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = _csv(tmp_path, f"E-1001,{MONDAY},,,absent,,,,", "E-2001,2027-02-10,5,,absent,,,,")
    records = AttendanceRecord.objects.count()

    assert _same(path, dry_run=True)
    assert _same(path, skip_invalid=True)
    report = import_attendance(path, fast=True, dry_run=True)
    assert (report.created["attendance_record"], report.applied) == (2, False)
    assert AttendanceRecord.objects.count() == records


def test_owner_limits_the_pupils_alike(world: World, tmp_path: Path) -> None:
    other = f.make_owner("Sørvik kommune")
    f.make_pupil(f.make_school(other), source_id="E-1001")
    path = _csv(tmp_path, f"E-1001,{MONDAY},,,absent,,,,")

    assert _same(path, owner_name="Testvik kommune")
    assert "cannot tell apart" in _declined(path)


def test_the_week_counts_days_already_stored_and_replaces_its_old_totals(
    world: World, tmp_path: Path
) -> None:
    # Kari's Tuesday (a staff record) and Friday (half the day) are in the week; the file adds
    # her Wednesday and Thursday.
    path = _csv(tmp_path, "E-1002,2027-02-10,,,absent,,,,", "E-1002,2027-02-11,1,,absent,,,,")
    old = PupilWeek.objects.get(pupil=world.setup.kari, week_start=date(2027, 2, 8))

    assert _same(path)
    import_attendance(path, fast=True)
    week = PupilWeek.objects.get(pupil=world.setup.kari, week_start=date(2027, 2, 8))
    assert week.pk != old.pk
    assert (week.absent_lessons, week.absent_days) == (6 + 3 + 6 + 1, 3)


def test_a_stale_daily_total_on_a_named_day_is_replaced(world: World, tmp_path: Path) -> None:
    school = world.setup.school
    PupilDay.objects.create(
        pupil=world.setup.ola, school=school, date=date(2027, 2, 10), planned_lessons=6
    )
    path = _csv(tmp_path, "E-1001,2027-02-10,3,,absent,,,,")

    assert _same(path)


# What the fast path leaves to the row path ---------------------------------------------------


_DECLINED: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "quotes",
        lambda d: _csv(d, f'E-1001,{MONDAY},,,absent,,,,"sa ""nei"""'),
        "quotation marks",
    ),
    (
        "a quoted line break",
        lambda d: _csv(d, f'E-1001,{MONDAY},,,absent,,,,"to\nlinjer"'),
        "quotation marks",
    ),
    (
        "a lone carriage return",
        lambda d: _write(d, f"{HEADER}\nE-1001,{MONDAY},,,absent,,,,a\rb\n"),
        "carriage return",
    ),
    (
        "a control character",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,,,\x0b"),
        "control characters",
    ),
    (
        "a NUL byte",
        lambda d: _write(d, f"{HEADER}\nE-1001,{MONDAY},,,absent,,,,\x00\n"),
        "control characters",
    ),
    (
        "a value longer than the csv module reads",
        lambda d: _csv(d, f"E-1001{' ' * 140_000},{MONDAY},,,absent,,,,"),
        "longer than the csv module reads",
    ),
    (
        "not UTF-8",
        lambda d: _write(d, f"{HEADER}\nE-1001,{MONDAY},,,absent,,,,S\xf8r\n", encoding="latin-1"),
        "UTF-8",
    ),
    (
        "a blank line before the header",
        lambda d: _write(d, f"\n{HEADER}\nE-1001,{MONDAY},,,absent,,,,\n"),
        "first line",
    ),
    (
        "trailing empty header columns",
        lambda d: _write(d, f"{HEADER},,\nE-1001,{MONDAY},,,absent,,,,,,\n"),
        "first line",
    ),
    (
        "a missing column",
        lambda d: _csv(d, "E-1001,absent", header="pupil_id,type"),
        "lacks a column",
    ),
    ("no rows", lambda d: _csv(d), "no rows"),
    ("only blank rows", lambda d: _csv(d, ",,,,,,,,", "  "), "no rows"),
    (
        "a row longer than the header",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,,,,x"),
        "more values",
    ),
    (
        "a row with empty values past the header",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,,,,,"),
        "more values",
    ),
    ("no pupil id", lambda d: _csv(d, f",{MONDAY},,,absent,,,,"), "no pupil id"),
    ("a bad date", lambda d: _csv(d, "E-1001,2027-02-30,,,absent,,,,"), "bad date"),
    ("a bad lesson", lambda d: _csv(d, f"E-1001,{MONDAY},x,,absent,,,,"), "bad period"),
    ("a lesson 21", lambda d: _csv(d, f"E-1001,{MONDAY},21,,absent,,,,"), "bad period"),
    ("bad minutes", lambda d: _csv(d, f"E-1001,{MONDAY},2,,late,ti,,,"), "bad minutes"),
    (
        "huge minutes",
        lambda d: _csv(d, f"E-1001,{MONDAY},2,,late,99999999999999999999,,,"),
        "minutes too large",
    ),
    ("a bad kind", lambda d: _csv(d, f"E-1001,{MONDAY},,,sleeping,,,,"), "bad kind"),
    ("a bad reason", lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,bored,,"), "bad reason"),
    (
        "a bad documented",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,,maybe,"),
        "bad documented",
    ),
    (
        "a long comment",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,,,{'x' * 501}"),
        "longer than 500",
    ),
    ("late without minutes", lambda d: _csv(d, f"E-1001,{MONDAY},2,,late,,,,"), "rule for late"),
    (
        "present elsewhere when sick",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,present_elsewhere,,sick,,"),
        "rule for present_elsewhere",
    ),
    ("an unknown pupil", lambda d: _csv(d, f"E-9999,{MONDAY},,,absent,,,,"), "does not know"),
    ("a Saturday", lambda d: _csv(d, "E-1001,2027-02-13,,,absent,,,,"), "not a school day"),
    ("a holiday", lambda d: _csv(d, "E-1001,2027-02-22,,,absent,,,,"), "not a school day"),
    (
        "outside the school year",
        lambda d: _csv(d, "E-1001,2027-07-01,,,absent,,,,"),
        "not a school day",
    ),
    (
        "a lesson after the day's last",
        lambda d: _csv(d, "E-2001,2027-02-12,5,,absent,,,,"),
        "after the day's last",
    ),
    (
        "a duplicate row",
        lambda d: _csv(d, f"E-1001,{MONDAY},2,,absent,,,,", "E-1001,08.02.2027,2,,absent,,,,"),
        "twice",
    ),
    (
        "rows that contradict",
        lambda d: _csv(d, f"E-1001,{MONDAY},2,,absent,,,,", f"E-1001,{MONDAY},2,,late,5,,,"),
        "twice",
    ),
    (
        "a lesson covered by the whole day",
        lambda d: _csv(
            d, f"E-1001,{MONDAY},,,absent,,sick,,", f"E-1001,{MONDAY},3,,absent,,sick,,"
        ),
        "whole-day row beside",
    ),
    (
        "lateness on a day away",
        lambda d: _csv(d, f"E-1001,{MONDAY},,,absent,,sick,,", f"E-1001,{MONDAY},3,,late,5,,,"),
        "whole-day row beside",
    ),
    (
        "a day Sammen has its own record of",
        lambda d: _csv(d, "E-1002,2027-02-09,3,,absent,,,,"),
        "already stored",
    ),
    (
        "a day an earlier import wrote",
        lambda d: _csv(d, "E-1001,2027-02-15,,,absent,,,,"),
        "already stored",
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "reason"), _DECLINED, ids=[name for name, _, _ in _DECLINED]
)
def test_the_fast_path_leaves_the_file_to_the_row_path(
    world: World, tmp_path: Path, name: str, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)

    assert reason in _declined(path)
    assert reason in _declined(path, skip_invalid=True)


def test_the_same_file_again_goes_to_the_row_path_and_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    path = _csv(tmp_path, f"E-1001,{MONDAY},,,absent,,,,", "E-2001,2027-02-10,5,,absent,,,,")
    import_attendance(path, fast=True)

    assert "already stored" in _declined(path)
    report = import_attendance(path)
    assert report.unchanged["attendance_record"] == 2


def test_a_lesson_registered_by_a_teacher_on_the_day_sends_the_file_to_the_row_path(
    world: World, tmp_path: Path
) -> None:
    maths = world.setup.maths
    f.teach(maths, f.make_staff(world.setup.school.owner))
    Enrollment.objects.create(group=maths, pupil=world.setup.ola)
    register_lesson(
        actor=f.make_user("laerer"),
        group=maths,
        day=date(2027, 2, 10),
        period=3,
        entries=[Entry(world.setup.ola, "late", minutes=5)],
    )

    assert "already stored" in _declined(_csv(tmp_path, "E-1001,2027-02-10,,,absent,,sick,,"))


@pytest.mark.parametrize("fmt", ["edfi", "fint"])
def test_other_formats_are_never_read_by_the_fast_path(
    world: World, tmp_path: Path, fmt: str
) -> None:
    with pytest.raises(Declined, match="CSV only"):
        import_attendance(tmp_path, fmt=fmt, fast=True)


# Any file ------------------------------------------------------------------------------------

_PUPILS = ["E-1001", "E-1002", "E-1003", "E-2001"]
_DATES = [
    "2027-02-08",
    "8.2.2027",
    "2027-02-10",
    "11.02.2027",
    "2027-02-12",
    "2027-02-15",
    "2027-02-16",
    "2027-03-01",
]
# The pupil-days ``make_world`` gives records.
_STORED = {("E-1001", "2027-02-15"), ("E-1002", "2027-02-12"), ("E-2001", "2027-02-11")}
_BAD_DATES = ["2027-02-09", "2027-02-13", "2027-02-22", "2027-02-30", "someday", ""]
_SPACES = st.sampled_from(["", "", "", " ", "\t", "\u00a0", "  "])
_TEXTS = ["", "", "Matematikk", "Norsk", "æøå", "a\\b", "sa nei", "Kroppsøving"]
_BAD_TEXTS = ['si "hei"', "x" * 201, "a\x0bb", "linje\rto"]


def _cell(value: str) -> st.SearchStrategy[str]:
    return st.tuples(_SPACES, _SPACES).map(lambda s: s[0] + value + s[1])


@st.composite
def _valid_row(draw: st.DrawFn) -> dict[str, str]:
    pupil = draw(st.sampled_from(_PUPILS))
    day = draw(st.sampled_from(_DATES))
    whole = draw(st.booleans())
    if whole:
        kind = draw(st.sampled_from(["absent", "Absent", "fravær", "present_elsewhere"]))
        period, minutes = "", ""
    else:
        kind = draw(
            st.sampled_from(["absent", "late", "left_early", "for sent", "present_elsewhere"])
        )
        period = str(draw(st.integers(1, 4))) + draw(st.sampled_from(["", "."]))
        late = kind in {"late", "left_early", "for sent"}
        minutes = str(draw(st.integers(1, 480))) if late else ""
    if kind.lower() == "present_elsewhere":
        reason = draw(st.sampled_from(["", "school_activity", "skoleaktivitet"]))
    elif kind in {"late", "left_early", "for sent"}:
        reason = draw(st.sampled_from(["", "unexplained", "sick", "Uforklart"]))
    else:
        reason = draw(st.sampled_from(["", "sick", "Syk", "leave", "school_activity", "other"]))
    return {
        "pupil_id": pupil,
        "date": day,
        "period": period,
        "subject": draw(st.sampled_from(_TEXTS)),
        "kind": kind,
        "minutes": minutes,
        "reason": reason,
        "documented": draw(st.sampled_from(["", "yes", "no", "ja", "Nei", "1", "0", "TRUE"])),
        "comment": draw(st.sampled_from(_TEXTS)),
    }


@st.composite
def _any_row(draw: st.DrawFn) -> dict[str, str]:
    row = draw(_valid_row())
    column = draw(st.sampled_from(sorted(row)))
    row[column] = draw(
        st.sampled_from(
            {
                "pupil_id": ["E-9999", ""],
                "date": _BAD_DATES,
                "period": ["0", "7", "x", "", "2"],
                "kind": ["sleeping", "", "late", "absent"],
                "minutes": ["", "0", "481", "5", "ten"],
                "reason": ["bored", "school_activity", "sick"],
                "documented": ["maybe"],
                "subject": _BAD_TEXTS,
                "comment": _BAD_TEXTS,
            }[column]
        )
    )
    return row


@dataclass(frozen=True)
class _File:
    text: str


@st.composite
def _files(draw: st.DrawFn) -> _File:
    valid = draw(st.booleans()) or draw(st.booleans())
    rows = draw(st.lists(_valid_row() if valid else _any_row(), min_size=1, max_size=12))
    if valid:
        # Distinct lessons, no whole day beside other rows of the same pupil and day, and
        # (mostly) no day with records already.
        seen: dict[tuple[str, str], set[str]] = {}
        stored = set() if draw(st.integers(0, 4)) == 0 else _STORED
        kept = []
        for row in rows:
            day = (row["pupil_id"], str(_parsed(row["date"])))
            if day in stored:
                continue
            lessons = seen.setdefault(day, set())
            lesson = row["period"].rstrip(".")
            if lesson in lessons or (lessons and (lesson == "" or "" in lessons)):
                continue
            lessons.add(lesson)
            kept.append(row)
        rows = kept
    norwegian = draw(st.booleans())
    names = {
        "pupil_id": "elev_id",
        "date": "dato",
        "period": "time",
        "subject": "fag",
        "kind": "type",
        "minutes": "minutter",
        "reason": "årsak",
        "documented": "dokumentert",
        "comment": "kommentar",
    }
    columns = draw(st.permutations(list(names)))
    optional = {"subject", "comment", "documented"}
    if draw(st.booleans()):
        columns = [c for c in columns if c not in optional or draw(st.booleans())]
    if not valid or draw(st.booleans()):
        # Whatever the row needs, whatever the header lacks.
        columns = [c for c in columns if draw(st.integers(0, 9))]
    extra = draw(st.booleans())
    sep = draw(st.sampled_from([",", ";"]))
    header = [names[c] if norwegian else c for c in columns] + (["klasse"] if extra else [])
    lines = [sep.join(header)]
    for row in rows:
        cells = [draw(_cell(row[c])) for c in columns] + (["8A"] if extra else [])
        if cells and draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(1, len(cells)))]
        lines.append(sep.join(cells))
        if draw(st.integers(0, 14)) == 0:
            # A row of only separators: as many values as the header, all empty.
            lines.append(draw(st.sampled_from(["", "  ", sep * (len(header) - 1)])))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return _File(bom + end.join(lines) + end)


def _parsed(text: str) -> date | str:
    from sammen.attendance.importers.values import parse_date

    return parse_date(text.strip())


def test_any_file_is_imported_alike_by_both_paths_or_left_to_the_row_path(
    world: World, tmp_path: Path
) -> None:
    taken: list[bool] = []

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(_files())
    def check_file(file: _File) -> None:
        path = _write(tmp_path, file.text)
        taken.append(_same(path))

    check_file()
    # The strategy makes both kinds of file: the comparison means something.
    assert sum(taken) >= 5, taken
    assert len(taken) - sum(taken) >= 5, taken


# The pieces ----------------------------------------------------------------------------------


def test_the_audit_json_is_the_text_pupil_audit_writes(world: World, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"E-1001,{MONDAY},,,absent,,sick,yes,",
        'E-1001,2027-02-10,1,Matematikk,late,12,,no,a\\b "sitat"',
        "E-2001,2027-02-10,2,Kunst og håndverk,absent,,,,æøå",
        "E-1001,2027-02-11,6,,left_early,20,leave,ja,",
    )
    ctx = Context()
    accepted = check(read_csv_file(path), ctx).accepted
    ids = [uuid.uuid4() for _ in accepted]
    audit = PupilAudit(actor=Actor.system("test"), at=timezone.now(), detail="")
    for public_id, row in zip(ids, accepted, strict=True):
        audit.created(public_id, row.pupil, ctx.schools[row.pupil.school_id], created_values(row))
    expected = [(row[10], str(row[12])) for row in audit.rows()]  # pupil public id, changes

    records = pl.DataFrame(
        [
            (row.pupil.pk, str(public_id), *created_values(row))
            for public_id, row in zip(ids, accepted, strict=True)
        ],
        schema={
            "pupil_id": pl.Int64,
            "record": pl.String,
            "date": pl.Date,
            "period": pl.Int16,
            "subject": pl.String,
            "kind": pl.String,
            "minutes": pl.Int32,
            "reason": pl.String,
            "documented": pl.Boolean,
            "counts_on_diploma": pl.Boolean,
            "comment": pl.String,
            "reported_by": pl.String,
            "source": pl.String,
        },
        orient="row",
    )
    made = [
        (ctx.pupil_by_pk(pk).public_id, text) for pk, text in created_changes(records).iter_rows()
    ]

    assert made == expected
    assert json.loads(made[0][1])["created"]["fields"] == list(CREATED_FIELDS)


def test_the_characters_json_escapes_are_those_the_fast_audit_looks_for() -> None:
    # Through Polars' regex engine, which is the one fast_audit uses.
    chars = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]
    found = pl.Series(chars).str.contains(ESCAPED).to_list()
    for char, escaped in zip(chars, found, strict=True):
        plain = json.dumps(char, ensure_ascii=False) == f'"{char}"'
        assert plain != escaped, hex(ord(char))


def test_fast_ids_are_time_ordered_version_7_uuids() -> None:
    hexes, texts = uuid7(5000)
    ids = [uuid.UUID(text) for text in texts.to_list()]

    assert [i.hex for i in ids] == hexes.to_list()
    assert [str(i) for i in ids] == texts.to_list()
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert {(i.version, i.variant) for i in ids} == {(7, uuid.RFC_4122)}
    millis = ids[0].int >> 80
    assert abs(millis - timezone.now().timestamp() * 1000) < 60_000


def test_weeks_of_imports_match(world: World, tmp_path: Path) -> None:
    """Many days and weeks, several pupils and schools, every kind: the totals of whole weeks."""
    days = CalendarDay.objects.filter(
        school=world.setup.school,
        kind="school_day",
        date__range=(date(2027, 2, 1), date(2027, 3, 12)),
    ).values_list("date", flat=True)
    kinds = ["absent,,sick", "late,7,", "left_early,30,leave", "absent,,", "present_elsewhere,,"]
    rows: list[str] = []
    for n, day in enumerate(days):
        for pupil in ("E-1001", "E-1003", "E-2001"):
            if (pupil, day) in {("E-1001", date(2027, 2, 15)), ("E-2001", date(2027, 2, 11))}:
                continue  # an earlier import's day
            kind = kinds[(n + len(rows)) % len(kinds)]
            whole = kind.startswith("absent") and n % 3 == 0
            rows.append(f"{pupil},{day.isoformat()},{'' if whole else 1 + n % 4},,{kind},,")
            if not whole and n % 2:
                # Another lesson (not the last of Siri's four-lesson Friday).
                other = {0: 4, 1: 4, 2: 1, 3: 3}[n % 4]
                rows.append(f"{pupil},{day.isoformat()},{other},,absent,,,,")
    path = _csv(tmp_path, *rows)

    assert _same(path)
