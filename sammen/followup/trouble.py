"""When cooperation meets trouble (Amundsen 2019): the disagreement recorded with both views, a
mediation step offered, and a referral to child welfare only with documented grounds, the
measures tried and the guardians informed. The path is made visible, not easy to skip: a
referral with an open disagreement needs mediation offered first."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.followup import access
from sammen.followup.cases import audit
from sammen.followup.errors import FollowupError
from sammen.followup.models import (
    Case,
    Disagreement,
    Mediation,
    MediationAnswer,
    Referral,
)

MIN_GROUNDS = 40  # a sentence or two at least: "worried" alone is not grounds


def record_disagreement(
    *, user: Any, case: Case, topic: str, school_view: str, home_view: str, today: date
) -> Disagreement:
    access.require_manager(user, case)
    access.require_open(case)
    topic, school_view, home_view = topic.strip(), school_view.strip(), home_view.strip()
    if not topic:
        raise FollowupError(_("Say what the disagreement is about."))
    if not school_view or not home_view:
        raise FollowupError(_("Write both views: the school's and the home's."))
    with transaction.atomic():
        found = Disagreement.objects.create(
            case=case,
            topic=topic,
            school_view=school_view,
            home_view=home_view,
            recorded_on=today,
            recorded_by=user,
        )
        audit(user, actions.DISAGREEMENT_RECORDED, found, case, None, {"topic": topic})
    return found


def offer_mediation(
    *, user: Any, disagreement: Disagreement, led_by: str, today: date
) -> Mediation:
    case = disagreement.case
    access.require_manager(user, case)
    access.require_open(case)
    led_by = led_by.strip()
    if not led_by:
        raise FollowupError(_("Name who leads the mediation: someone outside the class."))
    with transaction.atomic():
        mediation = Mediation.objects.create(
            disagreement=disagreement, led_by=led_by, offered_on=today
        )
        audit(user, actions.MEDIATION_OFFERED, mediation, case, None, {"led_by": led_by})
    return mediation


def update_mediation(
    *,
    user: Any,
    mediation: Mediation,
    answer: str,
    held_on: date | None,
    outcome: str,
    resolved: bool,
    today: date,
) -> Mediation:
    disagreement = mediation.disagreement
    case = disagreement.case
    access.require_manager(user, case)
    if answer not in MediationAnswer.values:
        raise FollowupError(_("Choose the home's answer."))
    if held_on is not None and answer != MediationAnswer.ACCEPTED:
        raise FollowupError(_("A mediation is held only when the home accepted it."))
    with transaction.atomic():
        old = {"answer": mediation.answer, "held_on": mediation.held_on}
        mediation.answer = answer
        mediation.held_on = held_on
        mediation.outcome = outcome.strip()
        mediation.save(update_fields=["answer", "held_on", "outcome"])
        if resolved and disagreement.resolved_on is None:
            disagreement.resolved_on = today
            disagreement.save(update_fields=["resolved_on"])
        new = {"answer": answer, "held_on": held_on, "resolved": resolved}
        audit(user, actions.MEDIATION_UPDATED, mediation, case, old, new)
    return mediation


def referral_gaps(case: Case) -> list[str]:
    """What the case lacks before a referral can be sent, in the reader's language."""
    gaps: list[str] = []
    if not case.measures.exists():
        gaps.append(_("No measures have been tried in the plan."))
    open_disagreements = case.disagreements.filter(resolved_on__isnull=True)
    if open_disagreements.filter(mediations__isnull=True).exists():
        gaps.append(_("A disagreement with the home has no mediation offered."))
    return gaps


def send_referral(
    *,
    user: Any,
    case: Case,
    grounds: str,
    measures_tried: str,
    guardians_informed_on: date | None,
    how_informed: str,
    today: date,
) -> Referral:
    """Record a referral to child welfare. Only the leader; only documented."""
    access.require_leader(user, case)
    access.require_open(case)
    grounds, measures_tried, how_informed = (
        grounds.strip(),
        measures_tried.strip(),
        how_informed.strip(),
    )
    problems: list[str] = []
    if len(grounds) < MIN_GROUNDS:
        problems.append(_("Write the grounds for the referral: what the school is worried about."))
    if not measures_tried:
        problems.append(_("Write which measures have been tried and how they went."))
    if guardians_informed_on is None or not how_informed:
        problems.append(_("The guardians must be informed first: when and how."))
    elif guardians_informed_on > today:
        problems.append(_("The guardians must be informed before the referral is sent."))
    problems.extend(referral_gaps(case))
    if problems:
        raise FollowupError(" ".join(problems))
    assert guardians_informed_on is not None
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            grounds=grounds,
            measures_tried=measures_tried,
            guardians_informed_on=guardians_informed_on,
            how_informed=how_informed,
            sent_on=today,
            decided_by=user,
        )
        audit(
            user,
            actions.REFERRAL_SENT,
            referral,
            case,
            None,
            {"guardians_informed_on": guardians_informed_on, "sent_on": today},
        )
    return referral
