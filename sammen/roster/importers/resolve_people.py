"""Resolving users, roles, guardianships, demographics and enrollments: the people and links."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from sammen.roster.importers.columns import (
    CLASSES,
    DEMOGRAPHICS,
    ENROLLMENTS,
    GUARDIAN_ROLES,
    ROLES,
    STAFF_ROLES,
    STUDENT_ROLES,
    USERS,
)
from sammen.roster.importers.plan import (
    RELATION_MAP,
    STAFF_ROLE_MAP,
    EnrollmentRemoval,
    EnrollmentSpec,
    GroupTeacherSpec,
    GuardianshipSpec,
    GuardianSpec,
    Known,
    Plan,
    PupilSpec,
    StaffRoleKey,
    StaffSpec,
)
from sammen.roster.importers.report import Problem
from sammen.roster.importers.resolve import NOT_A_GRADE, Assigned, RowCheck
from sammen.roster.importers.resolve_schools import SchoolResolver
from sammen.roster.importers.rows import (
    MAX_PHONE,
    Dataset,
    EnrollmentRow,
    OrgRow,
    Ref,
    RoleRow,
    Status,
    UserRow,
)
from sammen.roster.models import GroupKind, Relation, Role

TEACHING_ENROLLMENT_ROLES = frozenset({"teacher", "aide"})


def build_plan(ds: Dataset, known: Known, owner_org: OrgRow | None) -> Plan:
    """Every row resolved, in order: orgs, sessions, classes, users, links, enrollments."""
    resolver = PeopleResolver(ds, known, owner_org)
    resolver.run()
    return resolver.plan


class PeopleResolver(SchoolResolver):
    """Users and roles first, then the links that need them: guardianships and enrollments."""

    # users ------------------------------------------------------------------------------------

    def plan_users(self) -> None:
        assignments: dict[str, list[Assigned]] = defaultdict(list)
        rejected_roles: dict[str, list[Ref]] = defaultdict(list)
        for rejected in self.ds.rejected_rows:
            if isinstance(rejected, RoleRow) and rejected.user:
                rejected_roles[rejected.user].append(rejected.ref)
        active_roles: list[RoleRow] = []
        for r in self.ds.roles:
            if r.status is Status.DELETE:
                self._remove_role(r)
                kind, target = self.org_target(r.org)
                self.removed_roles[r.user].append((r.role, kind, target, r.primary))
                continue
            row = RowCheck(r.ref)
            self._check_role_user(r, row)
            kind, target = self.org_target(r.org)
            if kind == "error":
                row.problem("orgSourcedId", r.org, target)
            if self.finish(row, ROLES.name, r.sid):
                assignments[r.user].append((r.role, kind, target, r.primary))
                active_roles.append(r)
            else:
                rejected_roles[r.user].append(r.ref)

        for u in self.ds.users:
            if u.status is Status.DELETE:
                self.plan.remove_users.append((u.ref, u.sid))
                continue
            self._plan_user(u, assignments[u.sid], rejected_roles.get(u.sid, []))

        for r in active_roles:
            reason = self.rejected_reason(USERS.name, r.user, "user")
            if reason:
                self.plan.problems.append(
                    Problem(r.ref.file, r.ref.line, "userSourcedId", r.user, reason)
                )
                self.rejected.setdefault((ROLES.name, r.sid), r.ref)
            elif (
                r.user not in self.users and r.role in STAFF_ROLE_MAP and r.user in self.known.staff
            ):
                # A role for staff already in Sammen, sent without their users.csv row.
                kind, school = self.org_target(r.org)
                if kind == "school":
                    key = StaffRoleKey(r.user, school, STAFF_ROLE_MAP[r.role])
                    self.plan.staff_roles.setdefault(key, r.ref)

    def _check_role_user(self, r: RoleRow, row: RowCheck) -> None:
        user = self.users.get(r.user)
        if user is not None:
            if user.status is Status.DELETE:
                row.problem("userSourcedId", r.user, f'user "{r.user}" is marked tobedeleted')
            return
        if (USERS.name, r.user) in self.rejected:
            return  # reported once the users are planned, as a dependency
        if r.user not in self.known.staff | self.known.pupils | self.known.guardians:
            row.problem(
                "userSourcedId",
                r.user,
                f'unknown user "{r.user}": not in users.csv and not in Sammen',
            )

    def _remove_role(self, r: RoleRow) -> None:
        kind, school = self.org_target(r.org)
        if r.role in STAFF_ROLE_MAP and kind == "school":
            key = StaffRoleKey(r.user, school, STAFF_ROLE_MAP[r.role])
            self.plan.remove_staff_roles.append((r.ref, key))
        else:
            self.skip(r.ref, r.sid, "only staff roles at a school are removed by an import")

    def _plan_user(self, u: UserRow, assigned: list[Assigned], rejected_roles: list[Ref]) -> None:
        row = RowCheck(u.ref)
        for ref in rejected_roles:
            row.problem("sourcedId", u.sid, f"its role in {ref} was rejected")
        roles = list(assigned)
        for org in u.orgs:
            kind, target = self.org_target(org)
            if kind == "error":
                row.problem("orgSourcedIds", org, target)
            elif u.role:
                roles.append((u.role, kind, target, False))
        if u.role and not any(role == u.role for role, _, _, _ in roles):
            roles.append((u.role, "none", "", False))
        primary_school = ""
        if u.primary_org:
            kind, target = self.org_target(u.primary_org)
            if kind == "error":
                row.problem("primaryOrgSourcedId", u.primary_org, target)
            elif kind == "school":
                primary_school = target
        # A role being removed still says what kind of person this is (staff keep their record).
        every_role = [*roles, *self.removed_roles.get(u.sid, [])]
        names = {role for role, _, _, _ in every_role}
        if not names and not rejected_roles:
            row.problem(
                "sourcedId" if self.ds.has_roles_file else "role",
                u.sid,
                "the user has no role: none in users.csv and none in roles.csv",
            )
        school = ""
        if names & STUDENT_ROLES:
            schools = [t for r, k, t, _ in every_role if r in STUDENT_ROLES and k == "school"]
            primaries = [
                t for r, k, t, p in every_role if r in STUDENT_ROLES and k == "school" and p
            ]
            school = primary_school or (primaries or schools or [""])[0]
            if not school and not row.problems:
                row.problem(
                    "orgSourcedIds" if u.orgs else "primaryOrgSourcedId",
                    ",".join(u.orgs) or u.primary_org,
                    "a student needs a school, and none of the user's orgs is one",
                )
        is_staff = bool(names & STAFF_ROLES)
        is_guardian = bool(names & GUARDIAN_ROLES)
        phone = ""
        if is_staff or is_guardian:
            _check_email(row, u.email)
            # Guardians are reached on their mobile (sms); staff on their work phone first.
            phone = (u.sms or u.phone) if is_guardian and not is_staff else (u.phone or u.sms)
            if len(phone) > MAX_PHONE:
                row.problem(
                    "phone", phone[:40], f"is {len(phone)} characters long; at most {MAX_PHONE} fit"
                )
        if not self.finish(row, USERS.name, u.sid):
            return
        self.user_roles[u.sid] = sorted(names)
        if school:
            grades = u.grades
            if grades is not None and grades.unmapped:
                self.note(u.ref, "grades", grades.raw, NOT_A_GRADE)
            self.plan.pupils[u.sid] = PupilSpec(
                u.ref,
                u.sid,
                school,
                u.given_name,
                u.family_name,
                u.username,
                grades.lowest if grades else None,
                set_grade=grades is not None,
            )
            if grades and school in self.plan.schools:
                self.plan.schools[school].grades |= grades.all
        if is_staff:
            self.plan.staff[u.sid] = StaffSpec(
                u.ref, u.sid, u.given_name, u.family_name, u.email, phone, u.username
            )
            for role, kind, target, _ in roles:
                self._staff_role(u, role, kind, target)
        if is_guardian:
            relation = next(RELATION_MAP[r] for r, _, _, _ in roles if r in GUARDIAN_ROLES)
            self.plan.guardians[u.sid] = GuardianSpec(
                u.ref, u.sid, u.given_name, u.family_name, u.email, phone, relation
            )

    def _staff_role(self, u: UserRow, role: str, kind: str, target: str) -> None:
        if role not in STAFF_ROLES:
            return
        mapped = STAFF_ROLE_MAP.get(role)
        if mapped is None:
            self.note(u.ref, "role", role, f'role "{role}" gives no Sammen role; give one by hand')
        elif kind == "school":
            self.plan.staff_roles.setdefault(StaffRoleKey(u.sid, target, mapped), u.ref)
        elif kind == "owner":
            self.note(
                u.ref,
                "role",
                role,
                f'role "{role}" at the school owner gives no Sammen role; give one by hand',
            )

    def plan_guardianships(self) -> None:
        for u in self.ds.users:
            if u.status is Status.DELETE or u.sid not in self.user_roles:
                continue
            mine = self.person_kinds(u.sid)
            for agent in u.agents:
                if agent == u.sid:
                    continue
                reason = self.rejected_reason(USERS.name, agent, "user")
                other = self.users.get(agent)
                if reason is None and other is not None and other.status is Status.DELETE:
                    # A pupil who leaves is still named by the parent's row: no new link, no error.
                    self.note(
                        u.ref,
                        "agentSourcedIds",
                        agent,
                        f'user "{agent}" is marked tobedeleted ({other.ref}); no guardianship',
                    )
                    continue
                theirs = self.person_kinds(agent)
                if reason is None and other is None and not theirs:
                    reason = f'unknown user "{agent}": not in users.csv and not in Sammen'
                if reason:
                    self.plan.problems.append(
                        Problem(
                            u.ref.file,
                            u.ref.line,
                            "agentSourcedIds",
                            agent,
                            f"{reason}; the guardianship is not imported",
                        )
                    )
                    continue
                if "pupil" in mine and "guardian" in theirs:
                    self._link(u.ref, pupil=u.sid, guardian=agent)
                elif "guardian" in mine and "pupil" in theirs:
                    self._link(u.ref, pupil=agent, guardian=u.sid)
                else:
                    self.note(
                        u.ref,
                        "agentSourcedIds",
                        agent,
                        f'"{agent}" and "{u.sid}" are not a student and a parent, guardian or '
                        "relative; no guardianship",
                    )

    def _link(self, ref: Ref, *, pupil: str, guardian: str) -> None:
        spec = self.plan.guardians.get(guardian)
        # A guardian already in Sammen but not in the files keeps the model's default relation.
        relation = spec.relation if spec else Relation.PARENT
        self.plan.guardianships.setdefault(
            (pupil, guardian),
            GuardianshipSpec(
                ref,
                pupil,
                guardian,
                relation,
                # OneRoster does not say who has foreldreansvar; a relative is never assumed to.
                parental_responsibility=relation != Relation.OTHER,
            ),
        )

    # demographics -----------------------------------------------------------------------------

    def plan_demographics(self) -> None:
        for d in self.ds.demographics:
            if d.status is Status.DELETE:
                self.skip(d.ref, d.sid, "demographics are not removed by an import")
                continue
            reason = self.rejected_reason(USERS.name, d.sid, "user")
            if reason:
                self.plan.problems.append(
                    Problem(d.ref.file, d.ref.line, "sourcedId", d.sid, reason)
                )
                self.rejected.setdefault((DEMOGRAPHICS.name, d.sid), d.ref)
                continue
            pupil = self.plan.pupils.get(d.sid)
            if pupil is not None:
                if d.birth_date is not None:
                    pupil.birth_date, pupil.set_birth_date = d.birth_date, True
            elif d.sid in self.users:
                continue  # not a pupil: Sammen keeps no birth date for staff or guardians
            elif d.sid in self.known.pupils:
                self.skip(
                    d.ref, d.sid, "birth dates are only read for pupils in the same users.csv"
                )
            elif not self.person_kinds(d.sid):
                self.plan.problems.append(
                    Problem(
                        d.ref.file,
                        d.ref.line,
                        "sourcedId",
                        d.sid,
                        f'unknown user "{d.sid}": not in users.csv and not in Sammen',
                    )
                )
                self.rejected.setdefault((DEMOGRAPHICS.name, d.sid), d.ref)

    # enrollments ------------------------------------------------------------------------------

    def plan_enrollments(self) -> None:
        seen: dict[tuple[str, str], Ref] = {}
        for e in self.ds.enrollments:
            if e.status is Status.DELETE:
                self.plan.remove_enrollments.append(
                    EnrollmentRemoval(e.ref, e.sid, e.class_sid, e.user)
                )
                continue
            row = RowCheck(e.ref)
            group = self._enrollment_group(e, row)
            kinds = self._enrollment_user(e, row)
            self._enrollment_school(e, group, row)
            teaching = e.role in TEACHING_ENROLLMENT_ROLES
            if kinds is not None and (e.role == "student" or teaching):
                wanted = "pupil" if e.role == "student" else "staff"
                if wanted not in kinds:
                    row.problem("role", e.role, self._role_mismatch(e))
            pair = (e.class_sid, e.user)
            if pair in seen and (e.role == "student" or teaching):
                row.problem(
                    "userSourcedId",
                    e.user,
                    f'user "{e.user}" is already enrolled in class "{e.class_sid}" on line '
                    f"{seen[pair].line}",
                )
            if not self.finish(row, ENROLLMENTS.name, e.sid):
                continue
            seen.setdefault(pair, e.ref)
            if e.role == "student":
                self.plan.enrollments[pair] = EnrollmentSpec(
                    e.ref, e.sid, e.class_sid, e.user, e.begin, e.end
                )
            elif teaching and group is not None:
                contact = e.primary and group[1] in (GroupKind.CLASS, GroupKind.CONTACT)
                self.plan.group_teachers[pair] = GroupTeacherSpec(
                    e.ref, e.sid, e.class_sid, e.user, contact
                )
                if contact and group[0]:
                    key = StaffRoleKey(e.user, group[0], Role.CONTACT_TEACHER)
                    self.plan.staff_roles.setdefault(key, e.ref)
            else:
                self.skip(e.ref, e.sid, f'enrollments with role "{e.role}" are not used by Sammen')

    def _enrollment_group(self, e: EnrollmentRow, row: RowCheck) -> tuple[str, str] | None:
        """(school sid, kind) of the enrollment's class."""
        spec = self.plan.groups.get(e.class_sid)
        if spec is not None:
            return spec.school, spec.kind
        reason = self.rejected_reason(CLASSES.name, e.class_sid, "class")
        found = self.classes.get(e.class_sid)
        if reason is None and found is not None and found.status is Status.DELETE:
            reason = f'class "{e.class_sid}" is marked tobedeleted ({found.ref})'
        if reason is None and e.class_sid in self.known.groups:
            return self.known.groups[e.class_sid]
        row.problem(
            "classSourcedId",
            e.class_sid,
            reason or f'unknown class "{e.class_sid}": not in classes.csv and not in Sammen',
        )
        return None

    def _enrollment_user(self, e: EnrollmentRow, row: RowCheck) -> set[str] | None:
        reason = self.rejected_reason(USERS.name, e.user, "user")
        found = self.users.get(e.user)
        if reason is None and found is not None and found.status is Status.DELETE:
            reason = f'user "{e.user}" is marked tobedeleted ({found.ref})'
        if reason is None:
            kinds = self.person_kinds(e.user)
            if kinds or found is not None:
                return kinds
            reason = f'unknown user "{e.user}": not in users.csv and not in Sammen'
        row.problem("userSourcedId", e.user, reason)
        # Still say when a rejected user has the wrong role, so one run shows every problem.
        return self._kinds_from_roles(e.user)

    def _kinds_from_roles(self, sid: str) -> set[str] | None:
        roles = {r.role for r in self.ds.roles if r.user == sid}
        user = self.users.get(sid)
        if user is not None and user.role:
            roles.add(user.role)
        if not roles:
            return None
        kinds = set()
        if roles & STUDENT_ROLES:
            kinds.add("pupil")
        if roles & STAFF_ROLES:
            kinds.add("staff")
        if roles & GUARDIAN_ROLES:
            kinds.add("guardian")
        return kinds

    def _role_mismatch(self, e: EnrollmentRow) -> str:
        roles = self.user_roles.get(e.user)
        if roles is None:
            found = {r.role for r in self.ds.roles if r.user == e.user}
            user = self.users.get(e.user)
            if user is not None and user.role:
                found.add(user.role)
            roles = sorted(found)
        if not roles:
            kinds = sorted(self.person_kinds(e.user))
            roles = [{"pupil": "student", "staff": "staff member"}.get(k, k) for k in kinds]
        shown = " and ".join(roles) or "not a person Sammen knows"
        wanted = "student" if e.role == "student" else "teacher or aide"
        return f'user "{e.user}" is {_article(shown)}, not a {wanted}'

    def _enrollment_school(
        self, e: EnrollmentRow, group: tuple[str, str] | None, row: RowCheck
    ) -> None:
        kind, target = self.org_target(e.school)
        if kind == "error":
            row.problem("schoolSourcedId", e.school, target)
        elif kind == "owner":
            row.problem(
                "schoolSourcedId", e.school, f'org "{e.school}" is a school owner, not a school'
            )
        elif group is not None and group[0] and target != group[0]:
            row.problem(
                "schoolSourcedId",
                e.school,
                f'class "{e.class_sid}" belongs to school "{group[0]}", not "{target}"',
            )

    def run(self) -> None:
        self.plan_orgs()
        self.plan_sessions()
        self.plan_classes()
        self.plan_users()
        self.plan_guardianships()
        self.plan_demographics()
        self.plan_enrollments()


def _article(text: str) -> str:
    if text.startswith("not "):
        return text
    return ("an " if text[:1] in "aeiou" else "a ") + text


def _check_email(row: RowCheck, email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        row.problem("email", email, f'expected an e-mail address, got "{email}"')
