"""``sammen early_warning``: raising, keeping and closing flags (idempotent, audited), the
answer deadline in school days, ``--json``, ``--school``, ``--as-of``, bad input, and the
incremental run after an import giving the flags a full run gives."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from sammen.attendance import access as attendance_access
from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.attendance.models import PupilDay
from sammen.audit import actions
from sammen.audit.log import Actor, Event
from sammen.audit.models import AuditEvent, AuditKind
from sammen.roster.models import Pupil, School
from sammen.warning import engine, services
from sammen.warning.models import Flag, WarningStandard
from sammen.warning.services import ACTOR, refresh_flags
from sammen.warning.standard import Rule
from tests import factories as f
from tests.warning_cases import (
    AS_OF,
    CASES,
    DAYS,
    LESSONS,
    Case,
    add_calendar,
    load_case,
    make_school_with_calendar,
    on,
)

pytestmark = pytest.mark.django_db


def case(name: str) -> Case:
    return next(c for c in CASES if c.id == name)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("early_warning", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run("--json", *args))
    return result


def open_flags() -> list[tuple[int, str, int]]:
    return sorted(
        Flag.objects.filter(closed_on__isnull=True).values_list("pupil_id", "rule", "level")
    )


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_a_second_run_keeps_the_flags_and_raises_nothing() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("consecutive exactly 3 days"), school)

    first = refresh_flags(None, AS_OF)
    flags = open_flags()
    raised = events(actions.FLAG_RAISED)
    second = refresh_flags(None, AS_OF)

    assert first.raised == len(flags) > 0
    assert {rule for _, rule, _ in flags} >= {Rule.CONSECUTIVE}
    assert {p for p, _, _ in flags} == {pupil.pk}
    assert (second.raised, second.kept, second.closed) == (0, len(flags), 0)
    assert open_flags() == flags
    assert Flag.objects.count() == len(flags)
    assert events(actions.FLAG_RAISED) == raised == len(flags)
    assert events(actions.FLAG_CLOSED) == 0
    # One summary event per school and run, each saying what it did.
    details = list(
        AuditEvent.objects.filter(action=actions.FLAGS_REFRESHED)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        f"full as of {AS_OF.isoformat()}: {len(flags)} raised",
        f"full as of {AS_OF.isoformat()}: no change",
    ]


def test_a_flag_that_no_longer_holds_is_closed_with_the_day() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("consecutive exactly 3 days"), school)
    refresh_flags(None, on(1))  # two days away so far: rate_recent and rising, no run yet
    assert Rule.CONSECUTIVE not in {r for _, r, _ in open_flags()}
    refresh_flags(None, AS_OF)
    assert Rule.CONSECUTIVE in {r for _, r, _ in open_flags()}

    PupilDay.objects.filter(pupil=pupil, date=on(1)).delete()  # corrected: at school that day
    summary = refresh_flags(None, AS_OF)

    flag = Flag.objects.get(pupil=pupil, rule=Rule.CONSECUTIVE)
    assert flag.closed_on == AS_OF
    assert summary.closed >= 1
    event = AuditEvent.objects.get(action=actions.FLAG_CLOSED, object_id=str(flag.public_id))
    assert event.changes == {"closed_on": {"old": None, "new": AS_OF.isoformat()}}
    assert event.pupil_id == pupil.public_id
    assert event.school_id == school.public_id
    # If it holds again later, it is a new flag; the closed one stays as it was.
    PupilDay.objects.create(
        pupil=pupil, school=school, date=on(1), planned_lessons=6, absent_lessons=6
    )
    refresh_flags(None, AS_OF)
    assert Flag.objects.filter(pupil=pupil, rule=Rule.CONSECUTIVE).count() == 2


def test_a_flag_that_still_holds_gets_its_new_level_and_evidence() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("rate_year exactly 10 %"), school)
    refresh_flags(None, AS_OF)
    flag = Flag.objects.get(pupil=pupil, rule=Rule.RATE_YEAR)
    assert (flag.level, flag.evidence["percent"]) == (2, 10.0)

    PupilDay.objects.bulk_create(
        PupilDay(pupil=pupil, school=school, date=on(b), planned_lessons=6, absent_lessons=6)
        for b in range(8, 16)
    )
    summary = refresh_flags(None, AS_OF)

    flag.refresh_from_db()
    assert (flag.level, flag.evidence["percent"], flag.closed_on) == (3, 20.0, None)
    assert summary.level_changed == 1
    event = AuditEvent.objects.get(action=actions.FLAG_LEVEL_CHANGED)
    assert event.changes == {"level": {"old": 2, "new": 3}}


def test_the_answer_is_due_that_many_school_days_later_in_the_schools_calendar() -> None:
    owner = f.make_owner()
    school = f.make_school(owner)
    year = f.make_school_year(owner)
    # A holiday on Monday 7 December: three school days after Friday the 4th is Thursday the 10th.
    add_calendar(
        school,
        year,
        [*DAYS, date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 11)],
        [date(2026, 12, 7)],
    )
    load_case(case("consecutive exactly 3 days"), school)

    refresh_flags(None, AS_OF)

    assert set(Flag.objects.values_list("opened_on", "seen_on", "due_on")) == {
        (AS_OF, AS_OF, date(2026, 12, 10))
    }
    WarningStandard.objects.create(school=school, rules={"answer_within_days": 5})
    Flag.objects.all().delete()
    refresh_flags(None, AS_OF)
    # Two school days in the calendar after the 11th are not there: weekdays from then on.
    assert set(Flag.objects.values_list("due_on", flat=True)) == {date(2026, 12, 14)}


def test_a_pupil_who_left_loses_the_flags() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("consecutive exactly 3 days"), school)
    refresh_flags(None, AS_OF)
    Pupil.objects.filter(pk=pupil.pk).update(active=False)

    refresh_flags([school.pk], AS_OF)

    assert open_flags() == []


# -- the command -----------------------------------------------------------------------------


def test_json_lists_the_open_flags_with_their_explanation_and_evidence() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("consecutive exactly 3 days"), school)
    Pupil.objects.filter(pk=pupil.pk).update(source_id="E-77")
    f.make_pupil(school)

    out = run_json("--as-of", AS_OF.isoformat())

    assert set(out) == {"as_of", "pupils", "flags"}
    assert (out["as_of"], out["pupils"]) == (AS_OF.isoformat(), 2)
    assert {tuple(sorted(row)) for row in out["flags"]} == {
        ("evidence", "explanation", "level", "pupil", "rule", "school")
    }
    row = next(r for r in out["flags"] if r["rule"] == Rule.CONSECUTIVE)
    assert row == {
        "pupil": "E-77",
        "school": school.name,
        "rule": "consecutive",
        "level": 2,
        # The default language is Bokmål; the English msgid is shown until it is translated.
        "explanation": row["explanation"],
        "evidence": {"days": 3, "first": on(2).isoformat(), "last": AS_OF.isoformat()},
    }
    assert "3" in row["explanation"] and "04.12.2026" in row["explanation"]
    # Run again: the same flags.
    assert run_json("--as-of", AS_OF.isoformat())["flags"] == out["flags"]


def test_the_text_output_says_what_the_run_did() -> None:
    school, _ = make_school_with_calendar()
    load_case(case("consecutive exactly 3 days"), school)

    text = run("--as-of", AS_OF.isoformat())

    assert text.startswith(f"Early warning as of {AS_OF.isoformat()}: 1 pupils evaluated, ")
    assert "0 closed" in text


def test_school_limits_the_run_and_the_listing_to_one_school() -> None:
    school_a, year = make_school_with_calendar()
    school_b = f.make_school(school_a.owner, "Sørby skole", org_number="987654321")
    add_calendar(school_b, year, DAYS)
    load_case(case("consecutive exactly 3 days"), school_a)
    at_b = load_case(case("consecutive exactly 3 days"), school_b)

    out = run_json("--school", "987654321", "--as-of", AS_OF.isoformat())

    assert {r["school"] for r in out["flags"]} == {"Sørby skole"}
    assert {p for p, _, _ in open_flags()} == {at_b.pk}  # school A was not run
    assert run_json("--school", str(school_b.public_id), "--as-of", AS_OF.isoformat())["flags"]
    assert out["pupils"] == 1


def test_as_of_evaluates_that_day() -> None:
    school, _ = make_school_with_calendar()
    load_case(case("consecutive exactly 3 days"), school)

    before = run_json("--as-of", on(1).isoformat())
    after = run_json("--as-of", AS_OF.isoformat())

    assert Rule.CONSECUTIVE not in {r["rule"] for r in before["flags"]}
    assert Rule.CONSECUTIVE in {r["rule"] for r in after["flags"]}
    flag = Flag.objects.get(rule=Rule.CONSECUTIVE)
    assert flag.opened_on == AS_OF


def test_without_as_of_the_day_is_today() -> None:
    out = run_json()
    assert out == {"as_of": timezone.localdate().isoformat(), "pupils": 0, "flags": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "--as-of: expected YYYY-MM-DD, got '2026-13-01'"),
        (["--as-of", "tomorrow"], "--as-of: expected YYYY-MM-DD, got 'tomorrow'"),
        (["--school", "Ingen skole"], "--school: no school is named 'Ingen skole'"),
        (["--school", "Skole"], "--school: 'Skole' names several schools; give its id"),
    ],
)
def test_bad_input_is_an_error_that_says_what_is_wrong(args: list[str], message: str) -> None:
    owner = f.make_owner()
    f.make_school(owner, "Skole")
    f.make_school(owner, "Skole")

    with pytest.raises(CommandError) as error:
        run(*args)

    assert str(error.value) == message
    assert Flag.objects.count() == 0


# -- the incremental run ------------------------------------------------------------------------


def _many_pupils(school: School) -> list[Pupil]:
    """Every threshold case's pupil in one school, under its default standard."""
    return [load_case(c, school) for c in CASES if not c.settings]


