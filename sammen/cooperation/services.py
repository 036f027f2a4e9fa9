"""Every change to the cooperation with the home goes through a function here, with its audit
event in the same transaction (who, what, old and new values).

Permissions are the caller's business (``sammen.cooperation.access`` for pages; the demo and the
scheduled job act as the system); these functions check the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import (
    ActorLike,
    Event,
    acting_name,
    acting_user,
    log_change,
    record_many,
    snapshot,
)
from sammen.audit.models import AuditKind
from sammen.cooperation import rhythm
from sammen.cooperation.models import (
    CONVERSATION_KINDS,
    Adjustment,
    Author,
    Barrier,
    Cadence,
    Contact,
    ContactKind,
    CooperationStandard,
    FamilyNeeds,
    FeltHeard,
    HomeVisit,
    NetworkMember,
    Part,
    ProfileEntry,
    Sphere,
    Tone,
    VisitStatus,
)
from sammen.roster.models import Guardian, Pupil, School


class CooperationError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The school's standard -------------------------------------------------------------------------

STANDARD_FIELDS = (
    "cadence_days",
    "escalate_after_days",
    "review_weekday",
    "flag_answer_days",
    "evening_calls",
    "home_visits",
    "start_of_year",
)


def standard_of(school: School) -> CooperationStandard:
    """The school's standard, or the defaults (unsaved) if the leader has not set one."""
    found = CooperationStandard.objects.filter(school=school).first()
    return found if found is not None else CooperationStandard(school=school)


def save_standard(*, actor: ActorLike, school: School, values: dict[str, Any]) -> bool:
    """Save the standard; False if nothing changed."""
    with transaction.atomic():
        current = CooperationStandard.objects.select_for_update().filter(school=school).first()
        standard = current or CooperationStandard(school=school)
        old = snapshot(standard, STANDARD_FIELDS) if current else {}
        for name in STANDARD_FIELDS:
            setattr(standard, name, values[name])
        new = snapshot(standard, STANDARD_FIELDS)
        if current is not None and old == new:
            return False
        standard.updated_by = acting_user(actor)
        standard.save()
        log_change(
            actor=actor,
            action=actions.COOPERATION_STANDARD_SAVED,
            obj=standard,
            old=old,
            new=new,
            school=school,
        )
    return True


# The fixed contact -----------------------------------------------------------------------------

CADENCE_FIELDS = ("every_days", "channel", "window", "active")


def set_cadence(
    *,
    actor: ActorLike,
    pupil: Pupil,
    every_days: int,
    channel: str,
    window: str,
    active: bool,
    today: date,
) -> Cadence:
    if not 1 <= every_days <= 90:
        raise CooperationError(_("Choose between 1 and 90 days."))
    with transaction.atomic():
        cadence = Cadence.objects.select_for_update().filter(pupil=pupil).first()
        old = snapshot(cadence, CADENCE_FIELDS) if cadence else {}
        if cadence is None:
            cadence = Cadence(pupil=pupil, started_on=today)
        cadence.every_days, cadence.channel, cadence.window = every_days, channel, window
        if active and not cadence.active:
            cadence.started_on = today
        cadence.active = active
        cadence.save()
        log_change(
            actor=actor,
            action=actions.COOP_CADENCE_SAVED,
            obj=pupil,
            old=old,
            new=snapshot(cadence, CADENCE_FIELDS),
            school=pupil.school,
            pupil=pupil,
        )
    return cadence


CONTACT_FIELDS = (
    "on",
    "kind",
    "initiated_by",
    "tone",
    "guardian",
    "next_contact_on",
    "shared_with_family",
)


@dataclass(frozen=True)
class ContactData:
    on: date
    kind: str
    initiated_by: str
    tone: str
    guardian: Guardian | None = None
    note: str = ""
    at_home: str = ""
    tells_at_home: str = ""
    agreements: str = ""
    next_contact_on: date | None = None
    shared_with_family: bool = False


