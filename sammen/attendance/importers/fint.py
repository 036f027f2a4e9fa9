"""``--format fint``: FINT ``Fravarsregistrering`` (utdanning.vurdering), REST collection JSON.

PATH is ``fravarsregistrering.json`` or the directory holding it, with ``elevfravar.json`` and
``elevforhold.json`` beside it: a registration points at its Elevfravar, which points at an
Elevforhold, which points at the Elev, whose systemId is the pupil's id in Sammen (as the
roster import stores it). ``fravarstype.json`` (the code list) is read when present, to turn a
Fravarstype's systemId into its ``kode``; without it the link's last part is the code.

A registration is an absence over a stretch of time (``periode.start``–``periode.slutt``, in
UTC or with an offset; read in the school's time zone) on a teaching group. The stretch is laid
over the school's lesson times (``spans.place``): lessons it covers are absences, a lesson it
starts is left early, a lesson it ends inside is lateness, and a day it covers entirely is a
whole-day absence; a stretch over several days covers each school day in it (weekends and
holidays inside it are passed over). ``fravarstype`` gives the reason (``FRAVARSTYPER``);
``foresPaVitnemal`` whether it counts on the diploma; ``kommentar`` the comment; the teaching
group (``undervisningsgruppe``, by systemId) the group and subject.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from sammen.attendance.importers.context import Context, NoSchool
from sammen.attendance.importers.rows import Origin, Read, Wanted
from sammen.attendance.importers.spans import place
from sammen.attendance.models import Kind, Reason
from sammen.lib.importreport import Problem

REGISTRATIONS = "fravarsregistrering.json"
ELEVFRAVAR = "elevfravar.json"
ELEVFORHOLD = "elevforhold.json"
FRAVARSTYPE = "fravarstype.json"
# kode -> (what it is, reason, documented). Codes are set by each county's school system; these
# are the ones Sammen reads (docs/import-attendance.md), any other is an error naming them.
FRAVARSTYPER: dict[str, tuple[str, str, bool]] = {
    "F": ("fravær, ikke dokumentert", Reason.UNEXPLAINED, False),
    "D": ("dokumentert fravær", Reason.OTHER, True),
    "S": ("sykdom", Reason.SICK, False),
    "H": ("helsegrunner, dokumentert", Reason.SICK, True),
    "P": ("permisjon", Reason.LEAVE, True),
    "HJEM": ("hjemmeundervisning etter avtale", Reason.HOME_TEACHING, True),
    "SKOLE": ("skolerelatert aktivitet", Reason.SCHOOL_ACTIVITY, True),
}
NAMES = {
    "pupil_id": "_links.elevfravar",
    "date": "periode.start",
    "period": "periode.start",
    "kind": "_links.fravarstype",
    "reason": "_links.fravarstype",
    "group": "_links.undervisningsgruppe",
    "comment": "kommentar",
}


def read_fint(path: Path, ctx: Context) -> Read:
    read = Read()
    directory = path if path.is_dir() else path.parent
    main = path if path.is_file() else directory / REGISTRATIONS
    entries = _collection(main, read, required=True)
    elevfravar = _links(_collection(directory / ELEVFRAVAR, read, required=True), "elevforhold")
    elevforhold = _links(_collection(directory / ELEVFORHOLD, read, required=True), "elev")
    types = {
        _system_id(entry): str(entry.get("kode") or "")
        for entry in _collection(directory / FRAVARSTYPE, read, required=False)
    }
    if read.fatal:
        return read
    origin = Origin(main.name, NAMES)
    zone = ZoneInfo(settings.TIME_ZONE)
    for number, entry in enumerate(entries):
        prefix = f"_embedded._entries[{number}]."
        if not isinstance(entry, dict):
            read.problems.append(Problem(main.name, None, prefix[:-1], None, "not an object"))
            continue
        _entry(
            entry,
            Wanted(origin, None, prefix, "", date.min, None, "", None, "", False),
            elevfravar,
            elevforhold,
            types,
            zone,
            ctx,
            read,
        )
    return read


def _collection(path: Path, read: Read, *, required: bool) -> list[Any]:
    if not path.is_file():
        if required:
            read.fatal.append(
                Problem(path.name, None, None, None, f"is missing from {path.parent.name}")
            )
        return []
    try:
        data = json.loads(path.read_bytes())
        entries = data["_embedded"]["_entries"]
        if not isinstance(entries, list):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = (
            f"is not JSON: {exc}"
            if isinstance(exc, ValueError)
            else ("is not a FINT collection (_embedded._entries)")
        )
        read.fatal.append(Problem(path.name, None, None, None, why))
        return []
    return entries


def _system_id(entry: Any) -> str:
    ident = entry.get("systemId") if isinstance(entry, dict) else None
    return str(ident.get("identifikatorverdi") or "") if isinstance(ident, dict) else ""


def _link(entry: dict[str, Any], name: str) -> str:
    """The id at the end of the first ``_links[name]`` href (``…/systemid/EF-1`` -> ``EF-1``)."""
    links = entry.get("_links")
    found = links.get(name) if isinstance(links, dict) else None
    if isinstance(found, list) and found and isinstance(found[0], dict):
        return str(found[0].get("href") or "").rstrip("/").rpartition("/")[2]
    return ""


def _links(entries: list[Any], name: str) -> dict[str, str]:
    return {_system_id(e): _link(e, name) for e in entries if isinstance(e, dict)}


def _moment(raw: Any, zone: ZoneInfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def _entry(
    entry: dict[str, Any],
    base: Wanted,
    elevfravar: dict[str, str],
    elevforhold: dict[str, str],
    types: dict[str, str],
    zone: ZoneInfo,
    ctx: Context,
    read: Read,
) -> None:
    system_id = _system_id(entry)
    base.source = f"fint:{system_id}"
    problems: list[Problem] = []
    if not system_id:
        problems.append(base.problem("comment", "", "systemId.identifikatorverdi is missing"))
    fravar = _link(entry, "elevfravar")
    pupil = elevforhold.get(elevfravar.get(fravar, ""), "")
    if not pupil:
        problems.append(
            base.problem(
                "pupil_id", fravar, f"no Elev found through {ELEVFRAVAR} and {ELEVFORHOLD}"
            )
        )
    base.pupil = pupil
    code = types.get(_link(entry, "fravarstype")) or _link(entry, "fravarstype")
    known = FRAVARSTYPER.get(code.upper())
    if known is None:
        problems.append(
            base.problem(
                "kind", code, f"unknown fravarstype; Sammen reads {', '.join(FRAVARSTYPER)}"
            )
        )
    raw_periode = entry.get("periode")
    periode: dict[str, Any] = raw_periode if isinstance(raw_periode, dict) else {}
    start, end = _moment(periode.get("start"), zone), _moment(periode.get("slutt"), zone)
    if start is None or end is None or end <= start:
        problems.append(
            base.problem(
                "date",
                f"{periode.get('start')}–{periode.get('slutt')}",
                "periode needs a start and a later slutt (ISO 8601 times)",
            )
        )
    diploma = entry.get("foresPaVitnemal")
    if diploma is not None and not isinstance(diploma, bool):
        problems.append(
            base.problem("comment", str(diploma), "foresPaVitnemal must be true or false")
        )
    comment = entry.get("kommentar") or ""
    if not isinstance(comment, str) or len(comment) > 500:
        problems.append(
            base.problem("comment", str(comment)[:40], "kommentar: text of at most 500 characters")
        )
    if problems or known is None or start is None or end is None:
        read.problems.extend(problems)
        if pupil and start is not None:
            read.doubtful.setdefault((pupil, start.date()), base.where)
        return
    _, base.reason, base.documented = known
    base.kind = Kind.PRESENT_ELSEWHERE if base.reason == Reason.SCHOOL_ACTIVITY else Kind.ABSENT
    base.comment = comment
    base.counts_on_diploma = diploma
    base.group = _link(entry, "undervisningsgruppe")
    group = ctx.group(base.group) if base.group else None
    base.subject = group.subject if group else ""
    _days(base, start, end, ctx, read)


def _days(base: Wanted, start: datetime, end: datetime, ctx: Context, read: Read) -> None:
    pupil = ctx.pupil(base.pupil)
    days = []
    day = start.date()
    while datetime.combine(day, datetime.min.time(), start.tzinfo) < end:
        days.append(day)
        day += timedelta(days=1)
    several = len(days) > 1
    placed = False
    for day in days:
        midnight = datetime.combine(day, datetime.min.time(), start.tzinfo)
        first = max(0, int((start - midnight).total_seconds() // 60))
        last = min(24 * 60, int((end - midnight).total_seconds() // 60))
        whole = replace(base, date=day)
        if isinstance(pupil, str):
            read.wanted.append(whole)  # the checks name the unknown pupil
            return
        school_day = ctx.school_day(pupil.school_id, day)
        if isinstance(school_day, NoSchool):
            if not several:
                read.wanted.append(whole)  # the checks say why the day is no school day
            continue
        pieces = place(first, last, ctx.lessons.get(pupil.school_id, []), school_day.lessons)
        if isinstance(pieces, str):
            read.problems.append(base.problem("period", base.origin.name("date"), pieces))
            read.doubtful.setdefault((base.pupil, day), base.where)
            continue
        placed = True
        for piece in pieces:
            away = base.kind == Kind.PRESENT_ELSEWHERE
            read.wanted.append(
                replace(
                    base,
                    date=day,
                    period=piece.period,
                    kind=base.kind if away else piece.kind,
                    minutes=None if away else piece.minutes,
                )
            )
    if several and not placed and not isinstance(pupil, str):
        read.problems.append(
            base.problem(
                "date",
                f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}",
                "no school day in the period",
            )
        )
