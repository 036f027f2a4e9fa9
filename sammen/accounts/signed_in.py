"""Who is signed in where: the record behind "end every session of this user".

Every login (local, Feide, ID-porten, and the test client's ``force_login``) goes through
``django.contrib.auth.login``, whose ``user_logged_in`` signal records the session here; a login
through a provider then adds the provider's identifiers (``remember``).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from sammen.accounts.models import SignedInSession, User
from sammen.audit import actions
from sammen.audit.log import ActorLike, log_change, log_login


def remember(
    request: HttpRequest,
    user: Any,
    *,
    method: str = "local",
    issuer: str = "",
    subject: str = "",
    provider_session: str = "",
) -> None:
    key = request.session.session_key
    if not key or user is None or not user.is_authenticated:
        return
    SignedInSession.objects.update_or_create(
        session_id=key,
        defaults={
            "user": user,
            "method": method,
            "issuer": issuer,
            "subject": subject,
            "provider_session": provider_session,
        },
    )


def on_user_logged_in(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        remember(request, user)


def users_by_provider_session(issuer: str, provider_session: str) -> list[User]:
    ids = SignedInSession.objects.filter(issuer=issuer, provider_session=provider_session)
    return list(User.objects.filter(pk__in=ids.values("user_id")))


def users_by_subject(issuer: str, subject: str) -> list[User]:
    ids = SignedInSession.objects.filter(issuer=issuer, subject=subject)
    return list(User.objects.filter(pk__in=ids.values("user_id")))


def _session_model() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()


def end_all(user: User) -> int:
    """Delete every stored session of ``user``; their next request is an anonymous one."""
    model = _session_model()
    keys = SignedInSession.objects.filter(user=user).values("session_id")
    _, per_model = model.objects.filter(session_key__in=keys).delete()
    return int(per_model.get(model._meta.label, 0))


def end_all_on_provider_logout(user: User, *, how: str) -> int:
    """The provider says the user logged out there: end all their sessions, and say so."""
    with transaction.atomic():
        count = end_all(user)
        log_login(actor=user, action=actions.LOGOUT, detail=how)
    return count


def end_all_by_administrator(*, actor: ActorLike, user: User) -> int:
    with transaction.atomic():
        count = end_all(user)
        log_change(
            actor=actor,
            action=actions.SESSIONS_ENDED,
            obj=user,
            detail=f"{count} session(s) ended",
        )
    return count