def log_contact(*, actor: ActorLike, pupil: Pupil, data: ContactData, today: date) -> Contact:
    if data.on > today:
        raise CooperationError(_("A contact cannot be logged before it has happened."))
    if data.next_contact_on is not None and data.next_contact_on < data.on:
        raise CooperationError(_("The next contact must come after this one."))
    with transaction.atomic():
        contact = Contact.objects.create(
            pupil=pupil,
            school=pupil.school,
            guardian=data.guardian,
            on=data.on,
            kind=data.kind,
            initiated_by=data.initiated_by,
            tone=data.tone,
            note=data.note,
            at_home=data.at_home,
            tells_at_home=data.tells_at_home,
            agreements=data.agreements,
            next_contact_on=data.next_contact_on,
            shared_with_family=data.shared_with_family,
            created_by=acting_user(actor),
            created_by_label=acting_name(actor)[:300],
        )
        if data.kind in CONVERSATION_KINDS:
            # The call was made: the leader no longer needs to hear that it is overdue.
            Cadence.objects.filter(pupil=pupil, escalated_on__isnull=False).update(
                escalated_on=None
            )
        action = (
            actions.COOP_LYSGLIMT_SHARED
            if data.kind == ContactKind.LYSGLIMT
            else actions.COOP_CONTACT_LOGGED
        )
        log_change(
            actor=actor,
            action=action,
            obj=contact,
            new=snapshot(contact, CONTACT_FIELDS),
            school=pupil.school,
            pupil=pupil,
        )
    return contact


def share_lysglimt(*, actor: ActorLike, pupil: Pupil, note: str, today: date) -> Contact:
    """A positive note to the family, in one step: shown on the guardians' page at once."""
    note = note.strip()
    if not note:
        raise CooperationError(_("Write what went well."))
    data = ContactData(
        on=today,
        kind=ContactKind.LYSGLIMT,
        initiated_by="school",
        tone=Tone.POSITIVE,
        note=note,
        shared_with_family=True,
    )
    return log_contact(actor=actor, pupil=pupil, data=data, today=today)


def escalate_overdue(
    *, actor: ActorLike, due: Sequence[tuple[Cadence, rhythm.Due]], today: date
) -> int:
    """Mark the overdue contacts past the school's limit as told to the leader (once each)."""
    fresh = [c for c, d in due if d.escalate and c.escalated_on is None]
    if not fresh:
        return 0
    with transaction.atomic():
        Cadence.objects.filter(pk__in=[c.pk for c in fresh]).update(escalated_on=today)
        record_many(
            Event(
                AuditKind.CHANGE,
                actions.COOP_CONTACT_ESCALATED,
                actor,
                c.pupil,
                c.pupil.school,
                c.pupil,
                {"escalated_on": {"old": None, "new": today.isoformat()}},
            )
            for c in fresh
        )
    return len(fresh)


# Felt heard ------------------------------------------------------------------------------------


def answer_felt_heard(
    *, actor: ActorLike, contact: Contact, guardian: Guardian, score: int, comment: str
) -> FeltHeard:
    if not 1 <= score <= 5:
        raise CooperationError(_("Choose from 1 to 5."))
    with transaction.atomic():
        if FeltHeard.objects.filter(contact=contact, guardian=guardian).exists():
            raise CooperationError(_("You have already answered. Thank you!"))
        answer = FeltHeard.objects.create(
            contact=contact,
            guardian=guardian,
            school_id=contact.school_id,
            score=score,
            comment=comment.strip()[:500],
        )
        log_change(
            actor=actor,
            action=actions.COOP_FELT_HEARD_ANSWERED,
            obj=contact,
            new={"score": score},
            school=contact.school,
            pupil=contact.pupil,
        )
    return answer


# The family's cooperation needs ----------------------------------------------------------------

NEEDS_FIELDS = (
    "language",
    "interpreter",
    "time_available",
    "channel",
    "window",
    "barriers",
    "barrier_note",
    "family_told",
    "adjustments",
)


def save_family_needs(*, actor: ActorLike, pupil: Pupil, values: dict[str, Any]) -> FamilyNeeds:
    barriers = sorted(set(values["barriers"]))
    if any(b not in Barrier.values for b in barriers):
        raise CooperationError(_("Choose from the list."))
    if any(a not in Adjustment.values for a in values["adjustments"]):
        raise CooperationError(_("Choose from the list."))
    if (barriers or values["barrier_note"]) and not values["family_told"]:
        raise CooperationError(
            _("Record what makes cooperation harder only when the family has told the school.")
        )
    with transaction.atomic():
        needs = FamilyNeeds.objects.select_for_update().filter(pupil=pupil).first()
        old = snapshot(needs, NEEDS_FIELDS) if needs else {}
        needs = needs or FamilyNeeds(pupil=pupil)
        for name in NEEDS_FIELDS:
            setattr(needs, name, values[name])
        needs.barriers = barriers
        needs.adjustments = sorted(set(values["adjustments"]))
        needs.save()
        new = snapshot(needs, NEEDS_FIELDS)
        # The barrier note is free text about a family's hardship: its words stay out of the
        # audit trail, which says only that it changed.
        for snap in (old, new):
            if snap.get("barrier_note"):
                snap["barrier_note"] = "(note)"
        log_change(
            actor=actor,
            action=actions.COOP_FAMILY_NEEDS_SAVED,
            obj=pupil,
            old=old,
            new=new,
            school=pupil.school,
            pupil=pupil,
        )
    return needs


