"""What people do in Sammen, in a real browser, with axe checking every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sammen.roster.demo import personas
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser

CLASS_NAME = f"{personas.PERSONA_CLASS_GRADE}{personas.PERSONA_CLASS_LETTER}"
PUPIL_PATH = re.compile(r"/elev/[0-9a-f-]{36}/$")
PORTAL_CHILD_PATH = re.compile(r"/foresatt/barn/[0-9a-f-]{36}/$")


def main_heading(page: Page) -> str:
    return page.locator("main h1").inner_text().strip()


def class_pupils(session: Session) -> dict[str, str]:
    """The pupils in the contact teacher's class: full name → path. Ends on the class page."""
    session.log_in(personas.KONTAKTLAERER.username)
    session.page.get_by_role("link", name=CLASS_NAME, exact=True).first.click()
    session.audit.check()
    links = session.page.locator("main table a[href^='/elev/']")
    pupils = {}
    for i in range(links.count()):
        family, given = (part.strip() for part in links.nth(i).inner_text().split(",", 1))
        href = links.nth(i).get_attribute("href")
        assert href is not None
        pupils[f"{given} {family}"] = href
    return pupils


def test_the_contact_teacher_goes_from_the_start_page_to_a_pupil_and_their_guardians(
    desktop: Session,
) -> None:
    page = desktop.page
    desktop.log_in(personas.KONTAKTLAERER.username)
    expect(page.locator("main h1")).to_contain_text(personas.KONTAKTLAERER.given_name)

    page.get_by_role("link", name=CLASS_NAME, exact=True).first.click()
    desktop.audit.check()
    assert main_heading(page) == CLASS_NAME
    pupil_links = page.locator("main table a[href^='/elev/']")
    assert pupil_links.count() > 10

    name = pupil_links.first.inner_text()
    pupil_links.first.click()
    desktop.audit.check()
    assert PUPIL_PATH.search(page.url)
    family, given = (part.strip() for part in name.split(",", 1))
    assert main_heading(page) == f"{given} {family}"
    guardians = page.locator("#guardians-heading + ul > li")
    assert guardians.count() >= 1
    expect(guardians.first.locator("h3")).not_to_be_empty()
    expect(guardians.first.locator("a[href^='tel:'], a[href^='mailto:']").first).to_be_visible()


def test_a_guardian_sees_their_own_two_children_and_opens_one(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.FORELDER1.username)
    children = page.locator("#children-heading + ul > li")
    expect(children).to_have_count(2)
    names = sorted(children.locator("h3").all_inner_texts())
    expected = sorted(
        " ".join(child)
        for child in (personas.FORELDER1_OLDER_CHILD, personas.FORELDER1_YOUNGER_CHILD)
    )
    assert names == expected

    # Guardians start in the portal: a child's card opens the child's start page there.
    children.first.locator("a").click()
    desktop.audit.check()
    assert PORTAL_CHILD_PATH.search(page.url)
    assert main_heading(page) in expected
    expect(page.locator("#today-heading")).to_be_visible()
    expect(page.locator("main a[href^='/gruppe/']")).to_have_count(0)


def test_a_guardian_who_pastes_another_pupils_address_gets_not_found_and_no_name(
    desktop: Session, second_desktop: Session
) -> None:
    # The contact teacher, in a browser of their own, knows the class; the guardian does not.
    pupils = class_pupils(second_desktop)
    guardian_name = personas.FORELDER1.full_name
    name, path = next(
        (n, p) for n, p in sorted(pupils.items()) if not set(n.split()) & set(guardian_name.split())
    )

    page = desktop.page
    desktop.log_in(personas.FORELDER1.username)
    response = page.goto(desktop.server.url + path)
    desktop.audit.check()
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("404")
    expect(page.locator("main h1")).to_be_visible()
    html = page.content()
    for part in name.split():
        assert part not in html, f"the 404 page leaks {part!r}"
    not_theirs = page.locator("main").inner_html()

    # Exactly what an address that leads nowhere gives.
    response = page.goto(desktop.server.url + "/elev/00000000-0000-4000-8000-000000000000/")
    desktop.audit.check()
    assert response is not None and response.status == 404
    assert page.locator("main").inner_html() == not_theirs


def test_a_wrong_password_shows_a_clear_error_tied_to_the_fields(desktop: Session) -> None:
    page = desktop.page
    desktop.goto("/logg-inn/")
    desktop.audit.check()
    page.locator("#id_username").fill(personas.FORELDER2.username)
    page.locator("#id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    desktop.audit.check()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).not_to_be_empty()
    assert "/logg-inn/" in page.url
    for field in ("#id_username", "#id_password"):
        described_by = page.locator(field).get_attribute("aria-describedby") or ""
        assert "login-error" in described_by.split()
    expect(page.locator("#id_username")).to_have_value(personas.FORELDER2.username)
    expect(page.locator("#id_password")).to_have_value("")


def test_empty_fields_are_marked_invalid_with_their_own_messages(desktop: Session) -> None:
    page = desktop.page
    desktop.goto("/logg-inn/")
    desktop.audit.check()
    page.locator("main form button[type=submit]").click()
    desktop.audit.check()
    for field in ("id_username", "id_password"):
        control = page.locator(f"#{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        described_by = (control.get_attribute("aria-describedby") or "").split()
        assert f"{field}_error" in described_by
        expect(page.locator(f"#{field}_error")).not_to_be_empty()


def test_switching_the_language_to_english_changes_the_interface(desktop: Session) -> None:
    page = desktop.page
    desktop.goto("/logg-inn/")
    desktop.audit.check()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    norwegian_label = page.locator("label[for=id_username]").inner_text()

    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    desktop.audit.check()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for=id_username]")).to_have_text("Username")
    assert norwegian_label != "Username"
    expect(page.locator("#language-select")).to_have_value("en")
    assert page.url.endswith("/logg-inn/")

    # The choice sticks: it is kept in a cookie, not in the address.
    desktop.goto("/logg-inn/")
    desktop.audit.check()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_skip_link_moves_focus_to_the_main_content(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.KONTAKTLAERER.username)

    page.keyboard.press("Tab")
    skip = page.locator(".ds-skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 20, "shown when focused"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside main, past the header's controls.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_the_pupil_page_fits_a_phone_without_sideways_scrolling(phone: Session) -> None:
    page = phone.page
    pupils = class_pupils(phone)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    name, path = sorted(pupils.items())[0]
    phone.goto(path)
    phone.audit.check()
    assert main_heading(page) == name
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
    )
    assert max(widths[:2]) <= widths[2] == 375, widths


def test_logging_out_ends_the_session(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.FORELDER2.username)
    page.locator(".logout-form button[type=submit]").click()
    desktop.audit.check()
    assert "/logg-inn/" in page.url
    expect(page.locator(".logout-form")).to_have_count(0)

    desktop.goto("/")
    desktop.audit.check()
    assert "/logg-inn/" in page.url