def _flags_of_a_full_evaluation(school: School) -> list[tuple[Any, ...]]:
    return sorted(
        (x.pupil_id, x.rule, x.level, json.dumps(x.evidence, sort_keys=True))
        for x in engine.evaluate([school.pk], AS_OF)
    )


def _open_flags_in_full() -> list[tuple[Any, ...]]:
    return sorted(
        (p, r, lv, json.dumps(e, sort_keys=True))
        for p, r, lv, e in Flag.objects.filter(closed_on__isnull=True).values_list(
            "pupil_id", "rule", "level", "evidence"
        )
    )


def test_an_incremental_run_gives_the_flags_a_full_run_gives() -> None:
    _incremental_equals_full()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the second connection and ADBC need PostgreSQL (or a SQLite file); the in-memory test "
    "database is reached through Django's connection only, which the test above covers",
)
def test_outside_a_transaction_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Committed data, as a command or the scheduler sees it: on PostgreSQL the engine then reads
    through ADBC (day totals aggregated per pupil) and the open flags are read meanwhile on a
    second connection; the result must be the same."""
    read_ahead = _spy_on_reading_ahead(monkeypatch)
    _incremental_equals_full()
    assert read_ahead == [True]


def _spy_on_reading_ahead(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each incremental part had its flags read on the second connection."""
    read_ahead: list[bool] = []
    real = services._meanwhile

    @contextmanager
    def spy(pupils: set[int], **options: bool) -> Iterator[Any]:
        with real(pupils, **options) as reading:
            yield reading
        read_ahead.append(reading.result is not None)

    monkeypatch.setattr(services, "_meanwhile", spy)
    return read_ahead


