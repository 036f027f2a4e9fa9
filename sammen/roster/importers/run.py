"""One OneRoster import, start to end: read, plan, and write (or only report) in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from sammen.roster.importers.apply import Applier
from sammen.roster.importers.existing import find_owner, load_existing
from sammen.roster.importers.oneroster import read_directory
from sammen.roster.importers.report import Problem, Report
from sammen.roster.importers.resolve import choose_owner_org
from sammen.roster.importers.resolve_people import build_plan


def import_oneroster(
    directory: Path,
    *,
    owner_name: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> Report:
    """Import a directory of OneRoster CSV files into one school owner's roster.

    All or nothing unless ``skip_invalid``: with any rejected row nothing is written, and the
    report still says what the valid rows would have done. The counts never depend on whether
    anything was written, so a dry run reports exactly what the real run will do.
    """
    report = Report(
        format="oneroster", source=str(directory), dry_run=dry_run, skip_invalid=skip_invalid
    )
    ds = read_directory(directory)
    report.version = ds.version
    report.notes.extend(ds.notes)
    if ds.fatal:
        return _fatal(report, ds.fatal)
    owner_org, problem = choose_owner_org(ds)
    if problem is not None:
        return _fatal(report, [problem])
    with transaction.atomic():
        owner = find_owner(owner_org, owner_name)
        if isinstance(owner, Problem):
            return _fatal(report, [owner])
        existing = load_existing(owner)
        plan = build_plan(ds, existing.known(), owner_org)
        report.rejected.extend(_by_file_and_line([*ds.problems, *plan.problems]))
        report.skipped.extend(ds.skipped)
        report.skipped.extend(plan.skipped)
        report.notes.extend(plan.notes)
        report.notes.sort(key=lambda n: _file_line(n.file, n.line))
        applier = Applier(plan, existing, report)
        applier.compute()
        report.applied = not dry_run and (skip_invalid or not report.rejected)
        if report.applied and report.changed:
            applier.write()
    return report


def _fatal(report: Report, problems: list[Problem]) -> Report:
    report.fatal = True
    report.rejected.extend(problems)
    return report


_FILE_ORDER = (
    "orgs.csv",
    "academicsessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "roles.csv",
    "userprofiles.csv",
    "demographics.csv",
    "enrollments.csv",
)


def _file_line(file: str, line: int | None) -> tuple[int, str, int]:
    name = file.lower()
    order = _FILE_ORDER.index(name) if name in _FILE_ORDER else len(_FILE_ORDER)
    return order, name, line or 0


def _by_file_and_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: _file_line(p.file, p.line))
