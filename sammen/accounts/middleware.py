from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sammen.accounts import sessions
from sammen.accounts.oidc.flow import strongly_authenticated
from sammen.accounts.roles import needs_two_factor
from sammen.audit import actions
from sammen.audit.log import log_login

_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")
_ENDED_DETAIL = {
    sessions.Ended.IDLE: "idle timeout",
    sessions.Ended.EXPIRED: "session lifetime reached",
}


class SessionTimeoutMiddleware:
    """Ends a session idle longer than SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE.

    See ``sammen.accounts.sessions`` for why the absolute lifetime is checked here and not left
    to the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            moment = sessions.now()
            reason = sessions.ended(request.session, moment)
            if reason is not None:
                log_login(actor=request.user, action=actions.LOGOUT, detail=_ENDED_DETAIL[reason])
                logout(request)
                return redirect(f"{reverse('accounts:login')}?{reason.value}=1")
            sessions.touch(request.session, moment)
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A user who needs two-factor reaches nothing but the two-factor page and logout until
    verified. A login through Feide or ID-porten that required two factors there counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path != reverse("accounts:two_factor")
            and request.path != reverse("accounts:logout")
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and not strongly_authenticated(request.session)
            and needs_two_factor(user)
        ):
            target = reverse("accounts:two_factor")
            if request.method == "GET":
                target = f"{target}?{urlencode({'next': request.get_full_path()})}"
            return redirect(target)
        return self.get_response(request)
