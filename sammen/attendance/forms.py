"""Forms for the registers, corrections and the guardian's absence report.

They only read what was posted; ``sammen.attendance.services`` checks the facts again (school day,
group, minutes) and writes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sammen.attendance.models import GuardianReportReason, Kind, Reason
from sammen.attendance.services import MAX_MINUTES, MINUTE_KINDS, PRESENT, Entry
from sammen.roster.models import Pupil

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]

LESSON_STATUSES = [
    (PRESENT, _("Present")),
    (Kind.ABSENT, _("Absent")),
    (Kind.LATE, _("Late")),
    (Kind.LEFT_EARLY, _("Left early")),
    (Kind.PRESENT_ELSEWHERE, _("Elsewhere")),
]
DAY_STATUSES = [
    (PRESENT, _("Present")),
    (Kind.ABSENT, _("Absent all day")),
    (Kind.PRESENT_ELSEWHERE, _("Elsewhere")),
]
# School activity is what "elsewhere" means; an absence has one of the others.
ABSENCE_REASONS = [(v, label) for v, label in Reason.choices if v != Reason.SCHOOL_ACTIVITY]

# A guardian reports from a week back (a weekend's illness told on Monday) up to a term ahead;
# one report covers at most a month: longer absence is a conversation with the school.
REPORT_DAYS_BACK = 7
REPORT_DAYS_AHEAD = 120
REPORT_MAX_DAYS = 31


def _require_minutes(form: forms.Form, data: dict[str, Any]) -> None:
    missing = data.get("status") in MINUTE_KINDS and not data.get("minutes")
    if missing and "minutes" not in form.errors:
        form.add_error("minutes", _("Write how many minutes."))


class LessonRowForm(forms.Form):
    status = forms.ChoiceField(choices=LESSON_STATUSES, widget=forms.RadioSelect)
    minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=1, max_value=MAX_MINUTES
    )

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        kwargs["prefix"] = str(pupil.public_id)
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in MINUTE_KINDS:
            _require_minutes(self, data)
        else:
            # Minutes left in the box after switching back to absent or present mean nothing.
            data["minutes"] = None
            self.errors.pop("minutes", None)
        return data

    def entry(self, *, reason: str = Reason.UNEXPLAINED) -> Entry:
        data = self.cleaned_data
        return Entry(self.pupil, data["status"], data.get("minutes"), reason)


class DayRowForm(forms.Form):
    status = forms.ChoiceField(choices=DAY_STATUSES, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=ABSENCE_REASONS, initial=Reason.UNEXPLAINED
    )
    documented = forms.BooleanField(label=_("Documented"), required=False)

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        kwargs["prefix"] = str(pupil.public_id)
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def entry(self) -> Entry:
        data = self.cleaned_data
        return Entry(self.pupil, data["status"], None, data["reason"], data["documented"])


class CorrectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=LESSON_STATUSES,
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label=_("Minutes late or early"), required=False, min_value=1, max_value=MAX_MINUTES
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=ABSENCE_REASONS)
    documented = forms.BooleanField(label=_("Documented"), required=False)

    def __init__(self, *args: Any, whole_day: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if whole_day:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = DAY_STATUSES
            del self.fields["minutes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _require_minutes(self, data)
        return data


class ChildChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class GuardianReportForm(forms.Form):
    """Structured on purpose: no free text, so no health details end up in the school's files."""

    child = ChildChoice(
        label=_("Who is absent?"),
        queryset=Pupil.objects.none(),
        to_field_name="public_id",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    when = forms.ChoiceField(
        label=_("When?"),
        choices=[("today", _("Today")), ("period", _("Another day or several days"))],
        widget=forms.RadioSelect,
        initial="today",
    )
    first_day = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last_day = forms.DateField(
        label=_("To and including"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.ChoiceField(
        label=_("Why?"), choices=GuardianReportReason.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, children: QuerySet[Pupil], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child = self.fields["child"]
        assert isinstance(child, forms.ModelChoiceField)
        child.queryset = children
        self.today = today
        if len(children) == 1:
            self.fields["child"].initial = children[0].public_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "today":
            data["first_day"] = data["last_day"] = self.today
            return data
        first, last = data.get("first_day"), data.get("last_day")
        if first is None and "first_day" not in self.errors:
            self.add_error("first_day", _("Write the first day."))
        if last is None and first is not None:
            data["last_day"] = last = first
        if first is None or last is None:
            return data
        if last < first:
            self.add_error("last_day", _("The last day comes before the first."))
        elif first < self.today - timedelta(days=REPORT_DAYS_BACK):
            self.add_error(
                "first_day",
                _("You can report up to %(days)d days back. Contact the school for earlier days.")
                % {"days": REPORT_DAYS_BACK},
            )
        elif last > self.today + timedelta(days=REPORT_DAYS_AHEAD):
            self.add_error("last_day", _("That is too far ahead. Contact the school."))
        elif (last - first).days >= REPORT_MAX_DAYS:
            self.add_error(
                "last_day",
                _("One report covers at most %(days)d days. Contact the school for longer absence.")
                % {"days": REPORT_MAX_DAYS},
            )
        return data
