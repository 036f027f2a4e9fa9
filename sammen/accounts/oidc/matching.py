"""From a provider's claims to a person in the roster, and to that person's login.

Staff come through Feide and are found by their Feide user name (eduPersonPrincipalName, kept in
``Staff.username``), or by Feide's ``sub`` where a school recorded that instead. Guardians come
through ID-porten and are found by the keyed hash of their national identity number
(``Guardian.pid_hash``, see ``sammen.roster.pid``); the number itself is never stored. Nobody the
roster does not know gets an account: matching fails with ``NoMatchError`` and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from sammen.accounts.models import User
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.roster.models import Guardian, Guardianship, Staff
from sammen.roster.pid import InvalidPidError, pid_hash
from sammen.roster.services import save_tracked

EPPN_CLAIM = "https://n.feide.no/claims/eduPersonPrincipalName"


class NoMatchError(Exception):
    """The roster has no (single) person for these claims. ``reason`` goes to the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Match:
    user: User
    staff: Staff | None = None
    guardian: Guardian | None = None


def feide_name(claims: dict[str, Any]) -> str:
    value = claims.get(EPPN_CLAIM)
    return value.strip() if isinstance(value, str) else ""


def find_staff(claims: dict[str, Any]) -> Staff:
    eppn = feide_name(claims)
    sub = claims.get("sub")
    found: list[Staff] = []
    if eppn:
        found = list(Staff.objects.filter(username__iexact=eppn)[:2])
    if not found and isinstance(sub, str) and sub:
        found = list(Staff.objects.filter(username=sub)[:2])
    if not found:
        raise NoMatchError("not registered as staff at any school")
    if len(found) > 1:
        # Two staff rows for one Feide user: logging in as either could show the wrong school.
        raise NoMatchError("more than one staff member has this Feide user name")
    return found[0]


def find_guardian(claims: dict[str, Any]) -> Guardian:
    pid = claims.get("pid")
    if not isinstance(pid, str) or not pid:
        # Foreign e-IDs through ID-porten may come without a Norwegian number.
        raise NoMatchError("the login carries no national identity number")
    try:
        digest = pid_hash(pid)
    except InvalidPidError:
        raise NoMatchError("the national identity number is not 11 digits") from None
    found = list(Guardian.objects.filter(pid_hash=digest)[:2])
    if not found:
        raise NoMatchError("no guardian in the roster has this national identity number")
    if len(found) > 1:
        raise NoMatchError("more than one guardian in the roster has this national identity number")
    guardian = found[0]
    # A parent without parental responsibility sees nothing in Sammen: tell them to contact the
    # school rather than let them into an empty portal.
    if not Guardianship.objects.filter(guardian=guardian, parental_responsibility=True).exists():
        raise NoMatchError("the guardian has parental responsibility for no pupil")
    return guardian


def _new_user(username: str, fallback: str, *, first_name: str, last_name: str) -> User:
    """A login with no password: it can be used only through the provider."""
    for candidate in (username, fallback):
        if not candidate or User.objects.filter(username=candidate).exists():
            continue
        user = User(username=candidate, first_name=first_name[:150], last_name=last_name[:150])
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            continue
        return user
    raise NoMatchError("no free user name for the new login")


def _usable(user: User) -> User:
    if not user.is_active:
        raise NoMatchError("the login is deactivated")
    return user


def user_for_staff(staff: Staff) -> Match:
    """The staff member's login, created and linked on their first Feide login."""
    with transaction.atomic():
        locked = (
            Staff.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
        )
        if locked.user is not None:
            return Match(user=_usable(locked.user), staff=locked)
        user = _new_user(
            locked.username.lower(),
            f"feide-{locked.public_id.hex}",
            first_name=locked.given_name,
            last_name=locked.family_name,
        )
        save_tracked(
            actor=Actor.system("Feide login"),
            action=actions.STAFF_SAVED,
            obj=locked,
            values={"user": user},
        )
        return Match(user=user, staff=locked)


def user_for_guardian(guardian: Guardian) -> Match:
    """The guardian's login, created and linked on their first ID-porten login."""
    with transaction.atomic():
        locked = (
            Guardian.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=guardian.pk)
        )
        if locked.user is not None:
            return Match(user=_usable(locked.user), guardian=locked)
        user = _new_user(
            f"idporten-{locked.public_id.hex}",
            "",
            first_name=locked.given_name,
            last_name=locked.family_name,
        )
        save_tracked(
            actor=Actor.system("ID-porten login"),
            action=actions.GUARDIAN_SAVED,
            obj=locked,
            values={"user": user},
        )
        return Match(user=user, guardian=locked)
