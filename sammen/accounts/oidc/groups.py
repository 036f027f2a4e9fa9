"""Feide's group entitlements setting which groups a teacher teaches, where a school wants that.

Feide describes a teacher's groups as entitlements (``eduPersonEntitlement``), e.g.
``urn:mace:feide.no:go:group:u:REA3012:NO974558386:3kja:2014-08-01:2015-06-15:faculty:Kjemi%202A``:
kind (b = class, u = teaching group), curriculum code, the school's organisation number, the
group's id, its validity, the person's role in it and its name.

A school turns this on by having its organisation number in ``FEIDE_GROUP_SYNC_ORGS``. At such a
school the teacher then teaches exactly the groups Feide lists with role ``faculty`` (matched to
the roster by the group's source id, else its name, in the same school and of the same kind);
contact-teacher links stay as the roster has them, since Feide does not say who is the contact
teacher. Nothing changes at other schools.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sammen.audit import actions
from sammen.audit.log import Actor, log_change
from sammen.roster.models import Group, GroupKind, GroupTeacher, School, Staff, StaffRole

logger = logging.getLogger("sammen.oidc")

PREFIX = "urn:mace:feide.no:go:group:"
KINDS = {"b": GroupKind.CLASS, "u": GroupKind.TEACHING}
ACTOR = Actor.system("Feide groups")


@dataclass(frozen=True)
class FeideGroup:
    kind: str
    org_number: str
    group_id: str
    not_before: datetime.date
    not_after: datetime.date
    role: str
    name: str

    def valid_on(self, day: datetime.date) -> bool:
        return self.not_before <= day <= self.not_after


def parse(entitlement: str) -> FeideGroup | None:
    """One entitlement, or None for anything that is not a well-formed Feide group."""
    if not entitlement.startswith(PREFIX):
        return None
    parts = entitlement[len(PREFIX) :].split(":")
    if len(parts) != 8:
        return None
    kind, _grep, org, group_id, start, end, role, name = parts
    try:
        not_before = datetime.date.fromisoformat(start)
        not_after = datetime.date.fromisoformat(end)
    except ValueError:
        return None
    org_number = org.removeprefix("NO")
    if not (org_number.isdigit() and group_id):
        return None
    return FeideGroup(kind, org_number, group_id, not_before, not_after, role, unquote(name))


def taught(entitlements: Iterable[str], day: datetime.date) -> list[FeideGroup]:
    """The groups the person teaches today, by Feide."""
    groups = (parse(e) for e in entitlements)
    return [
        g
        for g in groups
        if g is not None and g.role == "faculty" and g.kind in KINDS and g.valid_on(day)
    ]


def match(feide_groups: list[FeideGroup], groups: list[Group]) -> set[int]:
    """Roster group ids for Feide's groups: same school and kind; source id first, then name."""
    chosen: set[int] = set()
    for wanted in feide_groups:
        candidates = [
            g
            for g in groups
            if g.school.org_number == wanted.org_number and g.kind == KINDS[wanted.kind]
        ]
        key = wanted.group_id.casefold()
        by_source = [g for g in candidates if g.source_id.casefold() == key]
        by_name = [g for g in candidates if g.name.casefold() == key]
        found = by_source or by_name
        if len(found) == 1:
            chosen.add(found[0].pk)
        elif found:
            logger.warning(
                "Feide group %s matches %d groups; left alone", wanted.group_id, len(found)
            )
    return chosen


def synced_schools(staff: Staff) -> list[School]:
    orgs = [org.removeprefix("NO") for org in settings.FEIDE_GROUP_SYNC_ORGS]
    if not orgs:
        return []
    at = StaffRole.objects.filter(staff=staff, school__isnull=False).values("school_id")
    return list(School.objects.filter(pk__in=at, org_number__in=orgs))


def sync(*, staff: Staff, entitlements: Iterable[str], today: datetime.date) -> tuple[int, int]:
    """Make the staff member's teaching links at synced schools follow Feide. (added, removed)"""
    schools = synced_schools(staff)
    if not schools:
        return 0, 0
    current_year = Q(school_year__isnull=True) | Q(
        school_year__start_date__lte=today, school_year__end_date__gte=today
    )
    groups = list(Group.objects.filter(current_year, school__in=schools).select_related("school"))
    wanted = match(taught(entitlements, today), groups)
    by_id = {g.pk: g for g in groups}
    with transaction.atomic():
        links = list(
            GroupTeacher.objects.select_for_update(of=("self",))
            .filter(staff=staff, group__school__in=schools)
            .select_related("group", "group__school")
        )
        have = {link.group_id for link in links}
        added = 0
        for group_id in sorted(wanted - have):
            group = by_id[group_id]
            link = GroupTeacher.objects.create(group=group, staff=staff)
            log_change(
                actor=ACTOR,
                action=actions.GROUP_TEACHER_SAVED,
                obj=link,
                new={"group": group, "staff": staff},
                school=group.school,
                detail="from Feide",
            )
            added += 1
        removed = 0
        for link in links:
            # Past years' groups are history, not Feide's to change.
            if link.group_id in wanted or link.is_contact_teacher or link.group_id not in by_id:
                continue
            log_change(
                actor=ACTOR,
                action=actions.GROUP_TEACHER_REMOVED,
                obj=link,
                school=link.group.school,
                detail="not among the teacher's Feide groups",
            )
            link.delete()
            removed += 1
    return added, removed
