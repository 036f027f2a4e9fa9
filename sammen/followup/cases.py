"""Changes to a case itself: opening, level, coordinator, members, closing, consent, mapping, the
pupil's view and the best-interest assessment. Each function validates, saves and writes its
audit event in one transaction (``do_<verb>_<noun>`` in zulip's sense)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import log_change, snapshot
from sammen.followup import access
from sammen.followup.errors import FollowupError
from sammen.followup.models import (
    BestInterest,
    Case,
    CaseMember,
    Consent,
    Factor,
    HeardHow,
    Level,
    LevelChange,
    MemberRole,
    Plan,
    PupilView,
    Reason,
    Service,
    Status,
)
from sammen.followup.models import (
    Mapping as CaseMapping,
)
from sammen.roster.models import Guardian, Guardianship, Pupil, Role, Staff, StaffRole
from sammen.warning.models import Flag

# From this age the pupil's own consent is needed as well as the guardians'.
PUPIL_CONSENT_AGE = 15


def audit(
    user: Any,
    action: str,
    obj: Any,
    case: Case,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    detail: str = "",
) -> None:
    log_change(
        actor=user,
        action=action,
        obj=obj,
        old=old,
        new=new if new is not None else {},
        school=case.school,
        pupil=case.pupil,
        detail=detail,
    )


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def pupil_must_consent(pupil: Pupil, day: date) -> bool:
    """From 15 the pupil consents too. Without a birth date, grade 10 counts as 15."""
    age = age_on(pupil.birth_date, day)
    if age is None:
        return (pupil.grade or 0) >= 10
    return age >= PUPIL_CONSENT_AGE


# Opening and steering --------------------------------------------------------------------------


def open_case(*, user: Any, pupil: Pupil, today: date, flag: Flag | None = None) -> Case:
    """Open a case at level 1 with an empty plan and mapping; one open case per pupil."""
    if flag is not None and flag.pupil_id != pupil.pk:
        raise FollowupError(_("The flag is about another pupil."))
    if Case.objects.filter(pupil=pupil, status=Status.OPEN).exists():
        raise FollowupError(_("The pupil already has an open follow-up case."))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                pupil=pupil, school=pupil.school, flag=flag, opened_on=today, opened_by=user
            )
            Plan.objects.create(case=case)
            CaseMapping.objects.create(case=case, updated_by=user)
            audit(
                user,
                actions.CASE_OPENED,
                case,
                case,
                new={"level": case.level, "flag": flag},
                detail=flag.rule if flag is not None else "",
            )
    except IntegrityError:
        # Two people opening at once: the database's one-open-case rule decides.
        raise FollowupError(_("The pupil already has an open follow-up case.")) from None
    return case


def change_level(*, user: Any, case: Case, level: int, reason: str, today: date) -> Case:
    access.require_leader(user, case)
    access.require_open(case)
    reason = reason.strip()
    if level not in Level.values:
        raise FollowupError(_("Choose a level."))
    if level == case.level:
        raise FollowupError(_("The case is already at that level."))
    if not reason:
        raise FollowupError(_("Say why the level changes."))
    with transaction.atomic():
        old = case.level
        LevelChange.objects.create(
            case=case,
            from_level=old,
            to_level=level,
            reason=reason,
            changed_on=today,
            changed_by=user,
        )
        case.level = level
        case.save(update_fields=["level"])
        audit(user, actions.CASE_LEVEL_CHANGED, case, case, {"level": old}, {"level": level})
    return case


def staff_of_school(case: Case) -> list[Staff]:
    """Staff who may be named coordinator or member: a school role at the case's school."""
    ids = StaffRole.objects.filter(school=case.school, role__in=access.MEMBER_ROLES).values(
        "staff_id"
    )
    return list(Staff.objects.filter(pk__in=ids).order_by("family_name", "given_name"))


def support_staff_of_school(case: Case) -> list[Staff]:
    ids = StaffRole.objects.filter(school=case.school, role=Role.SUPPORT).values("staff_id")
    return list(Staff.objects.filter(pk__in=ids).order_by("family_name", "given_name"))


def name_coordinator(*, user: Any, case: Case, staff: Staff) -> Case:
    access.require_manager(user, case)
    access.require_open(case)
    if staff.pk not in {s.pk for s in staff_of_school(case)}:
        raise FollowupError(_("The coordinator must work at the pupil's school."))
    with transaction.atomic():
        old = {"coordinator": case.coordinator}
        case.coordinator = staff
        case.save(update_fields=["coordinator"])
        audit(user, actions.CASE_COORDINATOR_NAMED, case, case, old, {"coordinator": staff})
    return case


def add_member(*, user: Any, case: Case, staff: Staff, role: str, today: date) -> CaseMember:
    access.require_manager(user, case)
    access.require_open(case)
    if role not in MemberRole.values:
        raise FollowupError(_("Choose a role."))
    if staff.pk not in {s.pk for s in staff_of_school(case)}:
        raise FollowupError(
            _("Only staff of the pupil's school can be members; support services need consent.")
        )
    if CaseMember.objects.filter(case=case, staff=staff).exists():
        raise FollowupError(_("%(name)s is already a member.") % {"name": staff.full_name})
    with transaction.atomic():
        member = CaseMember.objects.create(case=case, staff=staff, role=role, added_on=today)
        audit(user, actions.CASE_MEMBER_ADDED, member, case, None, {"staff": staff, "role": role})
    return member


