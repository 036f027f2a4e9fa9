"""Reading CSV files that people export from other systems.

UTF-8 with or without a byte-order mark; comma or semicolon, whichever the header line uses.
Anything else raises ``CsvError`` naming the file and, where it can, the line, so an import can
tell the person who made the file exactly what to fix. Rows come with the line they start on
(the header is line 1), which is the number a spreadsheet shows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, NamedTuple, Self

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (",", ";")


class CsvError(Exception):
    """A file that cannot be read as CSV; ``str()`` is a sentence a person can act on."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        super().__init__(f"{file} line {line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message


class Row(NamedTuple):
    line: int
    values: dict[str, str]
    # Non-empty values beyond the header's last column: a row that does not fit its header.
    extra: tuple[str, ...] = ()


def sniff_delimiter(header_line: str) -> str:
    """The delimiter the header uses: the more frequent of comma and semicolon outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


class CsvReader:
    """Iterate over a CSV file's rows as ``Row(line, values)``; use it as a context manager.

    The header is read when the reader opens, so a file without a usable header fails at once.
    Values are stripped of surrounding white space unless ``strip=False``; rows whose values are
    all empty (blank lines, a spreadsheet's trailing ``;;;;``) are left out.
    """

    def __init__(self, path: Path, *, name: str | None = None, strip: bool = True) -> None:
        self.path = path
        self.name = name or path.name
        self.strip = strip
        try:
            self._file: BinaryIO = path.open("rb")
        except OSError as exc:
            raise CsvError(self.name, f"cannot be opened: {exc.strerror or exc}") from exc
        self._line = 0
        try:
            self.header, self.delimiter = self._read_header()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def _lines(self) -> Iterator[str]:
        """Physical lines decoded one at a time, so a decoding error names its own line."""
        for raw in self._file:
            self._line += 1
            if self._line == 1:
                if raw.startswith(_UTF16_BOMS):
                    raise CsvError(
                        self.name,
                        "is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8",
                        line=1,
                    )
                raw = raw.removeprefix(_UTF8_BOM)
            if b"\x00" in raw:
                raise CsvError(
                    self.name,
                    "contains NUL bytes: is it UTF-16 or not a text file? Save it as UTF-8",
                    line=self._line,
                )
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start]
                raise CsvError(
                    self.name,
                    f"is not UTF-8 (byte 0x{bad:02x} at column {exc.start + 1}); "
                    "save it as UTF-8 (Latin-1 and Windows-1252 are not accepted)",
                    line=self._line,
                ) from None

    def _read_header(self) -> tuple[tuple[str, ...], str]:
        self._lines_iter = self._lines()
        first = ""
        for line in self._lines_iter:
            if line.strip():
                first = line
                break
        if not first:
            raise CsvError(self.name, "is empty: there is no header line")
        delimiter = sniff_delimiter(first)
        self._reader = csv.reader(_chain_first(first, self._lines_iter), delimiter=delimiter)
        fields = self._next_record()
        if fields is None:  # pragma: no cover - the first line is not blank, so a record exists
            raise CsvError(self.name, "is empty: there is no header line")
        names = [field.strip() for field in fields]
        while names and not names[-1]:
            names.pop()
        seen: set[str] = set()
        for position, name in enumerate(names, start=1):
            if not name:
                raise CsvError(self.name, f"column {position} has no name", line=self._line)
            if name in seen:
                raise CsvError(self.name, f'column "{name}" appears twice', line=self._line)
            seen.add(name)
        if not names:
            raise CsvError(self.name, "the header line has no column names", line=self._line)
        return tuple(names), delimiter

    def _next_record(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            message = str(exc)
            if "new-line character" in message:
                message = "a line break inside an unquoted value (old Mac line endings?)"
            raise CsvError(self.name, f"is not valid CSV: {message}", line=self._line) from None

    def __iter__(self) -> Iterator[Row]:
        width = len(self.header)
        while True:
            start = self._line + 1
            fields = self._next_record()
            if fields is None:
                return
            if self.strip:
                fields = [field.strip() for field in fields]
            if not any(fields):
                continue
            values = dict(zip(self.header, fields, strict=False))
            for name in self.header[len(fields) :]:
                values[name] = ""
            extra = tuple(field for field in fields[width:] if field)
            yield Row(start, values, extra)


def _chain_first(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def read_csv(
    path: Path, *, name: str | None = None, strip: bool = True
) -> tuple[tuple[str, ...], list[Row]]:
    """The header and every row of a file, read at once."""
    with CsvReader(path, name=name, strip=strip) as reader:
        return reader.header, list(reader)
