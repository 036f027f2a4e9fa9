"""The bookkeeping of an import's changes: what to create, update and delete, with audit events.

``Changes`` collects everything in memory, so a dry run reports exactly what a real run would do;
``write`` then runs a fixed number of statements per model (SQLite splits a large insert into
batches of its 999 parameters), never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from operator import attrgetter
from typing import Any, TypeVar

from django.db import models

from sammen.audit.log import Actor, Event, diff, record_many
from sammen.audit.models import AuditKind
from sammen.roster.importers.existing import Existing
from sammen.roster.importers.plan import Plan, YearRef
from sammen.roster.importers.report import Report, Skip
from sammen.roster.importers.rows import Ref
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

ACTOR = Actor.system("import_roster")
M = TypeVar("M", bound=models.Model)

_MODELS: dict[str, type[models.Model]] = {
    "school_owner": SchoolOwner,
    "school": School,
    "school_year": SchoolYear,
    "term": Term,
    "group": Group,
    "pupil": Pupil,
    "staff": Staff,
    "guardian": Guardian,
    "staff_role": StaffRole,
    "enrollment": Enrollment,
    "group_teacher": GroupTeacher,
    "guardianship": Guardianship,
}
_OBJECTS = ("school_owner", "school", "school_year", "term", "group", "pupil", "staff", "guardian")
_LINKS = ("staff_role", "enrollment", "group_teacher", "guardianship")
NOTHING_TO_REMOVE = "not in Sammen; nothing to remove"


def _removed(values: Mapping[str, Any]) -> dict[str, Any]:
    return diff(values, dict.fromkeys(values))


class Changes:
    """What to create, update and delete, per model, with one audit event per object."""

    def __init__(self, plan: Plan, existing: Existing, report: Report) -> None:
        self.plan = plan
        self.existing = existing
        self.report = report
        self.owner = existing.owner
        self.events: list[Event] = []
        self.creates: dict[str, list[models.Model]] = defaultdict(list)
        self.updates: dict[str, list[models.Model]] = defaultdict(list)
        self.update_fields: dict[str, set[str]] = defaultdict(set)
        self.deletes: dict[str, list[models.Model]] = defaultdict(list)
        self._deleted: set[int] = set()
        self.schools: dict[str, School] = {}
        self.years: dict[YearRef, SchoolYear] = {}
        self.groups: dict[str, Group] = {}
        self.pupils: dict[str, Pupil] = {}
        self.staff: dict[str, Staff] = {}
        self.guardians: dict[str, Guardian] = {}
        self._by_pk: dict[type[models.Model], Mapping[int, models.Model]] = {
            SchoolOwner: {self.owner.pk: self.owner} if self.owner.pk else {},
            School: existing.schools.by_pk,
            SchoolYear: existing.years.by_pk,
            Group: existing.groups.by_pk,
            Pupil: existing.pupils.by_pk,
            Staff: existing.staff.by_pk,
            Guardian: existing.guardians.by_pk,
        }

    # bookkeeping ------------------------------------------------------------------------------

    def _save(
        self,
        key: str,
        obj: M,
        values: Mapping[str, Any],
        action: str,
        *,
        created: bool,
        school: School | None = None,
        pupil: Pupil | None = None,
    ) -> M:
        if created:
            for name, value in values.items():
                setattr(obj, name, value)
            self.creates[key].append(obj)
            self.report.created[key] += 1
            changes = diff({}, values)
            self.events.append(Event(AuditKind.CHANGE, action, ACTOR, obj, school, pupil, changes))
            return obj
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for name, value in values.items():
            changed, current = self._compare(obj, name, value)
            if changed:
                old[name], new[name] = current, value
                setattr(obj, name, value)
        if not new:
            self.report.unchanged[key] += 1
            return obj
        self.updates[key].append(obj)
        self.update_fields[key].update(new)
        self.report.updated[key] += 1
        self.events.append(
            Event(AuditKind.CHANGE, action, ACTOR, obj, school, pupil, diff(old, new))
        )
        return obj

    def _compare(self, obj: models.Model, name: str, value: Any) -> tuple[bool, Any]:
        """(changed, the current value) without a query for foreign keys."""
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            current_id = getattr(obj, model_field.attname)
            new_id = value.pk if value is not None else None
            if current_id == new_id and (value is None or new_id is not None):
                return False, None
            related = model_field.related_model
            known = self._by_pk.get(related, {}) if isinstance(related, type) else {}
            return True, known.get(current_id, current_id)
        current = getattr(obj, name)
        return current != value, current

    def _delete(
        self,
        key: str,
        obj: models.Model,
        action: str,
        values: Mapping[str, Any],
        *,
        school: School | None,
        pupil: Pupil | None = None,
    ) -> None:
        if id(obj) in self._deleted:
            return
        self._deleted.add(id(obj))
        self.deletes[key].append(obj)
        self.report.deleted[key] += 1
        self.events.append(
            Event(AuditKind.CHANGE, action, ACTOR, obj, school, pupil, _removed(values))
        )

    def skip(self, ref: Ref, value: str, reason: str) -> None:
        self.report.skipped.append(Skip(ref.file, ref.line, value, reason))

    def school(self, sid: str) -> School:
        return self.schools.get(sid) or self.existing.schools.by_sid[sid]

    def year(self, ref: YearRef) -> SchoolYear:
        if ref in self.years:
            return self.years[ref]
        if ref.source_id:
            return self.existing.years.by_sid[ref.source_id]
        assert ref.pk is not None
        return self.existing.years.by_pk[ref.pk]

    def group(self, sid: str) -> Group:
        return self.groups.get(sid) or self.existing.groups.by_sid[sid]

    def pupil(self, sid: str) -> Pupil:
        return self.pupils.get(sid) or self.existing.pupils.by_sid[sid]

    def staff_member(self, sid: str) -> Staff:
        return self.staff.get(sid) or self.existing.staff.by_sid[sid]

    def guardian(self, sid: str) -> Guardian:
        return self.guardians.get(sid) or self.existing.guardians.by_sid[sid]

    def school_of(self, obj: Group | Pupil) -> School:
        """The school of a group or pupil, from the index (new objects have it cached)."""
        if obj.school_id is not None and obj.school_id in self.existing.schools.by_pk:
            return self.existing.schools.by_pk[obj.school_id]
        return obj.school

    # writing ----------------------------------------------------------------------------------

    def write(self) -> None:
        for key in _OBJECTS:
            self._flush(key)
        for key in _LINKS:
            self._remove_rows(key)
        for key in _LINKS:
            self._flush(key)
        self._remove_rows("group")
        record_many(self.events)

    def _flush(self, key: str) -> None:
        model = _MODELS[key]
        created = self.creates.get(key, [])
        if created:
            model._default_manager.bulk_create(created)
            _ensure_pks(model, created)
        updated = self.updates.get(key, [])
        if updated:
            model._default_manager.bulk_update(updated, sorted(self.update_fields[key]))

    def _remove_rows(self, key: str) -> None:
        rows = self.deletes.get(key, [])
        if rows:
            _MODELS[key]._default_manager.filter(pk__in=[row.pk for row in rows]).delete()


def _ensure_pks(model: type[models.Model], rows: list[models.Model]) -> None:
    """Primary keys for rows bulk-inserted where the database cannot return them (old SQLite)."""
    missing = [row for row in rows if row.pk is None]
    if not missing:
        return
    if not hasattr(model, "public_id"):
        return  # links: nothing refers to them by key within the import
    public_id = attrgetter("public_id")
    wanted = [public_id(row) for row in missing]
    ids = dict(model._default_manager.filter(public_id__in=wanted).values_list("public_id", "pk"))
    for row in missing:
        row.pk = ids[public_id(row)]
        row._state.adding = False
