"""Two-factor (TOTP) for system administrators, through HTTP."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.accounts.two_factor import base32_key, current_code, enrol
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("home")


def log_in(client: Client, username: str) -> None:
    response = client.post(LOGIN, {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302


def send_code(client: Client, code: str, path: str = TWO_FACTOR) -> Response:
    return client.post(path, {"token": code})


def device_of(world: World) -> TOTPDevice:
    return TOTPDevice.objects.get(user=world.sysadmin)


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def set_up_device(client: Client, world: World) -> TOTPDevice:
    """An operator enrols the sysadmin; the sysadmin logs in and confirms with the first code."""
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    device = device_of(world)
    assert send_code(client, current_code(device)).status_code == 302
    device.refresh_from_db()
    return device


def is_verified(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


# Who must use it --------------------------------------------------------------------------------


def test_a_sysadmin_is_sent_to_two_factor_after_the_password(client: Client, world: World) -> None:
    log_in(client, "sysadmin")
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next={quote(HOME, safe='')}"


@pytest.mark.parametrize(
    "path",
    [
        HOME,
        LOGIN,
        reverse("roster:school", args=["00000000-0000-0000-0000-000000000000"]),
        "/no-such-page/",
    ],
)
def test_an_unverified_sysadmin_reaches_nothing_but_two_factor_and_logout(
    client: Client, world: World, path: str
) -> None:
    log_in(client, "sysadmin")
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302
        assert response["Location"].startswith(TWO_FACTOR)
    assert client.get(TWO_FACTOR).status_code == 200


def test_an_unverified_sysadmin_can_log_out(client: Client, world: World) -> None:
    log_in(client, "sysadmin")
    response = client.post(LOGOUT)
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_other_roles_need_no_second_factor(client: Client, world: World) -> None:
    log_in(client, "alice")
    assert client.get(HOME).status_code == 200


def test_other_roles_are_sent_away_from_the_two_factor_page(client: Client, world: World) -> None:
    log_in(client, "alice")
    response = client.get(TWO_FACTOR)
    assert response["Location"] == HOME
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_the_two_factor_page_needs_a_login(client: Client, db: None) -> None:
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# First time: set-up -----------------------------------------------------------------------------


def test_without_an_enrolled_device_the_page_sends_the_user_to_the_operator(
    client: Client, world: World
) -> None:
    log_in(client, "sysadmin")
    response = client.get(TWO_FACTOR)
    assert response.status_code == 200
    assert "sammen two_factor_setup sysadmin" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.sysadmin).exists()
    assert "no-store" in response["Cache-Control"]
    assert not is_verified(client)


def test_the_web_never_shows_the_key_of_an_enrolled_device(client: Client, world: World) -> None:
    device = enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    response = client.get(TWO_FACTOR)
    assert response.context["setup"] is True
    assert base32_key(device) not in response.content.decode()
    assert "otpauth" not in response.content.decode()


def test_the_setup_command_prints_a_key_that_the_first_code_confirms(
    client: Client, world: World
) -> None:
    out = io.StringIO()
    call_command("two_factor_setup", "sysadmin", stdout=out)
    device = device_of(world)
    assert base32_key(device) in out.getvalue()
    assert AuditEvent.objects.filter(action=actions.TOTP_DEVICE_ENROLLED).count() == 1
    log_in(client, "sysadmin")
    assert send_code(client, current_code(device)).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_the_setup_command_does_not_replace_a_confirmed_device_without_reset(
    client: Client, world: World
) -> None:
    first = set_up_device(client, world)
    with pytest.raises(CommandError, match="--reset"):
        call_command("two_factor_setup", "sysadmin", stdout=io.StringIO())
    assert device_of(world).pk == first.pk
    call_command("two_factor_setup", "sysadmin", "--reset", stdout=io.StringIO())
    replaced = device_of(world)
    assert replaced.pk != first.pk
    assert not replaced.confirmed


def test_the_right_code_confirms_the_device_and_lets_the_sysadmin_in(
    client: Client, world: World
) -> None:
    device = set_up_device(client, world)
    assert device.confirmed
    assert is_verified(client)
    [confirmed] = AuditEvent.objects.filter(action=actions.TOTP_DEVICE_CONFIRMED)
    assert confirmed.actor_id == world.sysadmin.public_id


# Afterwards: a code -----------------------------------------------------------------------------


def test_afterwards_the_page_asks_for_a_code_and_never_shows_the_key(
    client: Client, world: World
) -> None:
    device = set_up_device(client, world)
    client.post(LOGOUT)
    log_in(client, "sysadmin")
    response = client.get(TWO_FACTOR)
    assert response.context["setup"] is False
    assert base32_key(device) not in response.content.decode()


def test_every_new_login_needs_a_new_code(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = set_up_device(client, world)
    client.post(LOGOUT)
    log_in(client, "sysadmin")
    assert not is_verified(client)
    # The next time step's code (a used code is never accepted twice).
    later = device.last_t * device.step + device.step + 1
    monkeypatch.setattr("time.time", lambda: float(later))
    response = send_code(client, current_code(device))
    assert response.status_code == 302
    assert is_verified(client)
    assert AuditEvent.objects.filter(action=actions.TOTP_DEVICE_CONFIRMED).count() == 1
    assert AuditEvent.objects.filter(action=actions.LOGIN, detail="two-factor").count() == 2


def test_a_used_code_is_refused_the_second_time(client: Client, world: World) -> None:
    device = set_up_device(client, world)
    code = current_code(device)
    client.post(LOGOUT)
    log_in(client, "sysadmin")
    response = send_code(client, code)
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not is_verified(client)


def test_a_wrong_code_is_refused_and_audited(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    client.get(TWO_FACTOR)
    device = device_of(world)
    response = send_code(client, wrong_code(device))
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_verified(client)
    [failed] = AuditEvent.objects.filter(action=actions.LOGIN_FAILED)
    assert failed.actor_id == world.sysadmin.public_id
    assert failed.detail == "two-factor"


def test_guessing_is_throttled(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    client.get(TWO_FACTOR)
    device = device_of(world)
    send_code(client, wrong_code(device))
    # Straight after a wrong guess even the right code waits out the throttle.
    response = send_code(client, current_code(device))
    assert response.status_code == 200
    assert not is_verified(client)


def test_the_code_is_not_stored_in_the_audit(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    client.get(TWO_FACTOR)
    code = wrong_code(device_of(world))
    send_code(client, code)
    for row in AuditEvent.objects.all():
        assert code not in " ".join(str(value) for value in row.__dict__.values())


def test_verification_gives_the_session_a_new_key(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    client.get(TWO_FACTOR)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    send_code(client, current_code(device_of(world)))
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert is_verified(client)


def test_verification_ends_with_the_session(client: Client, world: World) -> None:
    set_up_device(client, world)
    client.post(LOGOUT)
    log_in(client, "sysadmin")
    response = client.get(HOME)
    assert response["Location"].startswith(TWO_FACTOR)


# Where it goes next -----------------------------------------------------------------------------


def test_verification_returns_to_the_page_asked_for(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    target = reverse("roster:school", args=[world.school_a.public_id])
    redirect_to = client.get(target)["Location"]
    client.get(redirect_to)
    response = send_code(client, current_code(device_of(world)), path=redirect_to)
    assert response["Location"] == target


def test_verification_never_redirects_off_site(client: Client, world: World) -> None:
    enrol(actor=Actor.system("test"), user=world.sysadmin)
    log_in(client, "sysadmin")
    client.get(TWO_FACTOR)
    path = f"{TWO_FACTOR}?next={quote('https://evil.example/', safe='')}"
    response = send_code(client, current_code(device_of(world)), path=path)
    assert response["Location"] == HOME
