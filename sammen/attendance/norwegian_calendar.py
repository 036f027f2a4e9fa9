"""The Norwegian default school calendar, as pure functions of the year.

Municipalities set their own holidays; this is the common pattern a school starts from and then
adjusts: autumn break in week 40, Christmas from 21 December to New Year, winter break in week 8,
the Easter week, and the public holidays (helligdager) and 1 and 17 May.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, valid for 1583–4099)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> dict[date, Promise]:
    """Norway's public holidays and flag days without school in ``year``."""
    easter = easter_sunday(year)
    days: dict[date, Promise] = {}
    # Two holidays can fall on one day (Whit Monday is 17 May in 2027): keep both names.
    for day, name in [
        (date(year, 1, 1), _("New Year's Day")),
        (easter - timedelta(days=3), _("Maundy Thursday")),
        (easter - timedelta(days=2), _("Good Friday")),
        (easter + timedelta(days=1), _("Easter Monday")),
        (date(year, 5, 1), _("Labour Day")),
        (date(year, 5, 17), _("Constitution Day")),
        (easter + timedelta(days=39), _("Ascension Day")),
        (easter + timedelta(days=50), _("Whit Monday")),
        (date(year, 12, 25), _("Christmas Day")),
        (date(year, 12, 26), _("Boxing Day")),
    ]:
        days[day] = format_lazy("{} / {}", days[day], name) if day in days else name
    return days


def iso_week_days(year: int, week: int) -> list[date]:
    """Monday to Friday of ISO week ``week`` in ``year``."""
    monday = date.fromisocalendar(year, week, 1)
    return [monday + timedelta(days=n) for n in range(5)]


@dataclass(frozen=True)
class DefaultDay:
    date: date
    kind: str  # a DayKind value
    name: str


def default_school_year(
    start: date, end: date, *, autumn_week: int = 40, winter_week: int = 8
) -> list[DefaultDay]:
    """Every weekday from ``start`` to ``end`` with its kind and, for days off, its name."""
    first_year, second_year = start.year, end.year
    off: dict[date, tuple[str, str]] = {}
    for year in {first_year, second_year}:
        for holiday, holiday_name in public_holidays(year).items():
            off[holiday] = ("public_holiday", str(holiday_name))
    for day in iso_week_days(first_year, autumn_week):
        off.setdefault(day, ("holiday", str(_("Autumn break"))))
    christmas = date(first_year, 12, 21)
    for n in range((date(second_year, 1, 1) - christmas).days + 1):
        off.setdefault(christmas + timedelta(days=n), ("holiday", str(_("Christmas holiday"))))
    for day in iso_week_days(second_year, winter_week):
        off.setdefault(day, ("holiday", str(_("Winter break"))))
    easter = easter_sunday(second_year)
    for n in range(-6, 2):  # Monday of Holy Week to Easter Monday
        off.setdefault(easter + timedelta(days=n), ("holiday", str(_("Easter holiday"))))
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            kind, name = off.get(day, ("school_day", ""))
            days.append(DefaultDay(day, kind, name))
        day += timedelta(days=1)
    return days
