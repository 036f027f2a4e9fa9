"""The early-warning pages through HTTP: the queue, answering a flag, the school's overview and
its standard. Who gets in, what they see, what a POST saves and audits."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sammen.attendance.models import Kind, Reason
from sammen.attendance.services import Entry, register_day
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import Pupil, Staff
from sammen.warning import explain
from sammen.warning.answer import AnswerError, answer_flag, save_standard
from sammen.warning.models import Answer, DismissReason, Flag, WarningStandard
from sammen.warning.queries import PupilFlags, class_options
from sammen.warning.services import refresh_flags
from sammen.warning.standard import Rule, Standard
from sammen.warning.tiers import TIER_NAMES, month_cutoffs, school_tiers, tier_points
from tests.attendance_fixtures import TODAY, CalendarWorld, add_pupils, calendar_world
from tests.conftest import World, page

__all__ = ["calendar_world"]

QUEUE = "/trenger-oppmerksomhet/"
MONDAYS = {"weekday": 0, "absent": 4, "of": 6, "percent": 60.0, "other_percent": 5.0}
IN_A_ROW = {"days": 3, "first": "2026-11-23", "last": "2026-11-25"}


def make_flag(
    pupil: Pupil,
    rule: str = Rule.WEEKDAY,
    evidence: dict[str, Any] | None = None,
    *,
    due_on: date = TODAY + timedelta(days=3),
    level: int = 2,
) -> Flag:
    return Flag.objects.create(
        pupil=pupil,
        school=pupil.school,
        rule=rule,
        level=level,
        evidence=MONDAYS if evidence is None else evidence,
        opened_on=TODAY - timedelta(days=1),
        seen_on=TODAY,
        due_on=due_on,
    )


def answer_url(flag: Flag) -> str:
    return f"/varsel/{flag.public_id}/svar/"


def overview_url(world: World) -> str:
    return f"/skole/{world.school_a.public_id}/tidlig-varsling/"


def standard_url(world: World) -> str:
    return f"/skole/{world.school_a.public_id}/tidlig-varsling/standard/"


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The assertions read the English texts; Norwegian is the default for everyone else."""


def standard_data(**changes: str | None) -> dict[str, str]:
    """The standard form's POST data for the defaults, with ``changes`` (None: left out)."""
    data: dict[str, str] = {}
    for key, value in Standard().to_json().items():
        if isinstance(value, dict):
            for name, number in value.items():
                if name == "on":
                    if number:
                        data[f"{key}__on"] = "on"
                else:
                    data[f"{key}__{name}"] = str(number)
        else:
            data[key] = str(value)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


# The queue -------------------------------------------------------------------------------------


def test_the_contact_teacher_sees_her_pupils_flags_as_sentences(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.nils, Rule.CONSECUTIVE, IN_A_ROW)  # class 8C: not alice's
    make_flag(w.kari, Rule.CONSECUTIVE, IN_A_ROW)  # another school
    client.force_login(w.alice)
    html = page(client, QUEUE)
    assert explain.sentence(Rule.WEEKDAY, MONDAYS) in html
    assert explain.rule_name(Rule.WEEKDAY) in html
    assert "Ola Nordmann" in html and "8A" in html
    assert "25.11.2026" in html  # raised
    assert "29.11.2026" in html  # answer by
    assert "Nils" not in html and "Kari" not in html
    assert explain.sentence(Rule.CONSECUTIVE, IN_A_ROW) not in html


def test_an_overdue_flag_is_marked_in_words_and_one_due_today_is_not(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    due_today = make_flag(w.ola, due_on=TODAY)
    html = page(client, QUEUE)
    assert "Overdue" not in html and "overdue" not in html
    Flag.objects.filter(pk=due_today.pk).update(due_on=TODAY - timedelta(days=1))
    html = page(client, QUEUE)
    assert "Overdue" in html
    assert "25.11.2026 – overdue" in html


def test_the_queue_offers_an_answer_form_that_works_without_javascript(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    html = page(client, QUEUE)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*hx-post="([^"]+)"', html)
    assert form is not None
    assert form.group(1) == form.group(2) == answer_url(flag)
    for value in Answer.values:
        assert f'value="{value}"' in html
    for value in DismissReason.values:
        assert f'<option value="{value}"' in html


