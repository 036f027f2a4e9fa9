"""Local login through HTTP: passwords, lockout, audit, redirects, logout, CSRF, the off switch."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from sammen import settings as production_settings
from sammen.accounts.models import User
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WRONG = "wrong-password-987"


def post_login(
    client: Client, username: str, password: str, address: str = "127.0.0.1"
) -> Response:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_user_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None


def template_names(response: Response) -> list[str]:
    return [t.name for t in response.templates if t.name]


def audit_rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# Passwords --------------------------------------------------------------------------------------


def test_the_login_page_shows_a_form_with_a_csrf_token(client: Client, db: None) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "accounts/login.html" in template_names(response)
    assert response.context["local_login"] is True
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_right_password_logs_in_and_goes_to_the_start_page(
    client: Client, world: World
) -> None:
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(world.alice.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_shows_the_form_again_and_logs_nobody_in(
    client: Client, world: World
) -> None:
    response = post_login(client, "alice", WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert logged_in_user_id(client) is None


def test_an_inactive_account_cannot_log_in(client: Client, world: World) -> None:
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    post_login(client, "alice", f.PASSWORD)
    assert logged_in_user_id(client) is None


def use_production_hashers(settings: SettingsWrapper) -> None:
    # conftest swaps in a fast hasher for speed; these tests check the real configuration.
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS


def test_passwords_are_stored_with_argon2(db: None, settings: SettingsWrapper) -> None:
    use_production_hashers(settings)
    user = f.make_user("hanne")
    assert user.password.startswith("argon2$")


def test_an_older_password_hash_is_upgraded_to_argon2_at_login(
    client: Client, db: None, settings: SettingsWrapper
) -> None:
    use_production_hashers(settings)
    user = f.make_user("hanne")
    User.objects.filter(pk=user.pk).update(
        password=make_password(f.PASSWORD, hasher="pbkdf2_sha256")
    )
    post_login(client, "hanne", f.PASSWORD)
    user.refresh_from_db()
    assert logged_in_user_id(client) == str(user.pk)
    assert user.password.startswith("argon2$")


def test_login_gives_the_session_a_new_key(client: Client, world: World) -> None:
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == planted_key

    post_login(client, "alice", f.PASSWORD)

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted_key
    assert logged_in_user_id(client) == str(world.alice.pk)


# Audit ------------------------------------------------------------------------------------------


def test_a_login_is_audited_with_the_user(client: Client, world: World) -> None:
    post_login(client, "alice", f.PASSWORD)
    [event] = audit_rows(actions.LOGIN)
    assert event.kind == "login"
    assert event.actor_id == world.alice.public_id
    assert "alice" in event.actor_label
    # The audit is the record of sign-ins; axes keeps no second copy of addresses.
    assert not AccessLog.objects.exists()


def test_a_failed_login_is_audited_with_the_name_but_never_the_password(
    client: Client, world: World
) -> None:
    post_login(client, "alice", WRONG)
    [event] = audit_rows(actions.LOGIN_FAILED)
    assert event.actor_id is None
    assert "alice" in event.actor_label
    for row in AuditEvent.objects.all():
        stored = " ".join(str(value) for value in row.__dict__.values())
        assert WRONG not in stored
    for attempt in AccessAttempt.objects.all():
        assert WRONG not in attempt.post_data


def test_logout_is_audited(client: Client, world: World) -> None:
    post_login(client, "alice", f.PASSWORD)
    client.post(LOGOUT)
    [event] = audit_rows(actions.LOGOUT)
    assert event.actor_id == world.alice.public_id
    assert event.detail == "by the user"


# Lockout (django-axes) --------------------------------------------------------------------------


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        post_login(client, username, WRONG)


def test_four_failures_do_not_lock_out(client: Client, world: World) -> None:
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.alice.pk)


def test_it_locks_out_after_five_failures(client: Client, world: World) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, "alice", 4)
    fifth = post_login(client, "alice", WRONG)
    assert fifth.status_code == 429
    assert "accounts/locked_out.html" in template_names(fifth)


def test_a_locked_out_user_gets_the_lockout_page_even_with_the_right_password(
    client: Client, world: World
) -> None:
    fail(client, "alice", 5)
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in template_names(response)
    assert logged_in_user_id(client) is None
    assert not audit_rows(actions.LOGIN)


def test_a_locked_out_attempt_is_audited_as_locked_out(client: Client, world: World) -> None:
    fail(client, "alice", 5)
    post_login(client, "alice", f.PASSWORD)
    last = audit_rows(actions.LOGIN_FAILED)[-1]
    assert last.detail == "local, locked out"


def test_the_lockout_is_per_user_name_and_address(client: Client, world: World) -> None:
    fail(client, "alice", 5)
    # The same person from another address is not locked out…
    other_address = Client()
    response = post_login(other_address, "alice", f.PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    # …nor is another user from the locked-out address.
    colleague = Client()
    response = post_login(colleague, "bob", f.PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(colleague) == str(world.bob.pk)


def test_the_lockout_ends_after_the_cool_off(client: Client, world: World) -> None:
    fail(client, "alice", 5)
    assert post_login(client, "alice", f.PASSWORD).status_code == 429
    # Travel in time: the failures happened longer ago than the cool-off.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.alice.pk)


def test_the_lockout_holds_until_the_cool_off_is_over(client: Client, world: World) -> None:
    fail(client, "alice", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        + timedelta(minutes=1)
    )
    assert post_login(client, "alice", f.PASSWORD).status_code == 429


def test_a_successful_login_clears_earlier_failures(client: Client, world: World) -> None:
    fail(client, "alice", 4)
    post_login(client, "alice", f.PASSWORD)
    client.post(LOGOUT)
    fail(client, "alice", 4)
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 302


# Redirect after login ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "ftp://testserver/",
    ],
)
def test_login_refuses_to_redirect_off_site(client: Client, world: World, target: str) -> None:
    response = client.post(LOGIN, {"username": "alice", "password": f.PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_a_next_within_the_site(client: Client, world: World) -> None:
    target = reverse("roster:pupil", args=[world.ola.public_id])
    response = client.post(
        f"{LOGIN}?next={target}", {"username": "alice", "password": f.PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_the_login_page_hands_only_a_safe_next_to_the_form(client: Client, db: None) -> None:
    assert client.get(LOGIN, {"next": "/gruppe/"}).context["next"] == "/gruppe/"
    assert client.get(LOGIN, {"next": "https://evil.example/"}).context["next"] == "/"


# Logout -----------------------------------------------------------------------------------------


def test_logout_by_get_is_refused_and_keeps_the_session(client: Client, world: World) -> None:
    post_login(client, "alice", f.PASSWORD)
    assert client.get(LOGOUT).status_code == 405
    assert logged_in_user_id(client) == str(world.alice.pk)


def test_logout_by_post_ends_the_session(client: Client, world: World) -> None:
    post_login(client, "alice", f.PASSWORD)
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


# CSRF -------------------------------------------------------------------------------------------


def test_login_without_a_csrf_token_is_refused(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = post_login(browser, "alice", f.PASSWORD)
    assert response.status_code == 403
    assert logged_in_user_id(browser) is None


def test_login_with_the_csrf_token_works(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get(LOGIN)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        LOGIN, {"username": "alice", "password": f.PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_logout_without_a_csrf_token_is_refused(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    assert browser.post(LOGOUT).status_code == 403
    assert logged_in_user_id(browser) == str(world.alice.pk)


# Local login switched off -----------------------------------------------------------------------


def test_with_local_login_off_the_page_says_so(
    client: Client, db: None, settings: SettingsWrapper
) -> None:
    settings.SAMMEN_LOCAL_LOGIN = False
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response.context["local_login"] is False
    assert 'name="password"' not in response.content.decode()


def test_with_local_login_off_a_password_post_is_refused(
    client: Client, world: World, settings: SettingsWrapper
) -> None:
    settings.SAMMEN_LOCAL_LOGIN = False
    response = post_login(client, "alice", f.PASSWORD)
    assert response.status_code == 403
    assert logged_in_user_id(client) is None
    assert not audit_rows(actions.LOGIN)