# Home visits -----------------------------------------------------------------------------------

VISIT_FIELDS = (
    "planned_on",
    "purpose",
    "who_goes",
    "family_agreed",
    "status",
    "follow_up",
    "follow_up_on",
)


def save_home_visit(
    *, actor: ActorLike, pupil: Pupil, visit: HomeVisit | None, values: dict[str, Any]
) -> HomeVisit:
    """Plan a visit (``visit`` None) or update one: done, cancelled, followed up."""
    if values["status"] == VisitStatus.DONE and not values["family_agreed"]:
        raise CooperationError(_("A home visit needs the family's agreement."))
    with transaction.atomic():
        old = snapshot(visit, VISIT_FIELDS) if visit else {}
        visit = visit or HomeVisit(pupil=pupil, created_by=acting_user(actor))
        for name in VISIT_FIELDS:
            setattr(visit, name, values[name])
        visit.save()
        log_change(
            actor=actor,
            action=actions.COOP_HOME_VISIT_SAVED,
            obj=visit,
            old=old,
            new=snapshot(visit, VISIT_FIELDS),
            school=pupil.school,
            pupil=pupil,
        )
    return visit


# The 24-hour person and the network ------------------------------------------------------------


def add_profile_entry(
    *,
    actor: ActorLike,
    pupil: Pupil,
    part: str,
    text: str,
    author: str,
    visibility: str,
    is_goal: bool = False,
) -> ProfileEntry:
    text = text.strip()
    if not text:
        raise CooperationError(_("Write something."))
    if part not in Part.values or author not in Author.values:
        raise CooperationError(_("Choose from the list."))
    with transaction.atomic():
        entry = ProfileEntry.objects.create(
            pupil=pupil,
            part=part,
            text=text,
            author=author,
            author_label=acting_name(actor)[:300],
            visibility=visibility,
            is_goal=is_goal and part == Part.FUTURE,
            created_by=acting_user(actor),
        )
        log_change(
            actor=actor,
            action=actions.COOP_PROFILE_ENTRY_SAVED,
            obj=entry,
            new={"part": part, "author": author, "visibility": visibility},
            school=pupil.school,
            pupil=pupil,
        )
    return entry


def remove_profile_entry(*, actor: ActorLike, entry: ProfileEntry) -> None:
    with transaction.atomic():
        log_change(
            actor=actor,
            action=actions.COOP_PROFILE_ENTRY_REMOVED,
            obj=entry,
            old={"part": entry.part},
            new={"part": None},
            school=entry.pupil.school,
            pupil=entry.pupil,
        )
        entry.delete()


def add_network_member(
    *,
    actor: ActorLike,
    pupil: Pupil,
    sphere: str,
    name: str,
    role: str,
    guardian: Guardian | None = None,
) -> NetworkMember:
    name, role = name.strip(), role.strip()
    if not name or not role:
        raise CooperationError(_("Write the name and who they are to the child."))
    if sphere not in Sphere.values:
        raise CooperationError(_("Choose from the list."))
    with transaction.atomic():
        member = NetworkMember.objects.create(
            pupil=pupil,
            sphere=sphere,
            name=name,
            role=role,
            added_by_guardian=guardian,
            created_by=acting_user(actor),
        )
        log_change(
            actor=actor,
            action=actions.COOP_NETWORK_MEMBER_SAVED,
            obj=member,
            new={"sphere": sphere, "name": name, "role": role},
            school=pupil.school,
            pupil=pupil,
        )
    return member


def remove_network_member(*, actor: ActorLike, member: NetworkMember) -> None:
    with transaction.atomic():
        log_change(
            actor=actor,
            action=actions.COOP_NETWORK_MEMBER_REMOVED,
            obj=member,
            old={"name": member.name},
            new={"name": None},
            school=member.pupil.school,
            pupil=member.pupil,
        )
        member.delete()
