"""The early-warning engine: every rule over every pupil of the municipality in one pass.

``evaluate`` loads the inputs once (``frames``: a handful of queries through Arrow), numbers the
school days once (``days.prepare``) and runs each rule (``rules``) as one vectorised Polars
computation over all pupils; there is no loop over pupils anywhere. Schools with their own
standard are grouped by the settings of each rule, so a rule runs once per distinct setting
(once in all, while every school keeps the defaults).

``findings`` is the pure part (frames in, findings out); ``evaluate`` and ``preview`` add the
loading. Writing flags is ``sammen.warning.services``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from sammen.lib import collector
from sammen.roster.models import School
from sammen.warning import frames
from sammen.warning.days import Year, prepare
from sammen.warning.models import WarningStandard
from sammen.warning.rules import RULES
from sammen.warning.standard import Rule, Standard

DEFAULT = Standard()


@dataclass(frozen=True)
class Finding:
    """One rule holding for one pupil on the evaluation day."""

    pupil_id: int
    school_id: int
    rule: str
    level: int
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Assessment:
    """What one evaluation found, and of whom: ``pupils`` are the pupils evaluated (their
    school's current year has at least one school day they were enrolled)."""

    as_of: date
    findings: list[Finding]
    pupils: frozenset[int]
    schools: frozenset[int]


@dataclass(frozen=True)
class Preview:
    """How many pupils a standard would flag at a school (the standard page's live preview)."""

    pupils: int
    by_rule: dict[str, int] = field(default_factory=dict)


def evaluate(
    school_ids: Collection[int] | None,
    as_of: date,
    standards: Mapping[int, Standard] | None = None,
) -> list[Finding]:
    """The findings for the schools' pupils (every school when None) on ``as_of``. Each school
    is judged by its own standard (``standards``, else its stored one, else the defaults)."""
    return assess(school_ids, as_of, standards).findings


def assess(
    school_ids: Collection[int] | None,
    as_of: date,
    standards: Mapping[int, Standard] | None = None,
    *,
    pupil_ids: Collection[int] | None = None,
) -> Assessment:
    """``evaluate``, also saying whom it evaluated; ``pupil_ids`` narrows it to those pupils
    (the incremental run after an import, ``services.refresh_flags``)."""
    if standards is None:
        standards = stored_standards(school_ids)
    in_force = list(standards.values()) or [DEFAULT]
    # The subject rule reads single lessons only for its window: the widest any school uses.
    weeks = max(s.subject.weeks for s in [*in_force, DEFAULT])
    # A run makes many short-lived objects and no cycles (sammen.lib.collector).
    with collector.paused():
        inputs = frames.load(
            school_ids, as_of, lessons_since=as_of - timedelta(weeks=weeks), pupil_ids=pupil_ids
        )
        year = prepare(inputs)
        return Assessment(
            as_of,
            findings(year, standards),
            frozenset(year.pupils.get_column("pupil_id").to_list()),
            frozenset(year.calendar.get_column("school_id").unique().to_list()),
        )


def stored_standards(school_ids: Collection[int] | None) -> dict[int, Standard]:
    """The schools' own standards; a school without one is left out (it keeps the defaults)."""
    rows = WarningStandard.objects.all()
    if school_ids is not None:
        rows = rows.filter(school_id__in=list(school_ids))
    pairs = rows.values_list("school_id", "rules")
    return {school_id: Standard.from_json(rules) for school_id, rules in pairs}


def findings(year: Year, standards: Mapping[int, Standard]) -> list[Finding]:
    """Every rule over every pupil of ``year``, each school by its standard (pure)."""
    schools = year.pupils.get_column("school_id").unique().sort().to_list()
    if not schools:
        return []
    school_of = year.pupils.select("pupil_id", "school_id")
    tasks: list[tuple[str, Any, Year]] = []
    for code in RULES:
        by_settings: dict[Any, list[int]] = defaultdict(list)
        for school in schools:
            by_settings[getattr(standards.get(school, DEFAULT), code)].append(school)
        for settings, members in by_settings.items():
            if settings.on:
                part = year if len(members) == len(schools) else restrict(year, members)
                tasks.append((code, settings, part))

    def run(task: tuple[str, Any, Year]) -> list[Finding]:
        code, settings, part = task
        found = RULES[code](part, settings)
        if found.is_empty():
            return []
        found = found.join(school_of, on="pupil_id")
        # Column by column: much faster than a dict per row from the nested struct.
        evidence = found.get_column("evidence").struct.unnest()
        keys = evidence.columns
        values = zip(*(evidence.get_column(k).to_list() for k in keys), strict=True)
        return [
            Finding(int(pupil), int(school), code, int(level), dict(zip(keys, row, strict=True)))
            for pupil, school, level, row in zip(
                found.get_column("pupil_id").to_list(),
                found.get_column("school_id").to_list(),
                found.get_column("level").to_list(),
                values,
                strict=True,
            )
        ]

    out = [finding for task in tasks for finding in run(task)]
    order = {code: i for i, code in enumerate(Rule.ALL)}
    out.sort(key=lambda f: (f.school_id, f.pupil_id, order[f.rule]))
    return out


def restrict(year: Year, school_ids: Collection[int]) -> Year:
    """``year`` for some of its schools only (pure)."""
    keep = pl.col("school_id").is_in(list(school_ids))
    return Year(
        year.as_of,
        year.calendar.filter(keep),
        year.pupils.filter(keep),
        year.days.filter(keep),
        year.slots,
        year.lessons.filter(keep),
    )


def preview(school: School, standard: Standard, as_of: date) -> Preview:
    """How many of the school's pupils ``standard`` would flag on ``as_of``, in all and by rule."""
    found = evaluate([school.pk], as_of, {school.pk: standard})
    by_rule: dict[str, set[int]] = {code: set() for code in Rule.ALL}
    for finding in found:
        by_rule[finding.rule].add(finding.pupil_id)
    return Preview(
        len({f.pupil_id for f in found}), {code: len(ids) for code, ids in by_rule.items()}
    )
