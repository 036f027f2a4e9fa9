"""The "felt heard" link: one answer, by one guardian, about one conversation, without logging in.

The link carries the contact's and the guardian's public ids, signed with the site's secret
(``django.core.signing``) and valid for ``MAX_AGE_DAYS``: it can be used for nothing else, and
only once (the database allows one answer per contact and guardian).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

from sammen.cooperation.models import CONVERSATION_KINDS, Contact, FeltHeard
from sammen.roster.models import Guardian, Guardianship

SALT = "sammen.cooperation.felt_heard"
MAX_AGE_DAYS = 14


def token(contact: Contact, guardian: Guardian) -> str:
    return signing.dumps({"c": contact.public_id.hex, "g": guardian.public_id.hex}, salt=SALT)


def resolve(value: str) -> tuple[Contact, Guardian] | None:
    """The contact and guardian the link was made for, or None if it is forged, expired, or the
    guardian has since lost parental responsibility."""
    try:
        data = signing.loads(value, salt=SALT, max_age=timedelta(days=MAX_AGE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    contact = (
        Contact.objects.select_related("pupil", "school")
        .filter(public_id=str(data.get("c", "")))
        .first()
    )
    if contact is None:
        return None
    link = (
        Guardianship.objects.select_related("guardian")
        .filter(
            pupil=contact.pupil,
            guardian__public_id=str(data.get("g", "")),
            parental_responsibility=True,
        )
        .first()
    )
    return (contact, link.guardian) if link else None


@dataclass(frozen=True)
class Link:
    guardian: Guardian
    url: str


def askable(contact: Contact, today: date) -> bool:
    return contact.kind in CONVERSATION_KINDS and (today - contact.on).days < MAX_AGE_DAYS


def links_for(
    request: HttpRequest,
    contacts: Sequence[Contact],
    guardians: Sequence[Guardian],
    answers: Mapping[int, Sequence[FeltHeard]],
    today: date,
) -> dict[int, list[Link]]:
    """For each recent conversation, a link per guardian who has not answered yet: the contact
    teacher sends it by SMS or e-mail."""
    out: dict[int, list[Link]] = {}
    for contact in contacts:
        if not askable(contact, today):
            continue
        answered = {a.guardian_id for a in answers.get(contact.pk, [])}
        wanted = [g for g in guardians if g.pk not in answered]
        if contact.guardian_id is not None:
            wanted = [g for g in wanted if g.pk == contact.guardian_id]
        out[contact.pk] = [Link(g, request.build_absolute_uri(url_for(contact, g))) for g in wanted]
    return out


def url_for(contact: Contact, guardian: Guardian) -> str:
    return reverse("cooperation:felt_heard", args=[token(contact, guardian)])


def open_questions(guardian: Guardian, pupil: Any, today: date) -> list[Contact]:
    """Recent conversations about the child the guardian has not answered yet."""
    since = today - timedelta(days=MAX_AGE_DAYS - 1)
    answered = FeltHeard.objects.filter(guardian=guardian).values("contact_id")
    return list(
        Contact.objects.filter(pupil=pupil, kind__in=CONVERSATION_KINDS, on__gte=since)
        .exclude(pk__in=answered)
        .exclude(guardian__isnull=False, guardian__in=Guardian.objects.exclude(pk=guardian.pk))
        .order_by("-on")
    )
