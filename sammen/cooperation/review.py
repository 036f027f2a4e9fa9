"""The fortnightly review's writes: the set-up of a class, moving a pupil between the halves, the
three answers per pupil, and the action items agreed. Each with its audit event.

How the halves are made (``rhythm.split_halves``): at set-up the class's pupils are sorted by
family and given name and dealt alternately to half A and half B. A pupil who joins later is
placed in the smaller half (``rhythm.place_newcomers``) the first time the agenda is saved or a
pupil is moved; until then the agenda shows them where that rule would put them. Nobody moves
unless a person moves them. The week's half: half A in the set-up's first week and every second
calendar week after it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import ActorLike, acting_user, log_change
from sammen.cooperation import rhythm
from sammen.cooperation.models import ActionItem, Review, ReviewPlacement, ReviewSetup
from sammen.cooperation.services import CooperationError
from sammen.roster.models import Group, Pupil, Staff


def set_up_review(
    *, actor: ActorLike, group: Group, pupils: list[Pupil], first_monday: date
) -> ReviewSetup:
    with transaction.atomic():
        setup, created = ReviewSetup.objects.get_or_create(
            group=group,
            defaults={
                "first_monday": rhythm.monday_of(first_monday),
                "created_by": acting_user(actor),
            },
        )
        if not created:
            raise CooperationError(_("The review is already set up for this class."))
        halves = rhythm.split_halves([(p, p.sort_name) for p in pupils])
        ReviewPlacement.objects.bulk_create(
            ReviewPlacement(setup=setup, pupil=p, half=h) for p, h in halves.items()
        )
        log_change(
            actor=actor,
            action=actions.COOP_REVIEW_SETUP_SAVED,
            obj=group,
            new={"first_monday": setup.first_monday, "pupils": len(halves)},
            school=group.school,
        )
    return setup


def place_newcomers(setup: ReviewSetup, pupils: list[Pupil]) -> dict[int, int]:
    """Every current pupil's half (pupil id -> 0/1), newcomers placed by the rule (not saved)."""
    stored = dict(setup.placements.values_list("pupil_id", "half"))
    current = {p.pk: stored[p.pk] for p in pupils if p.pk in stored}
    newcomers = [(p.pk, p.sort_name) for p in pupils if p.pk not in stored]
    return current | rhythm.place_newcomers(current, newcomers)


def move_pupil(*, actor: ActorLike, setup: ReviewSetup, pupils: list[Pupil], pupil: Pupil) -> int:
    """Move ``pupil`` to the other half; newcomers' places are saved with it. Returns the half."""
    with transaction.atomic():
        halves = place_newcomers(setup, pupils)
        if pupil.pk not in halves:
            raise CooperationError(_("The pupil is not in this class."))
        halves[pupil.pk] = 1 - halves[pupil.pk]
        stored = set(setup.placements.values_list("pupil_id", flat=True))
        ReviewPlacement.objects.bulk_create(
            ReviewPlacement(setup=setup, pupil_id=pid, half=h)
            for pid, h in halves.items()
            if pid not in stored
        )
        ReviewPlacement.objects.filter(setup=setup, pupil=pupil).update(half=halves[pupil.pk])
        log_change(
            actor=actor,
            action=actions.COOP_REVIEW_PUPIL_MOVED,
            obj=setup.group,
            old={"half": 1 - halves[pupil.pk]},
            new={"half": halves[pupil.pk]},
            school=pupil.school,
            pupil=pupil,
        )
    return halves[pupil.pk]


REVIEW_FIELDS = ("held_on", "positive", "made_possible", "support")


def save_review(
    *,
    actor: ActorLike,
    pupil: Pupil,
    group: Group,
    held_on: date,
    positive: str,
    made_possible: str,
    support: str,
) -> Review:
    """The meeting's answers about one pupil; saving again the same day corrects them."""
    if not positive.strip():
        raise CooperationError(_("Start with the positive development, however small."))
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pupil=pupil, held_on=held_on).first()
        old = {k: getattr(review, k) for k in REVIEW_FIELDS} if review else {}
        review = review or Review(pupil=pupil, group=group, held_on=held_on)
        review.positive, review.made_possible, review.support = (
            positive.strip(),
            made_possible.strip(),
            support.strip(),
        )
        review.created_by = review.created_by or acting_user(actor)
        review.save()
        # The answers' words are the pupil's file, not the audit trail's: which fields changed.
        log_change(
            actor=actor,
            action=actions.COOP_REVIEW_SAVED,
            obj=review,
            old={k: "…" if old.get(k) else "" for k in old},
            new={k: "…" if getattr(review, k) else "" for k in REVIEW_FIELDS if k != "held_on"}
            | {"held_on": held_on},
            school=pupil.school,
            pupil=pupil,
        )
    return review


def add_action_item(
    *,
    actor: ActorLike,
    pupil: Pupil,
    review: Review | None,
    text: str,
    owner: Staff,
    due_on: date,
) -> ActionItem:
    if not text.strip():
        raise CooperationError(_("Write what is to be done."))
    with transaction.atomic():
        item = ActionItem.objects.create(
            pupil=pupil, review=review, text=text.strip()[:300], owner=owner, due_on=due_on
        )
        log_change(
            actor=actor,
            action=actions.COOP_ACTION_ITEM_SAVED,
            obj=item,
            new={"owner": owner.full_name, "due_on": due_on},
            school=pupil.school,
            pupil=pupil,
        )
    return item


def mark_done(*, actor: ActorLike, item: ActionItem, today: date) -> None:
    if item.done_on is not None:
        return
    with transaction.atomic():
        item.done_on = today
        item.save(update_fields=["done_on"])
        log_change(
            actor=actor,
            action=actions.COOP_ACTION_ITEM_DONE,
            obj=item,
            old={"done_on": None},
            new={"done_on": today},
            school=item.pupil.school,
            pupil=item.pupil,
        )
