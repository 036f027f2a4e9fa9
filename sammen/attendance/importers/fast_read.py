"""The fast path's reading of an attendance CSV: Polars splits the lines, the row path's own
functions parse each distinct value once, and anything the row path would reject declines.

Only files in which every line is one record are read here: no quotation marks (so no quoted
separators or line breaks), no carriage return except in a CRLF line end, no control characters,
UTF-8, and the header alone on the first line. For such a file the csv module and Polars split
the lines the same way, and line numbers cannot drift. Rows that are blank after stripping are
left out, as the row path leaves them out; a row longer than the header declines (the row path
either reports it or, when the extra values are empty, drops them: it decides).

The values are parsed with ``values`` and ``csv_format``'s functions on the distinct raw values of
each column, so the fast path has no copy of the rules about dates, lessons, kinds, reasons,
minutes and their combinations: a value any of them calls wrong declines.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from sammen.attendance.importers.csv_format import COLUMNS, header_origin, lookup
from sammen.attendance.importers.fast_declined import Declined
from sammen.attendance.importers.rows import Read
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
from sammen.lib.csvread import CsvError, CsvReader
from sammen.lib.importreport import Note

_BOM = b"\xef\xbb\xbf"
# A quotation mark, NUL and the other control characters the csv module or ``str.strip`` treat
# specially (tab, line feed and carriage return aside): a file with any is read by the row path.
_UNSURE = bytes([0x22, *range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# The most a 32-bit column holds; any number of minutes near it is wrong anyway.
_MOST = 2**31 - 1
# The typed columns a read gives, in this order.
FIELDS = (
    "pupil",
    "date",
    "period",
    "subject",
    "kind",
    "minutes",
    "reason",
    "documented",
    "comment",
)


@dataclass(frozen=True)
class Table:
    """The rows of a file, typed (``FIELDS``, in file order), and the notes on its header."""

    frame: pl.DataFrame
    notes: list[Note]


def read_table(path: Path) -> Table:
    """Read ``path`` the way ``csv_format.read_csv_file`` would, or decline."""
    try:
        with CsvReader(path) as reader:
            header, delimiter = reader.header, reader.delimiter
    except CsvError as exc:
        raise Declined("the file cannot be read as CSV") from exc
    read = Read()
    origin, fatal = header_origin(path.name, header, read)
    if fatal:
        raise Declined("the header lacks a column or names one twice")
    data = path.read_bytes().removeprefix(_BOM)
    if len(data.translate(None, _UNSURE)) != len(data):
        raise Declined("quotation marks or control characters")
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        raise Declined("a carriage return that does not end a line")
    try:
        first_line = data.split(b"\n", 1)[0].removesuffix(b"\r").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Declined("not UTF-8") from exc
    if [name.strip() for name in first_line.split(delimiter)] != list(header):
        raise Declined("the header is not alone on the first line")
    raw = _split(data, delimiter, len(header))
    # The csv module refuses the whole file over a field longer than its limit; Polars has none.
    # Bytes are at least characters, so this declines whenever the row path would refuse.
    longest = raw.select(pl.all().str.len_bytes().max()).max_horizontal().item()
    if longest is not None and longest > csv.field_size_limit():
        raise Declined("a value longer than the csv module reads")
    raw = _without_blank_rows(raw)
    if raw.height == 0:
        raise Declined("no rows")
    at = {c: header.index(origin.names[c]) for c in COLUMNS if c in origin.names}
    frame = raw.select(
        (pl.col(f"c{at[c]}") if c in at else pl.lit("", dtype=pl.String)).alias(f"raw_{c}")
        for c in COLUMNS
    )
    return Table(_typed(frame), read.notes)


def _split(data: bytes, delimiter: str, width: int) -> pl.DataFrame:
    """Every line of ``data`` but the header as ``width`` text columns (missing values empty)."""
    columns = [f"c{i}" for i in range(width)]
    try:
        # The header line is read too: Polars takes the number of values from the first line.
        raw = pl.read_csv(
            data,
            has_header=False,
            schema=dict.fromkeys(columns, pl.String),
            separator=delimiter,
            quote_char=None,
            truncate_ragged_lines=False,
            encoding="utf8",
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise Declined("a row has more values than the header, or the file is not UTF-8") from exc
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if raw.height != lines:
        raise Declined("Polars and the csv module would see different lines")
    return raw.slice(1).with_columns(pl.all().fill_null(""))


def _without_blank_rows(raw: pl.DataFrame) -> pl.DataFrame:
    """Leave out the rows whose every value is white space, as the row path does."""
    blank: list[pl.Expr] = []
    for name in raw.columns:
        values = [v for v in raw.get_column(name).unique().to_list() if not v.strip()]
        if not values:
            return raw  # a column that is never blank: no blank rows
        blank.append(pl.col(name).is_in(values))
    return raw.filter(~pl.all_horizontal(blank))


def _mapped(
    frame: pl.DataFrame,
    sources: list[str],
    target: str,
    dtype: pl.DataType | type[pl.DataType],
    parse: Callable[..., Any],
) -> pl.DataFrame:
    """``frame`` with column ``target``: ``parse`` of each distinct combination of ``sources``."""
    distinct = frame.select(sources).unique()
    values = [parse(*row) for row in distinct.iter_rows()]
    table = distinct.with_columns(pl.Series(target, values, dtype=dtype))
    return frame.join(table, on=sources, how="left", maintain_order="left", nulls_equal=True)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _mapped(frame, ["raw_pupil_id"], "pupil", pl.String, _pupil)
    frame = _mapped(frame, ["raw_date"], "date", pl.Date, _date)
    frame = _mapped(frame, ["raw_period"], "period", pl.Int16, _period)
    frame = _mapped(frame, ["raw_minutes"], "minutes", pl.Int32, _minutes)
    frame = _mapped(frame, ["raw_kind"], "kind", pl.String, _kind)
    frame = _mapped(frame, ["kind", "raw_reason"], "reason", pl.String, _reason)
    frame = _mapped(frame, ["raw_documented"], "documented", pl.Boolean, _documented)
    frame = _mapped(frame, ["raw_subject"], "subject", pl.String, _longest(MAX_SUBJECT))
    frame = _mapped(frame, ["raw_comment"], "comment", pl.String, _longest(MAX_COMMENT))
    frame = frame.select(FIELDS)
    for kind, period, minutes, reason in (
        frame.select("kind", "period", "minutes", "reason").unique().iter_rows()
    ):
        if kind_problems(kind, period, minutes, reason):
            raise Declined(f"a row breaks a rule for {kind}")
    return frame


def _pupil(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise Declined("a row has no pupil id")
    return value


def _checked(column: str, value: Hashable) -> Any:
    if isinstance(value, str):
        raise Declined(f"a row has a bad {column}")
    return value


def _date(raw: str) -> Any:
    return _checked("date", parse_date(raw.strip()))


def _period(raw: str) -> Any:
    return _checked("period", parse_period(raw.strip()))


def _minutes(raw: str) -> Any:
    minutes = _checked("minutes", parse_minutes(raw.strip()))
    if minutes is not None and minutes > _MOST:
        raise Declined("minutes too large to hold (the row path says why it is wrong)")
    return minutes


def _kind(raw: str) -> str:
    kind = lookup(KINDS, raw.strip())
    if not kind:
        raise Declined("a row has a bad kind")
    return kind


def _reason(kind: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        return default_reason(kind)
    reason = lookup(REASONS, value)
    if not reason:
        raise Declined("a row has a bad reason")
    return reason


def _documented(raw: str) -> bool:
    documented = YES_NO.get(raw.strip().lower())
    if documented is None:
        raise Declined("a row has a bad documented")
    return documented


def _longest(most: int) -> Callable[[str], str]:
    def stripped(raw: str) -> str:
        value = raw.strip()
        if len(value) > most:
            raise Declined(f"a value longer than {most} characters")
        return value

    return stripped