def close_case(*, user: Any, case: Case, today: date) -> Case:
    access.require_leader(user, case)
    access.require_open(case)
    with transaction.atomic():
        case.status = Status.CLOSED
        case.closed_on = today
        case.save(update_fields=["status", "closed_on"])
        audit(user, actions.CASE_CLOSED, case, case, {"status": "open"}, {"status": "closed"})
    return case


# Consent ---------------------------------------------------------------------------------------


def responsible_guardians(case: Case) -> list[Guardian]:
    ids = Guardianship.objects.filter(pupil=case.pupil, parental_responsibility=True).values(
        "guardian_id"
    )
    return list(Guardian.objects.filter(pk__in=ids).order_by("family_name", "given_name"))


def record_consent(
    *,
    user: Any,
    case: Case,
    staff: Staff,
    service: str,
    guardians: Iterable[Guardian],
    pupil_consented: bool,
    given_on: date,
    expires_on: date,
) -> Consent:
    """Admit one support-service worker to this case until the end of ``expires_on``.

    Every guardian with parental responsibility must have consented, and from 15 the pupil too.
    """
    access.require_manager(user, case)
    access.require_open(case)
    if service not in Service.values:
        raise FollowupError(_("Choose the service."))
    if staff.pk not in {s.pk for s in support_staff_of_school(case)}:
        raise FollowupError(_("Choose a support-service worker who serves the pupil's school."))
    needed = {g.pk for g in responsible_guardians(case)}
    given = {g.pk for g in guardians}
    if not needed:
        raise FollowupError(_("No guardian with parental responsibility is registered."))
    if not given <= needed:
        raise FollowupError(_("Only guardians with parental responsibility can consent."))
    if given != needed:
        raise FollowupError(_("Every guardian with parental responsibility must consent."))
    if pupil_must_consent(case.pupil, given_on) and not pupil_consented:
        raise FollowupError(_("The pupil is 15 or older and must consent too."))
    if expires_on < given_on:
        raise FollowupError(_("The consent must expire after it is given."))
    # To the end of the last day, in the school's time zone.
    expires_at = timezone.make_aware(datetime.combine(expires_on, datetime.max.time()))
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            staff=staff,
            service=service,
            pupil_consented=pupil_consented,
            given_on=given_on,
            expires_at=expires_at,
            recorded_by=user,
        )
        consent.guardians.set(list(guardians))
        audit(
            user,
            actions.CONSENT_RECORDED,
            consent,
            case,
            None,
            {
                "staff": staff,
                "service": service,
                "guardians": sorted(str(g.public_id) for g in guardians),
                "pupil_consented": pupil_consented,
                "given_on": given_on,
                "expires_at": expires_at,
            },
        )
    return consent


def withdraw_consent(*, user: Any, consent: Consent) -> Consent:
    """The consent ends now: the worker's next request is refused."""
    case = consent.case
    access.require_manager(user, case)
    if consent.withdrawn_at is not None:
        raise FollowupError(
            _("The consent was already withdrawn on %(date)s.")
            % {"date": date_format(timezone.localtime(consent.withdrawn_at), "j.n.Y")}
        )
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit(
            user,
            actions.CONSENT_WITHDRAWN,
            consent,
            case,
            {"withdrawn_at": None},
            {"withdrawn_at": consent.withdrawn_at},
        )
    return consent


# Mapping and the pupil's voice -----------------------------------------------------------------

MAPPING_FIELDS = ("factors", "reasons", "questions", "at_school", "at_home", "strengths")


def save_mapping(*, user: Any, case: Case, values: Mapping[str, Any]) -> CaseMapping:
    access.require_open(case)
    if not set(values.get("factors", [])) <= set(Factor.values):
        raise FollowupError(_("Choose factors from the list."))
    if not set(values.get("reasons", [])) <= set(Reason.values):
        raise FollowupError(_("Choose reasons from the list."))
    with transaction.atomic():
        mapping, _created = CaseMapping.objects.select_for_update().get_or_create(case=case)
        old = snapshot(mapping, MAPPING_FIELDS)
        for name in MAPPING_FIELDS:
            if name in values:
                value = values[name]
                setattr(mapping, name, sorted(value) if isinstance(value, list) else value)
        mapping.updated_by = user
        mapping.save()
        audit(user, actions.MAPPING_SAVED, mapping, case, old, snapshot(mapping, MAPPING_FIELDS))
    return mapping


def record_pupil_view(
    *, user: Any, case: Case, words: str, heard_how: str, heard_on: date
) -> PupilView:
    access.require_open(case)
    words = words.strip()
    if not words:
        raise FollowupError(_("Write what the pupil said, in the pupil's words."))
    if heard_how not in HeardHow.values:
        raise FollowupError(_("Say how the pupil was heard."))
    with transaction.atomic():
        view = PupilView.objects.create(
            case=case, words=words, heard_how=heard_how, heard_on=heard_on, recorded_by=user
        )
        audit(user, actions.PUPIL_VIEW_RECORDED, view, case, None, {"heard_on": heard_on})
    return view


def record_best_interest(
    *, user: Any, case: Case, assessment: str, assessed_on: date
) -> BestInterest:
    access.require_open(case)
    assessment = assessment.strip()
    if not assessment:
        raise FollowupError(_("Write the assessment."))
    with transaction.atomic():
        found = BestInterest.objects.create(
            case=case, assessment=assessment, assessed_on=assessed_on, recorded_by=user
        )
        audit(user, actions.BEST_INTEREST_RECORDED, found, case, None, {"on": assessed_on})
    return found
