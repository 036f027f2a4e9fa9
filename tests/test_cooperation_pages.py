"""The cooperation pages through HTTP: the calls list, logging a contact, positive notes, the
leader's overview and the escalation job, the fortnightly review, the family's needs, the 24-hour
person, the network, "felt heard" and the school's standard. Who gets in, what is saved and
audited, and that list pages do not query per row."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.cooperation import felt_heard, rhythm
from sammen.cooperation.models import (
    ActionItem,
    Cadence,
    Contact,
    ContactKind,
    FamilyNeeds,
    FeltHeard,
    NetworkMember,
    ProfileEntry,
    Review,
    ReviewPlacement,
    ReviewSetup,
    Tone,
)
from sammen.cooperation.services import ContactData, log_contact, set_cadence
from sammen.roster.models import Pupil
from tests import factories as f
from tests.attendance_fixtures import TODAY, CalendarWorld, calendar_world
from tests.conftest import World, page

__all__ = ["calendar_world"]

CALLS = "/samarbeid/kontakter/"


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The assertions read the English texts; Norwegian is the default for everyone else."""


def cadence_for(w: World, pupil: Pupil, *, started: date = TODAY - timedelta(days=30)) -> Cadence:
    cadence = set_cadence(
        actor=w.alice,
        pupil=pupil,
        every_days=14,
        channel="phone",
        window="evening",
        active=True,
        today=started,
    )
    return cadence


def contact(w: World, pupil: Pupil, on: date, tone: str = Tone.NEUTRAL, **kw: Any) -> Contact:
    data = ContactData(on=on, kind=kw.pop("kind", "phone"), initiated_by="school", tone=tone, **kw)
    return log_contact(actor=w.alice, pupil=pupil, data=data, today=TODAY)


# The rules ---------------------------------------------------------------------------------------


def test_the_next_contact_is_due_a_cadence_after_the_last_talk() -> None:
    start = date(2026, 11, 1)
    assert rhythm.due_date(last_contact=None, started_on=start, every_days=14) == date(2026, 11, 15)
    last = date(2026, 11, 20)
    assert rhythm.due_date(last_contact=last, started_on=start, every_days=14) == date(2026, 12, 4)
    due = rhythm.due_status(date(2026, 11, 18), TODAY, escalate_after_days=7)
    assert due.status == rhythm.Status.OVERDUE and due.days_overdue == 8 and due.escalate
    assert rhythm.due_status(date(2026, 11, 28), TODAY, escalate_after_days=7).status == "due"
    assert rhythm.due_status(date(2026, 12, 5), TODAY, escalate_after_days=7).status == "later"


def test_a_family_that_heard_only_concerns_is_pointed_out() -> None:
    assert rhythm.balance(["concern", "concern", "neutral"]).only_concerns
    assert not rhythm.balance(["concern", "positive"]).only_concerns
    assert not rhythm.balance([]).only_concerns


def test_the_halves_are_balanced_stable_and_alternate_by_week() -> None:
    names = [(i, n) for i, n in enumerate(["Berg", "Aas", "Dahl", "Eide", "Carlsen"])]
    halves = rhythm.split_halves(names)
    assert sorted(halves.values()).count(0) == 3 and sorted(halves.values()).count(1) == 2
    assert halves[1] == 0 and halves[0] == 1  # Aas A, Berg B (alphabetical, alternating)
    placed = rhythm.place_newcomers(halves, [(9, "Foss")])
    assert placed == {9: 1}  # to the smaller half
    monday = date(2026, 11, 23)
    assert rhythm.half_of_week(monday, TODAY) == 0
    assert rhythm.half_of_week(monday, TODAY + timedelta(days=7)) == 1
    assert rhythm.half_of_week(monday, TODAY + timedelta(days=14)) == 0


# The calls list ---------------------------------------------------------------------------------


