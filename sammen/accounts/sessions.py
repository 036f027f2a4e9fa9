"""The clock of a signed-in session: an idle timeout and an absolute lifetime.

Every login (local, and later Feide/ID-porten, and the test client's ``force_login``) goes through
``django.contrib.auth.login``, whose ``user_logged_in`` signal starts the clock here. The
middleware then ends the session when it has been idle longer than ``SESSION_IDLE_SECONDS`` or is
older than ``SESSION_COOKIE_AGE``.

The absolute limit cannot rest on the cookie's age alone: Django re-sends the session cookie with
a fresh expiry whenever the session is modified, and the middleware modifies it to record
``last_seen``. So the login time is kept in the session and checked on every request, and the
session's own expiry is pinned to that time, so the cookie and the stored session die with it.
"""

from __future__ import annotations

import datetime
import enum
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"
# Writing once a minute is enough to measure idleness and spares the session store.
LAST_SEEN_RESOLUTION = 60


class Ended(enum.StrEnum):
    """Why a session was ended; the value is the login page's query parameter."""

    IDLE = "timeout"
    EXPIRED = "expired"


def now() -> int:
    return int(time.time())


def pin_expiry(session: SessionBase, login_at: int) -> None:
    """Make the cookie and the stored session expire at the absolute limit, never later."""
    deadline = login_at + settings.SESSION_COOKIE_AGE
    session.set_expiry(datetime.datetime.fromtimestamp(deadline, tz=datetime.UTC))


def start(session: SessionBase) -> None:
    moment = now()
    session[LOGIN_AT] = moment
    session[LAST_SEEN] = moment
    pin_expiry(session, moment)


def on_user_logged_in(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if isinstance(session, SessionBase):
        start(session)


def ended(session: SessionBase, moment: int) -> Ended | None:
    """Why the session is over, or None while it is alive.

    A session without a login time cannot prove its age, so it counts as expired.
    """
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN)
    if not isinstance(login_at, int) or moment - login_at > settings.SESSION_COOKIE_AGE:
        return Ended.EXPIRED
    if not isinstance(last_seen, int) or moment - last_seen > settings.SESSION_IDLE_SECONDS:
        return Ended.IDLE
    return None


def touch(session: SessionBase, moment: int) -> None:
    """Record activity, at most once a minute, keeping the expiry at the absolute limit."""
    last_seen = session.get(LAST_SEEN)
    if not isinstance(last_seen, int) or moment - last_seen >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN] = moment
        pin_expiry(session, session[LOGIN_AT])
