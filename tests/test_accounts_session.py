"""Session lifetime through HTTP: idle timeout, absolute lifetime, and the cookie that carries it.

Time moves by editing the session's clock or by monkeypatching ``time.time``; nothing sleeps.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sammen.accounts import sessions
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import World

LOGIN = reverse("accounts:login")
HOME = reverse("home")
HOUR = 60 * 60


def log_in(client: Client, username: str = "alice") -> None:
    response = client.post(LOGIN, {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302


def shift_clock(client: Client, *, login_ago: int, seen_ago: int) -> int:
    """Pretend the login and the last request happened that many seconds ago."""
    now = int(time.time())
    session = client.session
    session[sessions.LOGIN_AT] = now - login_ago
    session[sessions.LAST_SEEN] = now - seen_ago
    session.save()
    return now


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_starts_the_session_clock(client: Client, world: World) -> None:
    before = int(time.time())
    log_in(client)
    session = client.session
    assert before <= session[sessions.LOGIN_AT] <= int(time.time())
    assert session[sessions.LAST_SEEN] == session[sessions.LOGIN_AT]


def test_the_login_cookie_lives_no_longer_than_the_absolute_lifetime(
    client: Client, world: World
) -> None:
    log_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    # The stored session is pinned to the login time, so a later write cannot move it.
    login_at = client.session[sessions.LOGIN_AT]
    stored = Session.objects.get(session_key=cookie.value)
    assert stored.expire_date == datetime.datetime.fromtimestamp(
        login_at + settings.SESSION_COOKIE_AGE, datetime.UTC
    )


# Idle timeout -----------------------------------------------------------------------------------


def test_an_idle_session_is_ended(client: Client, world: World) -> None:
    log_in(client)
    shift_clock(client, login_ago=HOUR, seen_ago=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?timeout=1"
    assert not is_logged_in(client)
    assert client.get(HOME)["Location"].startswith(f"{LOGIN}?next=")


def test_a_session_just_inside_the_idle_timeout_stays(client: Client, world: World) -> None:
    log_in(client)
    shift_clock(client, login_ago=HOUR, seen_ago=settings.SESSION_IDLE_SECONDS - 5)
    assert client.get(HOME).status_code == 200
    assert is_logged_in(client)


def test_the_login_page_tells_why_after_an_idle_timeout(client: Client, db: None) -> None:
    response = client.get(LOGIN, {"timeout": "1"})
    assert response.context["timeout"] is True
    assert response.context["expired"] is False


def test_the_idle_timeout_is_audited_as_a_logout(client: Client, world: World) -> None:
    log_in(client)
    shift_clock(client, login_ago=HOUR, seen_ago=settings.SESSION_IDLE_SECONDS + 1)
    client.get(HOME)
    [event] = AuditEvent.objects.filter(action=actions.LOGOUT)
    assert event.actor_id == world.alice.public_id
    assert event.detail == "idle timeout"


def test_activity_keeps_a_session_alive(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client)
    start = time.time()
    step = settings.SESSION_IDLE_SECONDS * 3 // 4
    for n in range(1, 5):
        monkeypatch.setattr("time.time", lambda n=n: start + n * step)
        assert client.get(HOME).status_code == 200
    assert is_logged_in(client)


# Absolute lifetime ------------------------------------------------------------------------------


def test_a_session_older_than_the_absolute_lifetime_is_ended(client: Client, world: World) -> None:
    log_in(client)
    shift_clock(client, login_ago=settings.SESSION_COOKIE_AGE + 1, seen_ago=1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?expired=1"
    assert not is_logged_in(client)
    [event] = AuditEvent.objects.filter(action=actions.LOGOUT)
    assert event.detail == "session lifetime reached"


def test_steady_activity_does_not_stretch_the_absolute_lifetime(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client)
    start = time.time()
    step = settings.SESSION_IDLE_SECONDS - 60
    moment = start
    # Never idle, so only the absolute limit can end it.
    while moment + step <= start + settings.SESSION_COOKIE_AGE:
        moment += step
        monkeypatch.setattr("time.time", lambda at=moment: at)
        assert client.get(HOME).status_code == 200, f"ended early at {moment - start:.0f}s"
    monkeypatch.setattr("time.time", lambda: start + settings.SESSION_COOKIE_AGE + 2)
    response = client.get(HOME)
    assert response["Location"] == f"{LOGIN}?expired=1"
    assert not is_logged_in(client)


def test_a_session_refresh_never_extends_the_cookie_past_the_absolute_limit(
    client: Client, world: World
) -> None:
    log_in(client)
    # Logged in two hours ago, last seen two minutes ago: this request writes `last_seen`, and
    # Django re-sends the cookie; its expiry must still count from the login.
    now = shift_clock(client, login_ago=2 * HOUR, seen_ago=120)
    response = client.get(HOME)
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    remaining = settings.SESSION_COOKIE_AGE - 2 * HOUR
    assert remaining - 5 <= int(cookie["max-age"]) <= remaining
    stored = Session.objects.get(session_key=cookie.value)
    deadline = datetime.datetime.fromtimestamp(
        now - 2 * HOUR + settings.SESSION_COOKIE_AGE, datetime.UTC
    )
    assert stored.expire_date <= deadline


def test_the_login_page_tells_why_after_the_absolute_lifetime(client: Client, db: None) -> None:
    response = client.get(LOGIN, {"expired": "1"})
    assert response.context["expired"] is True
    assert response.context["timeout"] is False


def test_a_signed_in_session_without_a_login_time_is_ended(client: Client, world: World) -> None:
    log_in(client)
    session = client.session
    del session[sessions.LOGIN_AT]
    session.save()
    response = client.get(HOME)
    assert response["Location"] == f"{LOGIN}?expired=1"
    assert not is_logged_in(client)


def test_force_login_starts_the_clock_too(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert isinstance(client.session.get(sessions.LOGIN_AT), int)
    assert client.get(HOME).status_code == 200


def test_anonymous_visitors_get_no_session_clock(client: Client, db: None) -> None:
    client.get(LOGIN)
    assert sessions.LOGIN_AT not in client.session
    assert sessions.LAST_SEEN not in client.session
