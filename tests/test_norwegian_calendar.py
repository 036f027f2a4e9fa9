from __future__ import annotations

from datetime import date

from django.utils import translation

from sammen.attendance.norwegian_calendar import (
    default_school_year,
    easter_sunday,
    public_holidays,
)


def test_easter_falls_on_the_known_dates() -> None:
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2038) == date(2038, 4, 25)


def test_two_holidays_on_one_day_keep_both_names() -> None:
    with translation.override("en"):
        name = str(public_holidays(2027)[date(2027, 5, 17)])
    assert name == "Constitution Day / Whit Monday"


def test_the_default_year_has_about_190_school_days_and_no_weekends() -> None:
    days = default_school_year(date(2026, 8, 17), date(2027, 6, 18))
    school_days = [d for d in days if d.kind == "school_day"]
    assert 185 <= len(school_days) <= 195
    assert all(d.date.weekday() < 5 for d in days)
    kinds = {d.date: d.kind for d in days}
    assert kinds[date(2027, 5, 17)] == "public_holiday"
    assert kinds[date(2026, 12, 23)] == "holiday"
    assert kinds[date(2027, 3, 22)] == "holiday"  # Monday of Holy Week 2027
