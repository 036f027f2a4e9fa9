"""The guardian's own settings, and the language they choose following them around."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import Guardian
from tests import factories as f
from tests.conftest import World

URL = "/foresatt/innstillinger/"


def values(**changes: Any) -> dict[str, Any]:
    data = {
        "preferred_language": "nb",
        "preferred_channel": "",
        "contact_windows": "",
        "email": "anne@example.no",
        "phone": "+47 912 34 567",
    }
    data.update(changes)
    return data


def test_every_guardian_has_settings_and_nobody_else(client: Client, world: World) -> None:
    for user in (world.guardian, world.father, world.other_guardian):
        client.force_login(user)
        assert client.get(URL).status_code == 200
    for user in (world.alice, world.nobody):
        client.force_login(user)
        assert client.get(URL).status_code == 404


def test_the_settings_are_saved_and_audited(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.post(
        URL,
        values(
            preferred_language="pl",
            preferred_channel="sms",
            contact_windows="Etter kl. 17",
            needs_interpreter="on",
        ),
    )
    assert response.status_code == 302
    mother = Guardian.objects.get(pk=world.ola_mother.pk)
    assert mother.preferred_language == "pl"
    assert mother.preferred_channel == "sms"
    assert mother.contact_windows == "Etter kl. 17"
    assert mother.needs_interpreter is True
    event = AuditEvent.objects.get(action=actions.PORTAL_SETTINGS_SAVED)
    assert event.kind == "change"
    assert event.actor_id == world.guardian.public_id
    assert event.changes["preferred_language"] == {"old": "nb", "new": "pl"}
    assert event.changes["needs_interpreter"] == {"old": False, "new": True}


def test_saving_nothing_new_writes_no_audit_event(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    mother = world.ola_mother
    client.post(URL, values(email=mother.email, phone=mother.phone))
    assert not AuditEvent.objects.filter(action=actions.PORTAL_SETTINGS_SAVED).exists()


def test_a_text_message_needs_a_mobile_number(client: Client, world: World, english: None) -> None:
    client.force_login(world.guardian)
    response = client.post(URL, values(preferred_channel="sms", phone=""))
    assert response.status_code == 200
    assert "Give a mobile number to be told by text message." in response.content.decode()
    assert Guardian.objects.get(pk=world.ola_mother.pk).preferred_channel == ""
    assert not AuditEvent.objects.filter(action=actions.PORTAL_SETTINGS_SAVED).exists()


def test_only_the_portals_languages_are_offered(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.post(URL, values(preferred_language="ti"))
    assert response.status_code == 200
    assert Guardian.objects.get(pk=world.ola_mother.pk).preferred_language == "nb"


def test_a_language_from_the_roster_that_sammen_is_not_written_in_is_kept(
    client: Client, world: World, settings: Any
) -> None:
    """The school relies on it for interpreters: saving the other settings must not make it nb."""
    Guardian.objects.filter(pk=world.ola_mother.pk).update(preferred_language="ti")
    client.force_login(world.guardian)
    page = client.get(URL).content.decode()
    assert '<option value="ti" selected>' in page
    response = client.post(URL, values(preferred_language="ti", contact_windows="Etter kl. 17"))
    assert response.status_code == 302
    mother = Guardian.objects.get(pk=world.ola_mother.pk)
    assert (mother.preferred_language, mother.contact_windows) == ("ti", "Etter kl. 17")
    # The pages stay in the site's language; the cookie says so.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nb"


def test_a_guardian_changes_only_their_own_settings(client: Client, world: World) -> None:
    client.force_login(world.other_guardian)
    client.post(URL, values(email="lise@example.no"))
    assert Guardian.objects.get(pk=world.kari_guardian.pk).email == "lise@example.no"
    assert Guardian.objects.get(pk=world.ola_mother.pk).email != "lise@example.no"


# The language ---------------------------------------------------------------------------------


def lang(response: Any) -> str:
    return str(response["Content-Language"])


def test_saving_the_settings_switches_the_language_at_once(
    client: Client, world: World, settings: Any
) -> None:
    client.force_login(world.guardian)
    response = client.post(URL, values(preferred_language="en"), follow=True)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert lang(response) == "en"
    assert "Your settings are saved." in response.content.decode()


def test_a_guardian_sees_their_own_language_without_a_cookie(client: Client, world: World) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(preferred_language="en")
    client.force_login(world.guardian)
    response = client.get("/foresatt/", HTTP_ACCEPT_LANGUAGE="nb")
    assert lang(response) == "en"
    assert '<html lang="en"' in response.content.decode()


def test_the_language_switcher_wins_over_the_guardians_setting(
    client: Client, world: World, settings: Any
) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(preferred_language="en")
    client.force_login(world.guardian)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    assert lang(client.get("/foresatt/")) == "nb"


def test_a_language_the_site_does_not_offer_falls_back_to_the_default(
    client: Client, world: World
) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(preferred_language="ti")
    client.force_login(world.guardian)
    assert lang(client.get("/foresatt/")) == "nb"


def test_staff_who_are_also_guardians_keep_the_browsers_language(
    client: Client, world: World
) -> None:
    f.make_guardian(world.nils, user=world.alice, preferred_language="en")
    client.force_login(world.alice)
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="nb")) == "nb"


@pytest.mark.parametrize("code", ["nn", "pl", "uk", "ar", "so"])
def test_staff_get_bokmal_where_their_pages_are_not_translated(
    client: Client, world: World, settings: Any, code: str
) -> None:
    """Staff pages exist in Bokmål and English: a browser asking for another language, or a
    cookie from the login page's switcher, would give half a page in it."""
    client.force_login(world.alice)
    by_browser = client.get("/", HTTP_ACCEPT_LANGUAGE=code)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    by_cookie = client.get("/")
    assert (lang(by_browser), lang(by_cookie)) == ("nb", "nb")
    assert '<html lang="nb"' in by_cookie.content.decode()


def test_staff_keep_english_and_guardians_keep_their_language(
    client: Client, world: World, settings: Any
) -> None:
    client.force_login(world.alice)
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en"
    client.force_login(world.guardian)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert lang(client.get("/foresatt/")) == "ar"


@pytest.mark.parametrize("code", ["nn", "pl", "uk", "ar", "so"])
def test_the_portal_languages_are_used_when_the_site_offers_them(
    client: Client, world: World, settings: Any, code: str
) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(preferred_language=code)
    client.force_login(world.guardian)
    offered = {c for c, _name in settings.LANGUAGES}
    assert lang(client.get("/foresatt/")) == (code if code in offered else "nb")


def test_anonymous_visitors_get_the_default_language(client: Client, world: World) -> None:
    assert lang(client.get("/logg-inn/")) == "nb"
