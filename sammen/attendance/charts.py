"""Server-rendered SVG for the attendance page: a calendar per month and a weekly trend.

Pure functions, figures in and SVG out. Every string that reaches the SVG is escaped here (``_el``
and ``_text``), which is why the results may be marked safe. Each chart is an image with a title
and a description (``role="img"``, ``aria-labelledby``); the page shows the same numbers in tables
for screen readers and print.

Colour is never the only cue: each kind of day has a letter, holidays are hatched, days still to
come have a dashed frame, and today a thick one. Letters on a coloured cell meet WCAG AA contrast
(4.5:1) against it, and frames and bars 3:1 against the white page.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from sammen.attendance.summary import Category, DayStatus, WeekRow

INK = "#1A1A1A"
SUBTLE = "#595959"  # 7:1 on white
FRAME = "#6F6F6F"  # 5:1 on white: frames and axes
BAR = "#1F4E8C"


@dataclass(frozen=True)
class Look:
    fill: str
    ink: str
    letter: Promise | str
    label: Promise


LOOKS: Mapping[Category, Look] = {
    Category.PRESENT: Look("#FFFFFF", INK, "", gettext_lazy("present")),
    Category.PARTIAL: Look(
        "#F6D68A",
        INK,
        pgettext_lazy("calendar letter for partial absence", "P"),
        gettext_lazy("absent from some lessons"),
    ),
    Category.SICK: Look(
        "#1F4E8C",
        "#FFFFFF",
        pgettext_lazy("calendar letter for sick", "S"),
        gettext_lazy("absent, sick"),
    ),
    Category.LEAVE: Look(
        "#5B3A8E",
        "#FFFFFF",
        pgettext_lazy("calendar letter for leave", "L"),
        gettext_lazy("absent, leave"),
    ),
    Category.UNEXPLAINED: Look(
        "#A3161B",
        "#FFFFFF",
        pgettext_lazy("calendar letter for unexplained", "U"),
        gettext_lazy("absent, unexplained"),
    ),
    Category.OTHER: Look(
        "#6B4E16",
        "#FFFFFF",
        pgettext_lazy("calendar letter for other reason", "O"),
        gettext_lazy("absent, other reason"),
    ),
    Category.ELSEWHERE: Look(
        "#CFE8D5",
        INK,
        pgettext_lazy("calendar letter for present elsewhere", "E"),
        gettext_lazy("with the school elsewhere (not absence)"),
    ),
    Category.LATE: Look(
        "#DCE6F2",
        INK,
        pgettext_lazy("calendar letter for late or left early", "M"),
        gettext_lazy("late or left early"),
    ),
    Category.HOLIDAY: Look("#EDEDED", INK, "", gettext_lazy("holiday or day off")),
    Category.FUTURE: Look("#FFFFFF", SUBTLE, "", gettext_lazy("still to come")),
    Category.NOT_ENROLLED: Look("#FFFFFF", SUBTLE, "", gettext_lazy("before the pupil started")),
}

WEEK_OF_MONDAY = date(2024, 1, 1)  # a Monday
CELL = 30
GAP = 4
HEAD = 18


def _attrs(attrs: Mapping[str, object]) -> str:
    return "".join(
        f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}"
        for name, value in attrs.items()
        if value is not None
    )


def _el(tag: str, *children: str, **attrs: object) -> str:
    """An element; ``children`` are already SVG (built here), attribute values get escaped."""
    inner = "".join(children)
    if not inner:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{inner}</{tag}>"


def _text(value: object) -> str:
    return escape(str(value))


def _svg(ident: str, title: str, desc: str, width: int, height: int, *body: str) -> SafeString:
    svg = _el(
        "svg",
        _el("title", _text(title), id=f"{ident}-title"),
        _el("desc", _text(desc), id=f"{ident}-desc"),
        *body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        class_="chart",
        focusable="false",
    )
    # Safe: built only by _el, which escapes every attribute value, from _text-escaped strings.
    return mark_safe(svg)  # noqa: S308


def day_label(status: DayStatus) -> str:
    """What a day was, in words: the cell's tooltip and the day list's text."""
    look = LOOKS[status.category]
    parts = [date_format(status.date, "l j.n.Y"), str(look.label)]
    if status.name:
        parts.append(status.name)
    if status.absent_lessons and not status.absence_day:
        parts.append(
            _("%(absent)d of %(planned)d lessons")
            % {"absent": status.absent_lessons, "planned": status.planned}
        )
    minutes = status.late_minutes + status.left_early_minutes
    if minutes:
        parts.append(_("%(minutes)d minutes late or early") % {"minutes": minutes})
    return ": ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:])


@dataclass(frozen=True)
class MonthChart:
    month: date
    svg: SafeString


def _weeks_of_month(first: date) -> list[list[date | None]]:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    out = []
    for week in weeks:
        days: list[date | None] = [d if d.month == first.month else None for d in week[:5]]
        if any(days):
            out.append(days)
    return out


def month_chart(first: date, statuses: Mapping[date, DayStatus], today: date) -> MonthChart:
    """One month of school days, Monday to Friday, a cell per weekday."""
    ident = f"cal-{first:%Y-%m}"
    weeks = _weeks_of_month(first)
    width = 5 * CELL + 4 * GAP + 2
    height = HEAD + len(weeks) * (CELL + GAP) + 2
    body: list[str] = [_hatch(ident)]
    # Right-to-left readers (Arabic) read the week from the right: Monday in the rightmost column.
    rtl = get_language_bidi()

    def place(col: int) -> int:
        return 4 - col if rtl else col

    for col in range(5):
        # Two letters of the weekday's short name (Django's own: «ma», «ti» …; «Mo», «Tu» …).
        name = date_format(WEEK_OF_MONDAY + timedelta(days=col), "D")[:2]
        body.append(
            _el(
                "text",
                _text(name),
                x=1 + place(col) * (CELL + GAP) + CELL // 2,
                y=12,
                fill=SUBTLE,
                font_size=11,
                text_anchor="middle",
            )
        )
    counted = [s for s in statuses.values() if s.date.replace(day=1) == first and s.counted]
    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day is None:
                continue
            status = statuses.get(day)
            if status is None:
                continue
            x = 1 + place(col) * (CELL + GAP)
            y = HEAD + row * (CELL + GAP)
            body.append(_cell(ident, status, x, y, today=day == today))
    absent = sum(s.absence_day for s in counted)
    partial = sum(1 for s in counted if s.absent_lessons and not s.absence_day)
    title = date_format(first, "F Y").capitalize()
    # Counts as "label: number" so no word has to agree with a number (no plural forms).
    desc = _(
        "School days so far: %(days)d. Absence days: %(absent)d. "
        "Days with some lessons missed: %(partial)d."
    ) % {"days": len(counted), "absent": absent, "partial": partial}
    return MonthChart(first, _svg(ident, title, desc, width, height, *body))


def _hatch(ident: str) -> str:
    return _el(
        "defs",
        _el(
            "pattern",
            _el("rect", width=6, height=6, fill=LOOKS[Category.HOLIDAY].fill),
            _el("line", x1=0, y1=0, x2=0, y2=6, stroke=FRAME, stroke_width=1.5),
            id=f"{ident}-hatch",
            width=6,
            height=6,
            patternUnits="userSpaceOnUse",
            patternTransform="rotate(45)",
        ),
    )


def _cell(ident: str, status: DayStatus, x: int, y: int, *, today: bool) -> str:
    look = LOOKS[status.category]
    holiday = status.category == Category.HOLIDAY
    ahead = status.category in (Category.FUTURE, Category.NOT_ENROLLED)
    letter = str(look.letter)
    parts = [
        _el("title", _text(day_label(status))),
        _el(
            "rect",
            x=x,
            y=y,
            width=CELL,
            height=CELL,
            rx=3,
            fill=f"url(#{ident}-hatch)" if holiday else look.fill,
            stroke=FRAME,
            stroke_width=1,
            stroke_dasharray="3 2" if ahead else None,
        ),
    ]
    if not holiday:
        bold = bool(letter)
        parts.append(
            _el(
                "text",
                _text(letter or status.date.day),
                x=x + CELL // 2,
                y=y + CELL // 2 + (5 if bold else 4),
                fill=look.ink,
                font_size=15 if bold else 12,
                font_weight="bold" if bold else None,
                text_anchor="middle",
            )
        )
    if today:
        parts.append(
            _el(
                "rect",
                x=x - 1,
                y=y - 1,
                width=CELL + 2,
                height=CELL + 2,
                rx=4,
                fill="none",
                stroke=INK,
                stroke_width=3,
            )
        )
    return _el("g", *parts, class_=f"day day--{status.category}")


def calendar_charts(statuses: Sequence[DayStatus], today: date) -> list[MonthChart]:
    by_date = {s.date: s for s in statuses}
    months = sorted({s.date.replace(day=1) for s in statuses})
    return [month_chart(first, by_date, today) for first in months]


@dataclass(frozen=True)
class LegendItem:
    category: Category
    letter: str
    label: str
    swatch: SafeString


LEGEND_ORDER = (
    Category.PRESENT,
    Category.PARTIAL,
    Category.SICK,
    Category.LEAVE,
    Category.UNEXPLAINED,
    Category.OTHER,
    Category.ELSEWHERE,
    Category.LATE,
    Category.HOLIDAY,
    Category.FUTURE,
)


def _swatch(*body: str, size: int) -> SafeString:
    swatch = _el(
        "svg",
        *body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {size} {size}",
        width=size,
        height=size,
        aria_hidden="true",
        focusable="false",
        class_="legend-swatch",
    )
    # Safe: built by _el from escaped parts (see _svg).
    return mark_safe(swatch)  # noqa: S308


def legend() -> list[LegendItem]:
    """The key to the calendar: a small cell per kind of day, its letter and its words."""
    items = []
    for category in LEGEND_ORDER:
        look = LOOKS[category]
        ident = f"legend-{category}"
        cell = _cell(ident, DayStatus(date(2000, 1, 3), category), 1, 1, today=False)
        defs = _hatch(ident) if category == Category.HOLIDAY else ""
        swatch = _swatch(defs, cell, size=CELL + 2)
        items.append(LegendItem(category, str(look.letter), str(look.label), swatch))
    return items


def today_swatch() -> SafeString:
    status = DayStatus(date(2000, 1, 3), Category.PRESENT)
    return _swatch(_cell("legend-today", status, 2, 2, today=True), size=CELL + 4)


# The weekly trend -----------------------------------------------------------------------------

BAR_WIDTH = 18
BAR_GAP = 6
PLOT_HEIGHT = 100
LEFT = 44
TOP = 10
BOTTOM = 24


def _scale_top(highest: float) -> int:
    """The top of the percent axis: at least 20 %, else the next 10 above the highest week."""
    top = 20
    while top < highest:
        top += 10
    return min(top, 100)


def week_bars(weeks: Sequence[WeekRow], *, ident: str = "trend") -> SafeString:
    """A bar per week: the share of planned lessons missed."""
    top = _scale_top(max((w.percent for w in weeks), default=0.0))
    width = LEFT + max(len(weeks), 1) * (BAR_WIDTH + BAR_GAP) + 8
    height = TOP + PLOT_HEIGHT + BOTTOM
    body: list[str] = []
    for value in (0, top // 2, top):
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top
        body.append(
            _el(
                "line",
                x1=LEFT - 4,
                y1=y,
                x2=width - 4,
                y2=y,
                stroke=FRAME if value == 0 else "#C9C9C9",
                stroke_width=1,
            )
        )
        body.append(
            _el(
                "text",
                _text(f"{value} %"),
                x=LEFT - 8,
                y=y + 4,
                fill=SUBTLE,
                font_size=11,
                text_anchor="end",
            )
        )
    for i, week in enumerate(weeks):
        x = LEFT + i * (BAR_WIDTH + BAR_GAP)
        bar = PLOT_HEIGHT * min(week.percent, top) / top
        label = _("Week %(week)d: %(absent)d of %(planned)d lessons missed (%(percent)s %%)") % {
            "week": week.week,
            "absent": week.absent_lessons,
            "planned": week.planned_lessons,
            "percent": _number(week.percent),
        }
        body.append(
            _el(
                "g",
                _el("title", _text(label)),
                _el(
                    "rect",
                    x=x,
                    y=round(TOP + PLOT_HEIGHT - bar, 1),
                    width=BAR_WIDTH,
                    height=round(bar, 1),
                    fill=BAR,
                ),
                class_="week",
            )
        )
        if i % 4 == 0:
            body.append(
                _el(
                    "text",
                    _text(week.week),
                    x=x + BAR_WIDTH // 2,
                    y=TOP + PLOT_HEIGHT + 16,
                    fill=SUBTLE,
                    font_size=11,
                    text_anchor="middle",
                )
            )
    title = _("Absence week by week")
    if weeks:
        worst = max(weeks, key=lambda w: (w.percent, w.week_start))
        desc = _(
            "Share of planned lessons missed in each of %(count)d weeks. Highest: week "
            "%(week)d with %(percent)s %%. Last week shown: %(last)s %%."
        ) % {
            "count": len(weeks),
            "week": worst.week,
            "percent": _number(worst.percent),
            "last": _number(weeks[-1].percent),
        }
    else:
        desc = _("No school weeks yet.")
    return _svg(ident, title, desc, width, height, *body)


def _number(value: float) -> str:
    """A percentage with the language's decimal mark, one decimal when it has one."""
    return number_format(value, decimal_pos=0 if value == int(value) else 1)