def test_a_pupil_who_moved_keeps_her_flags_at_the_new_school() -> None:
    _moved_pupil_in_a_mixed_run()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the second connection needs PostgreSQL; the test above covers the same run through "
    "Django's connection",
)
def test_a_pupil_who_moved_keeps_her_flags_outside_a_transaction_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_ahead = _spy_on_reading_ahead(monkeypatch)
    _moved_pupil_in_a_mixed_run()
    # The old school's full run writes first, so the new school's part must not read ahead.
    assert read_ahead == [False]


def _moved_pupil_in_a_mixed_run() -> None:
    """One run with both kinds of school: the pupil's old school had no full run today (it runs
    in full), her new school had one (it runs for her alone). The old school's run closes the flag
    held there; her new school raises it again, as a full run would."""
    old_school, _ = make_school_with_calendar()
    new_school, _ = make_school_with_calendar()
    moving = load_case(case("rate_year exactly 20 %"), old_school)
    staying = load_case(case("consecutive exactly 3 days"), old_school)
    refresh_flags([old_school.pk], on(1))  # the old school: yesterday's full run
    refresh_flags([new_school.pk], AS_OF)  # the new school: today's
    assert Flag.objects.filter(pupil=moving, school=old_school, closed_on__isnull=True).exists()
    Pupil.objects.filter(pk=moving.pk).update(school=new_school)

    summary = refresh_flags(None, AS_OF, pupil_ids=[moving.pk, staying.pk])

    assert summary.full_schools == [old_school.pk]
    assert summary.incremental_pupils == 1
    held = Flag.objects.filter(pupil=moving, closed_on__isnull=True)
    assert set(held.values_list("school_id", flat=True)) == {new_school.pk}
    assert _open_flags_in_full() == sorted(
        (x.pupil_id, x.rule, x.level, json.dumps(x.evidence, sort_keys=True))
        for x in engine.evaluate(None, AS_OF)
    )


