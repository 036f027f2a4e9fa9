"""Resolving orgs, academic sessions and classes: schools, school years, terms and groups."""

from __future__ import annotations

from datetime import date

from sammen.roster.importers.columns import CLASSES, ORGS, OWNER_ORG_TYPES, SESSIONS
from sammen.roster.importers.plan import (
    GroupSpec,
    OwnerSpec,
    SchoolSpec,
    TermSpec,
    YearRef,
    YearSpec,
)
from sammen.roster.importers.resolve import NOT_A_GRADE, Resolver, RowCheck
from sammen.roster.importers.rows import ClassRow, OrgRow, SessionRow, Status
from sammen.roster.models import GroupKind

MAX_SUBJECT = 200


class SchoolResolver(Resolver):
    """Schools first, since everything else is at a school; then school years, terms, groups."""

    # orgs -------------------------------------------------------------------------------------

    def plan_orgs(self) -> None:
        departments: list[OrgRow] = []
        for org in self.ds.orgs:
            if org.status is Status.DELETE:
                self.skip(org.ref, org.sid, "orgs are not removed by an import; remove by hand")
            elif org.type in OWNER_ORG_TYPES:
                if org is self.owner_org:
                    self.plan.owner = OwnerSpec(org.ref, org.sid, org.name, _org_number(org))
                else:
                    owner = self.owner_org.sid if self.owner_org else "none"
                    self.skip(
                        org.ref,
                        org.sid,
                        f'not the school owner of this import ("{owner}"); not stored',
                    )
            elif org.type == "school":
                self.plan.schools[org.sid] = SchoolSpec(
                    org.ref, org.sid, org.name, _org_number(org)
                )
                self.school_of[org.sid] = org.sid
                self._check_school_parent(org)
            else:
                departments.append(org)
        for org in departments:
            row = RowCheck(org.ref)
            school = self._department_school(org, row, set())
            if self.finish(row, ORGS.name, org.sid) and school:
                self.school_of[org.sid] = school
                self.note(
                    org.ref,
                    "type",
                    org.sid,
                    f'department "{org.name}" is read as part of school "{school}"',
                )

    def _check_school_parent(self, org: OrgRow) -> None:
        parent = org.parent
        if not parent or parent == self.known.owner_source_id:
            return
        if self.owner_org is not None and parent == self.owner_org.sid:
            return
        found = self.orgs.get(parent)
        if found is not None and found.type in OWNER_ORG_TYPES:
            return
        what = f"is a {found.type}" if found is not None else "is not in orgs.csv or Sammen"
        self.note(
            org.ref,
            "parentSourcedId",
            parent,
            f'parent org "{parent}" {what}, not the school owner; ignored',
        )

    def _department_school(self, org: OrgRow, row: RowCheck, seen: set[str]) -> str:
        parent = org.parent
        if not parent:
            row.problem("parentSourcedId", "", "a department needs the school it belongs to")
            return ""
        if parent in seen:
            row.problem("parentSourcedId", parent, "departments form a loop")
            return ""
        found = self.orgs.get(parent)
        reason = self.rejected_reason(ORGS.name, parent, "parent org")
        if reason:
            row.problem("parentSourcedId", parent, reason)
        elif found is None:
            if parent in self.known.schools:
                return parent
            row.problem(
                "parentSourcedId",
                parent,
                f'parent org "{parent}" does not exist: a department must belong to a school '
                "in orgs.csv or already in Sammen",
            )
        elif found.status is Status.DELETE:
            row.problem("parentSourcedId", parent, f'parent org "{parent}" is marked tobedeleted')
        elif found.type == "school":
            return parent
        elif found.type == "department":
            return self._department_school(found, row, seen | {org.sid})
        else:
            row.problem(
                "parentSourcedId",
                parent,
                f'parent org "{parent}" is a {found.type}, not a school',
            )
        return ""

    # sessions ---------------------------------------------------------------------------------

    def plan_sessions(self) -> None:
        for s in self.ds.sessions:
            if s.status is Status.DELETE:
                self.skip(s.ref, s.sid, "academic sessions are not removed by an import")
            elif s.type == "gradingPeriod":
                self.skip(s.ref, s.sid, "grading periods are not used by Sammen")
            elif s.type == "schoolYear":
                assert s.start is not None and s.end is not None
                key = YearRef(source_id=s.sid)
                self.plan.years[key] = YearSpec(key, s.ref, s.title, s.start, s.end)
                if s.parent:
                    self.note(
                        s.ref, "parentSourcedId", s.parent, "a school year has no parent; ignored"
                    )
        for s in self.ds.sessions:
            if s.status is Status.ACTIVE and s.type in ("term", "semester"):
                self._term_year(s, set())

    def _term_year(self, s: SessionRow, seen: set[str]) -> YearRef | str:
        """The school year of a term or semester; a string is why there is none."""
        if s.sid in self.term_years:
            return self.term_years[s.sid]
        row = RowCheck(s.ref)
        year = self._resolve_term_year(s, row, seen | {s.sid})
        if self.finish(row, SESSIONS.name, s.sid) and year is not None:
            self.term_years[s.sid] = year
            if s.type in ("term", "semester"):
                assert s.start is not None and s.end is not None
                self.plan.terms[s.sid] = TermSpec(s.ref, s.sid, s.title, s.start, s.end, year)
            return year
        reason = f'academic session "{s.sid}" was rejected ({s.ref})'
        self.term_years[s.sid] = reason
        return reason

    def _resolve_term_year(self, s: SessionRow, row: RowCheck, seen: set[str]) -> YearRef | None:
        parent = s.parent
        if parent:
            if parent in seen:
                row.problem("parentSourcedId", parent, "academic sessions form a loop")
                return None
            reason = self.rejected_reason(SESSIONS.name, parent, "parent session")
            if reason:
                row.problem("parentSourcedId", parent, reason)
                return None
            found = self.sessions.get(parent)
            if found is not None:
                if found.status is Status.DELETE:
                    row.problem(
                        "parentSourcedId",
                        parent,
                        f'parent session "{parent}" is marked tobedeleted',
                    )
                    return None
                if found.type == "schoolYear":
                    return YearRef(source_id=parent)
                year = self._term_year(found, seen)
                if isinstance(year, str):
                    row.problem("parentSourcedId", parent, year)
                    return None
                return year
            if parent in self.known.years:
                return YearRef(source_id=parent)
            if parent in self.known.terms:
                return self.known.terms[parent]
        if s.start is None or s.end is None:  # a grading period has no dates of its own here
            row.problem("parentSourcedId", parent, "no term or school year above it")
            return None
        return self._year_by_dates(s, parent)

    def _year_by_dates(self, s: SessionRow, parent: str) -> YearRef:
        assert s.start is not None and s.end is not None
        start, end = s.start, s.end
        if parent:
            auto = self.plan.years.get(YearRef(source_id=parent))
            if auto is not None:
                auto.start, auto.end = min(auto.start, start), max(auto.end, end)
                return auto.key
        for spec in self.plan.years.values():
            if spec.ref is not None and spec.start <= start and end <= spec.end:
                return self._found_year(s, parent, spec.key, spec.name)
        file_years = {k.source_id for k in self.plan.years}
        for key, year_start, year_end in self.known.year_spans:
            if key.source_id in file_years:
                continue
            if year_start <= start and end <= year_end:
                return self._found_year(s, parent, key, "")
        for spec in self.plan.years.values():
            if spec.ref is None and spec.start <= start and end <= spec.end:
                return self._found_year(s, parent, spec.key, spec.name)
        # Norwegian school years run from August to June; the term's start date decides which.
        first = start.year if start.month >= 8 else start.year - 1
        name = f"{first}–{first + 1}"
        key = YearRef(source_id=parent) if parent else YearRef(name=name)
        existing = self.plan.years.get(key)
        if existing is not None:
            existing.start, existing.end = min(existing.start, start), max(existing.end, end)
            return key
        self.plan.years[key] = YearSpec(
            key, None, name, min(date(first, 8, 1), start), max(date(first + 1, 7, 31), end)
        )
        why = f'parent session "{parent}" is not in the files or Sammen' if parent else "no parent"
        self.note(
            s.ref,
            "parentSourcedId",
            parent,
            f"{why}: school year {name} is made for it"
            + (f' with sourcedId "{parent}"' if parent else ""),
        )
        return key

    def _found_year(self, s: SessionRow, parent: str, key: YearRef, name: str) -> YearRef:
        if parent:
            shown = name or key.source_id or f"#{key.pk}"
            self.note(
                s.ref,
                "parentSourcedId",
                parent,
                f'parent session "{parent}" is not in the files or Sammen: placed in school year '
                f"{shown}, which covers its dates",
            )
        return key

    def session_year(self, sid: str) -> YearRef | str:
        """The school year a class's term reference leads to; a string is why there is none."""
        reason = self.rejected_reason(SESSIONS.name, sid, "academic session")
        if reason:
            return reason
        s = self.sessions.get(sid)
        if s is not None:
            if s.status is Status.DELETE:
                return f'academic session "{sid}" is marked tobedeleted ({s.ref})'
            if s.type == "schoolYear":
                return YearRef(source_id=sid)
            return self._term_year(s, set())
        if sid in self.known.terms:
            return self.known.terms[sid] or f'term "{sid}" in Sammen has no school year'
        if sid in self.known.years:
            return YearRef(source_id=sid)
        return f'unknown academic session "{sid}": not in academicSessions.csv and not in Sammen'

    # classes ----------------------------------------------------------------------------------

    def plan_classes(self) -> None:
        for c in self.ds.classes:
            if c.status is Status.DELETE:
                self.plan.remove_groups.append((c.ref, c.sid))
                continue
            row = RowCheck(c.ref)
            kind, school = self._class_school(c, row)
            year: YearRef | None = None
            for term in c.terms:
                found = self.session_year(term)
                if isinstance(found, str):
                    row.problem("termSourcedIds", term, found)
                elif year is None:
                    year = found
            if not self.finish(row, CLASSES.name, c.sid):
                continue
            if c.grades.unmapped:
                self.note(c.ref, "grades", c.grades.raw, NOT_A_GRADE)
            subject = ""
            if kind == GroupKind.TEACHING:
                subject = c.subjects or self.course_titles.get(c.course, "")
                if len(subject) > MAX_SUBJECT:
                    self.note(c.ref, "subjects", subject[:40], "shortened to 200 characters")
                    subject = subject[:MAX_SUBJECT]
            self.plan.groups[c.sid] = GroupSpec(
                c.ref, c.sid, school, year, kind, c.title, c.grades.lowest, subject
            )
            if school in self.plan.schools:
                self.plan.schools[school].grades |= c.grades.all

    def _class_school(self, c: ClassRow, row: RowCheck) -> tuple[str, str]:
        kind = GroupKind.CLASS if c.class_type == "homeroom" else GroupKind.TEACHING
        if c.mentor:
            kind = GroupKind.CONTACT
        target, value = self.org_target(c.school)
        if target == "error":
            row.problem("schoolSourcedId", c.school, value)
        elif target == "owner":
            row.problem(
                "schoolSourcedId", c.school, f'org "{c.school}" is a school owner, not a school'
            )
        return kind, value


def _org_number(org: OrgRow) -> str:
    """A Norwegian organisation number is nine digits; other identifiers are not one."""
    digits = org.identifier.replace(" ", "")
    return digits if len(digits) == 9 and digits.isdigit() else ""
