"""Guardians see Sammen in the language they chose in their settings.

Simple and predictable: a language cookie (set by the language switcher, or by saving the portal
settings) always wins, as Django's LocaleMiddleware already honours it; without one, a signed-in
guardian with no staff role gets their ``preferred_language`` when the site offers it, instead of
whatever their browser asks for. Staff keep the browser's language: their pages are Bokmål and
English, and a teacher who is also a parent should not find their work pages switched.

Must come after AuthenticationMiddleware (it reads ``request.user``), and so after
LocaleMiddleware, which it overrides.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from sammen.roster.access import viewer_for


def guardian_language(request: HttpRequest) -> str | None:
    """The language to show a guardian, or None to leave LocaleMiddleware's choice alone."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    viewer = viewer_for(user)
    if viewer.guardian is None or viewer.roles:
        return None
    wanted = viewer.guardian.preferred_language
    if wanted not in {code for code, _name in settings.LANGUAGES}:
        return None
    return wanted


class GuardianLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = guardian_language(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
