"""The portal's own pages in a real browser on a phone: a guardian's start, a child's page, who
has looked at the child's data, and the settings (which switch the language at once). Every page
is checked by axe-core and must fit the phone's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sammen.roster.demo import personas
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
    )
    assert max(widths[:2]) <= widths[2], widths


def test_a_guardian_sees_who_has_looked_and_changes_her_settings(phone: Session) -> None:
    page = phone.page
    phone.log_in(personas.FORELDER2.username)
    assert page.url.endswith("/foresatt/")
    fits(page)
    child = " ".join(personas.FORELDER2_CHILD)
    page.get_by_role("link", name=child).first.click()
    phone.audit.check()
    fits(page)
    expect(page.locator("main h1")).to_have_text(child)

    page.locator("main a[href$='/innsyn/']").click()
    phone.audit.check()
    fits(page)
    expect(page.locator("#list-heading")).to_be_visible()

    page.locator("nav.site-nav a[href='/foresatt/innstillinger/']").click()
    phone.audit.check()
    fits(page)
    page.locator("#id_preferred_language").select_option("en")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    phone.audit.check()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".messages")).to_contain_text("Your settings are saved.")
