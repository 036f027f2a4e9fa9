"""Noticing early and meeting it together, in a real browser with axe on every page: the contact
teacher answers a flag and makes the due call on a phone, the leader tunes the school's standard
and sees the preview, a guardian reads the plan for her child and comments on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sammen.roster.demo import personas
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser


def test_the_contact_teacher_answers_a_flag_from_the_queue(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.KONTAKTLAERER.username)
    page.get_by_role("link", name="Trenger oppmerksomhet").click()
    desktop.audit.check()
    expect(page.locator("main h1")).to_have_text("Trenger oppmerksomhet")
    open_cards = page.locator("article.flag-card:has(form.answer-form)")
    assert open_cards.count() >= 1, "the demo's planted pupils have unanswered flags"
    card = open_cards.first
    card_id = card.get_attribute("id")
    expect(card.locator(".flag-card__sentence")).not_to_be_empty()
    # The form is folded: twenty open forms would make the queue twenty screens long.
    expect(card.locator("input[type=radio][value=contacted]")).to_be_hidden()
    card.get_by_text("Svar på varselet").click()
    card.locator("input[type=radio][value=contacted]").check()
    card.locator("button[type=submit]").click()
    # htmx swaps the card in place: the answer is shown where the form was.
    answered = page.locator(f"#{card_id} .flag-card__answered")
    expect(answered).to_contain_text("Lagret.")
    expect(answered).to_contain_text("Tatt kontakt med de foresatte")
    desktop.audit.check()


def test_the_contact_teacher_logs_a_due_call_on_a_phone(phone: Session) -> None:
    page = phone.page
    phone.log_in(personas.KONTAKTLAERER.username)
    page.get_by_role("link", name="Samtaler med hjemmene").click()
    phone.audit.check()
    calls = page.get_by_role("link", name="Registrer samtalen")
    assert calls.count() >= 1, "the demo's contact teacher has calls due"
    calls.first.click()
    phone.audit.check()
    # Kind, tone and date come filled in: logging a usual call is one tap.
    page.get_by_role("button", name="Lagre kontakten").click()
    page.wait_for_load_state()
    phone.audit.check()
    expect(page.locator("main [role=status], main .ds-alert").first).to_be_visible()


def test_the_leader_changes_a_threshold_and_sees_how_many_would_be_flagged(
    desktop: Session,
) -> None:
    page = desktop.page
    desktop.log_in(personas.REKTOR.username)
    page.locator("main a[href^='/skole/']").first.click()
    desktop.audit.check()
    page.get_by_role("link", name="Tidlig varsling").first.click()
    desktop.audit.check()
    page.locator("main a[href$='/standard/']").first.click()
    desktop.audit.check()
    preview = page.locator("main").get_by_text(re.compile(r"Med disse innstillingene"))
    before = preview.first.inner_text()
    page.locator("input[name=rate_year__percent]").fill("5")
    page.locator("input[name=rate_year__percent]").blur()
    expect(preview.first).not_to_have_text(before)
    desktop.audit.check()


def test_the_leader_shows_one_class_of_the_queue(desktop: Session) -> None:
    page = desktop.page
    desktop.log_in(personas.REKTOR.username)
    page.get_by_role("link", name="Trenger oppmerksomhet").click()
    desktop.audit.check()
    everyone = page.locator("section.flag-pupil").count()
    choice = page.get_by_label("Vis én klasse")
    nine_b = choice.locator("option", has_text="9B")
    assert nine_b.count() == 1, "the demo's planted patterns are in 9B"
    choice.select_option(value=nine_b.get_attribute("value"))
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state()
    desktop.audit.check()
    shown = page.locator("section.flag-pupil")
    assert 0 < shown.count() < everyone
    for n in range(shown.count()):
        expect(shown.nth(n).locator("h2")).to_contain_text("9B")


def test_a_guardian_reads_the_plan_for_her_child_and_comments(phone: Session) -> None:
    page = phone.page
    phone.log_in(personas.FORELDER2.username)
    child = " ".join(personas.FORELDER2_CHILD)
    page.get_by_role("link", name=child).first.click()
    phone.audit.check()
    page.get_by_role("link", name="Planen for oppfølgingen").click()
    phone.audit.check()
    expect(page.locator("main h1")).to_contain_text(personas.FORELDER2_CHILD[0])
    comment = page.locator("main form textarea").first
    comment.fill("Nora gleder seg til turen på fredag.")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    phone.audit.check()
    expect(page.locator("main")).to_contain_text("Nora gleder seg til turen på fredag.")
