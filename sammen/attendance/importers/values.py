"""The values an attendance row may hold, and the rules between them, shared by every format.

Pure functions: a value in, the value Sammen stores (or a sentence saying what is wrong) out.
"""

from __future__ import annotations

import re
from datetime import date

from sammen.attendance.models import Kind, Reason
from sammen.attendance.services import MAX_MINUTES, MINUTE_KINDS

KINDS: dict[str, str] = {
    **{k: k for k in Kind.values},
    "fravær": Kind.ABSENT,
    "fravaer": Kind.ABSENT,
    "borte": Kind.ABSENT,
    "for sent": Kind.LATE,
    "forsent": Kind.LATE,
    "gikk tidlig": Kind.LEFT_EARLY,
    "til stede annet sted": Kind.PRESENT_ELSEWHERE,
}
REASONS: dict[str, str] = {
    **{r: r for r in Reason.values},
    "syk": Reason.SICK,
    "sykdom": Reason.SICK,
    "permisjon": Reason.LEAVE,
    "skoleaktivitet": Reason.SCHOOL_ACTIVITY,
    "hjemmeundervisning": Reason.HOME_TEACHING,
    "uforklart": Reason.UNEXPLAINED,
    "annet": Reason.OTHER,
}
YES_NO: dict[str, bool] = {
    "yes": True,
    "ja": True,
    "true": True,
    "1": True,
    "no": False,
    "nei": False,
    "false": False,
    "0": False,
    "": False,
}
MAX_SUBJECT = 200
MAX_COMMENT = 500
MAX_PERIOD = 20

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NORWEGIAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(text: str) -> date | str:
    """``2027-02-08`` or ``8.2.2027`` / ``08.02.2027``; otherwise why not."""
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _NORWEGIAN.fullmatch(text)
        if not match:
            return "not a date: write 2027-02-08 or 08.02.2027"
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return "no such date"


def parse_period(text: str) -> int | str | None:
    """A lesson number (``3`` or ``3.``), None when empty; otherwise why not."""
    if not text:
        return None
    digits = text.removesuffix(".")
    if not digits.isascii() or not digits.isdigit():
        return "not a lesson number: write 1, 2, 3 … or leave it empty for the whole day"
    number = int(digits)
    if not 1 <= number <= MAX_PERIOD:
        return f"lesson numbers run from 1 to {MAX_PERIOD}"
    return number


def parse_minutes(text: str) -> int | str | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        return "not a whole number of minutes"
    return int(text)


def default_reason(kind: str) -> str:
    return Reason.SCHOOL_ACTIVITY if kind == Kind.PRESENT_ELSEWHERE else Reason.UNEXPLAINED


def kind_problems(
    kind: str, period: int | None, minutes: int | None, reason: str
) -> list[tuple[str, str]]:
    """The rules between kind, lesson, minutes and reason, as (field, what is wrong)."""
    out: list[tuple[str, str]] = []
    if kind in MINUTE_KINDS:
        what = "late" if kind == Kind.LATE else "left_early"
        if minutes is None:
            out.append(("minutes", f"{what} needs the minutes (1 to {MAX_MINUTES})"))
        elif not 1 <= minutes <= MAX_MINUTES:
            out.append(("minutes", f"must be between 1 and {MAX_MINUTES}"))
        if period is None:
            out.append(("period", f"{what} is registered on a lesson: give the lesson number"))
        if reason == Reason.SCHOOL_ACTIVITY:
            out.append(
                ("reason", "a school activity is no reason to be late: use present_elsewhere")
            )
    elif minutes is not None:
        out.append(("minutes", f"only late and left_early have minutes, not {kind}"))
    if kind == Kind.PRESENT_ELSEWHERE and reason != Reason.SCHOOL_ACTIVITY:
        out.append(("reason", "present_elsewhere is always a school_activity"))
    return out
