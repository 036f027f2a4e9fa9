"""Rows marked ``tobedeleted``: links removed, pupils deactivated, empty groups removed.

Nothing is removed because it is missing from a file: only ``tobedeleted`` removes.
"""

from __future__ import annotations

from collections import defaultdict

from sammen.audit import actions
from sammen.audit.log import Event, diff
from sammen.audit.models import AuditKind
from sammen.roster.importers.changes import ACTOR, NOTHING_TO_REMOVE, Changes
from sammen.roster.models import Enrollment, GroupTeacher, Guardianship, Pupil, StaffRole


class Removals(Changes):
    def removals(self) -> None:
        """Enrollments first, so a group whose last pupil leaves in this file can go too."""
        self._remove_enrollments()
        self._remove_users()
        self._remove_staff_roles()
        self._remove_groups()

    def _remove_enrollment(self, obj: Enrollment) -> None:
        self._delete(
            "enrollment",
            obj,
            actions.ENROLLMENT_REMOVED,
            {"group": obj.group, "pupil": obj.pupil, "source_id": obj.source_id},
            school=self.school_of(obj.group),
            pupil=obj.pupil,
        )

    def _remove_group_teacher(self, obj: GroupTeacher) -> None:
        self._delete(
            "group_teacher",
            obj,
            actions.GROUP_TEACHER_REMOVED,
            {"group": obj.group, "staff": obj.staff, "is_contact_teacher": obj.is_contact_teacher},
            school=self.school_of(obj.group),
        )

    def _remove_staff_role(self, obj: StaffRole) -> None:
        school = obj.school if obj.school_id is not None else None
        self._delete(
            "staff_role",
            obj,
            actions.STAFF_ROLE_REMOVED,
            {"staff": obj.staff, "school": school, "role": obj.role},
            school=school,
        )

    def _remove_enrollments(self) -> None:
        existing = self.existing
        enrollments = {e.source_id: e for e in existing.enrollments.values() if e.source_id}
        teachers = {t.source_id: t for t in existing.group_teachers.values() if t.source_id}
        for removal in self.plan.remove_enrollments:
            enrollment = enrollments.get(removal.sid)
            teacher = teachers.get(removal.sid)
            group = existing.groups.by_sid.get(removal.class_sid)
            if enrollment is None and teacher is None and group is not None:
                pupil = existing.pupils.by_sid.get(removal.user)
                staff = existing.staff.by_sid.get(removal.user)
                if pupil is not None:
                    enrollment = existing.enrollments.get((group.pk, pupil.pk))
                if staff is not None:
                    teacher = existing.group_teachers.get((group.pk, staff.pk))
            if enrollment is not None:
                pair = (enrollment.group.source_id, enrollment.pupil.source_id)
                if pair in self.plan.enrollments:
                    self.skip(removal.ref, removal.sid, "also listed as active; not removed")
                else:
                    self._remove_enrollment(enrollment)
            elif teacher is not None:
                pair = (teacher.group.source_id, teacher.staff.source_id)
                if pair in self.plan.group_teachers:
                    self.skip(removal.ref, removal.sid, "also listed as active; not removed")
                else:
                    self._remove_group_teacher(teacher)
            else:
                self.skip(removal.ref, removal.sid, NOTHING_TO_REMOVE)

    def _remove_users(self) -> None:
        existing = self.existing
        roles_of: dict[int, list[StaffRole]] = defaultdict(list)
        for role in existing.staff_roles.values():
            roles_of[role.staff_id].append(role)
        teaching_of: dict[int, list[GroupTeacher]] = defaultdict(list)
        for link in existing.group_teachers.values():
            teaching_of[link.staff_id].append(link)
        wards_of: dict[int, list[Guardianship]] = defaultdict(list)
        for ship in existing.guardianships.values():
            wards_of[ship.guardian_id].append(ship)
        for ref, sid in self.plan.remove_users:
            pupil = existing.pupils.by_sid.get(sid)
            staff = existing.staff.by_sid.get(sid)
            guardian = existing.guardians.by_sid.get(sid)
            if pupil is None and staff is None and guardian is None:
                self.skip(ref, sid, NOTHING_TO_REMOVE)
                continue
            if pupil is not None:
                self._deactivate(pupil)
            if staff is not None:
                # Staff leave: they keep their record, but lose every role and group, and with
                # them their access to pupils.
                for role in roles_of[staff.pk]:
                    self._remove_staff_role(role)
                for link in teaching_of[staff.pk]:
                    self._remove_group_teacher(link)
            if guardian is not None:
                for ship in wards_of[guardian.pk]:
                    pupil_of = self.existing.pupils.by_pk[ship.pupil_id]
                    self._delete(
                        "guardianship",
                        ship,
                        actions.GUARDIANSHIP_REMOVED,
                        {"pupil": pupil_of, "guardian": guardian, "relation": ship.relation},
                        school=self.school_of(pupil_of),
                        pupil=pupil_of,
                    )

    def _deactivate(self, pupil: Pupil) -> None:
        if not pupil.active:
            self.report.unchanged["pupil"] += 1
            return
        pupil.active = False
        self.updates["pupil"].append(pupil)
        self.update_fields["pupil"].add("active")
        self.report.deactivated["pupil"] += 1
        self.events.append(
            Event(
                AuditKind.CHANGE,
                actions.PUPIL_DEACTIVATED,
                ACTOR,
                pupil,
                self.school_of(pupil),
                pupil,
                diff({"active": True}, {"active": False}),
            )
        )

    def _remove_staff_roles(self) -> None:
        existing = self.existing
        for ref, key in self.plan.remove_staff_roles:
            staff = existing.staff.by_sid.get(key.staff)
            school = existing.schools.by_sid.get(key.school)
            role = (
                existing.staff_roles.get((staff.pk, school.pk, key.role))
                if staff is not None and school is not None
                else None
            )
            if role is None:
                self.skip(ref, key.staff, NOTHING_TO_REMOVE)
            elif key in self.plan.staff_roles:
                self.skip(ref, key.staff, "also listed as active; not removed")
            else:
                self._remove_staff_role(role)

    def _remove_groups(self) -> None:
        existing = self.existing
        for ref, sid in self.plan.remove_groups:
            group = existing.groups.by_sid.get(sid)
            if group is None:
                self.skip(ref, sid, NOTHING_TO_REMOVE)
                continue
            remaining = [
                e
                for e in existing.enrollments.values()
                if e.group_id == group.pk and id(e) not in self._deleted
            ]
            if remaining:
                self.skip(
                    ref,
                    sid,
                    f"pupils are still enrolled in the group ({len(remaining)}); not removed "
                    "(mark their enrollments tobedeleted first)",
                )
                continue
            for link in existing.group_teachers.values():
                if link.group_id == group.pk:
                    self._remove_group_teacher(link)
            self._delete(
                "group",
                group,
                actions.GROUP_REMOVED,
                {"name": group.name, "kind": group.kind, "source_id": group.source_id},
                school=self.school_of(group),
            )
