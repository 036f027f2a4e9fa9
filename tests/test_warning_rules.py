"""The early-warning rules as pure functions: tables in, findings out (no database).

Every rule at, just under and just past each of its thresholds (``tests/warning_cases.py``),
then what the rules share: holidays and days before enrolment never count, every pupil is
judged in the same pass, the tiers' boundaries, and the sentences made from the evidence.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from django.utils import translation

from sammen.warning import explain, rules
from sammen.warning.days import DAY_SCHEMA, Inputs, prepare
from sammen.warning.engine import Finding, findings
from sammen.warning.standard import Consecutive, Rule, Standard, tier
from tests.warning_cases import (
    AS_OF,
    CASES,
    DAYS,
    LESSONS,
    Case,
    Day,
    away,
    case_inputs,
    days,
    on,
    school_days,
)


def run(case: Case, inputs: Inputs | None = None) -> list[dict[str, Any]]:
    year = prepare(inputs or case_inputs(case))
    found: list[dict[str, Any]] = rules.RULES[case.rule](
        year, getattr(case.standard(), case.rule)
    ).to_dicts()
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_at_and_around_its_threshold(case: Case) -> None:
    found = run(case)
    if case.level is None:
        assert found == []
        return
    assert len(found) == 1, found
    assert found[0]["pupil_id"] == 1
    assert found[0]["level"] == case.level
    evidence = found[0]["evidence"]
    assert {k: evidence[k] for k in case.evidence} == dict(case.evidence)


def test_every_rule_has_a_case_that_holds_and_one_that_does_not() -> None:
    for code in Rule.ALL:
        levels = {c.level is None for c in CASES if c.rule == code}
        assert levels == {True, False}, code


def test_every_rule_gives_the_documented_evidence_keys() -> None:
    keys = {
        Rule.RATE_YEAR: {"percent", "absent_lessons", "planned_lessons", "school_days"},
        Rule.RATE_RECENT: {"percent", "absent_lessons", "planned_lessons", "days"},
        Rule.DAYS_IN_15_WEEKS: {"absence_days", "weeks"},
        Rule.CONSECUTIVE: {"days", "first", "last"},
        Rule.WEEKDAY: {"weekday", "absent", "of", "percent", "other_percent"},
        Rule.LATE: {"times", "late", "first_lesson_absent", "days", "weeks"},
        Rule.SUBJECT: {"subject", "percent", "other_percent", "weeks"},
        Rule.SICK_EPISODES: {"episodes", "days", "weeks"},
        Rule.RISING: {"percent", "before_percent", "recent_weeks", "before_weeks"},
        Rule.UNEXPLAINED: {"days", "window"},
    }
    for code in Rule.ALL:
        case = next(c for c in CASES if c.rule == code and c.level is not None)
        assert set(run(case)[0]["evidence"]) == keys[code], code


def _inputs_with_calendar(calendar_days: list[date], rows: list[Day], as_of: date) -> Inputs:
    """One pupil, rows placed by date rather than by ``back``."""
    base = case_inputs(Case("x", Rule.CONSECUTIVE, (), None))
    dates = [calendar_days[len(calendar_days) - 1 - d.back] for d in rows]
    return Inputs(
        as_of,
        pl.DataFrame(
            {
                "school_id": [1] * len(calendar_days),
                "day": calendar_days,
                "lessons": [LESSONS] * len(calendar_days),
            }
        ),
        base.pupils,
        pl.DataFrame(
            [
                (1, day, d.absent, d.unexplained, d.sick, d.late, d.first_absent)
                for day, d in zip(dates, rows, strict=True)
            ],
            schema=DAY_SCHEMA,
            orient="row",
        ),
        base.slots,
        base.lessons,
    )


def test_a_holiday_between_absence_days_does_not_break_a_run_and_never_counts() -> None:
    # The week of 23 November is a holiday: Friday 20th and Monday 30th are consecutive.
    holiday = [date(2026, 11, 23) + timedelta(days=i) for i in range(5)]
    calendar = school_days(first=DAYS[0], n=75, skip=holiday)
    assert calendar[-1] == AS_OF
    rows = days(away(5, 4))  # Friday 20 November and Monday 30 November
    # Marks on holidays (a mistake somewhere) are ignored.
    extra = pl.DataFrame(
        [(1, day, LESSONS, 0, 0, 0, False) for day in holiday[:3]],
        schema=DAY_SCHEMA,
        orient="row",
    )
    inputs = _inputs_with_calendar(calendar, list(rows), AS_OF)
    inputs = Inputs(
        inputs.as_of,
        inputs.calendar,
        inputs.pupils,
        pl.concat([inputs.days, extra]),
        inputs.slots,
        inputs.lessons,
    )
    year = prepare(inputs)
    assert year.days.height == 2
    consecutive = rules.consecutive(year, Consecutive(days=2)).to_dicts()
    assert consecutive[0]["evidence"] == {"days": 2, "first": "2026-11-20", "last": "2026-11-30"}
    assert rules.consecutive(year, Standard().consecutive).is_empty()


def test_days_after_enrolment_ended_never_count() -> None:
    base = case_inputs(Case("x", Rule.RATE_YEAR, days(away(0, 1, 2)), None))
    left = on(5)
    inputs = Inputs(
        base.as_of,
        base.calendar,
        base.pupils.with_columns(enrolled_to=pl.lit(left)),
        base.days,
        base.slots,
        base.lessons,
    )
    year = prepare(inputs)
    assert year.pupils.row(0, named=True)["n"] == len(DAYS) - 5
    assert year.days.is_empty()


def test_a_pupil_enrolled_after_the_last_school_day_so_far_is_not_evaluated() -> None:
    base = case_inputs(Case("x", Rule.RATE_YEAR, (), None))
    inputs = Inputs(
        base.as_of,
        base.calendar,
        base.pupils.with_columns(enrolled_from=pl.lit(AS_OF + timedelta(days=3))),
        base.days,
        base.slots,
        base.lessons,
    )
    assert prepare(inputs).pupils.is_empty()


def test_every_pupil_is_judged_in_one_pass_each_by_their_own_rows() -> None:
    # Every case's pupil at once, each with its own id: the same answers as one by one.
    holding = [c for c in CASES if not c.settings]
    parts = [case_inputs(c, pupil_id=i + 1) for i, c in enumerate(holding)]
    inputs = Inputs(
        AS_OF,
        parts[0].calendar,
        pl.concat([p.pupils for p in parts]),
        pl.concat([p.days for p in parts]),
        pl.concat([p.slots for p in parts]),
        pl.concat([p.lessons for p in parts]),
    )
    found = findings(prepare(inputs), {})
    for i, case in enumerate(holding):
        mine = [f for f in found if f.pupil_id == i + 1 and f.rule == case.rule]
        if case.level is None:
            assert mine == [], case.id
        else:
            assert [f.level for f in mine] == [case.level], case.id


def test_findings_follow_each_schools_own_standard() -> None:
    case = next(c for c in CASES if c.id == "rate_year exactly 10 %")
    one = case_inputs(case, pupil_id=1)
    two = case_inputs(case, pupil_id=2)
    inputs = Inputs(
        AS_OF,
        pl.concat([one.calendar, one.calendar.with_columns(school_id=pl.lit(2, pl.Int64))]),
        pl.concat([one.pupils, two.pupils.with_columns(school_id=pl.lit(2, pl.Int64))]),
        pl.concat([one.days, two.days]),
        pl.concat([one.slots, two.slots]),
        pl.concat([one.lessons, two.lessons]),
    )
    strict = Standard.from_json({"rate_year": {"percent": 11.0}})
    off = Standard.from_json({"rate_year": {"on": False}})
    found = findings(prepare(inputs), {2: strict})
    assert [(f.pupil_id, f.school_id, f.rule) for f in found if f.rule == Rule.RATE_YEAR] == [
        (1, 1, Rule.RATE_YEAR)
    ]
    found = findings(prepare(inputs), {1: off})
    assert [f.pupil_id for f in found if f.rule == Rule.RATE_YEAR] == [2]
    assert all(isinstance(f, Finding) for f in found)


def test_no_pupils_no_findings() -> None:
    case = next(c for c in CASES if c.level is not None)
    base = case_inputs(case)
    empty = Inputs(
        AS_OF,
        base.calendar,
        base.pupils.clear(),
        base.days.clear(),
        base.slots.clear(),
        base.lessons.clear(),
    )
    assert findings(prepare(empty), {}) == []
    for code, rule in rules.RULES.items():
        assert rule(prepare(empty), getattr(Standard(), code)).is_empty()


@pytest.mark.parametrize(
    ("percent", "name"),
    [
        (0.0, "satisfactory"),
        (4.99, "satisfactory"),
        (5.0, "at_risk"),
        (9.99, "at_risk"),
        (10.0, "chronic"),
        (19.99, "chronic"),
        (20.0, "severe"),
        (100.0, "severe"),
    ],
)
def test_tier_boundaries_belong_to_the_higher_tier(percent: float, name: str) -> None:
    assert tier(percent) == name


# -- the sentences -----------------------------------------------------------------------------

EVIDENCE: dict[str, dict[str, Any]] = {
    Rule.RATE_YEAR: {
        "percent": 12.3,
        "absent_lessons": 57,
        "planned_lessons": 463,
        "school_days": 80,
    },
    Rule.RATE_RECENT: {"percent": 30.0, "absent_lessons": 18, "planned_lessons": 60, "days": 10},
    Rule.DAYS_IN_15_WEEKS: {"absence_days": 11, "weeks": 15},
    Rule.CONSECUTIVE: {"days": 4, "first": "2026-11-16", "last": "2026-11-19"},
    Rule.WEEKDAY: {"weekday": 0, "absent": 4, "of": 6, "percent": 60.0, "other_percent": 5.0},
    Rule.LATE: {"times": 6, "late": 5, "first_lesson_absent": 1, "days": 20, "weeks": 4},
    Rule.SUBJECT: {"subject": "Kroppsøving", "percent": 40.0, "other_percent": 3.0, "weeks": 6},
    Rule.SICK_EPISODES: {"episodes": 3, "days": 30, "weeks": 6},
    Rule.RISING: {"percent": 14.0, "before_percent": 6.0, "recent_weeks": 4, "before_weeks": 8},
    Rule.UNEXPLAINED: {"days": 2, "window": 20},
}

ENGLISH = {
    Rule.RATE_YEAR: "Absence 12.3 % of the school year so far (57 of 463 lessons)",
    Rule.RATE_RECENT: "Absence 30 % over the last 10 school days",
    Rule.DAYS_IN_15_WEEKS: "11 absence days in the last 15 weeks",
    Rule.CONSECUTIVE: "Absent 4 school days in a row, 16.11.2026–19.11.2026",
    Rule.WEEKDAY: "Absent 4 of the last 6 Mondays",
    Rule.LATE: "Late or absent from the first lesson 6 times in the last 4 weeks",
    Rule.SUBJECT: "Absence in Kroppsøving 40 % against 3 % in other lessons",
    Rule.SICK_EPISODES: "3 short sick periods in 6 weeks",
    Rule.RISING: "Absence has doubled in the last 4 weeks (14 % against 6 %)",
    Rule.UNEXPLAINED: "2 days with unexplained absence in the last 20 school days",
}


@pytest.mark.parametrize("rule", Rule.ALL)
def test_the_sentence_is_made_from_the_evidence(rule: str) -> None:
    with translation.override("en"):
        assert explain.sentence(rule, EVIDENCE[rule]) == ENGLISH[rule]
        assert explain.rule_name(rule) and explain.rule_name(rule) != rule


def test_sentences_follow_the_evidence_not_a_template() -> None:
    with translation.override("en"):
        assert explain.sentence(Rule.WEEKDAY, {"weekday": 4, "absent": 3, "of": 5}) == (
            "Absent 3 of the last 5 Fridays"
        )
        assert explain.sentence(
            Rule.LATE, {"times": 5, "late": 5, "first_lesson_absent": 0, "weeks": 4}
        ) == ("Late 5 times in the last 4 weeks")
        assert explain.sentence(
            Rule.LATE, {"times": 1, "late": 0, "first_lesson_absent": 1, "weeks": 1}
        ) == ("Absent from the first lesson 1 time in the last 1 weeks")
        assert explain.sentence(
            Rule.RISING,
            {"percent": 12.0, "before_percent": 0.0, "recent_weeks": 4, "before_weeks": 8},
        ) == ("Absence has risen to 12 % in the last 4 weeks, from 0 % in the 8 weeks before")
        assert explain.sentence(
            Rule.RISING,
            {"percent": 18.0, "before_percent": 6.0, "recent_weeks": 4, "before_weeks": 8},
        ) == ("Absence has tripled in the last 4 weeks (18 % against 6 %)")
        assert explain.sentence("no_such_rule", {}) == "no_such_rule"


def test_numbers_take_the_norwegian_decimal_comma_and_subjects_lower_case_in_bokmal() -> None:
    with translation.override("nb"):
        text = explain.sentence(Rule.RATE_YEAR, EVIDENCE[Rule.RATE_YEAR])
        assert "12,3 %" in text
        assert "kroppsøving" in explain.sentence(Rule.SUBJECT, EVIDENCE[Rule.SUBJECT])
        assert "KRLE" in explain.sentence(
            Rule.SUBJECT, {**EVIDENCE[Rule.SUBJECT], "subject": "KRLE"}
        )
    with translation.override("en"):
        assert "12.3 %" in explain.sentence(Rule.RATE_YEAR, EVIDENCE[Rule.RATE_YEAR])
