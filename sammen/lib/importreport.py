"""What an import did, or would do: counts per model, and every row it rejected or skipped.

Shared by every import (roster, attendance, calendar). The same report is printed for people
(``as_text``) and for scripts (``as_json``); DESIGN.md §5 fixes the JSON keys ``format``,
``dry_run``, ``created``, ``updated``, ``unchanged``, ``deleted``, ``skipped`` and ``rejected``.
A row in a JSON or XML file may have no line number; its ``field`` then says where it is
(``_embedded._entries[3].periode.start``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self

_SECRET_FIELDS = ("password", "secret", "token")
FORMAT_TITLES = {"oneroster": "OneRoster", "edfi": "Ed-Fi", "fint": "FINT", "csv": "CSV"}


def _shown_value(field_name: str | None, value: str | None) -> str | None:
    if field_name and any(marker in field_name.lower() for marker in _SECRET_FIELDS):
        return "***" if value else value
    return value


def _where(file: str, line: int | None, field_name: str | None) -> str:
    where = file
    if line is not None:
        where += f" line {line}"
    if field_name:
        where += f", field {field_name}"
    return where


@dataclass(frozen=True)
class _Located:
    """Something said about a place in the files: a file, a line, a field and its value."""

    file: str
    line: int | None
    field: str | None
    value: str | None

    def _json(self, **said: str) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "value": _shown_value(self.field, self.value),
            **said,
        }


@dataclass(frozen=True)
class Problem(_Located):
    """A rejected row (or, for a missing file or column, a rejected file)."""

    reason: str

    def text(self) -> str:
        return f"{_where(self.file, self.line, self.field)}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return self._json(reason=self.reason)


@dataclass(frozen=True)
class Skip:
    """A valid row that does not change anything, and why (a grading period, nothing to delete)."""

    file: str
    line: int | None
    value: str
    reason: str

    def text(self) -> str:
        return f'{_where(self.file, self.line, None)} ("{self.value}"): {self.reason}'

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "value": self.value, "reason": self.reason}


@dataclass(frozen=True)
class Note(_Located):
    """Something tolerated that the person who made the file may want to know about."""

    note: str

    def text(self) -> str:
        return f"{_where(self.file, self.line, self.field)}: {self.note}"

    def as_json(self) -> dict[str, Any]:
        return self._json(note=self.note)


@dataclass
class Report:
    format: str
    source: str = ""
    version: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    applied: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    deactivated: Counter[str] = field(default_factory=Counter)
    skipped: list[Skip] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # A missing file or column, or an unreadable file: no row could be judged.
    fatal: bool = False
    # The models this import counts, in the order a person reads them.
    models: tuple[str, ...] = ()
    # The models this import can deactivate rather than delete (a pupil who left).
    deactivatable: tuple[str, ...] = ()
    # What the files should have been, for "the files cannot be read as ...".
    noun: str = "data"

    @property
    def changed(self) -> bool:
        counters = (self.created, self.updated, self.deleted, self.deactivated)
        return any(sum(counter.values()) for counter in counters)

    def fail(self, *problems: Problem) -> Self:
        """The files cannot be read (a missing file or column): nothing in them is judged."""
        self.fatal = True
        self.rejected.extend(problems)
        return self

    def rejected_rows(self) -> int:
        return len({(p.file, p.line if p.line is not None else p.field) for p in self.rejected})

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {
            "created": self._all_models(self.created),
            "updated": self._all_models(self.updated),
            "unchanged": self._all_models(self.unchanged),
            "deleted": self._all_models(self.deleted),
        }
        if self.deactivatable:
            counts["deactivated"] = {m: self.deactivated[m] for m in self.deactivatable}
        return counts

    def title(self) -> str:
        return f"{FORMAT_TITLES.get(self.format, self.format)} {self.version}".strip()

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "version": self.version,
            "source": self.source,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "applied": self.applied,
            **self.counts(),
            "skipped": [s.as_json() for s in self.skipped],
            "rejected": [p.as_json() for p in self.rejected],
            "notes": [n.as_json() for n in self.notes],
        }

    def as_text(self) -> str:
        lines = [f"{self.title()} import from {self.source}"]
        if self.fatal:
            lines.append(f"Nothing was imported: the files cannot be read as {self.noun}.")
        elif self.dry_run:
            lines.append("Dry run: nothing was written. This is what the import would do.")
        elif not self.applied and self.rejected:
            lines.append(
                f"Nothing was imported: {_rows(self.rejected_rows())} with errors. Fix them, or "
                "use --skip-invalid to import the other rows. Without the errors the import "
                "would do this:"
            )
        elif self.rejected:
            lines.append(
                f"Imported the valid rows; {_rows(self.rejected_rows())} with errors left out."
            )
        if not self.fatal:
            counters = [
                ("created", self.created),
                ("updated", self.updated),
                ("deleted", self.deleted),
            ]
            if self.deactivatable:
                counters.append(("deactivated", self.deactivated))
            counters.append(("unchanged", self.unchanged))
            for label, counter in counters:
                shown = ", ".join(f"{counter[m]} {m}" for m in self.models if counter[m])
                lines.append(f"  {label}: {shown or 'nothing'}")
        if self.rejected:
            lines.append(f"Errors ({len(self.rejected)}):")
            lines.extend(f"  {p.text()}" for p in self.rejected)
        if self.skipped:
            lines.append(f"Skipped ({len(self.skipped)}):")
            lines.extend(f"  {s.text()}" for s in self.skipped)
        if self.notes:
            lines.append(f"Notes ({len(self.notes)}):")
            lines.extend(f"  {n.text()}" for n in self.notes)
        return "\n".join(lines)

    def _all_models(self, counter: Counter[str]) -> dict[str, int]:
        return {model: counter[model] for model in self.models}


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
