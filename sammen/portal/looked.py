"""Who has looked at a child's data: the audit trail told to the child's guardians.

Each line is one person (or one automatic job) who read or changed the child's data, with
consecutive events of the same kind by the same person on the same day folded into one line with
a count. School staff are named: they act in their role at the child's school, and a family has a
legitimate interest in knowing who that is. Staff without a role at the child's school (owner-level
roles, staff of another school) are shown by role only. The guardians' own reads and changes are
left out: the page answers what others did. The whole window is read in two queries, whatever its
length, and paginated in memory.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.accounts.models import User
from sammen.audit.actions import ACTIONS
from sammen.audit.models import AuditEvent, AuditKind
from sammen.roster.models import Pupil, Role, StaffRole

WINDOW_DAYS = 365
PER_PAGE = 50
SYSTEM_PREFIX = "system:"
# The role named first when a person holds several at the school: the one closest to the child.
ROLE_ORDER = (Role.CONTACT_TEACHER, Role.LEADER, Role.OFFICE, Role.SUPPORT, Role.TEACHER)


@dataclass
class Line:
    day: date
    first: datetime
    last: datetime
    kind: str
    role: str
    name: str
    count: int = 1
    what: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.kind == AuditKind.CHANGE

    @property
    def times(self) -> str:
        """The time, or the span from first to last for a line of several events."""
        first, last = f"{self.first:%H:%M}", f"{self.last:%H:%M}"
        return last if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class Who:
    role: str
    name: str


def _family_users(pupil: Pupil) -> QuerySet[User, Any]:
    """The users whose own doings the page leaves out: the guardians who can read it (parental
    responsibility), unless they also work in the school system. A parent who is also staff, or
    one without responsibility who works at the school, reads the child's file as staff, and the
    family has every right to see that."""
    return (
        User.objects.filter(
            guardian__guardianships__pupil=pupil,
            guardian__guardianships__parental_responsibility=True,
        )
        .exclude(staff__roles__isnull=False)
        .values("public_id")
    )


Event = tuple[datetime, str, str, uuid.UUID | None, str]


def events_of(pupil: Pupil, since: datetime) -> list[Event]:
    """Reads and changes of the child's data by anyone but the child's guardians, newest first."""
    rows = (
        AuditEvent.objects.filter(
            pupil_id=pupil.public_id,
            kind__in=[AuditKind.READ, AuditKind.CHANGE],
            at__gte=since,
        )
        # Events without a user are automatic jobs, or a guardian answering by a signed link
        # (named by label only); only the jobs are someone other than the family.
        .filter(Q(actor_id__isnull=False) | Q(actor_label__startswith=SYSTEM_PREFIX))
        .exclude(actor_id__in=_family_users(pupil))
        .order_by("-at", "-id")
        .values_list("at", "kind", "action", "actor_id", "actor_label")
    )
    return list(rows)


def _role_text(roles: set[str]) -> str:
    ordered = [str(Role(r).label) for r in ROLE_ORDER if r in roles]
    ordered += sorted(str(Role(r).label) for r in roles if r not in ROLE_ORDER)
    return ", ".join(ordered)


def people_of(pupil: Pupil, actor_ids: set[uuid.UUID]) -> dict[uuid.UUID, Who]:
    """Each actor's role, and their name when they hold a role at the child's school."""
    at_school: dict[uuid.UUID, set[str]] = defaultdict(set)
    elsewhere: dict[uuid.UUID, set[str]] = defaultdict(set)
    names: dict[uuid.UUID, str] = {}
    rows = StaffRole.objects.filter(staff__user__public_id__in=actor_ids).values_list(
        "staff__user__public_id", "school_id", "role", "staff__given_name", "staff__family_name"
    )
    for user_id, school_id, role, given, family in rows:
        if school_id == pupil.school_id:
            at_school[user_id].add(role)
            names[user_id] = f"{given} {family}".strip()
        else:
            elsewhere[user_id].add(role)
    out: dict[uuid.UUID, Who] = {}
    for user_id in actor_ids:
        if user_id in at_school:
            out[user_id] = Who(_role_text(at_school[user_id]), names[user_id])
        elif elsewhere[user_id] - {Role.ANALYST, Role.SYSADMIN}:
            out[user_id] = Who(_("staff at another school"), "")
        elif elsewhere[user_id]:
            out[user_id] = Who(_role_text(elsewhere[user_id]), "")
        else:
            out[user_id] = Who(_("a user with no role at the school now"), "")
    return out


def looked_lines(pupil: Pupil, now: datetime) -> list[Line]:
    events = events_of(pupil, now - timedelta(days=WINDOW_DAYS))
    people = people_of(pupil, {actor for _at, _k, _a, actor, _l in events if actor is not None})
    system = Who(_("automatic job (the system)"), "")
    lines: list[Line] = []
    previous: tuple[object, date, str] | None = None
    for at, kind, action, actor_id, _label in events:
        local = timezone.localtime(at)
        key = (actor_id or SYSTEM_PREFIX, local.date(), kind)
        what = str(ACTIONS.get(action, action))
        if key == previous:
            line = lines[-1]
            line.count += 1
            line.first = local
            if what not in line.what:
                line.what.append(what)
            continue
        who = people[actor_id] if actor_id is not None else system
        lines.append(Line(local.date(), local, local, kind, who.role, who.name, what=[what]))
        previous = key
    return lines
