"""Resolving a OneRoster set into a ``Plan``: the shared state and the reference helpers.

The steps live in ``resolve_schools`` (orgs, sessions, classes) and ``resolve_people`` (users,
guardianships, demographics, enrollments); ``resolve_people.build_plan`` runs them in order.
"""

from __future__ import annotations

from collections import defaultdict

from sammen.roster.importers.columns import ORGS, OWNER_ORG_TYPES
from sammen.roster.importers.plan import Known, Plan, YearRef
from sammen.roster.importers.report import Note, Problem, Skip
from sammen.roster.importers.rows import Dataset, OrgRow, Ref, Status

NOT_A_GRADE = "not a Norwegian grade (1-10); the grade is left empty"
# (OneRoster role, "school"/"owner"/"none", school or owner sid, is the primary role)
Assigned = tuple[str, str, str, bool]


def choose_owner_org(ds: Dataset) -> tuple[OrgRow | None, Problem | None]:
    """The org that is the school owner, if orgs.csv has one; one import is for one owner."""
    owners = [o for o in ds.orgs if o.status is Status.ACTIVE and o.type in OWNER_ORG_TYPES]
    if not owners:
        return None, None
    school_parents = {
        o.parent for o in ds.orgs if o.status is Status.ACTIVE and o.type == "school" and o.parent
    }
    candidates = [o for o in owners if o.sid in school_parents]
    if not candidates:
        owner_parents = {o.parent for o in owners}
        candidates = [o for o in owners if o.sid not in owner_parents]
    if len(candidates) == 1:
        return candidates[0], None
    names = ", ".join(f'"{o.sid}" ({o.ref})' for o in candidates or owners)
    return None, Problem(
        ORGS.name,
        None,
        "type",
        None,
        f"cannot tell which org is the school owner: {names}; one import is for one school owner",
    )


class RowCheck:
    """The problems of one row; a row with any is rejected whole."""

    def __init__(self, ref: Ref) -> None:
        self.ref = ref
        self.problems: list[Problem] = []

    def problem(self, field_name: str, value: str, reason: str) -> None:
        self.problems.append(Problem(self.ref.file, self.ref.line, field_name, value, reason))


class Resolver:
    """The state every step of resolving shares, and the helpers to judge a reference."""

    def __init__(self, ds: Dataset, known: Known, owner_org: OrgRow | None) -> None:
        self.ds = ds
        self.known = known
        self.owner_org = owner_org
        self.plan = Plan()
        self.rejected: dict[tuple[str, str], Ref] = dict(ds.rejected_ids)
        self.orgs = {o.sid: o for o in ds.orgs}
        self.sessions = {s.sid: s for s in ds.sessions}
        self.users = {u.sid: u for u in ds.users}
        self.classes = {c.sid: c for c in ds.classes}
        self.course_titles = {c.sid: c.title for c in ds.courses}
        self.school_of: dict[str, str] = {}  # school or department org sid -> school sid
        self.term_years: dict[str, YearRef | str] = {}  # session sid -> year or a reason
        self.user_roles: dict[str, list[str]] = {}  # accepted users' OneRoster roles
        self.removed_roles: dict[str, list[Assigned]] = defaultdict(list)

    # helpers ----------------------------------------------------------------------------------

    def note(self, ref: Ref, field_name: str | None, value: str | None, text: str) -> None:
        self.plan.notes.append(Note(ref.file, ref.line, field_name, value, text))

    def skip(self, ref: Ref, value: str, reason: str) -> None:
        self.plan.skipped.append(Skip(ref.file, ref.line, value, reason))

    def finish(self, row: RowCheck, file: str, sid: str) -> bool:
        """Record the row's problems; True when the row is good."""
        if not row.problems:
            return True
        self.plan.problems.extend(row.problems)
        self.rejected.setdefault((file, sid), row.ref)
        return False

    def rejected_reason(self, file: str, sid: str, what: str) -> str | None:
        ref = self.rejected.get((file, sid))
        return f'{what} "{sid}" was rejected ({ref})' if ref else None

    def org_target(self, sid: str) -> tuple[str, str]:
        """("school", school sid), ("owner", sid) or ("error", reason) for an org reference."""
        if sid in self.school_of:
            return "school", self.school_of[sid]
        reason = self.rejected_reason(ORGS.name, sid, "org")
        if reason:
            return "error", reason
        org = self.orgs.get(sid)
        if org is not None:
            if org.status is Status.DELETE:
                return "error", f'org "{sid}" is marked tobedeleted ({org.ref})'
            if org.type in OWNER_ORG_TYPES:
                return "owner", sid
        if sid in self.known.schools:
            return "school", sid
        if sid and sid == self.known.owner_source_id:
            return "owner", sid
        return "error", f'unknown org "{sid}": not in orgs.csv and not in Sammen'

    def person_kinds(self, sid: str) -> set[str]:
        """What a user is in Sammen ("pupil", "staff", "guardian"): from the files, else the DB."""
        if sid in self.user_roles:
            kinds = set()
            if sid in self.plan.pupils:
                kinds.add("pupil")
            if sid in self.plan.staff:
                kinds.add("staff")
            if sid in self.plan.guardians:
                kinds.add("guardian")
            return kinds
        kinds = set()
        if sid in self.known.pupils:
            kinds.add("pupil")
        if sid in self.known.staff:
            kinds.add("staff")
        if sid in self.known.guardians:
            kinds.add("guardian")
        return kinds
