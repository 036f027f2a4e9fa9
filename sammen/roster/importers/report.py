"""The roster import's report: the shared ``sammen.lib.importreport`` with the roster's models.

DESIGN.md §5 fixes the JSON keys; the roster adds ``deactivated`` (pupils who left).
"""

from __future__ import annotations

from dataclasses import dataclass

from sammen.lib.importreport import Note, Problem, Skip
from sammen.lib.importreport import Report as ImportReport

# The models a roster import counts, in the order a person reads them.
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


@dataclass
class Report(ImportReport):
    models: tuple[str, ...] = MODELS
    deactivatable: tuple[str, ...] = ("pupil",)
    noun: str = "a roster"


__all__ = ["MODELS", "Note", "Problem", "Report", "Skip"]
