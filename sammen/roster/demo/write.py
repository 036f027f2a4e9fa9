"""``load_demo``: a demo plan written with bulk inserts, with an audit event per row recorded
through ``sammen.audit.log.record_many`` as the roster importers do, plus one
``roster.demo_data_loaded`` event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.accounts.models import User
from sammen.audit import actions
from sammen.audit.log import MASK, Actor, Event, diff, record_many, snapshot
from sammen.audit.models import AuditKind
from sammen.roster.demo import personas as p
from sammen.roster.demo.plan import OWNER_NAME, TERMS, YEAR_END, YEAR_NAME, YEAR_START, DemoPlan
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
    Term,
)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoSummary:
    schools: int
    groups: int
    pupils: int
    guardians: int
    staff: int
    users: int
    audit_events: int


_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    SchoolOwner: ("name",),
    School: ("owner", "name", "grade_from", "grade_to"),
    SchoolYear: ("owner", "name", "start_date", "end_date"),
    Term: ("school_year", "name", "start_date", "end_date"),
    Group: ("school", "school_year", "kind", "name", "grade", "subject"),
    Pupil: ("school", "given_name", "family_name", "birth_date", "grade"),
    Enrollment: ("group", "pupil", "start_date"),
    Guardian: (
        "given_name",
        "family_name",
        "email",
        "phone",
        "address",
        "preferred_language",
        "needs_interpreter",
        "contact_windows",
    ),
    Guardianship: (
        "pupil",
        "guardian",
        "relation",
        "parental_responsibility",
        "lives_with",
        "confidential_address",
    ),
    Staff: ("given_name", "family_name", "email", "phone", "username"),
    StaffRole: ("staff", "school", "role"),
    GroupTeacher: ("group", "staff", "is_contact_teacher"),
}
_ACTIONS: dict[type[models.Model], str] = {
    SchoolOwner: actions.SCHOOL_OWNER_SAVED,
    School: actions.SCHOOL_SAVED,
    SchoolYear: actions.SCHOOL_YEAR_SAVED,
    Term: actions.TERM_SAVED,
    Group: actions.GROUP_SAVED,
    Pupil: actions.PUPIL_SAVED,
    Enrollment: actions.ENROLLMENT_SAVED,
    Guardian: actions.GUARDIAN_SAVED,
    Guardianship: actions.GUARDIANSHIP_SAVED,
    Staff: actions.STAFF_SAVED,
    StaffRole: actions.STAFF_ROLE_SAVED,
    GroupTeacher: actions.GROUP_TEACHER_SAVED,
}
DETAIL = "demo data"


class _Writer:
    def __init__(self) -> None:
        self.actor = Actor.system("demo_data")
        self.events: list[Event] = []

    def create(
        self,
        rows: Sequence[M],
        *,
        school: Callable[[M], Any] | None = None,
        pupil: Callable[[M], Any] | None = None,
        hidden: Callable[[M], Iterable[str]] | None = None,
    ) -> list[M]:
        """Insert ``rows`` in bulk and queue one creation event for each."""
        if not rows:
            return []
        model = type(rows[0])
        model._default_manager.bulk_create(rows)
        fields = _FIELDS[model]
        for row in rows:
            changes = diff({}, snapshot(row, fields))
            for name in hidden(row) if hidden else ():
                changes[name] = {"old": None, "new": MASK}
            self.events.append(
                Event(
                    kind=AuditKind.CHANGE,
                    action=_ACTIONS[model],
                    actor=self.actor,
                    obj=row,
                    school=school(row) if school else None,
                    pupil=pupil(row) if pupil else None,
                    changes=changes,
                    detail=DETAIL,
                )
            )
        return list(rows)


def load_demo(plan: DemoPlan, *, password: str) -> DemoSummary:
    """Write ``plan`` to the database in one transaction, with its audit trail."""
    w = _Writer()
    with transaction.atomic():
        (owner,) = w.create([SchoolOwner(name=OWNER_NAME, source_id="demo:owner")])
        schools = w.create(
            [
                School(
                    owner=owner,
                    name=s.name,
                    grade_from=s.grade_from,
                    grade_to=s.grade_to,
                    source_id=s.key,
                )
                for s in plan.schools
            ],
            school=lambda s: s,
        )
        (year,) = w.create(
            [
                SchoolYear(
                    owner=owner,
                    name=YEAR_NAME,
                    start_date=YEAR_START,
                    end_date=YEAR_END,
                    source_id="demo:year:2026",
                )
            ]
        )
        w.create(
            [
                Term(
                    owner=owner,
                    school_year=year,
                    name=name,
                    start_date=start,
                    end_date=end,
                    source_id=f"demo:term:{n}",
                )
                for n, (name, start, end) in enumerate(TERMS, start=1)
            ]
        )
        groups = {
            row.source_id: row
            for row in w.create(
                [
                    Group(
                        owner=owner,
                        school=schools[g.school],
                        school_year=year,
                        kind=g.kind,
                        name=g.name,
                        grade=g.grade,
                        subject=g.subject,
                        source_id=g.key,
                    )
                    for g in plan.groups
                ],
                school=lambda g: g.school,
            )
        }
        pupils = {
            row.source_id: row
            for row in w.create(
                [
                    Pupil(
                        owner=owner,
                        school=schools[x.school],
                        given_name=x.given_name,
                        family_name=x.family_name,
                        birth_date=x.birth_date,
                        grade=x.grade,
                        source_id=x.key,
                    )
                    for x in plan.pupils
                ],
                school=lambda x: x.school,
                pupil=lambda x: x,
            )
        }
        w.create(
            [
                Enrollment(group=groups[g.key], pupil=pupils[key], start_date=YEAR_START)
                for g in plan.groups
                for key in g.pupils
            ],
            school=lambda e: e.group.school,
            pupil=lambda e: e.pupil,
        )

        # One hash for every persona: argon2 is slow on purpose, and the demo password is
        # printed for all to see anyway.
        hashed = make_password(password)
        logins = [
            *((g.username, g.given_name, g.family_name, g.email) for g in plan.guardians),
            *((s.username, s.given_name, s.family_name, s.email) for s in plan.staff),
        ]
        users = {
            u.username: u
            for u in User.objects.bulk_create(
                [
                    User(
                        username=username,
                        first_name=given,
                        last_name=family,
                        email=email,
                        password=hashed,
                    )
                    for username, given, family, email in logins
                    if username
                ]
            )
        }

        confidential = {link.guardian for link in plan.guardianships if link.confidential_address}
        guardians = {
            row.source_id: row
            for row in w.create(
                [
                    Guardian(
                        owner=owner,
                        given_name=g.given_name,
                        family_name=g.family_name,
                        email=g.email,
                        phone=g.phone,
                        address=g.address,
                        preferred_language=g.preferred_language,
                        needs_interpreter=g.needs_interpreter,
                        contact_windows=g.contact_windows,
                        user=users.get(g.username),
                        source_id=g.key,
                    )
                    for g in plan.guardians
                ],
                # A confidential address must not reach the audit page either.
                hidden=lambda g: ("address",) if g.source_id in confidential else (),
            )
        }
        w.create(
            [
                Guardianship(
                    pupil=pupils[link.pupil],
                    guardian=guardians[link.guardian],
                    relation=link.relation,
                    parental_responsibility=link.parental_responsibility,
                    lives_with=link.lives_with,
                    confidential_address=link.confidential_address,
                )
                for link in plan.guardianships
            ],
            school=lambda link: link.pupil.school,
            pupil=lambda link: link.pupil,
        )

        staff = {
            row.source_id: row
            for row in w.create(
                [
                    Staff(
                        owner=owner,
                        given_name=s.given_name,
                        family_name=s.family_name,
                        email=s.email,
                        phone=s.phone,
                        # Feide user name (eduPersonPrincipalName): the work address here.
                        username=s.email,
                        user=users.get(s.username),
                        source_id=s.key,
                    )
                    for s in plan.staff
                ]
            )
        }
        w.create(
            [
                StaffRole(
                    staff=staff[s.key],
                    school=schools[school] if school is not None else None,
                    role=role,
                )
                for s in plan.staff
                for school, role in s.roles
            ],
            school=lambda r: r.school,
        )
        w.create(
            [
                GroupTeacher(group=groups[g.key], staff=staff[key], is_contact_teacher=is_contact)
                for g in plan.groups
                for key, is_contact in g.teachers
            ],
            school=lambda t: t.group.school,
        )

        admin = users[p.ADMIN.username]
        TOTPDevice.objects.create(user=admin, name="Sammen", key=plan.totp_key, confirmed=True)
        w.events.append(
            Event(AuditKind.CHANGE, actions.TOTP_DEVICE_CONFIRMED, w.actor, admin, detail=DETAIL)
        )
        summary = DemoSummary(
            schools=len(schools),
            groups=len(groups),
            pupils=len(pupils),
            guardians=len(guardians),
            staff=len(staff),
            users=len(users),
            audit_events=len(w.events) + 1,
        )
        w.events.append(
            Event(
                AuditKind.CHANGE,
                actions.DEMO_DATA_LOADED,
                w.actor,
                owner,
                detail=(
                    f"seed {plan.seed}: {summary.schools} schools, {summary.pupils} pupils, "
                    f"{summary.guardians} guardians, {summary.staff} staff"
                ),
            )
        )
        record_many(w.events)
    return summary
