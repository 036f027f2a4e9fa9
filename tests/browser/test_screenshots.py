"""Full-page screenshots of the key pages, at desktop and phone width, for a person to look at.

They land in test-results/screenshots/ (not committed). Each page passes axe at both widths too:
some rules depend on the layout (a table that scrolls, a breadcrumb that turns into a back link).
"""

from __future__ import annotations

import pytest

from sammen.roster.demo import personas
from tests.browser.axe import describe, violations
from tests.browser.conftest import DESKTOP, PHONE, RESULTS, Session
from tests.browser.test_journeys import CLASS_NAME

pytestmark = pytest.mark.browser

SHOTS = RESULTS / "screenshots"


def photograph(session: Session, name: str, *, checked: bool = False) -> None:
    """Desktop and phone pictures of the page as it is; axe at both widths."""
    page = session.page
    if not checked:
        session.audit.check()
    page.evaluate("() => document.fonts.ready.then(() => true)")  # Inter, not the fallback
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if width != "desktop":
            found = violations(page)
            assert not found, describe(found, f"{page.url} at {viewport['width']} px")
        path = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0
    page.set_viewport_size(DESKTOP)


def test_the_key_pages_are_photographed_at_desktop_and_phone_width(desktop: Session) -> None:
    session, page = desktop, desktop.page
    SHOTS.mkdir(parents=True, exist_ok=True)

    session.goto("/logg-inn/")
    photograph(session, "01-login")
    page.locator("#id_username").fill(personas.KONTAKTLAERER.username)
    page.locator("#id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    photograph(session, "02-login-error")

    session.log_in(personas.KONTAKTLAERER.username)  # checks the page it leads to
    photograph(session, "03-teacher-start", checked=True)
    page.get_by_role("link", name=CLASS_NAME, exact=True).first.click()
    photograph(session, "04-class")
    page.locator("main table a[href^='/elev/']").first.click()
    photograph(session, "05-pupil")
    page.locator("main a[href*='/foresatt/']").first.click()
    photograph(session, "06-contact-form")
    page.locator("#id_email").fill("not an e-mail address")
    page.locator("main form button[type=submit]").click()
    photograph(session, "07-contact-form-error")
    page.locator(".logout-form button[type=submit]").click()
    session.audit.check()

    session.log_in(personas.FORELDER1.username)
    photograph(session, "08-guardian-start", checked=True)
    page.locator("#children-heading + ul a").first.click()
    photograph(session, "09-guardian-child")
    session.goto("/elev/00000000-0000-4000-8000-000000000000/")
    photograph(session, "10-not-found")
