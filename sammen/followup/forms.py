"""Forms of the follow-up pages. They parse and check the input; the services enforce the rules
(consent from every guardian with parental responsibility, a documented referral, locking)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.followup.models import (
    Factor,
    Frequency,
    HeardHow,
    Level,
    MeasureKind,
    MeasureStatus,
    MediationAnswer,
    MeetingKind,
    MemberRole,
    Outcome,
    OwnerKind,
    Reason,
    Service,
    StepStatus,
)
from sammen.roster.models import Guardian, Staff


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, help_text=help_text)


def text(label: Any, max_length: int, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class OpenCaseForm(forms.Form):
    flag = forms.UUIDField(required=False, widget=forms.HiddenInput)


class LevelForm(forms.Form):
    level = forms.TypedChoiceField(label=_("New level"), choices=Level.choices, coerce=int)
    reason = text(_("Why"), 1000, rows=3)


class CoordinatorForm(forms.Form):
    staff = StaffChoice(label=_("Coordinator"), queryset=Staff.objects.none())

    def __init__(self, *args: Any, staff: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(pk__in=[s.pk for s in staff])  # type: ignore[attr-defined]


class MemberForm(CoordinatorForm):
    role = forms.ChoiceField(label=_("Role in the case"), choices=MemberRole.choices)

    def __init__(self, *args: Any, staff: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, staff=staff, **kwargs)
        self.fields["staff"].label = _("Staff member")


class ConsentForm(forms.Form):
    staff = StaffChoice(label=_("Support-service worker"), queryset=Staff.objects.none())
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    guardians = forms.ModelMultipleChoiceField(
        label=_("Consent given by"),
        queryset=Guardian.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every guardian with parental responsibility must consent."),
    )
    pupil_consented = forms.BooleanField(
        label=_("The pupil consents (required from 15)"), required=False
    )
    given_on = date_field(_("Consent given"))
    expires_on = date_field(_("Consent expires (last day)"))

    def __init__(
        self, *args: Any, staff: list[Staff], guardians: list[Guardian], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(pk__in=[s.pk for s in staff])  # type: ignore[attr-defined]
        self.fields["guardians"].queryset = Guardian.objects.filter(  # type: ignore[attr-defined]
            pk__in=[g.pk for g in guardians]
        )
        self.fields["guardians"].label_from_instance = lambda g: g.full_name  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=_("What may lie behind the absence"),
        choices=Factor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = forms.MultipleChoiceField(
        label=_("The kind of absence (Havik 2018)"),
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions = text(_("The school's own questions"), 4000, required=False)
    at_school = text(_("At school, in the school's words"), 4000, required=False)
    at_home = text(_("At home, as the home tells it"), 4000, required=False)
    strengths = text(_("What works, strengths"), 4000, required=False)


class PupilViewForm(forms.Form):
    words = text(_("What the pupil said, in the pupil's own words"), 4000)
    heard_how = forms.ChoiceField(label=_("How the pupil was heard"), choices=HeardHow.choices)
    heard_on = date_field(_("Date"))


class BestInterestForm(forms.Form):
    assessment = text(_("Assessment of the pupil's best interest"), 4000)
    assessed_on = date_field(_("Date"))


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    problem = text(_("What the problem is"), 4000, required=False, rows=6)
    school_work_at_home = text(
        _("School work at home while the pupil cannot come"), 4000, required=False
    )


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=500)
    pupil_own = forms.BooleanField(label=_("This is the pupil's own goal"), required=False)


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Measure"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    owner_kind = forms.ChoiceField(label=_("Who carries it out"), choices=OwnerKind.choices)
    owner_name = forms.CharField(
        label=_("Name of the person responsible"), max_length=200, required=False
    )
    starts_on = date_field(_("Start"))
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    evaluate_on = date_field(_("Evaluate by"))
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)


class EvaluationForm(forms.Form):
    measure = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("How did it go?"), choices=Outcome.choices)
    note = forms.CharField(label=_("What we saw"), max_length=1000, required=False)
    status = forms.ChoiceField(label=_("Status from now"), choices=MeasureStatus.choices)
    next_evaluate_on = date_field(_("Next evaluation"), required=False)


class ReturnStepForm(forms.Form):
    description = forms.CharField(
        label=_("Step"),
        max_length=300,
        help_text=_("For example: one lesson with a trusted adult; mornings; full days."),
    )
    from_on = date_field(_("From"))


class StepStatusForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)


class AgreementForm(forms.Form):
    text = forms.CharField(label=_("What home and school agree"), max_length=1000)
    agreed_on = date_field(_("Agreed"))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    held_on = date_field(_("Date"))
    agenda = text(_("Agenda"), 4000, required=False)
    participants = text(_("Participants (name and role)"), 2000, required=False, rows=3)


class MinutesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    minutes = text(_("Minutes"), 20000, required=False, rows=12)


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=500)
    who = forms.CharField(label=_("Who"), max_length=200)
    owner_kind = forms.ChoiceField(label=_("Carried out by"), choices=OwnerKind.choices)
    due_on = date_field(_("By"))


class ActionToMeasureForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    evaluate_on = date_field(_("Evaluate by"))


class DisagreementForm(forms.Form):
    topic = forms.CharField(label=_("What it is about"), max_length=300)
    school_view = text(_("The school's view"), 4000)
    home_view = text(_("The home's view, as the home puts it"), 4000)


class MediationForm(forms.Form):
    disagreement = forms.IntegerField(widget=forms.HiddenInput)
    led_by = forms.CharField(
        label=_("Led by"),
        max_length=200,
        help_text=_("Someone outside the class the home can trust, e.g. the inspector or PPT."),
    )


class MediationUpdateForm(forms.Form):
    mediation = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(label=_("The home's answer"), choices=MediationAnswer.choices)
    held_on = date_field(_("Held on"), required=False)
    outcome = text(_("Outcome"), 4000, required=False, rows=3)
    resolved = forms.BooleanField(label=_("The disagreement is resolved"), required=False)


class ReferralForm(forms.Form):
    # Not required here: the service names everything missing at once, in plain words.
    grounds = text(_("Grounds for the referral"), 4000, required=False, rows=5)
    measures_tried = text(_("Measures tried and how they went"), 4000, required=False, rows=5)
    guardians_informed_on = date_field(_("The guardians were informed on"), required=False)
    how_informed = forms.CharField(
        label=_("How the guardians were informed"), max_length=300, required=False
    )


class CommentForm(forms.Form):
    text = text(_("Your comment on the plan"), 2000)
