"""The engine through the database: every rule at and around its thresholds (the table of
``tests/warning_cases.py``, read back from ``CalendarDay``, ``PupilDay``, ``Enrollment``,
``TimetableSlot`` and ``AttendanceRecord``), the real registration path, whom it evaluates,
the preview, and the two ways of reading (ADBC, and Django's connection inside a transaction).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from django.db import connection, transaction

from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.attendance.models import Kind, PupilDay, Reason
from sammen.attendance.services import Entry, register_day, register_lesson
from sammen.audit.log import Actor
from sammen.roster.models import GroupKind
from sammen.warning import engine, frames
from sammen.warning.days import prepare
from sammen.warning.models import WarningStandard
from sammen.warning.standard import Rule, Standard
from tests import factories as f
from tests.warning_cases import (
    AS_OF,
    CASES,
    DAYS,
    Case,
    add_calendar,
    case_inputs,
    load_case,
    make_school_with_calendar,
    on,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_at_and_around_its_threshold_through_the_database(case: Case) -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case, school)

    found = engine.evaluate([school.pk], AS_OF, {school.pk: case.standard()})

    mine = [x for x in found if x.rule == case.rule]
    if case.level is None:
        assert mine == []
    else:
        assert [(x.pupil_id, x.school_id, x.level) for x in mine] == [
            (pupil.pk, school.pk, case.level)
        ]
        assert {k: mine[0].evidence[k] for k in case.evidence} == dict(case.evidence)
    # Every rule, not only the case's: the database gives what the frames give.
    pure = engine.findings(prepare(case_inputs(case)), {1: case.standard()})
    assert [(x.rule, x.level, x.evidence) for x in found] == [
        (x.rule, x.level, x.evidence) for x in pure
    ]


def test_only_the_schools_asked_for_and_only_active_pupils_are_evaluated() -> None:
    case = next(c for c in CASES if c.id == "consecutive exactly 3 days")
    school_a, year = make_school_with_calendar()
    school_b = f.make_school(school_a.owner)
    add_calendar(school_b, year, DAYS)
    at_a = load_case(case, school_a)
    at_b = load_case(case, school_b)
    gone = load_case(case, school_a)
    gone.active = False
    gone.save()

    only_a = engine.assess([school_a.pk], AS_OF)
    everyone = engine.assess(None, AS_OF)

    assert {x.pupil_id for x in only_a.findings} == {at_a.pk}
    assert only_a.pupils == {at_a.pk}
    assert {x.pupil_id for x in everyone.findings} == {at_a.pk, at_b.pk}
    assert everyone.schools == {school_a.pk, school_b.pk}


def test_the_schools_stored_standard_is_used() -> None:
    case = next(c for c in CASES if c.id == "consecutive exactly 3 days")
    school, _ = make_school_with_calendar()
    load_case(case, school)
    assert Rule.CONSECUTIVE in {x.rule for x in engine.evaluate([school.pk], AS_OF)}

    WarningStandard.objects.create(school=school, rules={"consecutive": {"days": 4}})

    assert Rule.CONSECUTIVE not in {x.rule for x in engine.evaluate([school.pk], AS_OF)}


def test_only_the_current_school_year_counts() -> None:
    owner = f.make_owner()
    school = f.make_school(owner)
    last_year = f.make_school_year(owner, 2025)
    this_year = f.make_school_year(owner, 2026)
    old_days = [d - timedelta(days=364) for d in DAYS]  # the same weekdays a year before
    add_calendar(school, last_year, old_days)
    add_calendar(school, this_year, DAYS)
    pupil = f.make_pupil(school)
    PupilDay.objects.bulk_create(
        PupilDay(pupil=pupil, school=school, date=d, planned_lessons=6, absent_lessons=6)
        for d in old_days[-40:]
    )

    assert engine.evaluate([school.pk], AS_OF) == []
    found = engine.evaluate([school.pk], old_days[-1])
    assert Rule.RATE_YEAR in {x.rule for x in found}


def test_a_school_without_a_calendar_has_nobody_to_evaluate() -> None:
    owner = f.make_owner()
    f.make_school_year(owner)
    school = f.make_school(owner)
    f.make_pupil(school)

    found = engine.assess([school.pk], AS_OF)

    assert (found.findings, found.pupils) == ([], frozenset())


def test_the_preview_counts_pupils_in_all_and_by_rule() -> None:
    school, _ = make_school_with_calendar()
    three = next(c for c in CASES if c.id == "consecutive exactly 3 days")
    two = next(c for c in CASES if c.id == "unexplained exactly 2 days")
    both = replace(three, days=(*three.days, *two.days))
    load_case(three, school)
    load_case(both, school)
    f.make_pupil(school)

    preview = engine.preview(school, Standard(), AS_OF)

    assert preview.pupils == 2
    assert preview.by_rule[Rule.CONSECUTIVE] == 2
    assert preview.by_rule[Rule.UNEXPLAINED] == 1
    assert set(preview.by_rule) == set(Rule.ALL)
    only_runs: dict[str, dict[str, Any]] = {
        code: {"on": code == Rule.CONSECUTIVE} for code in Rule.ALL
    }
    assert engine.preview(school, Standard.from_json(only_runs), AS_OF).pupils == 2
    only_runs[Rule.CONSECUTIVE]["days"] = 4
    assert engine.preview(school, Standard.from_json(only_runs), AS_OF).pupils == 0


# -- the real path: registrations keep PupilDay current, the engine reads it ---------------------


def test_registered_absence_lateness_and_school_activities_through_the_services() -> None:
    owner = f.make_owner()
    school = f.make_school(owner)
    year = f.make_school_year(owner, 2026)
    actor = Actor.system("test")
    ensure_default_calendar(actor=actor, school=school, school_year=year, lessons_per_day=6)
    group = f.make_group(school, "8A", kind=GroupKind.CLASS)
    away = f.make_pupil(school, group)
    elsewhere = f.make_pupil(school, group)
    late = f.make_pupil(school, group)
    # Monday 16 to Wednesday 18 November 2026.
    for day in (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)):
        register_day(
            actor=actor,
            school=school,
            day=day,
            entries=[
                Entry(away, Kind.ABSENT, reason=Reason.UNEXPLAINED),
                Entry(elsewhere, Kind.PRESENT_ELSEWHERE, reason=Reason.SCHOOL_ACTIVITY),
            ],
        )
    for day in (date(2026, 11, 9) + timedelta(days=i) for i in range(5)):
        register_lesson(
            actor=actor,
            group=group,
            day=day,
            period=1,
            entries=[Entry(late, Kind.LATE, minutes=10)],
        )

    found = engine.evaluate([school.pk], date(2026, 11, 18))

    by_pupil: dict[int, set[str]] = {}
    for x in found:
        by_pupil.setdefault(x.pupil_id, set()).add(x.rule)
    # Three unexplained days of the last ten: 30 %, all of it in the last four weeks.
    assert by_pupil[away.pk] == {
        Rule.CONSECUTIVE,
        Rule.UNEXPLAINED,
        Rule.RATE_RECENT,
        Rule.RISING,
    }
    assert elsewhere.pk not in by_pupil  # present elsewhere is not absence
    assert by_pupil[late.pk] == {Rule.LATE}  # lateness is not absence
    consecutive = next(x for x in found if x.rule == Rule.CONSECUTIVE)
    assert consecutive.evidence == {"days": 3, "first": "2026-11-16", "last": "2026-11-18"}


# -- reading: ADBC and the fallback ---------------------------------------------------------------


def test_inside_a_transaction_the_rows_are_read_through_djangos_connection() -> None:
    school, _ = make_school_with_calendar()
    case = next(c for c in CASES if c.id == "subject exactly 25 %")
    load_case(case, school)
    reader = frames._Reader(connection)

    assert connection.in_atomic_block
    assert reader._adbc_uri() is None
    loaded = frames.load([school.pk], AS_OF, lessons_since=AS_OF - timedelta(weeks=6))
    assert loaded.calendar.height == len(DAYS)
    assert loaded.slots.height == len(case.slots)
    assert sorted(loaded.lessons.get_column("day").to_list()) == sorted(
        on(b) for b, _ in case.missed
    )


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_adbc_reads_the_same_frames() -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # The test database is in memory, where no second connection can reach it; the
        # benchmark's test (tests/test_bench_early_warning.py) reads a SQLite file through ADBC.
        assert frames._Reader(connection)._adbc_uri() is None
        return
    school, _ = make_school_with_calendar()
    for case in CASES[:12]:
        load_case(case, school)
    case = next(c for c in CASES if c.id == "subject exactly 25 %")
    load_case(case, school)
    since = AS_OF - timedelta(weeks=6)

    assert frames._Reader(connection)._adbc_uri() is not None
    through_adbc = frames.load([school.pk], AS_OF, lessons_since=since)
    with transaction.atomic():
        through_django = frames.load([school.pk], AS_OF, lessons_since=since)

    for name in ("calendar", "pupils", "days", "slots", "lessons"):
        a: pl.DataFrame = getattr(through_adbc, name)
        b: pl.DataFrame = getattr(through_django, name)
        assert a.schema == b.schema, name
        assert a.sort(a.columns).equals(b.sort(b.columns)), name
    assert through_adbc.days.height > 0