def test_the_contact_teacher_sees_who_is_due_with_the_last_review(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    cadence_for(w, w.ola)
    contact(w, w.ola, TODAY - timedelta(days=20), Tone.CONCERN)
    Review.objects.create(
        pupil=w.ola, group=w.class_8a, held_on=TODAY - timedelta(days=1), positive="Møtte presis"
    )
    cadence_for(w, w.nils)  # class 8C: not alice's
    client.force_login(w.alice)
    html = page(client, CALLS)
    assert "Ola Nordmann" in html and "Nils" not in html
    assert "6 days overdue" in html
    assert "6.11.2026" in html  # the last talk
    assert "Møtte presis" in html
    assert "only heard concerns" in html
    assert AuditEvent.objects.filter(action=actions.COOPERATION_VIEWED, pupil_id=w.ola.public_id)


def test_the_calls_list_runs_the_same_queries_for_many_pupils(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    cadence_for(w, w.ola)
    contact(w, w.ola, TODAY - timedelta(days=3), Tone.POSITIVE)
    client.force_login(w.alice)
    page(client, CALLS)
    with CaptureQueriesContext(connection) as few:
        page(client, CALLS)
    for _ in range(5):
        pupil = f.make_pupil(w.school_a, w.class_8a)
        f.make_guardian(pupil)
        cadence_for(w, pupil)
        contact(w, pupil, TODAY - timedelta(days=3), Tone.CONCERN)
        Review.objects.create(pupil=pupil, group=w.class_8a, held_on=TODAY, positive="Bra")
    with CaptureQueriesContext(connection) as many:
        html = page(client, CALLS)
    assert html.count("<tr>") >= 7  # the six pupils, not due yet, in the table
    assert len(many) == len(few)


def test_logging_a_call_takes_one_short_form(client: Client, calendar_world: CalendarWorld) -> None:
    w = calendar_world.world
    cadence = cadence_for(w, w.ola)
    Cadence.objects.filter(pk=cadence.pk).update(escalated_on=TODAY)
    client.force_login(w.alice)
    url = f"/elev/{w.ola.public_id}/samarbeid/kontakt/"
    html = page(client, url)
    assert 'value="2026-11-26"' in html  # today by default
    response = client.post(
        url, {"kind": "phone", "tone": "positive", "on": "2026-11-26", "initiated_by": "home"}
    )
    assert response.status_code == 302
    saved = Contact.objects.get(pupil=w.ola)
    assert (saved.tone, saved.initiated_by, saved.guardian) == ("positive", "home", w.ola_mother)
    assert Cadence.objects.get(pk=cadence.pk).escalated_on is None
    assert AuditEvent.objects.filter(action=actions.COOP_CONTACT_LOGGED).count() == 1


@pytest.mark.parametrize("persona", ["bob", "office", "nurse", "charlie", "guardian"])
def test_others_cannot_log_a_contact_or_share_a_note(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    base = f"/elev/{world.ola.public_id}/samarbeid/"
    data = {"kind": "phone", "tone": "positive", "on": "2026-11-26", "initiated_by": "home"}
    assert client.post(base + "kontakt/", data).status_code == 404
    assert client.post(base + "lysglimt/", {"note": "Fin dag"}).status_code == 404
    assert not Contact.objects.exists()


def test_a_positive_note_reaches_the_family_in_one_step(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    response = client.post(
        f"/elev/{w.ola.public_id}/samarbeid/lysglimt/",
        {"note": "Ola hjalp en ny elev", "back": "calls"},
    )
    assert response.status_code == 302 and response["Location"] == CALLS
    note = Contact.objects.get(kind=ContactKind.LYSGLIMT)
    assert note.tone == Tone.POSITIVE and note.shared_with_family
    client.force_login(w.guardian)
    assert "Ola hjalp en ny elev" in page(client, f"/elev/{w.ola.public_id}/hjem-og-skole/")
    client.force_login(w.father)  # no parental responsibility
    assert client.get(f"/elev/{w.ola.public_id}/hjem-og-skole/").status_code == 404


# The leader --------------------------------------------------------------------------------------


def test_the_leader_sees_overdue_contacts_and_the_job_escalates_them(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    cadence_for(w, w.ola, started=TODAY - timedelta(days=40))
    call_command("cooperation_reminders", "--today", TODAY.isoformat(), stdout=_Sink())
    assert Cadence.objects.get(pupil=w.ola).escalated_on == TODAY
    assert AuditEvent.objects.filter(action=actions.COOP_CONTACT_ESCALATED).count() == 1
    call_command("cooperation_reminders", "--today", TODAY.isoformat(), stdout=_Sink())
    assert AuditEvent.objects.filter(action=actions.COOP_CONTACT_ESCALATED).count() == 1
    client.force_login(w.leader)
    html = page(client, f"/skole/{w.school_a.public_id}/samarbeid/")
    assert "Ola Nordmann" in html and "Told to the leader" in html


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def test_the_standard_is_saved_and_shown_to_the_guardians(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.leader)
    url = f"/skole/{w.school_a.public_id}/samarbeid/standard/"
    data = {
        "cadence_days": "10",
        "escalate_after_days": "5",
        "review_weekday": "2",
        "flag_answer_days": "3",
        "evening_calls": "on",
        "home_visits": "on",
        "start_of_year": "Meld fravær før kl. 8.",
    }
    assert client.post(url, data).status_code == 302
    assert AuditEvent.objects.filter(action=actions.COOPERATION_STANDARD_SAVED).count() == 1
    client.force_login(w.guardian)
    html = page(client, f"/skole/{w.school_a.public_id}/samarbeid/rutiner/")
    assert "every 10 days" in html and "Meld fravær før kl. 8." in html and "evening" in html
    client.force_login(w.other_guardian)
    assert client.get(f"/skole/{w.school_a.public_id}/samarbeid/rutiner/").status_code == 404


# The fortnightly review --------------------------------------------------------------------------


def test_the_review_is_set_up_run_and_adjusted(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    more = [f.make_pupil(w.school_a, w.class_8a, family_name=n) for n in ("Aas", "Berg", "Dahl")]
    client.force_login(w.alice)
    group = f"/gruppe/{w.class_8a.public_id}/elevgjennomgang/"
    assert "not set up" in page(client, group)
    assert client.post(group + "oppsett/").status_code == 302
    halves = dict(ReviewPlacement.objects.values_list("pupil_id", "half"))
    assert sorted(halves.values()) == [0, 0, 1, 1]
    html = page(client, group)
    this_week = [p for p in [w.ola, *more] if halves[p.pk] == 0]
    for p in this_week:
        assert p.full_name in html
    # Move one pupil to the other half.
    assert client.post(group + "oppsett/", {"move": str(more[0].public_id)}).status_code == 302
    assert ReviewPlacement.objects.get(pupil=more[0]).half == 1 - halves[more[0].pk]
    # One screen per pupil: the three answers and an action item.
    screen = f"{group}elev/{w.ola.public_id}/"
    assert "What positive development do we see?" in page(client, screen)
    response = client.post(
        screen,
        {
            "save": "1",
            "positive": "Kom hver dag",
            "made_possible": "Morgenavtale",
            "support": "Innsjekk",
            "item-text": "Ring mor fredag",
            "item-owner": str(w.alice.staff.pk),
            "item-due_on": "2026-12-04",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(pupil=w.ola)
    assert review.held_on == TODAY and review.positive == "Kom hver dag"
    item = ActionItem.objects.get(pupil=w.ola)
    assert item.owner == w.alice.staff and item.review == review
    client.post(screen, {"done": str(item.public_id)})
    assert ActionItem.objects.get(pk=item.pk).done_on == TODAY
    assert ReviewSetup.objects.count() == 1


def test_the_review_agenda_runs_the_same_queries_for_a_bigger_class(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.leader)
    group = f"/gruppe/{w.class_8a.public_id}/elevgjennomgang/"
    client.post(group + "oppsett/")
    page(client, group)
    with CaptureQueriesContext(connection) as few:
        page(client, group)
    for _ in range(6):
        f.make_pupil(w.school_a, w.class_8a)
    with CaptureQueriesContext(connection) as many:
        page(client, group)
    assert len(many) == len(few)


def test_a_subject_teacher_cannot_open_the_review(client: Client, world: World) -> None:
    ReviewSetup.objects.create(group=world.class_8a, first_monday=date(2026, 11, 23))
    client.force_login(world.bob)
    url = f"/gruppe/{world.class_8a.public_id}/elevgjennomgang/elev/{world.ola.public_id}/"
    assert client.post(url, {"save": "1", "positive": "x"}).status_code == 404
    assert not Review.objects.exists()


# The family's needs ------------------------------------------------------------------------------


def test_barriers_need_the_familys_own_word_and_every_reading_is_logged(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    url = f"/elev/{w.ola.public_id}/samarbeid/behov/"
    data = {
        "language": "nb",
        "time_available": "limited",
        "channel": "phone",
        "window": "evening",
        "barriers": ["own_school"],
        "adjustments": ["right_hour"],
    }
    html = client.post(url, data).content.decode()
    assert "only when the family has told" in html
    assert not FamilyNeeds.objects.exists()
    assert client.post(url, {**data, "family_told": "on"}).status_code == 302
    before = AuditEvent.objects.filter(action=actions.COOP_BARRIERS_VIEWED).count()
    html = page(client, f"/elev/{w.ola.public_id}/samarbeid/")
    assert "own hard school experiences" in html
    assert AuditEvent.objects.filter(action=actions.COOP_BARRIERS_VIEWED).count() == before + 1
    client.force_login(w.bob)
    assert client.get(url).status_code == 404


# The 24-hour person and the network --------------------------------------------------------------


def test_a_guardian_adds_to_the_profile_and_their_own_part_of_the_network(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.guardian)
    url = f"/elev/{w.ola.public_id}/hjem-og-skole/"
    client.post(url, {"profile": "1", "part": "leisure", "text": "Spiller fiolin"})
    entry = ProfileEntry.objects.get()
    assert (entry.author, entry.visibility) == ("guardian", "family")
    client.post(url, {"network": "1", "sphere": "community", "name": "Kari", "role": "korleder"})
    staff_member = NetworkMember.objects.create(
        pupil=w.ola, sphere="school", name="Alice", role="kontaktlærer"
    )
    own = NetworkMember.objects.get(name="Kari")
    assert own.added_by_guardian == w.ola_mother
    assert client.post(url, {"remove": str(staff_member.public_id)}).status_code == 404
    html = page(client, url)
    assert "Spiller fiolin" in html and "<svg" in html and "korleder" in html
    client.force_login(w.alice)
    html = page(client, f"/elev/{w.ola.public_id}/samarbeid/nettverk/")
    assert 'role="img"' in html and "Kari – korleder" in html and "Alice – kontaktlærer" in html
    assert "Spiller fiolin" in page(
        client, f"/elev/{w.ola.public_id}/samarbeid/24-timersmennesket/"
    )


def test_staff_only_entries_are_not_shown_to_the_family(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    client.post(
        f"/elev/{w.ola.public_id}/samarbeid/24-timersmennesket/",
        {"add": "1", "part": "future", "text": "Bli mekaniker", "author": "pupil",
         "visibility": "staff", "is_goal": "on"},
    )  # fmt: skip
    assert ProfileEntry.objects.get().is_goal
    client.force_login(w.guardian)
    assert "Bli mekaniker" not in page(client, f"/elev/{w.ola.public_id}/hjem-og-skole/")


# Felt heard --------------------------------------------------------------------------------------


def test_the_guardian_answers_felt_heard_once_by_link(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    call = contact(w, w.ola, TODAY - timedelta(days=1), guardian=w.ola_mother)
    url = felt_heard.url_for(call, w.ola_mother)
    assert "Did you feel seen and heard?" in page(client, url)  # no login
    assert client.post(url, {"score": "4", "comment": "Takk"}).status_code == 200
    answer = FeltHeard.objects.get()
    assert (answer.score, answer.guardian) == (4, w.ola_mother)
    assert "already answered" in page(client, url)
    client.post(url, {"score": "1"})
    assert FeltHeard.objects.count() == 1
    client.force_login(w.alice)
    assert "4 of 5" in page(client, f"/elev/{w.ola.public_id}/samarbeid/")


def test_a_forged_or_expired_link_is_not_found(client: Client, world: World) -> None:
    call = Contact.objects.create(
        pupil=world.ola, school=world.school_a, on=date(2026, 11, 25), kind="phone"
    )
    forged = signing.dumps({"c": call.public_id.hex, "g": world.ola_mother.public_id.hex})
    assert client.get(f"/sett-og-hort/{forged}/").status_code == 404
    father = felt_heard.url_for(call, world.ola_father)  # no parental responsibility
    assert client.get(father).status_code == 404
    url = felt_heard.url_for(call, world.ola_mother)
    import time

    real = time.time
    try:
        time.time = lambda: real() + 15 * 24 * 3600
        assert client.get(url).status_code == 404
    finally:
        time.time = real