def _incremental_equals_full() -> None:
    school, _ = make_school_with_calendar()
    pupils = _many_pupils(school)
    refresh_flags(None, AS_OF)
    assert _open_flags_in_full() == _flags_of_a_full_evaluation(school)
    # Later the same day, some pupils' days change (a correction, a new day's registrations).
    changed = pupils[::5]
    for i, pupil in enumerate(changed):
        if i % 2:
            PupilDay.objects.filter(pupil=pupil).delete()
        else:
            PupilDay.objects.update_or_create(
                pupil=pupil,
                date=on(i % 4),
                defaults={
                    "school": school,
                    "planned_lessons": LESSONS,
                    "absent_lessons": LESSONS,
                    "unexplained_lessons": LESSONS,
                },
            )

    summary = refresh_flags(None, AS_OF, pupil_ids=[p.pk for p in changed])

    assert summary.full_schools == []
    assert summary.incremental_pupils == len(changed)
    assert summary.raised + summary.closed > 0
    assert _open_flags_in_full() == _flags_of_a_full_evaluation(school)
    assert (
        AuditEvent.objects.filter(
            action=actions.FLAGS_REFRESHED,
            detail__startswith=f"incremental as of {AS_OF.isoformat()}",
        ).count()
        == 1
    )


def test_without_a_full_run_that_day_the_incremental_run_runs_the_school_in_full() -> None:
    school, _ = make_school_with_calendar()
    pupils = _many_pupils(school)
    refresh_flags(None, on(1))  # yesterday's full run

    summary = refresh_flags(None, AS_OF, pupil_ids=[pupils[0].pk])

    assert summary.full_schools == [school.pk]
    assert summary.incremental_pupils == 0
    assert _open_flags_in_full() == _flags_of_a_full_evaluation(school)