def test_reading_the_queue_is_audited_for_each_pupil_listed(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW)
    make_flag(w.nils)
    client.force_login(w.leader)
    page(client, QUEUE)
    events = AuditEvent.objects.filter(action=actions.FLAGS_VIEWED)
    assert sorted(str(e.pupil_id) for e in events) == sorted(
        [str(w.ola.public_id), str(w.nils.public_id)]
    )
    assert {e.school_id for e in events} == {w.school_a.public_id}


def test_the_leader_sees_every_flag_of_the_school_in_the_queue(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.nils, Rule.CONSECUTIVE, IN_A_ROW)
    make_flag(w.kari)
    client.force_login(w.leader)
    html = page(client, QUEUE)
    assert "Ola Nordmann" in html and "Nils Olsen" in html
    assert "Kari" not in html
    assert overview_url(w) in html


def test_the_leader_can_show_one_class_of_the_queue(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW)
    make_flag(w.nils)
    client.force_login(w.leader)

    everyone = page(client, QUEUE)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    one_class = page(client, f"{QUEUE}?klasse={w.class_8c.public_id}")

    # The filter names each class with the flags waiting in it.
    assert "All classes (3 waiting)" in everyone
    assert f'<option value="{w.class_8a.public_id}">8A (2 waiting)</option>' in everyone
    assert f'<option value="{w.class_8c.public_id}">8C (1 waiting)</option>' in everyone
    assert "Ola Nordmann" in everyone and "Nils Olsen" in everyone
    # One class: its pupils only, counted and audited as shown.
    assert f'<option value="{w.class_8c.public_id}" selected>' in one_class
    assert "Nils Olsen" in one_class and "Ola Nordmann" not in one_class
    assert "1 flag waiting for an answer" in one_class
    read = AuditEvent.objects.filter(action=actions.FLAGS_VIEWED, pk__gt=before)
    assert [str(e.pupil_id) for e in read] == [str(w.nils.public_id)]


def test_the_class_filter_lists_classes_as_people_read_them() -> None:
    names = ["10A", "9B", "8A", "Basis 2", "9A", "Basis 10", "²"]
    entries = [PupilFlags(pupil=Pupil(), classes=[n], class_keys=[uuid.uuid4()]) for n in names]
    shown = [option.name for option in class_options(entries)]
    assert shown == ["8A", "9A", "9B", "10A", "Basis 2", "Basis 10", "²"]


@pytest.mark.parametrize("wanted", ["not-a-uuid", "8B", "school_b"])
def test_a_class_not_in_the_queue_shows_the_whole_queue_and_says_so(
    client: Client, calendar_world: CalendarWorld, wanted: str
) -> None:
    """Another school's class (or nonsense) filters nothing and reveals nothing."""
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.nils)
    make_flag(w.kari)
    client.force_login(w.leader)
    key = str(w.class_8b.public_id) if wanted == "8B" else wanted
    if wanted == "school_b":
        key = str(w.school_b.public_id)

    html = page(client, f"{QUEUE}?klasse={key}")

    assert "None of your flags are in the class the link names" in html
    assert "Ola Nordmann" in html and "Nils Olsen" in html
    assert "Kari" not in html and "8B" not in html


def test_a_contact_teacher_with_one_class_gets_no_filter(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW)
    client.force_login(w.alice)
    html = page(client, QUEUE)
    assert "Ola Nordmann" in html
    assert 'name="klasse"' not in html


def test_a_closed_flag_is_not_in_the_queue(client: Client, calendar_world: CalendarWorld) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    Flag.objects.filter(pk=flag.pk).update(closed_on=TODAY)
    client.force_login(w.alice)
    html = page(client, QUEUE)
    assert "Ola Nordmann" not in html
    assert "No flags need attention" in html


