"""The case history as a timeline, and the pupil's absence before and after each measure started.

``before_after`` and ``entries`` are pure: weeks and events in, rows out. ``load`` reads what they
need in a fixed number of queries, whatever the size of the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from sammen.attendance.models import PupilWeek
from sammen.followup.models import Case, Measure
from sammen.warning.explain import rule_name
from sammen.warning.models import Flag

WEEKS_AROUND = 4


@dataclass(frozen=True)
class Week:
    week_start: date
    planned_lessons: int
    absent_lessons: int


@dataclass(frozen=True)
class BeforeAfter:
    measure: Measure
    weeks_before: int
    percent_before: Decimal | None
    weeks_after: int
    percent_after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.percent_before is None or self.percent_after is None:
            return None
        return self.percent_after - self.percent_before


def _percent(weeks: Sequence[Week]) -> Decimal | None:
    planned = sum(w.planned_lessons for w in weeks)
    if not planned:
        return None
    share = Decimal(100 * sum(w.absent_lessons for w in weeks)) / Decimal(planned)
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def before_after(
    weeks: Sequence[Week], start: date, today: date, span: int = WEEKS_AROUND
) -> tuple[int, Decimal | None, int, Decimal | None]:
    """The share of lessons missed in the ``span`` school weeks before the week ``start`` falls
    in, and in that week and up to ``span - 1`` after it (no further than ``today``'s week)."""
    first = start - timedelta(days=start.weekday())
    before = [w for w in weeks if w.week_start < first and w.planned_lessons][-span:]
    after = [w for w in weeks if first <= w.week_start <= today and w.planned_lessons][:span]
    return len(before), _percent(before), len(after), _percent(after)


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a short word for the CSS and the tests: flag, opened, level, meeting, ...
    label: str
    text: str


def entries(case: Case, flags: Iterable[Flag], today: date) -> list[Entry]:
    """Everything that happened in the case, oldest first. Reads the case's prefetched sets."""
    rows = [Entry(case.opened_on, "opened", _("Case opened"), case.get_level_display())]
    for flag in flags:
        rows.append(Entry(flag.opened_on, "flag", _("Early-warning flag"), rule_name(flag.rule)))
    for change in case.level_changes.all():
        label = _("Level raised") if change.to_level > change.from_level else _("Level lowered")
        rows.append(Entry(change.changed_on, "level", label, change.reason))
    for consent in case.consents.all():
        service = consent.get_service_display()
        rows.append(Entry(consent.given_on, "consent", _("Consent given"), service))
        if consent.withdrawn_at is not None:
            rows.append(
                Entry(consent.withdrawn_at.date(), "consent", _("Consent withdrawn"), service)
            )
    for meeting in case.meetings.all():
        rows.append(Entry(meeting.held_on, "meeting", meeting.get_kind_display(), meeting.agenda))
    for measure in case.measures.all():
        rows.append(Entry(measure.starts_on, "measure", _("Measure starts"), measure.title))
        for evaluation in measure.evaluations.all():
            text = f"{measure.title}: {evaluation.get_outcome_display()}"
            rows.append(Entry(evaluation.evaluated_on, "evaluation", _("Evaluated"), text))
    for view in case.pupil_views.all():
        rows.append(Entry(view.heard_on, "voice", _("The pupil was heard"), view.words))
    for disagreement in case.disagreements.all():
        rows.append(
            Entry(disagreement.recorded_on, "trouble", _("Disagreement"), disagreement.topic)
        )
        for mediation in disagreement.mediations.all():
            text = mediation.led_by
            rows.append(Entry(mediation.offered_on, "trouble", _("Mediation offered"), text))
    for referral in case.referrals.all():
        rows.append(Entry(referral.sent_on, "trouble", _("Referral to child welfare"), ""))
    if case.closed_on:
        rows.append(Entry(case.closed_on, "closed", _("Case closed"), ""))
    return sorted((r for r in rows if r.on <= today), key=lambda r: r.on)


def pupil_weeks(case: Case) -> list[Week]:
    return [
        Week(w.week_start, w.planned_lessons, w.absent_lessons)
        for w in PupilWeek.objects.filter(pupil_id=case.pupil_id).order_by("week_start")
    ]


def measure_effects(case: Case, weeks: Sequence[Week], today: date) -> list[BeforeAfter]:
    out = []
    for measure in case.measures.all():
        if measure.starts_on > today:
            continue
        n_before, before, n_after, after = before_after(weeks, measure.starts_on, today)
        out.append(BeforeAfter(measure, n_before, before, n_after, after))
    return out
