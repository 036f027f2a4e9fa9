"""The follow-up pages through HTTP: opening a case (from the pupil page and from a flag), the
leader raising the level, the plan and minutes with optimistic locking (the second saver gets a
conflict, nothing is lost), measures, evaluations, the return plan, agreements, meetings with
action items, and the audit each change leaves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.followup.models import (
    Agreement,
    Case,
    Evaluation,
    LevelChange,
    Measure,
    Meeting,
    Plan,
    ReturnStep,
)
from sammen.warning.models import Flag
from sammen.warning.standard import Rule
from tests.conftest import World
from tests.followup_support import TODAY, Clock, case_url, clock, ola_case

pytestmark = pytest.mark.usefixtures("english")

__all__ = ["clock"]


def post(client: Client, url: str, action: str, **fields: str) -> tuple[int, str]:
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    response = client.post(url, data)
    return response.status_code, response.content.decode()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_the_contact_teacher_opens_a_case_from_the_pupil_page(
    client: Client, world: World, clock: Clock
) -> None:
    client.force_login(world.alice)
    url = f"/elev/{world.ola.public_id}/oppfolging/"
    assert "Open a follow-up case" in client.get(url).content.decode()
    response = client.post(url, {})
    case = Case.objects.get(pupil=world.ola)
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert case.level == 1 and case.opened_on == TODAY and case.opened_by == world.alice
    assert Plan.objects.filter(case=case, version=1).exists()
    [event] = events(actions.CASE_OPENED)
    assert event.pupil_id == world.ola.public_id
    # A second case while one is open is refused with a reason.
    again = client.post(url, {})
    assert again.status_code == 200
    assert Case.objects.filter(pupil=world.ola).count() == 1


def test_a_case_opened_from_a_flag_links_to_it(client: Client, world: World, clock: Clock) -> None:
    flag = Flag.objects.create(
        pupil=world.ola,
        school=world.school_a,
        rule=Rule.CONSECUTIVE,
        level=2,
        evidence={"days": 3, "first": "2026-11-23", "last": "2026-11-25"},
        opened_on=TODAY,
        seen_on=TODAY,
        due_on=TODAY + timedelta(days=3),
    )
    client.force_login(world.alice)
    url = f"/elev/{world.ola.public_id}/oppfolging/"
    page = client.get(f"{url}?varsel={flag.public_id}").content.decode()
    assert str(flag.public_id) in page
    client.post(url, {"flag": str(flag.public_id)})
    case = Case.objects.get(pupil=world.ola)
    assert case.flag == flag
    timeline = client.get(case_url(case)).content.decode()
    assert "Early-warning flag" in timeline


def test_a_flag_of_another_pupil_cannot_be_used(client: Client, world: World, clock: Clock) -> None:
    flag = Flag.objects.create(
        pupil=world.nils,
        school=world.school_a,
        rule=Rule.CONSECUTIVE,
        level=2,
        evidence={},
        opened_on=TODAY,
        seen_on=TODAY,
        due_on=TODAY,
    )
    client.force_login(world.leader)
    response = client.post(
        f"/elev/{world.ola.public_id}/oppfolging/", {"flag": str(flag.public_id)}
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_the_leader_raises_the_level_with_a_reason(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    client.force_login(world.leader)
    code, page = post(client, case_url(case), "level", level="2")
    assert code == 200
    assert "level-reason_error" in page, "the reason is required"
    code, _ = post(client, case_url(case), "level", level="2", reason="Absence rising after talks")
    assert code == 302
    case.refresh_from_db()
    assert case.level == 2
    change = LevelChange.objects.get(case=case)
    assert (change.from_level, change.to_level) == (1, 2)
    [event] = events(actions.CASE_LEVEL_CHANGED)
    assert event.changes == {"level": {"old": 1, "new": 2}}


def test_the_contact_teacher_names_the_coordinator(
    client: Client, world: World, clock: Clock
) -> None:
    from sammen.roster.models import Staff

    case = ola_case(world)
    alice = Staff.objects.get(user=world.alice)
    client.force_login(world.alice)
    code, _ = post(client, case_url(case), "coordinator", staff=str(alice.pk))
    assert code == 302
    case.refresh_from_db()
    assert case.coordinator == alice
    # The nurse is not school staff and cannot be the coordinator.
    nurse = Staff.objects.get(user=world.nurse)
    code, _ = post(client, case_url(case), "coordinator", staff=str(nurse.pk))
    assert code == 200
    case.refresh_from_db()
    assert case.coordinator == alice


def test_two_people_editing_the_plan_the_second_gets_a_conflict_and_nothing_is_lost(
    world: World, clock: Clock
) -> None:
    case = ola_case(world)
    url = case_url(case, "plan/")
    alice, leader = Client(), Client()
    alice.force_login(world.alice)
    leader.force_login(world.leader)
    # Both open the plan at version 1.
    assert 'name="plan-version" value="1"' in alice.get(url).content.decode()
    assert 'name="plan-version" value="1"' in leader.get(url).content.decode()
    code, _ = post(alice, url, "plan", version="1", problem="Alice's text", school_work_at_home="")
    assert code == 302
    code, page = post(
        leader, url, "plan", version="1", problem="Leader's text", school_work_at_home=""
    )
    assert code == 409
    assert "Alice&#x27;s text" in page and "Leader&#x27;s text" in page
    assert 'name="plan-version" value="2"' in page
    plan = Plan.objects.get(case=case)
    assert (plan.problem, plan.version) == ("Alice's text", 2)
    # The leader merges and saves again from version 2.
    code, _ = post(
        leader,
        url,
        "plan",
        version="2",
        problem="Alice's text. Leader's text",
        school_work_at_home="",
    )
    assert code == 302
    plan.refresh_from_db()
    assert (plan.problem, plan.version) == ("Alice's text. Leader's text", 3)
    assert len(events(actions.PLAN_SAVED)) == 2


def test_two_people_writing_minutes_the_second_gets_a_conflict(world: World, clock: Clock) -> None:
    case = ola_case(world)
    alice, leader = Client(), Client()
    alice.force_login(world.alice)
    leader.force_login(world.leader)
    code, _ = post(
        alice, case_url(case, "moter/"), "meeting", kind="guardians", held_on="2026-11-26"
    )
    assert code == 302
    meeting = Meeting.objects.get(case=case)
    url = case_url(case, f"mote/{meeting.public_id}/")
    code, _ = post(alice, url, "minutes", version="1", minutes="We agreed on mornings.")
    assert code == 302
    code, page = post(leader, url, "minutes", version="1", minutes="Mother worried about mornings.")
    assert code == 409 and "We agreed on mornings." in page
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("We agreed on mornings.", 2)


def test_measures_are_added_evaluated_and_shown_with_attendance_before_and_after(
    client: Client, world: World, clock: Clock
) -> None:
    from sammen.attendance.models import PupilWeek

    for week, absent in ((date(2026, 10, 26), 12), (date(2026, 11, 2), 15), (date(2026, 11, 9), 3)):
        PupilWeek.objects.create(
            pupil=world.ola,
            week_start=week,
            school_days=5,
            planned_lessons=30,
            absent_lessons=absent,
        )
    case = ola_case(world)
    client.force_login(world.alice)
    url = case_url(case, "plan/")
    fields = {
        "title": "Trusted adult meets Ola at the door",
        "kind": "trusted_adult",
        "owner_kind": "school",
        "owner_name": "Alice",
        "starts_on": "2026-11-09",
        "frequency": "daily",
        "evaluate_on": "2026-11-01",
        "status": "active",
    }
    code, page = post(client, url, "measure", **fields)
    assert code == 200 and "evaluated after it starts" in page
    code, _ = post(client, url, "measure", **{**fields, "evaluate_on": "2026-11-23"})
    assert code == 302
    measure = Measure.objects.get(case=case)
    overview = client.get(case_url(case)).content.decode()
    # 27 of 60 lessons before (45.0 %), 3 of 30 from its start (10.0 %).
    assert "45.0 %" in overview and "10.0 %" in overview
    assert "Evaluate" in client.get(url).content.decode()
    # The evaluation is overdue (23.11 < 26.11); an evaluation that goes on needs a next date.
    code, page = post(
        client, url, "evaluate", measure=str(measure.public_id), outcome="helped", status="active"
    )
    assert code == 200 and "new evaluation date" in page
    code, _ = post(
        client,
        url,
        "evaluate",
        measure=str(measure.public_id),
        outcome="helped",
        status="active",
        next_evaluate_on="2026-12-10",
    )
    assert code == 302
    measure.refresh_from_db()
    assert measure.evaluate_on == date(2026, 12, 10)
    assert Evaluation.objects.get(measure=measure).outcome == "helped"


def test_goals_put_the_pupils_own_first(client: Client, world: World, clock: Clock) -> None:
    case = ola_case(world)
    client.force_login(world.alice)
    url = case_url(case, "plan/")
    post(client, url, "goal", text="Full days by February")
    post(client, url, "goal", text="Drive an excavator", pupil_own="on")
    page = client.get(url).content.decode()
    assert page.index("Drive an excavator") < page.index("Full days by February")


def test_return_steps_and_agreements(client: Client, world: World, clock: Clock) -> None:
    case = ola_case(world)
    client.force_login(world.alice)
    url = case_url(case, "plan/")
    for text, day in (
        ("One lesson with a trusted adult", "2026-11-30"),
        ("Mornings", "2026-12-07"),
    ):
        assert post(client, url, "step", description=text, from_on=day)[0] == 302
    first = ReturnStep.objects.get(case=case, position=1)
    assert post(client, url, "step_status", step=str(first.pk), status="reached")[0] == 302
    first.refresh_from_db()
    assert first.status == "reached"
    assert (
        post(client, url, "agreement", text="The school calls at 08:15", agreed_on="2026-11-26")[0]
        == 302
    )
    assert Agreement.objects.get(case=case).text == "The school calls at 08:15"


def test_action_items_become_measures_and_overdue_ones_reach_the_leader(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    client.force_login(world.alice)
    post(client, case_url(case, "moter/"), "meeting", kind="team", held_on="2026-11-20")
    meeting = Meeting.objects.get(case=case)
    url = case_url(case, f"mote/{meeting.public_id}/")
    assert (
        post(
            client,
            url,
            "action",
            what="Call the mother",
            who="Alice",
            owner_kind="school",
            due_on="2026-11-24",
        )[0]
        == 302
    )
    assert (
        post(
            client,
            url,
            "action",
            what="Plan mornings",
            who="Mother",
            owner_kind="home",
            due_on="2026-12-01",
        )[0]
        == 302
    )
    leader = Client()
    leader.force_login(world.leader)
    overview = leader.get(f"/skole/{world.school_a.public_id}/oppfolging/").content.decode()
    assert "Call the mother" in overview and "Plan mornings" not in overview
    item = meeting.actions.get(what="Plan mornings")
    assert (
        post(
            client,
            url,
            "to_measure",
            item=str(item.public_id),
            kind="routines",
            frequency="daily",
            evaluate_on="2026-12-15",
        )[0]
        == 302
    )
    measure = Measure.objects.get(case=case)
    assert (measure.title, measure.owner_kind, measure.from_action) == (
        "Plan mornings",
        "home",
        item,
    )
    done = meeting.actions.get(what="Call the mother")
    client.post(url, {"action": "done", "item": str(done.public_id)})
    done.refresh_from_db()
    assert done.done_on == TODAY
    overview = leader.get(f"/skole/{world.school_a.public_id}/oppfolging/").content.decode()
    assert "Call the mother" not in overview


def test_reading_a_case_is_audited(client: Client, world: World, clock: Clock) -> None:
    case = ola_case(world)
    client.force_login(world.leader)
    client.get(case_url(case, "plan/"))
    [event] = events(actions.CASE_VIEWED)
    assert (event.pupil_id, event.detail) == (world.ola.public_id, "plan")


def test_the_school_list_has_no_query_per_case(
    client: Client, world: World, clock: Clock, django_assert_max_num_queries: object
) -> None:
    from sammen.followup.cases import open_case
    from tests import factories as f

    for _ in range(6):
        open_case(
            user=world.leader, pupil=f.make_pupil(world.school_a, world.class_8a), today=TODAY
        )
    client.force_login(world.leader)
    url = f"/skole/{world.school_a.public_id}/oppfolging/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        open_case(
            user=world.leader, pupil=f.make_pupil(world.school_a, world.class_8a), today=TODAY
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)
