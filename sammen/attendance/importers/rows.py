"""What a reader hands on: the records a file asks for, each knowing where in the file it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sammen.lib.importreport import Note, Problem, Skip


@dataclass(frozen=True)
class Origin:
    """One file, and what it calls Sammen's fields (the header's own names, or element paths)."""

    file: str
    names: dict[str, str] = field(default_factory=dict)

    def name(self, canonical: str) -> str:
        return self.names.get(canonical, canonical)


@dataclass(slots=True)
class Wanted:
    """One attendance record a file asks for, read but not yet judged against Sammen.

    ``line`` is the file's line, or None in JSON, where ``prefix`` (``[3].``) says which entry.
    ``counts_on_diploma`` None means: as the kind and reason say. ``source`` is what the record's
    ``source`` field becomes: the format, and for formats with stable ids, the id.
    """

    origin: Origin
    line: int | None
    prefix: str
    pupil: str
    date: date
    period: int | None
    kind: str
    minutes: int | None
    reason: str
    documented: bool
    subject: str = ""
    comment: str = ""
    counts_on_diploma: bool | None = None
    group: str = ""
    source: str = ""
    # The school the file says the event was at (Ed-Fi), checked against the pupil's school.
    school: str = ""

    def problem(self, canonical: str, value: object, reason: str) -> Problem:
        shown = "" if value is None else str(value)
        return Problem(
            self.origin.file,
            self.line,
            self.prefix + self.origin.name(canonical),
            shown,
            reason,
        )

    def skip(self, value: str, reason: str) -> Skip:
        return Skip(self.origin.file, self.line, value, reason)

    @property
    def where(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        return self.prefix.rstrip(".") or self.origin.file


@dataclass
class Read:
    """What a reader made of a file: records, rejected entries, skipped ones, notes."""

    wanted: list[Wanted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # A file that cannot be read at all, or lacks a column: nothing in it can be judged.
    fatal: list[Problem] = field(default_factory=list)
    # (pupil id, date) of rejected entries, and where the first is: such a day is left alone.
    doubtful: dict[tuple[str, date], str] = field(default_factory=dict)
    # Whether a record on a day without school is an error (csv) or left out (edfi): see the docs.
    skip_non_school_days: bool = False
