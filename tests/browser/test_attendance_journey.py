"""Attendance in a real browser: a subject teacher registers a lesson with the keyboard alone, a
contact teacher reads a pupil's calendar, a guardian reports a child sick on a phone.

The server runs the demo (``demo_data --seed 7``) on the real date, so "today" is whatever day the
tests run: on a day without school (a weekend, a holiday) there is no lesson to register and the
journeys that need one are skipped, saying so.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from sammen.roster.demo import personas
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser

STATUSES = ["present", "absent", "late", "left_early", "present_elsewhere"]
CLASS_NAME = f"{personas.PERSONA_CLASS_GRADE}{personas.PERSONA_CLASS_LETTER}"


def open_today(session: Session, username: str) -> Page:
    session.log_in(username)
    page = session.page
    page.locator("main a[href='/i-dag/']").click()
    session.audit.check()
    expect(page.locator("main h1")).to_be_visible()
    return page


def active_status_group(page: Page) -> str:
    """The public id of the register row whose radio has the focus, or ""."""
    name: str = page.evaluate(
        "() => document.activeElement && document.activeElement.type === 'radio'"
        " ? document.activeElement.name : ''"
    )
    return name.removesuffix("-status")


def choose(page: Page, target: str) -> bool:
    """Moves the focused radio group to ``target`` with the arrow keys; False if already there."""
    current: str = page.evaluate("() => document.activeElement.value")
    steps = STATUSES.index(target) - STATUSES.index(current)
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    return steps != 0


def test_the_subject_teacher_registers_a_lesson_with_the_keyboard_alone(
    desktop: Session,
) -> None:
    page = open_today(desktop, personas.FAGLAERER.username)
    lessons = page.locator("main table a[href*='/time/']")
    if lessons.count() == 0:
        pytest.skip("today is not a school day in the demo calendar: no lesson to register")
    lessons.first.click()
    desktop.audit.check()
    count = page.locator(".register-row .status-choice").count()
    assert count >= 10, "a class-sized register"

    # From the skip link into the page, then Tab until the first row's radio group has focus.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if active_status_group(page):
            break
    assert active_status_group(page), "Tab never reached the register"

    started = time.monotonic()
    wanted: dict[str, str] = {}
    moved: list[str] = []
    for i in range(count):
        pupil = active_status_group(page)
        assert pupil, f"row {i + 1} is not reached by Tab"
        target = {0: "absent", 3: "late"}.get(i % 7)
        if target is not None:
            wanted[pupil] = target
            if choose(page, target):
                moved.append(pupil)
        if target == "late":
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.value") != "7" and pupil not in moved:
                moved.append(pupil)
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type("7")
        elif i < count - 1:
            page.keyboard.press("Tab")  # past the radios into the minutes box
        if i < count - 1:
            page.keyboard.press("Tab")  # on to the next row's radios
    page.keyboard.press("Tab")  # leaves the last row, so its minutes box reports a change
    for pupil in moved:
        expect(page.locator(f"#status-{pupil} .saved")).to_be_visible()
    for pupil in moved:
        if wanted[pupil] == "late":  # the last of its saves, with the minutes, has answered
            expect(page.locator(f"#status-{pupil} .saved")).to_contain_text("7")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"{count} pupils took {elapsed:.0f} s"

    # Nothing was lost: the saved register, read again, has what was typed.
    page.reload()
    desktop.audit.check()
    assert wanted
    for pupil, status in wanted.items():
        expect(page.locator(f"input[name='{pupil}-status'][value='{status}']")).to_be_checked()
        if status == "late":
            expect(page.locator(f"input[name='{pupil}-minutes']")).to_have_value("7")


def test_the_contact_teacher_reads_a_pupils_attendance_calendar(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.KONTAKTLAERER.username)
    page.get_by_role("link", name=CLASS_NAME, exact=True).first.click()
    desktop.audit.check()
    page.locator("main table a[href^='/elev/']").first.click()
    desktop.audit.check()
    page.locator("main a[href$='/fravaer/']").click()
    desktop.audit.check()

    assert re.search(r"/elev/[0-9a-f-]{36}/fravaer/$", page.url)
    months = page.locator(".calendar-months svg[role='img']")
    assert months.count() >= 1
    expect(months.first.locator(":scope > title")).not_to_be_empty()
    expect(page.locator("#months-caption")).to_be_visible()
    expect(page.locator(".trend-chart svg[role='img']")).to_have_count(1)
    expect(page.locator("#weekday-caption")).to_be_visible()
    expect(page.locator(".legend li").first).to_be_visible()


def test_the_pupils_calendar_fits_a_phone(phone: Session) -> None:
    page = phone.page
    phone.log_in(personas.FORELDER2.username)
    page.locator("#children-heading + ul a").first.click()
    phone.audit.check()
    page.locator("main a[href$='/fravaer/']").click()
    phone.audit.check()
    expect(page.locator("main h1")).to_contain_text(" ".join(personas.FORELDER2_CHILD))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_a_guardian_reports_a_child_sick_today_on_a_phone(
    phone: Session, second_desktop: Session
) -> None:
    page = phone.page
    phone.log_in(personas.FORELDER2.username)
    page.locator("main a[href='/meld-fravaer/']").click()
    phone.audit.check()
    child = " ".join(personas.FORELDER2_CHILD)
    page.get_by_label(child).check()
    page.locator("input[name='when'][value='today']").check()
    page.locator("input[name='reason'][value='sick']").check()
    page.locator("main form button[type=submit]").click()
    phone.audit.check()
    if "/fravaersmeldinger/" not in page.url:
        expect(page.locator(".ds-error-summary")).to_be_visible()
        pytest.skip("today is not a school day in the demo calendar: nothing to report")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".report-days li")).to_have_count(1)

    # The contact teacher sees it on the class's day.
    teacher = open_today(second_desktop, personas.KONTAKTLAERER.username)
    teacher.get_by_role("link", name=CLASS_NAME, exact=True).first.click()
    second_desktop.audit.check()
    expect(teacher.locator("#reported-heading + ul")).to_contain_text(child)
