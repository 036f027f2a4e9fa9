"""``--format csv``: Sammen's own attendance CSV (docs/import-attendance.md).

Header ``pupil_id,date,period,subject,kind,minutes,reason,documented,comment`` (Norwegian names
such as ``elev_id,dato,time,fag,type,minutter,årsak,dokumentert,kommentar`` too), comma or
semicolon, UTF-8 with or without BOM. Every problem of a row is reported, not just the first.
A million rows are read in seconds: each distinct date, lesson, kind, reason and minute count
is parsed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sammen.attendance.importers.rows import Origin, Read, Wanted
from sammen.attendance.importers.values import (
    KINDS,
    MAX_COMMENT,
    MAX_SUBJECT,
    REASONS,
    YES_NO,
    default_reason,
    kind_problems,
    parse_date,
    parse_minutes,
    parse_period,
)
from sammen.lib.csvfast import Record, records
from sammen.lib.csvread import CsvError
from sammen.lib.importreport import Note, Problem

COLUMNS: dict[str, tuple[str, ...]] = {
    "pupil_id": ("pupil_id", "elev_id", "elevid", "elev"),
    "date": ("date", "dato"),
    "period": ("period", "time", "skoletime", "lesson"),
    "subject": ("subject", "fag"),
    "kind": ("kind", "type"),
    "minutes": ("minutes", "minutter"),
    "reason": ("reason", "årsak", "arsak"),
    "documented": ("documented", "dokumentert"),
    "comment": ("comment", "kommentar"),
}
REQUIRED = ("pupil_id", "date", "kind")
SOURCE = "csv"
KIND_ERROR = "must be absent, late, left_early or present_elsewhere"
REASON_ERROR = "must be sick, leave, school_activity, home_teaching, unexplained or other"
DOCUMENTED_ERROR = "must be yes or no (ja/nei, true/false, 1/0)"


def read_csv_file(path: Path) -> Read:
    """Read an attendance CSV; a file that cannot be read comes back with ``fatal`` set."""
    read = Read()
    try:
        header, rows = records(path)
        origin, fatal = header_origin(path.name, header, read)
        if fatal:
            read.fatal.extend(fatal)
            return read
        _read_rows(rows, header, origin, read)
    except CsvError as exc:
        read.fatal.append(Problem(exc.file, exc.line, None, None, exc.message))
    return read


def header_origin(name: str, header: tuple[str, ...], read: Read) -> tuple[Origin, list[Problem]]:
    by_alias = {alias: canonical for canonical, aliases in COLUMNS.items() for alias in aliases}
    names: dict[str, str] = {}
    for column in header:
        canonical = by_alias.get(column.lower())
        if canonical is None:
            read.notes.append(Note(name, 1, column, None, "unknown column; it is not read"))
        elif canonical in names:
            return Origin(name), [
                Problem(name, 1, column, None, f'the same column as "{names[canonical]}"')
            ]
        else:
            names[canonical] = column
    missing = [
        Problem(
            name,
            1,
            None,
            None,
            f"the header has no column {canonical} ({' or '.join(COLUMNS[canonical][:2])})",
        )
        for canonical in REQUIRED
        if canonical not in names
    ]
    return Origin(name, names), missing


_MISSING = object()


def lookup(table: dict[str, str], raw: str) -> str:
    return table.get(raw) or table.get(raw.lower(), "")


def _read_rows(rows: Iterator[Record], header: tuple[str, ...], origin: Origin, read: Read) -> None:
    """The hot loop of a large import: plain indexing, and every distinct value parsed once."""
    width = len(header)
    # A column the file lacks reads the empty value appended to every row.
    at = {c: header.index(origin.names[c]) if c in origin.names else width for c in COLUMNS}
    i_pupil, i_date, i_kind, i_period = at["pupil_id"], at["date"], at["kind"], at["period"]
    i_minutes, i_reason, i_documented = at["minutes"], at["reason"], at["documented"]
    i_subject, i_comment = at["subject"], at["comment"]
    blank = [""] * (width + 1)
    dates: dict[str, date | str] = {"": "the date is missing"}
    periods: dict[str, int | str | None] = {}
    minutes_cache: dict[str, int | str | None] = {}
    kinds: dict[str, str] = {}
    reasons: dict[str, str] = {}
    wanted = read.wanted
    for line, fields in rows:
        if len(fields) != width:
            extra = [f for f in fields[width:] if f.strip()]
            if extra:
                read.problems.append(
                    Problem(
                        origin.file,
                        line,
                        None,
                        ",".join(extra),
                        "more values than the header has columns",
                    )
                )
                continue
            fields = (fields + blank)[:width]
        fields.append("")
        pupil = fields[i_pupil].strip()
        raw = fields[i_date].strip()
        day = dates.get(raw)
        if day is None:
            day = dates[raw] = parse_date(raw)
        raw = fields[i_kind].strip()
        kind = kinds.get(raw)
        if kind is None:
            kind = kinds[raw] = lookup(KINDS, raw)
        raw = fields[i_period].strip()
        period = periods.get(raw, _MISSING)
        if period is _MISSING:
            period = periods[raw] = parse_period(raw)
        raw = fields[i_minutes].strip()
        minutes = minutes_cache.get(raw, _MISSING)
        if minutes is _MISSING:
            minutes = minutes_cache[raw] = parse_minutes(raw)
        raw = fields[i_reason].strip()
        if raw:
            reason = reasons.get(raw)
            if reason is None:
                reason = reasons[raw] = lookup(REASONS, raw)
        else:
            reason = default_reason(kind)
        documented = YES_NO.get(fields[i_documented].strip().lower())
        subject = fields[i_subject].strip()
        comment = fields[i_comment].strip()
        if (
            isinstance(day, str)
            or isinstance(period, str)
            or isinstance(minutes, str)
            or documented is None
            or not (pupil and kind and reason)
            or len(subject) > MAX_SUBJECT
            or len(comment) > MAX_COMMENT
            or (
                (minutes is not None or kind in _RULED)
                and kind_problems(kind, period, minutes, reason)  # type: ignore[arg-type]
            )
        ):
            values = {c: fields[i].strip() for c, i in at.items()}
            _report(read, origin, line, values)
            continue
        wanted.append(
            Wanted(
                origin,
                line,
                "",
                pupil,
                day,
                period,  # type: ignore[arg-type]
                kind,
                minutes,  # type: ignore[arg-type]
                reason,
                documented,
                subject,
                comment,
                None,
                "",
                SOURCE,
            )
        )


# Kinds with rules about minutes, lessons and reasons (``kind_problems``).
_RULED = frozenset({"late", "left_early", "present_elsewhere"})


def _report(read: Read, origin: Origin, line: int, values: dict[str, str]) -> None:
    """Every problem of a row, each with its column: the slow path, for rows with any."""
    bad: list[tuple[str, str, str]] = []
    pupil = values["pupil_id"]
    if not pupil:
        bad.append(("pupil_id", pupil, "the pupil's id is missing"))
    day = parse_date(values["date"]) if values["date"] else "the date is missing"
    if isinstance(day, str):
        bad.append(("date", values["date"], day))
    kind = lookup(KINDS, values["kind"])
    if not kind:
        bad.append(("kind", values["kind"], KIND_ERROR))
    period = parse_period(values.get("period", ""))
    if isinstance(period, str):
        bad.append(("period", values["period"], period))
        period = None
    minutes = parse_minutes(values.get("minutes", ""))
    if isinstance(minutes, str):
        bad.append(("minutes", values["minutes"], minutes))
        minutes = None
    reason = lookup(REASONS, values.get("reason", "")) or default_reason(kind)
    if values.get("reason") and not lookup(REASONS, values["reason"]):
        bad.append(("reason", values["reason"], REASON_ERROR))
    if values.get("documented", "").lower() not in YES_NO:
        bad.append(("documented", values["documented"], DOCUMENTED_ERROR))
    for name, most in (("subject", MAX_SUBJECT), ("comment", MAX_COMMENT)):
        if len(values.get(name, "")) > most:
            bad.append((name, values[name][:40], f"longer than {most} characters"))
    if kind:
        named = {name for name, _, _ in bad}
        bad.extend(
            (name, values.get(name, ""), why)
            for name, why in kind_problems(kind, period, minutes, reason)
            if name not in named
        )
    if pupil and not isinstance(day, str):
        read.doubtful.setdefault((pupil, day), f"line {line}")
    read.problems.extend(
        Problem(origin.file, line, origin.name(name), value, why) for name, value, why in bad
    )