@pytest.mark.parametrize(
    "persona",
    ["bob", "office", "nurse", "guardian", "father", "other_guardian", "analyst", "nobody"],
)
def test_no_one_but_contact_teachers_and_leaders_has_a_queue(
    client: Client, calendar_world: CalendarWorld, persona: str
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(getattr(w, persona))
    assert client.get(QUEUE).status_code == 404
    assert client.get(answer_url(flag)).status_code == 404
    assert client.post(answer_url(flag), {"answer": Answer.CONTACTED}).status_code == 404
    assert client.get(overview_url(w)).status_code == 404
    assert client.get(standard_url(w)).status_code == 404
    flag.refresh_from_db()
    assert flag.answer == ""


def test_a_contact_teacher_at_another_school_sees_only_her_own_pupils(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    ola = make_flag(w.ola)
    kari = make_flag(w.kari)
    client.force_login(w.charlie)
    html = page(client, QUEUE)
    assert "Kari Berg" in html and "Ola" not in html
    assert client.get(answer_url(ola)).status_code == 404
    assert client.post(answer_url(ola), {"answer": Answer.CONTACTED}).status_code == 404
    assert client.get(overview_url(w)).status_code == 404
    assert client.get(standard_url(w)).status_code == 404
    assert client.get(answer_url(kari)).status_code == 200


def test_the_navigation_links_to_the_queue_only_for_those_with_one(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    for persona, shown in (("alice", True), ("leader", True), ("bob", False), ("guardian", False)):
        client.force_login(getattr(w, persona))
        # Guardians start in the portal; its menu is the same base template.
        start = "/foresatt/" if persona == "guardian" else "/"
        assert (f'href="{QUEUE}"' in page(client, start)) is shown, persona


def test_the_queue_takes_the_same_queries_for_one_flag_and_many(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola)
    client.force_login(w.leader)
    page(client, QUEUE)  # the session's first request reads the user

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(client, QUEUE)
        return len(ctx.captured_queries)

    one = count()
    for pupil in add_pupils(w.class_8a, 6) + add_pupils(w.class_8c, 6):
        make_flag(pupil)
        make_flag(pupil, Rule.CONSECUTIVE, IN_A_ROW, due_on=TODAY - timedelta(days=2))
    answer_flag(w.leader, make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW), Answer.CONTACTED)
    assert count() == one


def test_the_overview_takes_the_same_queries_for_one_overdue_flag_and_many(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola, due_on=TODAY - timedelta(days=1))
    client.force_login(w.leader)
    page(client, overview_url(w))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(client, overview_url(w))
        return len(ctx.captured_queries)

    one = count()
    for pupil in add_pupils(w.class_8a, 5) + add_pupils(w.class_8c, 5):
        make_flag(pupil, due_on=TODAY - timedelta(days=1))
        make_flag(pupil, Rule.CONSECUTIVE, IN_A_ROW)
    assert count() == one


# Answering -------------------------------------------------------------------------------------


def test_the_contact_teacher_answers_a_flag_and_it_is_audited(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    response = client.post(answer_url(flag), {"answer": Answer.CONTACTED, "note": "Ringte mor."})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    flag.refresh_from_db()
    assert flag.answer == Answer.CONTACTED
    assert flag.answer_note == "Ringte mor."
    assert flag.answered_by == w.alice
    assert flag.answered_at is not None
    event = AuditEvent.objects.get(action=actions.FLAG_ANSWERED)
    assert event.pupil_id == w.ola.public_id
    assert event.object_id == str(flag.public_id)
    assert event.changes["answer"] == {"old": "", "new": Answer.CONTACTED}
    html = page(client, QUEUE)
    assert "Answered:" in html
    # What was said belongs in the contact log: the answered flag leads there.
    assert f'href="/elev/{w.ola.public_id}/samarbeid/kontakt/"' in html
    assert f'action="{answer_url(flag)}"' not in html


def test_the_answer_returns_to_the_page_it_came_from_but_never_elsewhere(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    first, second = make_flag(w.ola), make_flag(w.nils)
    client.force_login(w.leader)
    data = {"answer": Answer.CASE_OPENED, "next": overview_url(w)}
    assert client.post(answer_url(first), data)["Location"] == overview_url(w)
    data = {"answer": Answer.CASE_OPENED, "next": "https://evil.example/"}
    assert client.post(answer_url(second), data)["Location"] == QUEUE


def test_a_dismissal_without_a_reason_is_refused(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    response = client.post(answer_url(flag), {"answer": Answer.DISMISSED})
    assert response.status_code == 200
    assert "Give a reason for dismissing the flag." in response.content.decode()
    flag.refresh_from_db()
    assert flag.answer == ""
    assert not AuditEvent.objects.filter(action=actions.FLAG_ANSWERED).exists()
    with pytest.raises(AnswerError):
        answer_flag(w.alice, flag, Answer.DISMISSED, "")


def test_the_queue_folds_each_answer_form_and_opens_it_where_it_is_wanted(
    client: Client, calendar_world: CalendarWorld
) -> None:
    """A class can have twenty flags: on the queue each form is folded under "Answer the flag";
    on the flag's own page, and when an answer comes back refused, it is open."""
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    folded = '<details class="ds-details answer-details"><summary>Answer the flag</summary>'
    opened = '<details class="ds-details answer-details" open><summary>Answer the flag</summary>'

    queue = client.get(QUEUE).content.decode()
    own_page = client.get(answer_url(flag)).content.decode()
    refused = client.post(
        answer_url(flag), {"answer": Answer.DISMISSED}, headers={"HX-Request": "true"}
    ).content.decode()

    assert folded in queue and opened not in queue
    assert 'name="answer"' in queue
    assert opened in own_page
    assert opened in refused
    assert "Give a reason for dismissing the flag." in refused


def test_a_dismissal_keeps_its_structured_reason(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    data = {"answer": Answer.DISMISSED, "dismiss_reason": DismissReason.KNOWN_AND_AGREED}
    assert client.post(answer_url(flag), data).status_code == 302
    flag.refresh_from_db()
    assert (flag.answer, flag.dismiss_reason) == (Answer.DISMISSED, DismissReason.KNOWN_AND_AGREED)


def test_a_reason_left_selected_is_not_kept_for_another_answer(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    data = {"answer": Answer.CONTACTED, "dismiss_reason": DismissReason.OTHER}
    assert client.post(answer_url(flag), data).status_code == 302
    flag.refresh_from_db()
    assert (flag.answer, flag.dismiss_reason) == (Answer.CONTACTED, "")
    other = make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW)
    with pytest.raises(AnswerError):
        answer_flag(w.alice, other, Answer.CONTACTED, DismissReason.OTHER)


def test_a_flag_cannot_be_answered_twice(client: Client, calendar_world: CalendarWorld) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    answer_flag(w.leader, flag, Answer.CASE_OPENED)
    with pytest.raises(AnswerError, match="already answered"):
        answer_flag(w.alice, Flag.objects.get(pk=flag.pk), Answer.CONTACTED)
    client.force_login(w.alice)
    response = client.post(answer_url(flag), {"answer": Answer.CONTACTED})
    assert response.status_code == 200
    assert "already answered" in response.content.decode()
    flag.refresh_from_db()
    assert (flag.answer, flag.answered_by) == (Answer.CASE_OPENED, w.leader)
    assert AuditEvent.objects.filter(action=actions.FLAG_ANSWERED).count() == 1


def test_with_htmx_the_answer_replaces_only_the_flags_card(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    response = client.post(
        answer_url(flag), {"answer": Answer.CONTACTED}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<article") and "<html" not in html
    assert f'id="flag-{flag.public_id}"' in html
    assert "Answered:" in html and "<form" not in html
    refused = make_flag(w.ola, Rule.CONSECUTIVE, IN_A_ROW)
    response = client.post(
        answer_url(refused),
        {"answer": Answer.DISMISSED, "next": QUEUE},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give a reason" in html and "<form" in html
    assert f'name="next" value="{QUEUE}"' in html  # the form still returns to the queue


def test_the_answer_page_shows_the_flag_and_is_audited(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    client.force_login(w.alice)
    html = page(client, answer_url(flag))
    assert explain.sentence(Rule.WEEKDAY, MONDAYS) in html
    assert "8A" in html
    assert f'name="next" value="{QUEUE}"' in html
    event = AuditEvent.objects.get(action=actions.FLAGS_VIEWED)
    assert event.pupil_id == w.ola.public_id


def test_the_pupils_attendance_page_shows_open_flags_to_those_who_may_see_them(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    flag = make_flag(w.ola)
    url = f"/elev/{w.ola.public_id}/fravaer/"
    sentence = explain.sentence(Rule.WEEKDAY, MONDAYS)
    for persona, shown in (
        ("alice", True),
        ("leader", True),
        ("bob", False),
        ("office", False),
        ("guardian", False),
    ):
        client.force_login(getattr(w, persona))
        html = page(client, url)
        assert (sentence in html) is shown, persona
        assert (answer_url(flag) in html) is shown, persona


# The school's overview -------------------------------------------------------------------------


def test_the_overview_puts_overdue_flags_first_with_the_contact_teacher(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    make_flag(w.ola, due_on=TODAY - timedelta(days=2))
    make_flag(w.nils, Rule.CONSECUTIVE, IN_A_ROW)  # not overdue
    alice = Staff.objects.get(user=w.alice)
    client.force_login(w.leader)
    html = page(client, overview_url(w))
    overdue = html[html.index('id="overdue-heading"') : html.index('id="rules-heading"')]
    assert "Ola Nordmann" in overdue and alice.full_name in overdue
    assert explain.sentence(Rule.WEEKDAY, MONDAYS) in overdue
    assert "Nils" not in overdue
    rules = html[html.index('id="rules-heading"') : html.index('id="tiers-heading"')]
    assert explain.rule_name(Rule.WEEKDAY) in rules
    assert explain.rule_name(Rule.CONSECUTIVE) in rules
    events = AuditEvent.objects.filter(action=actions.FLAGS_VIEWED)
    assert [e.pupil_id for e in events] == [w.ola.public_id]


def test_the_overview_shows_the_tiers_as_a_chart_and_the_same_numbers_in_a_table(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    # Ola is away every school day from 16 November: 9 of the school year's days so far.
    days = [TODAY - timedelta(days=n) for n in range(11)]
    for day in days:
        if day.weekday() < 5:
            entry = Entry(w.ola, Kind.ABSENT, reason=Reason.SICK)
            register_day(actor=w.leader, school=w.school_a, day=day, entries=[entry])
    client.force_login(w.leader)
    html = page(client, overview_url(w))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    table = html[html.index('id="tiers-caption"') :]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>(.*?)</tr>", table)
    assert [name for name, _ in rows] == [
        "August 2026",
        "September 2026",
        "October 2026",
        "November 2026",
    ]
    cells = [re.findall(r'<td class="num">(\d+)</td>', cells) for _, cells in rows]
    # Satisfactory, at risk, chronic, severe, total: nils and ola satisfactory until November,
    # when Ola's 9 days away of 67 (13 %) make him chronic.
    assert cells[0] == ["2", "0", "0", "0", "2"]
    assert cells[-1] == ["1", "0", "1", "0", "2"]


# The standard ----------------------------------------------------------------------------------


def test_the_standard_page_starts_from_the_defaults(client: Client, world: World) -> None:
    client.force_login(world.leader)
    html = page(client, standard_url(world))
    assert re.search(r'name="rate_year__percent" value="10"', html)
    assert re.search(r'name="answer_within_days" value="3"', html)
    assert 'name="weekday__on"' in html and "checked" in html
    assert "The school follows the defaults" in html
    for rule in Rule.ALL:
        assert explain.rule_name(rule) in html
    assert not WarningStandard.objects.exists()


def test_the_leader_saves_the_standard_and_each_changed_number_is_audited(
    client: Client, world: World, settings: Any
) -> None:
    # In Norwegian, as a leader writes it: a decimal comma.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    client.force_login(world.leader)
    data = standard_data(rate_year__percent="12,5", weekday__on=None, answer_within_days="5")
    response = client.post(standard_url(world), data)
    assert response.status_code == 302
    saved = WarningStandard.objects.get(school=world.school_a).standard
    assert saved.rate_year.percent == 12.5
    assert saved.weekday.on is False
    assert saved.answer_within_days == 5
    assert saved.late == Standard().late
    event = AuditEvent.objects.get(action=actions.WARNING_STANDARD_SAVED)
    assert event.school_id == world.school_a.public_id
    assert event.changes == {
        "answer_within_days": {"old": 3, "new": 5},
        "rate_year.percent": {"old": 10.0, "new": 12.5},
        "weekday.on": {"old": True, "new": False},
    }
    html = page(client, standard_url(world))
    assert 'name="rate_year__percent" value="12,5"' in html
    # Saving the same numbers again changes nothing and writes no event.
    assert client.post(standard_url(world), data).status_code == 302
    assert AuditEvent.objects.filter(action=actions.WARNING_STANDARD_SAVED).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rate_year__percent", "0", "Enter a number from 1 to 50."),
        ("rate_year__percent", "ti", "Enter a number from 1 to 50."),
        ("consecutive__days", "1", "Enter a whole number from 2 to 20."),
        ("consecutive__days", "2,5", "Enter a whole number from 2 to 20."),
        ("answer_within_days", "", "Enter a whole number from 1 to 20."),
        ("rate_year__severe_percent", "8", "Must be more than"),
        ("weekday__times", "7", "Must be at least"),
        ("days_in_15_weeks__days", "80", "There are only 75 school days in 15 weeks."),
    ],
)
def test_bad_numbers_get_clear_field_errors_and_nothing_is_saved(
    client: Client, world: World, field: str, value: str, message: str
) -> None:
    client.force_login(world.leader)
    response = client.post(standard_url(world), standard_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    error_field = "weekday__of_last" if field == "weekday__times" else field
    error = re.search(rf'id="id_{error_field}_error">([^<]+)<', html)
    assert error is not None, html
    assert message in error.group(1).replace("&quot;", '"')
    assert f'href="#id_{error_field}"' in html  # the error summary links to the field
    assert not WarningStandard.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.WARNING_STANDARD_SAVED).exists()


def test_only_the_schools_leader_may_save_a_standard(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (world.alice, world.office, world.charlie):
        with pytest.raises(PermissionDenied):
            save_standard(user, world.school_a, Standard())
    assert not WarningStandard.objects.exists()


def test_a_post_to_the_standard_by_anyone_else_is_404_and_saves_nothing(
    client: Client, world: World
) -> None:
    for persona in ("alice", "office", "charlie", "analyst"):
        client.force_login(getattr(world, persona))
        assert client.post(standard_url(world), standard_data()).status_code == 404
    assert not WarningStandard.objects.exists()


# Tiers -----------------------------------------------------------------------------------------


def test_each_month_counts_up_to_the_end_of_its_last_whole_week() -> None:
    assert month_cutoffs(date(2026, 8, 17), date(2026, 11, 26)) == [
        (date(2026, 8, 1), date(2026, 8, 30)),
        (date(2026, 9, 1), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 25)),
        (date(2026, 11, 1), date(2026, 11, 26)),
    ]
    # A year beginning after the month's last Sunday has no point for that month.
    assert month_cutoffs(date(2026, 8, 31), date(2026, 9, 10)) == [
        (date(2026, 9, 1), date(2026, 9, 10))
    ]


def test_a_pupil_is_counted_in_the_tier_of_their_share_so_far_the_boundary_going_up() -> None:
    monday = date(2026, 8, 17)
    school_days = {monday + timedelta(days=n): 5 for n in range(5)}  # 25 lessons in a week
    cutoffs = [(date(2026, 8, 1), date(2026, 8, 23))]
    points = tier_points(
        school_days=school_days,
        enrolled_from={1: None, 2: None, 3: None, 4: None, 5: None},
        # 1 lesson = 4 %, 5 % needs more: 2 lessons = 8 % (at risk), 5 = 20 % (severe)
        absent={(2, monday): 2, (3, monday): 3, (4, monday): 5},
        cutoffs=cutoffs,
    )
    assert points[0].counts == (2, 1, 1, 1)
    assert [points[0].count(name) for name in TIER_NAMES] == [2, 1, 1, 1]
    assert points[0].pupils == 5


def test_a_pupil_counts_only_the_days_since_they_started() -> None:
    monday = date(2026, 8, 17)
    school_days = {monday + timedelta(days=n): 5 for n in range(5)}
    cutoffs = [(date(2026, 8, 1), date(2026, 8, 23))]
    # Started on Friday: 5 lessons planned, 1 missed = 20 %, severe; not yet started: not counted.
    points = tier_points(
        school_days=school_days,
        enrolled_from={1: date(2026, 8, 21), 2: date(2026, 9, 1)},
        absent={(1, monday): 1},
        cutoffs=cutoffs,
    )
    assert points[0].counts == (0, 0, 0, 1)


def test_the_school_tiers_take_the_same_queries_for_few_pupils_and_many(
    calendar_world: CalendarWorld,
) -> None:
    w = calendar_world.world

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            school_tiers(w.school_a, TODAY)
        return len(ctx.captured_queries)

    few = count()
    for pupil in add_pupils(w.class_8a, 10):
        entry = Entry(pupil, Kind.ABSENT, reason=Reason.UNEXPLAINED)
        register_day(actor=w.leader, school=w.school_a, day=TODAY, entries=[entry])
    assert count() == few <= 4


# The preview -----------------------------------------------------------------------------------


def preview_url(world: World) -> str:
    return f"/skole/{world.school_a.public_id}/tidlig-varsling/standard/forhandsvisning/"


def away(world: World, pupil: Pupil, days: list[date], reason: str = Reason.UNEXPLAINED) -> None:
    for day in days:
        entry = Entry(pupil, Kind.ABSENT, reason=reason)
        register_day(actor=world.leader, school=world.school_a, day=day, entries=[entry])


def preview_numbers(html: str) -> tuple[int, dict[str, int]]:
    total = re.search(r"With these settings, (\d+) pupils? would be flagged today", html)
    assert total is not None, html
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>[^<]+</td><td class="num">([^<]+)<', html
    )
    names = {explain.rule_name(rule): rule for rule in Rule.ALL}
    by_rule = {names[name]: int(n) for name, n in rows if n.isdigit()}
    return int(total.group(1)), by_rule


def test_the_preview_counts_what_a_refresh_would_flag(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    away(w, w.ola, [TODAY - timedelta(days=n) for n in (1, 2, 3)])  # Mon 23 – Wed 25 November
    away(w, w.nils, [TODAY])
    client.force_login(w.leader)
    response = client.post(preview_url(w), standard_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx
    pupils, by_rule = preview_numbers(html)
    refresh_flags([w.school_a.pk], TODAY)
    flags = Flag.objects.filter(school=w.school_a, closed_on__isnull=True)
    assert pupils == len({flag.pupil_id for flag in flags}) > 0
    expected = {rule: 0 for rule in Rule.ALL}
    for flag in flags:
        expected[flag.rule] += 1
    assert by_rule == expected
    assert by_rule[Rule.CONSECUTIVE] == 1


def test_the_preview_follows_the_numbers_on_the_form(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    away(w, w.ola, [TODAY - timedelta(days=n) for n in (1, 2, 3)])
    client.force_login(w.leader)
    _, by_rule = preview_numbers(page(client, preview_url(w)))  # the saved standard (defaults)
    assert by_rule[Rule.CONSECUTIVE] == 1
    html = client.post(preview_url(w), standard_data(consecutive__days="4")).content.decode()
    _, by_rule = preview_numbers(html)
    assert by_rule[Rule.CONSECUTIVE] == 0
    html = client.post(preview_url(w), standard_data(consecutive__on=None)).content.decode()
    assert Rule.CONSECUTIVE not in preview_numbers(html)[1]  # a rule not in use shows "–"
    html = client.post(preview_url(w), standard_data(consecutive__days="0")).content.decode()
    assert "Correct the numbers marked above" in html
    assert not WarningStandard.objects.exists()


def test_the_preview_works_without_javascript_and_saves_nothing(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.leader)
    html = page(client, standard_url(w))
    assert 'name="preview"' in html
    assert f'hx-get="{preview_url(w)}"' in html
    response = client.post(standard_url(w), {**standard_data(), "preview": "1"})
    assert response.status_code == 200
    assert "With these settings, 0 pupils would be flagged today" in response.content.decode()
    assert not WarningStandard.objects.exists()
