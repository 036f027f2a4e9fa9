from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sammen.accounts.roles import needs_two_factor

_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")


class SessionTimeoutMiddleware:
    """Ends a session that has been idle longer than SESSION_IDLE_SECONDS.

    The absolute lifetime is the session cookie's age (SESSION_COOKIE_AGE), which is not renewed
    because SESSION_SAVE_EVERY_REQUEST stays off and the expiry is set once at login.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?timeout=1")
            # Writing once a minute is enough to measure idleness and spares the session store.
            if not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session["last_seen"] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A user who needs two-factor reaches nothing but the two-factor pages until verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith(reverse("accounts:two_factor"))
            and request.path != reverse("accounts:logout")
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and needs_two_factor(user)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
