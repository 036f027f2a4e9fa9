"""Writes from the early-warning pages: answering a flag, saving a school's standard. Audited.

Each service validates, saves and writes its audit event in one transaction, so a flag is never
answered without a trace of who answered it, and a standard never changes without a record of
which numbers changed from what to what.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import log_change
from sammen.roster.models import School
from sammen.warning import access
from sammen.warning.models import Answer, DismissReason, Flag, WarningStandard
from sammen.warning.standard import Standard

NOTE_MAX_LENGTH = Flag._meta.get_field("answer_note").max_length or 500
ANSWER_FIELDS = ("answer", "dismiss_reason", "answer_note", "answered_at", "answered_by")


class AnswerError(Exception):
    """The answer cannot be saved; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def answer_flag(
    user: Any, flag: Flag, answer: str, dismiss_reason: str = "", note: str = ""
) -> Flag:
    """Answer a flag once: contact made, case opened, or dismissed with a structured reason.

    Raises ``AnswerError`` for an unknown answer, a dismissal without a reason, a reason for
    anything but a dismissal, a note too long, or a flag already answered (two people answering
    the same flag at once: the second is told, not silently overwritten).
    """
    if not access.flags_for(user).filter(pk=flag.pk).exists():
        raise PermissionDenied
    note = note.strip()
    if answer not in Answer.values:
        raise AnswerError(_("Choose an answer."))
    if answer == Answer.DISMISSED and not dismiss_reason:
        raise AnswerError(_("Give a reason for dismissing the flag."))
    if dismiss_reason and answer != Answer.DISMISSED:
        raise AnswerError(_("A reason is given only when the flag is dismissed."))
    if dismiss_reason and dismiss_reason not in DismissReason.values:
        raise AnswerError(_("Choose one of the reasons."))
    if len(note) > NOTE_MAX_LENGTH:
        raise AnswerError(
            _("The note can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        # Lock the flag so two answers at once cannot both pass the check below.
        locked = (
            Flag.objects.select_for_update(of=("self",))
            .select_related("answered_by")
            .get(pk=flag.pk)
        )
        if locked.answer:
            raise AnswerError(_already_answered(locked))
        locked.answer = answer
        locked.dismiss_reason = dismiss_reason
        locked.answer_note = note
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.save(update_fields=list(ANSWER_FIELDS))
        log_change(
            actor=user,
            action=actions.FLAG_ANSWERED,
            obj=locked,
            old={"answer": "", "dismiss_reason": "", "answer_note": ""},
            new={"answer": answer, "dismiss_reason": dismiss_reason, "answer_note": note},
            school=flag.school,
            pupil=flag.pupil,
            detail=flag.rule,
        )
    for name in ANSWER_FIELDS:
        setattr(flag, name, getattr(locked, name))
    return flag


def _already_answered(flag: Flag) -> str:
    when = date_format(timezone.localtime(flag.answered_at), "j.n.Y") if flag.answered_at else ""
    who = flag.answered_by.get_full_name() if flag.answered_by else ""
    if who:
        return _("This flag was already answered by %(who)s on %(when)s.") % {
            "who": who,
            "when": when,
        }
    return _("This flag was already answered on %(when)s.") % {"when": when}


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"rate_year": {"percent": 10}} -> {"rate_year.percent": 10}: the audit names each number."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def standard_of(school: School) -> Standard:
    """The school's standard, or the defaults if its leader has not saved one."""
    saved = WarningStandard.objects.filter(school=school).first()
    return saved.standard if saved is not None else Standard()


def save_standard(user: Any, school: School, standard: Standard) -> bool:
    """Save the school's standard and audit each number that changed; returns whether any did.

    Only the school's leader sets the standard: it decides which children the school looks at.
    """
    if not access.is_leader(user, school):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the school's row so two leaders saving at once cannot both create a standard.
        School.objects.select_for_update().filter(pk=school.pk).first()
        saved = WarningStandard.objects.filter(school=school).first()
        old = flatten((saved.standard if saved else Standard()).to_json())
        new = flatten(standard.to_json())
        if saved is not None and old == new:
            return False
        if saved is None:
            saved = WarningStandard(school=school)
        saved.rules = standard.to_json()
        saved.updated_by = user
        saved.save()
        log_change(
            actor=user,
            action=actions.WARNING_STANDARD_SAVED,
            obj=saved,
            old=old,
            new=new,
            school=school,
        )
    return True
