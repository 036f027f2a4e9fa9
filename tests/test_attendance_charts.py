"""The pupil page's figures and charts as pure functions: a table in, figures and SVG out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation

from sammen.attendance import charts
from sammen.attendance.models import DayKind, Kind, Reason
from sammen.attendance.summary import (
    COUNTED,
    CalendarEntry,
    Category,
    DayStatus,
    Registered,
    StoredWeek,
    WeekRow,
    by_lesson,
    by_weekday,
    day_statuses,
    monthly,
    totals,
    weekly,
)

SVG = "{http://www.w3.org/2000/svg}"
NOV = date(2026, 11, 2)  # a Monday
TODAY = date(2026, 11, 26)


def school_days(first: date, last: date, lessons: int = 6) -> list[CalendarEntry]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(CalendarEntry(day, DayKind.SCHOOL_DAY, lessons))
        day += timedelta(days=1)
    return days


def status_of(*records: Registered, planned: int = 6) -> DayStatus:
    day = records[0].date if records else NOV
    [status] = day_statuses(
        [CalendarEntry(day, DayKind.SCHOOL_DAY, planned)], records, today=TODAY, enrolled_from=None
    )
    return status


def absent(day: date, period: int | None = None, reason: str = Reason.UNEXPLAINED) -> Registered:
    return Registered(day, period, Kind.ABSENT, reason)


# Days ------------------------------------------------------------------------------------------


def test_a_day_is_coloured_by_its_kind_of_absence() -> None:
    assert status_of().category == Category.PRESENT
    assert status_of(absent(NOV, reason=Reason.SICK)).category == Category.SICK
    assert status_of(absent(NOV, reason=Reason.LEAVE)).category == Category.LEAVE
    assert status_of(absent(NOV, reason=Reason.HOME_TEACHING)).category == Category.OTHER
    assert status_of(absent(NOV, 1), absent(NOV, 2)).category == Category.PARTIAL
    three = status_of(absent(NOV, 1), absent(NOV, 2), absent(NOV, 3, Reason.SICK))
    assert (three.category, three.absence_day) == (Category.UNEXPLAINED, True)
    elsewhere = status_of(Registered(NOV, None, Kind.PRESENT_ELSEWHERE, Reason.SCHOOL_ACTIVITY))
    assert (elsewhere.category, elsewhere.absent_lessons) == (Category.ELSEWHERE, 0)
    late = status_of(Registered(NOV, 1, Kind.LATE, Reason.UNEXPLAINED, 10))
    assert (late.category, late.late_minutes, late.late_periods) == (
        Category.LATE,
        10,
        frozenset({1}),
    )


def test_holidays_days_to_come_and_days_before_enrolment_do_not_count() -> None:
    days = [
        CalendarEntry(NOV, DayKind.SCHOOL_DAY, 6),
        CalendarEntry(NOV + timedelta(days=1), DayKind.SCHOOL_DAY, 6),
        CalendarEntry(NOV + timedelta(days=2), DayKind.HOLIDAY, 0, "Planleggingsdag"),
        CalendarEntry(TODAY + timedelta(days=1), DayKind.SCHOOL_DAY, 6),
    ]
    statuses = day_statuses(days, [], today=TODAY, enrolled_from=NOV + timedelta(days=1))
    assert [s.category for s in statuses] == [
        Category.NOT_ENROLLED,
        Category.PRESENT,
        Category.HOLIDAY,
        Category.FUTURE,
    ]
    assert statuses[2].name == "Planleggingsdag"
    assert totals(statuses).school_days == 1


def test_totals_count_days_lessons_lateness_and_documentation() -> None:
    days = school_days(NOV, NOV + timedelta(days=11))  # two weeks, 10 school days
    records = [
        Registered(NOV, None, Kind.ABSENT, Reason.SICK, documented=True),
        absent(NOV + timedelta(days=1), 1),
        Registered(NOV + timedelta(days=2), 1, Kind.LATE, Reason.UNEXPLAINED, 15),
        Registered(NOV + timedelta(days=2), 6, Kind.LEFT_EARLY, Reason.UNEXPLAINED, 20),
        Registered(NOV + timedelta(days=3), 2, Kind.ABSENT, Reason.SCHOOL_ACTIVITY),
    ]
    t = totals(day_statuses(days, records, today=TODAY, enrolled_from=None))
    assert (t.school_days, t.planned_lessons) == (10, 60)
    assert (t.absent_days, t.absent_lessons, t.unexplained_lessons) == (1, 7, 1)
    assert (t.documented_lessons, t.undocumented_lessons) == (6, 1)
    assert (t.late_count, t.late_minutes, t.left_early_count, t.left_early_minutes) == (
        1,
        15,
        1,
        20,
    )
    assert t.percent_of_days == 10.0
    assert t.percent_of_lessons == pytest.approx(11.7)


# Patterns --------------------------------------------------------------------------------------


def test_absence_on_mondays_stands_out_by_weekday() -> None:
    days = school_days(date(2026, 9, 7), date(2026, 11, 20))
    mondays = [d.date for d in days if d.date.weekday() == 0][:5]
    statuses = day_statuses(days, [absent(m) for m in mondays], today=TODAY, enrolled_from=None)
    rows = by_weekday(statuses)
    assert [r.key for r in rows if r.above_usual] == [0]
    assert rows[0].absent == 5
    assert rows[1].absent == 0


def test_first_lesson_lateness_stands_out_by_lesson() -> None:
    days = school_days(date(2026, 9, 7), date(2026, 11, 20))
    late = [Registered(d.date, 1, Kind.LATE, Reason.UNEXPLAINED, 10) for d in days[::4]]
    rows = by_lesson(day_statuses(days, late, today=TODAY, enrolled_from=None))
    assert [r.key for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.key for r in rows if r.above_usual] == [1]
    assert rows[0].late == len(late)


def test_one_odd_day_is_not_a_pattern() -> None:
    days = school_days(date(2026, 9, 7), date(2026, 11, 20))
    statuses = day_statuses(days, [absent(days[0].date)], today=TODAY, enrolled_from=None)
    assert not any(r.above_usual for r in by_weekday(statuses))


# Weeks and months ------------------------------------------------------------------------------


def test_weeks_read_the_stored_totals_and_fill_weeks_without_any() -> None:
    days = school_days(NOV, NOV + timedelta(days=11))
    statuses = day_statuses(days, [], today=TODAY, enrolled_from=None)
    stored = [StoredWeek(NOV, 5, 30, 6, 1, 2, 15)]
    rows = weekly(statuses, stored)
    assert [(r.week_start, r.absent_lessons, r.planned_lessons) for r in rows] == [
        (NOV, 6, 30),
        (NOV + timedelta(days=7), 0, 30),
    ]
    assert rows[0].percent == 20.0
    assert rows[0].week == 45


def test_months_sum_their_counted_days() -> None:
    days = school_days(date(2026, 10, 26), date(2026, 11, 6))
    statuses = day_statuses(days, [absent(NOV)], today=TODAY, enrolled_from=None)
    rows = monthly(statuses)
    assert [(r.month, r.school_days, r.absent_days) for r in rows] == [
        (date(2026, 10, 1), 5, 0),
        (date(2026, 11, 1), 5, 1),
    ]


# The calendar SVG ------------------------------------------------------------------------------


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_month_is_an_accessible_image_with_a_cell_per_weekday() -> None:
    days = [*school_days(NOV, date(2026, 11, 30))]
    days.append(CalendarEntry(date(2026, 11, 20), DayKind.PLANNING_DAY, 0, "Planleggingsdag"))
    days = [d for d in days if not (d.date == date(2026, 11, 20) and d.kind == "school_day")]
    records = [absent(date(2026, 11, 9), reason=Reason.SICK), absent(date(2026, 11, 10))]
    statuses = day_statuses(days, records, today=TODAY, enrolled_from=None)
    with translation.override("en"):
        [chart] = charts.calendar_charts(statuses, TODAY)
    root = _parse(chart.svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == desc_id
    # 21 weekdays less a planning day and the two still to come.
    assert (desc.text or "").startswith("School days so far: 18. Absence days: 2.")
    cells = root.findall(f".//{SVG}g")
    assert len(cells) == 21  # the weekdays of November 2026
    classes = [c.get("class", "") for c in cells]
    assert classes.count("day day--holiday") == 1
    assert classes.count("day day--sick") == 1
    assert classes.count("day day--unexplained") == 1
    assert classes.count("day day--future") == 2
    holiday = cells[classes.index("day day--holiday")]
    assert "hatch" in (holiday.find(f"{SVG}rect").get("fill") or "")  # type: ignore[union-attr]
    today_cell = next(c for c in cells if "26.11.2026" in (c.find(f"{SVG}title").text or ""))  # type: ignore[union-attr]
    assert len(today_cell.findall(f"{SVG}rect")) == 2  # the day and its thick frame
    letters = {t.text for c in cells for t in c.findall(f"{SVG}text")}
    assert {"S", "U"} <= letters


def test_text_in_the_svg_is_escaped() -> None:
    status = DayStatus(NOV, Category.HOLIDAY, name='<script>alert("x")</script>')
    [chart] = charts.calendar_charts([status], TODAY)
    assert "<script>" not in chart.svg
    assert _parse(chart.svg) is not None


def test_every_kind_of_absence_has_its_own_letter_in_both_languages() -> None:
    for language in ("nb", "en"):
        with translation.override(language):
            letters = [i.letter for i in charts.legend() if i.letter]
            assert len(letters) == 7
            assert len(set(letters)) == len(letters), letters


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("category", list(Category))
def test_letters_meet_aa_contrast_on_their_cells(category: Category) -> None:
    look = charts.LOOKS[category]
    assert contrast(look.ink, look.fill) >= 4.5


def test_frames_bars_and_axis_labels_stand_out_from_the_page() -> None:
    assert contrast(charts.FRAME, "#FFFFFF") >= 3
    assert contrast(charts.BAR, "#FFFFFF") >= 3
    assert contrast(charts.SUBTLE, "#FFFFFF") >= 4.5


def test_the_legend_covers_every_kind_of_counted_day() -> None:
    assert {item.category for item in charts.legend()} >= COUNTED


# The weekly trend ------------------------------------------------------------------------------


def test_the_weekly_trend_has_a_bar_per_week_scaled_to_the_highest() -> None:
    weeks = [
        WeekRow(NOV, 5, 30, 3, 0, 0, 0),
        WeekRow(NOV + timedelta(days=7), 5, 30, 12, 2, 1, 5),
        WeekRow(NOV + timedelta(days=14), 5, 30, 0, 0, 0, 0),
    ]
    root = _parse(charts.week_bars(weeks))
    bars = [g.find(f"{SVG}rect") for g in root.findall(f"{SVG}g")]
    heights = [float(b.get("height", "0")) for b in bars if b is not None]
    assert heights == [25.0, 100.0, 0.0]  # 10 %, 40 % (the top), 0 %
    assert "40 %" in [t.text for t in root.findall(f"{SVG}text")]
    with translation.override("en"):
        desc = _parse(charts.week_bars(weeks)).find(f"{SVG}desc")
    assert desc is not None and "week 46 with 40 %" in (desc.text or "")


def test_an_empty_trend_still_says_what_it_is() -> None:
    root = _parse(charts.week_bars([]))
    assert root.find(f"{SVG}title") is not None
    assert root.findall(f"{SVG}g") == []


def test_a_right_to_left_month_puts_monday_in_the_rightmost_column() -> None:
    days = [*school_days(NOV, date(2026, 11, 30))]
    statuses = day_statuses(days, [], today=TODAY, enrolled_from=None)

    def x_of_monday_2nd(language: str) -> float:
        with translation.override(language):
            [chart] = charts.calendar_charts(statuses, TODAY)
        cells = _parse(chart.svg).findall(f".//{SVG}g")
        monday = next(c for c in cells if " 2.11.2026" in (c.find(f"{SVG}title").text or ""))  # type: ignore[union-attr]
        return float(monday.find(f"{SVG}rect").get("x") or 0)  # type: ignore[union-attr]

    assert x_of_monday_2nd("nb") < x_of_monday_2nd("ar")
    assert x_of_monday_2nd("ar") == 1 + 4 * (charts.CELL + charts.GAP)
