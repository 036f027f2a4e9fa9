"""What an import did, or would do: counts per model, and every row it rejected or skipped.

The same report is printed for people (``as_text``) and for scripts (``as_json``); DESIGN.md §5
fixes the JSON keys ``format``, ``dry_run``, ``created``, ``updated``, ``unchanged``, ``deleted``,
``skipped`` and ``rejected``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The models an import counts, in the order a person reads them.
MODELS = (
    "school_owner",
    "school",
    "school_year",
    "term",
    "group",
    "pupil",
    "staff",
    "guardian",
    "staff_role",
    "enrollment",
    "group_teacher",
    "guardianship",
)

_SECRET_FIELDS = ("password", "secret", "token")


def _shown_value(field_name: str | None, value: str | None) -> str | None:
    if field_name and any(marker in field_name.lower() for marker in _SECRET_FIELDS):
        return "***" if value else value
    return value


@dataclass(frozen=True)
class Problem:
    """A rejected row (or, for a missing file or column, a rejected file)."""

    file: str
    line: int | None
    field: str | None
    value: str | None
    reason: str

    def text(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "value": _shown_value(self.field, self.value),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Skip:
    """A valid row that does not change anything, and why (a grading period, nothing to delete)."""

    file: str
    line: int
    value: str
    reason: str

    def text(self) -> str:
        return f'{self.file} line {self.line} ("{self.value}"): {self.reason}'

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "value": self.value, "reason": self.reason}


@dataclass(frozen=True)
class Note:
    """Something tolerated that the person who made the file may want to know about."""

    file: str
    line: int | None
    field: str | None
    value: str | None
    note: str

    def text(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.note}"

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "value": _shown_value(self.field, self.value),
            "note": self.note,
        }


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

    @property
    def changed(self) -> bool:
        counters = (self.created, self.updated, self.deleted, self.deactivated)
        return any(sum(counter.values()) for counter in counters)

    def rejected_rows(self) -> int:
        return len({(p.file, p.line) for p in self.rejected})

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "created": _all_models(self.created),
            "updated": _all_models(self.updated),
            "unchanged": _all_models(self.unchanged),
            "deleted": _all_models(self.deleted),
            "deactivated": {"pupil": self.deactivated["pupil"]},
        }

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
        title = f"OneRoster {self.version}".strip() if self.format == "oneroster" else self.format
        lines = [f"{title} import from {self.source}"]
        if self.fatal:
            lines.append("Nothing was imported: the files cannot be read as a roster.")
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
            for label, counter in (
                ("created", self.created),
                ("updated", self.updated),
                ("deleted", self.deleted),
                ("deactivated", self.deactivated),
                ("unchanged", self.unchanged),
            ):
                shown = ", ".join(f"{counter[m]} {m}" for m in MODELS if counter[m])
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


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _all_models(counter: Counter[str]) -> dict[str, int]:
    return {model: counter[model] for model in MODELS}
