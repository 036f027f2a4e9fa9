"""The plain sentence for a flag, generated from its evidence in the reader's language.

Never written per pupil and never stored: a flag keeps numbers (``Flag.evidence``, keys in
docs/early-warning.md) and this module turns them into words when they are shown, so a guardian,
a teacher and the command line all read the same figures, each in their own language. Numbers
take the active language's decimal mark (12,3 % in Bokmål); dates are written the Norwegian way
(16.11.2026) in every language, as elsewhere in Sammen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from sammen.warning.standard import Rule


def rule_name(rule: str) -> str:
    """A short title for a rule, for headings, filters and table cells."""
    names: dict[str, str] = {
        Rule.RATE_YEAR: _("Absence this school year"),
        Rule.RATE_RECENT: _("High absence lately"),
        Rule.DAYS_IN_15_WEEKS: _("Many absence days"),
        Rule.CONSECUTIVE: _("Absent several days in a row"),
        Rule.WEEKDAY: _("Absent on the same weekday"),
        Rule.LATE: _("Often late"),
        Rule.SUBJECT: _("Absent from one subject"),
        Rule.SICK_EPISODES: _("Repeated short illness"),
        Rule.RISING: _("Rising absence"),
        Rule.UNEXPLAINED: _("Unexplained absence"),
    }
    return names.get(rule, rule)


def sentence(rule: str, evidence: Mapping[str, Any]) -> str:
    """What the evidence says, in one plain sentence; the rule's code if the rule is unknown."""
    writer = _WRITERS.get(rule)
    if writer is None:
        return rule
    return writer(evidence)


def _number(value: Any) -> str:
    """A count or a percentage with the language's decimal mark; one decimal only if it has one."""
    number = float(value or 0)
    rounded = round(number, 1)
    if rounded == int(rounded):
        return number_format(int(rounded))
    return number_format(rounded, decimal_pos=1)


def _count(evidence: Mapping[str, Any], key: str) -> int:
    return int(evidence.get(key) or 0)