def test_an_import_re_evaluates_the_pupils_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The import's run is as of the school's today (the one clock, attendance.access.today),
    # pinned here to a Wednesday in the school year that is not the real day, so the test fails
    # if the run reads another clock.
    today = date(2027, 2, 10)
    monkeypatch.setattr(attendance_access, "today", lambda: today)
    owner = f.make_owner()
    school = f.make_school(owner)
    year = f.make_school_year(owner, 2026)
    ensure_default_calendar(
        actor=Actor.system("test"), school=school, school_year=year, lessons_per_day=6
    )
    ola = f.make_pupil(school, source_id="E-1")
    kari = f.make_pupil(school, source_id="E-2")
    school_days = sorted(
        school.calendar_days.filter(kind="school_day", date__lte=today).values_list(
            "date", flat=True
        )
    )
    refresh_flags(None, today)  # the night's full run: nobody flagged
    assert open_flags() == []
    rows = "".join(f"E-1,{d.isoformat()},,,absent,,unexplained,no,\n" for d in school_days[-3:])
    path = tmp_path / "a.csv"
    path.write_text("pupil_id,date,period,subject,kind,minutes,reason,documented,comment\n" + rows)

    call_command("import_attendance", str(path), stdout=io.StringIO())

    assert {(p, r) for p, r, _ in open_flags()} >= {
        (ola.pk, Rule.CONSECUTIVE),
        (ola.pk, Rule.UNEXPLAINED),
    }
    assert kari.pk not in {p for p, _, _ in open_flags()}
    event = AuditEvent.objects.get(
        action=actions.FLAGS_REFRESHED, detail__startswith=f"incremental as of {today.isoformat()}"
    )
    assert event.request_id.startswith("import:")
    assert _open_flags_in_full() == sorted(
        (x.pupil_id, x.rule, x.level, json.dumps(x.evidence, sort_keys=True))
        for x in engine.evaluate([school.pk], today)
    )
    # A dry run changes nothing and runs nothing.
    before = AuditEvent.objects.filter(action=actions.FLAGS_REFRESHED).count()
    call_command("import_attendance", str(path), "--dry-run", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action=actions.FLAGS_REFRESHED).count() == before


def test_the_nightly_job_is_scheduled() -> None:
    from sammen.web.scheduler import JOBS, Job

    assert Job("early_warning", 24 * 60 * 60, "early_warning") in JOBS


def test_closing_on_a_day_before_the_flag_was_raised_closes_it_the_day_it_opened() -> None:
    school, _ = make_school_with_calendar()
    load_case(
        replace(case("consecutive exactly 3 days"), days=case("consecutive exactly 3 days").days),
        school,
    )
    refresh_flags(None, AS_OF)

    refresh_flags(None, on(5))

    closed = Flag.objects.get(rule=Rule.CONSECUTIVE)
    assert closed.closed_on == closed.opened_on == AS_OF
    assert timedelta(0) <= closed.closed_on - closed.opened_on


def test_the_audit_rows_are_those_event_to_row_would_write() -> None:
    school, _ = make_school_with_calendar()
    pupil = load_case(case("rate_year exactly 10 %"), school)
    refresh_flags(None, AS_OF)
    flag = Flag.objects.select_related("pupil", "school").get(pupil=pupil, rule=Rule.RATE_YEAR)
    stored = AuditEvent.objects.get(action=actions.FLAG_RAISED, object_id=str(flag.public_id))

    expected = Event(
        AuditKind.CHANGE,
        actions.FLAG_RAISED,
        ACTOR,
        obj=flag,
        school=school,
        pupil=pupil,
        changes=stored.changes,
        detail=flag.rule,
    ).to_row()

    fields = [f.name for f in AuditEvent._meta.fields if f.name not in ("id", "at")]
    assert {n: getattr(stored, n) for n in fields} == {n: getattr(expected, n) for n in fields}
    assert stored.changes == {
        "rule": {"old": None, "new": "rate_year"},
        "level": {"old": None, "new": 2},
        "evidence": {"old": None, "new": flag.evidence},
        "opened_on": {"old": None, "new": AS_OF.isoformat()},
        "due_on": {"old": None, "new": flag.due_on.isoformat()},
    }
