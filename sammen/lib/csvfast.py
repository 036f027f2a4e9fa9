"""Reading a large CSV file fast: the whole file decoded at once and parsed by the C csv module.

``sammen.lib.csvread.CsvReader`` decodes line by line so an encoding error names its line; that
costs microseconds a row, which a million-row import feels. ``records`` keeps CsvReader's rules
(its header checks, BOM, comma or semicolon, the line a row starts on, blank rows left out) and
its error messages: when the fast path meets a problem, CsvReader reads the file to name it.
Values are not stripped; the caller strips what it reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from sammen.lib.csvread import CsvError, CsvReader

Record = tuple[int, list[str]]


def records(path: Path, *, name: str | None = None) -> tuple[tuple[str, ...], Iterator[Record]]:
    """The header, and (line, values) for every row that is not blank; CsvError if unreadable."""
    with CsvReader(path, name=name) as reader:
        header, delimiter, label = reader.header, reader.delimiter, reader.name
    data = path.read_bytes()
    try:
        if b"\x00" in data:
            raise UnicodeError
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeError:
        _raise_slowly(path, label)
    return header, _rows(text, delimiter, label, path)


def _rows(text: str, delimiter: str, label: str, path: Path) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    seen_header = False
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if not seen_header:
                seen_header = True
                continue
            yield start, fields
    except csv.Error:
        _raise_slowly(path, label)


def _raise_slowly(path: Path, label: str) -> NoReturn:
    """Let CsvReader find the problem and name its line."""
    with CsvReader(path, name=label) as reader:
        for _row in reader:
            pass
    raise CsvError(label, "cannot be read as CSV")
