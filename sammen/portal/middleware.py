"""Guardians see Sammen in the language they chose in their settings; staff in Bokmål or English.

Simple and predictable: a language cookie (set by the language switcher, or by saving the portal
settings) always wins for a guardian, as Django's LocaleMiddleware already honours it; without
one, a signed-in guardian with no staff role gets their ``preferred_language`` when the site
offers it, instead of whatever their browser asks for.

Staff pages exist in Bokmål and English only (``settings.STAFF_LANGUAGES``). A staff member whose
browser asks for Arabic, or who chose Polish on the login page of a shared computer, would get
pages half in that language and half in Bokmål (gettext falls back per message); they get Bokmål,
the site's language, instead. Staff who are also guardians are staff here: a teacher who is also
a parent should not find their work pages switched.

Must come after AuthenticationMiddleware (it reads ``request.user``), and so after
LocaleMiddleware, which it overrides.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from sammen.roster.access import viewer_for


def language_for(request: HttpRequest) -> str | None:
    """The language to show the signed-in person, or None to leave LocaleMiddleware's choice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # Only a language staff pages lack needs the roles looked up (most requests are nb or en).
    if translation.get_language() not in settings.STAFF_LANGUAGES and viewer_for(user).roles:
        return str(settings.LANGUAGE_CODE)
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    viewer = viewer_for(user)
    if viewer.guardian is None or viewer.roles:
        return None
    wanted = viewer.guardian.preferred_language
    if wanted not in {code for code, _name in settings.LANGUAGES}:
        return None
    return wanted


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