def _date(value: Any) -> str:
    """An ISO date from the evidence as Norwegians write it (16.11.2026)."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _rate_year(e: Mapping[str, Any]) -> str:
    return _(
        "Absence %(percent)s %% of the school year so far (%(absent)s of %(planned)s lessons)"
    ) % {
        "percent": _number(e.get("percent")),
        "absent": _number(e.get("absent_lessons")),
        "planned": _number(e.get("planned_lessons")),
    }


def _rate_recent(e: Mapping[str, Any]) -> str:
    days = _count(e, "days")
    return ngettext(
        "Absence %(percent)s %% on the last school day",
        "Absence %(percent)s %% over the last %(days)s school days",
        days,
    ) % {"percent": _number(e.get("percent")), "days": _number(days)}


def _days_in_weeks(e: Mapping[str, Any]) -> str:
    days = _count(e, "absence_days")
    return ngettext(
        "%(days)s absence day in the last %(weeks)s weeks",
        "%(days)s absence days in the last %(weeks)s weeks",
        days,
    ) % {"days": _number(days), "weeks": _number(e.get("weeks"))}


def _consecutive(e: Mapping[str, Any]) -> str:
    days = _count(e, "days")
    return ngettext(
        "Absent %(days)s school day in a row, %(first)s–%(last)s",
        "Absent %(days)s school days in a row, %(first)s–%(last)s",
        days,
    ) % {"days": _number(days), "first": _date(e.get("first")), "last": _date(e.get("last"))}


def _monday(n: int) -> str:
    return ngettext(
        "Absent %(absent)s of the last %(of)s Monday",
        "Absent %(absent)s of the last %(of)s Mondays",
        n,
    )


def _tuesday(n: int) -> str:
    return ngettext(
        "Absent %(absent)s of the last %(of)s Tuesday",
        "Absent %(absent)s of the last %(of)s Tuesdays",
        n,
    )


def _wednesday(n: int) -> str:
    return ngettext(
        "Absent %(absent)s of the last %(of)s Wednesday",
        "Absent %(absent)s of the last %(of)s Wednesdays",
        n,
    )


def _thursday(n: int) -> str:
    return ngettext(
        "Absent %(absent)s of the last %(of)s Thursday",
        "Absent %(absent)s of the last %(of)s Thursdays",
        n,
    )


def _friday(n: int) -> str:
    return ngettext(
        "Absent %(absent)s of the last %(of)s Friday",
        "Absent %(absent)s of the last %(of)s Fridays",
        n,
    )


# Written out per weekday because languages inflect the weekday with the count ("mandagene").
_WEEKDAYS: tuple[Callable[[int], str], ...] = (_monday, _tuesday, _wednesday, _thursday, _friday)


def _weekday(e: Mapping[str, Any]) -> str:
    weekday = _count(e, "weekday")
    of = _count(e, "of")
    template = _WEEKDAYS[weekday](of) if 0 <= weekday < len(_WEEKDAYS) else _monday(of)
    return template % {"absent": _number(e.get("absent")), "of": _number(of)}


def _late(e: Mapping[str, Any]) -> str:
    times = _count(e, "times")
    values = {"times": _number(times), "weeks": _number(e.get("weeks"))}
    if _count(e, "first_lesson_absent") == 0:
        return (
            ngettext(
                "Late %(times)s time in the last %(weeks)s weeks",
                "Late %(times)s times in the last %(weeks)s weeks",
                times,
            )
            % values
        )
    if _count(e, "late") == 0:
        return (
            ngettext(
                "Absent from the first lesson %(times)s time in the last %(weeks)s weeks",
                "Absent from the first lesson %(times)s times in the last %(weeks)s weeks",
                times,
            )
            % values
        )
    return (
        ngettext(
            "Late or absent from the first lesson %(times)s time in the last %(weeks)s weeks",
            "Late or absent from the first lesson %(times)s times in the last %(weeks)s weeks",
            times,
        )
        % values
    )


def _subject_name(name: str) -> str:
    """Bokmål writes subject names in lower case mid-sentence (kroppsøving); acronyms stay."""
    language = (get_language() or "").lower()
    if language.startswith(("nb", "nn", "no")) and len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _subject(e: Mapping[str, Any]) -> str:
    return _("Absence in %(subject)s %(percent)s %% against %(other)s %% in other lessons") % {
        "subject": _subject_name(str(e.get("subject") or "")),
        "percent": _number(e.get("percent")),
        "other": _number(e.get("other_percent")),
    }


def _sick_episodes(e: Mapping[str, Any]) -> str:
    episodes = _count(e, "episodes")
    return ngettext(
        "%(episodes)s short sick period in %(weeks)s weeks",
        "%(episodes)s short sick periods in %(weeks)s weeks",
        episodes,
    ) % {"episodes": _number(episodes), "weeks": _number(e.get("weeks"))}


def _rising(e: Mapping[str, Any]) -> str:
    percent = float(e.get("percent") or 0)
    before = float(e.get("before_percent") or 0)
    values = {
        "weeks": _number(e.get("recent_weeks")),
        "before_weeks": _number(e.get("before_weeks")),
        "percent": _number(percent),
        "before": _number(before),
    }
    if before > 0 and 2 <= percent / before < 3:
        return (
            _(
                "Absence has doubled in the last %(weeks)s weeks "
                "(%(percent)s %% against %(before)s %%)"
            )
            % values
        )
    if before > 0 and 3 <= percent / before < 4:
        return (
            _(
                "Absence has tripled in the last %(weeks)s weeks "
                "(%(percent)s %% against %(before)s %%)"
            )
            % values
        )
    return (
        _(
            "Absence has risen to %(percent)s %% in the last %(weeks)s weeks, "
            "from %(before)s %% in the %(before_weeks)s weeks before"
        )
        % values
    )


def _unexplained(e: Mapping[str, Any]) -> str:
    days = _count(e, "days")
    return ngettext(
        "%(days)s day with unexplained absence in the last %(window)s school days",
        "%(days)s days with unexplained absence in the last %(window)s school days",
        days,
    ) % {"days": _number(days), "window": _number(e.get("window"))}


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    Rule.RATE_YEAR: _rate_year,
    Rule.RATE_RECENT: _rate_recent,
    Rule.DAYS_IN_15_WEEKS: _days_in_weeks,
    Rule.CONSECUTIVE: _consecutive,
    Rule.WEEKDAY: _weekday,
    Rule.LATE: _late,
    Rule.SUBJECT: _subject,
    Rule.SICK_EPISODES: _sick_episodes,
    Rule.RISING: _rising,
    Rule.UNEXPLAINED: _unexplained,
}
