"""Forms of the cooperation pages. Short on purpose: logging a call takes under a minute, so
everything but the kind, the tone and the date is optional and has a sensible default."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.cooperation.models import (
    Adjustment,
    Author,
    Barrier,
    Cadence,
    Channel,
    ContactKind,
    CooperationStandard,
    FamilyNeeds,
    HomeVisit,
    Initiator,
    Part,
    Sphere,
    TimeWindow,
    Tone,
    Visibility,
)
from sammen.roster.models import Guardian, Staff

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_SHORT = forms.Textarea(attrs={"rows": 2})
LOGGED_KINDS = [(v, label) for v, label in ContactKind.choices if v != ContactKind.LYSGLIMT]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class GuardianChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LOGGED_KINDS, initial=ContactKind.PHONE)
    tone = forms.ChoiceField(label=_("Tone"), choices=Tone.choices, initial=Tone.NEUTRAL)
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    initiated_by = forms.ChoiceField(
        label=_("Who made contact"), choices=Initiator.choices, initial=Initiator.SCHOOL
    )
    guardian = GuardianChoice(
        label=_("With"), queryset=Guardian.objects.none(), required=False, empty_label="—"
    )
    at_home = forms.CharField(
        label=_("How the pupil is at home, in the guardian's words"),
        required=False,
        max_length=2000,
        widget=TEXT_SHORT,
    )
    tells_at_home = forms.CharField(
        label=_("What the pupil tells at home about school"),
        required=False,
        max_length=2000,
        widget=TEXT_SHORT,
    )
    agreements = forms.CharField(
        label=_("Agreements"), required=False, max_length=2000, widget=TEXT_SHORT
    )
    next_contact_on = forms.DateField(label=_("Next contact"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, guardians: list[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, GuardianChoice)
        field.queryset = Guardian.objects.filter(pk__in=[g.pk for g in guardians])
        if len(guardians) == 1:
            field.initial = guardians[0].pk


class LysglimtForm(forms.Form):
    note = forms.CharField(
        label=_("What went well?"),
        max_length=1000,
        widget=TEXT_SHORT,
        help_text=_("Shown to the family at once, on their page in Sammen."),
    )


class CadenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Cadence
        fields = ["every_days", "channel", "window", "active"]
        labels = {"every_days": _("Contact every (days)")}
        help_texts = {"window": _("As the guardians want it.")}


class StandardForm(forms.ModelForm):  # type: ignore[type-arg]
    review_weekday = forms.TypedChoiceField(
        label=_("Weekday of the staff meeting"), choices=WEEKDAYS, coerce=int
    )

    class Meta:
        model = CooperationStandard
        fields = [
            "cadence_days",
            "escalate_after_days",
            "review_weekday",
            "flag_answer_days",
            "evening_calls",
            "home_visits",
            "start_of_year",
        ]
        widgets = {"start_of_year": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "start_of_year": _(
                "Shown to the guardians: how and when the school gets in touch, what it expects "
                "of the home when a child is absent, and whom to call."
            )
        }


class FamilyNeedsForm(forms.ModelForm):  # type: ignore[type-arg]
    barriers = forms.MultipleChoiceField(
        label=_("What makes cooperation harder"),
        choices=Barrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what the family has told the school themselves. Choose from the list: never "
            "write health details or other hardship in free text. Seen only by the contact "
            "teacher and the school leader, and every reading is logged."
        ),
    )
    adjustments = forms.MultipleChoiceField(
        label=_("What the school does"),
        choices=Adjustment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FamilyNeeds
        fields = [
            "language",
            "interpreter",
            "time_available",
            "channel",
            "window",
            "family_told",
            "barriers",
            "barrier_note",
            "adjustments",
        ]
        help_texts = {
            "barrier_note": _("Optional, a few words on what helps. No diagnoses."),
        }


class HomeVisitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HomeVisit
        fields = [
            "planned_on",
            "purpose",
            "who_goes",
            "family_agreed",
            "status",
            "follow_up",
            "follow_up_on",
        ]
        widgets = {"planned_on": DATE_INPUT, "follow_up_on": DATE_INPUT}


class ProfileEntryForm(forms.Form):
    part = forms.ChoiceField(label=_("Part"), choices=Part.choices)
    text = forms.CharField(label=_("Text"), max_length=1000, widget=TEXT_SHORT)
    author = forms.ChoiceField(
        label=_("Written by"),
        choices=[(Author.STAFF, Author.STAFF.label), (Author.PUPIL, Author.PUPIL.label)],
        help_text=_("Choose the pupil when you write down the pupil's own words."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.FAMILY
    )
    is_goal = forms.BooleanField(label=_("A goal for the plan (the future person)"), required=False)


class GuardianProfileForm(forms.Form):
    part = forms.ChoiceField(label=_("Part"), choices=Part.choices)
    text = forms.CharField(label=_("Text"), max_length=1000, widget=TEXT_SHORT)


class NetworkForm(forms.Form):
    sphere = forms.ChoiceField(label=_("Sphere"), choices=Sphere.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.CharField(
        label=_("Who they are to the child"),
        max_length=120,
        help_text=_("For example: football coach, grandmother, PPT adviser."),
    )


class GuardianNetworkForm(forms.Form):
    sphere = forms.ChoiceField(
        label=_("Sphere"),
        choices=[(Sphere.FAMILY, Sphere.FAMILY.label), (Sphere.COMMUNITY, Sphere.COMMUNITY.label)],
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.CharField(label=_("Who they are to the child"), max_length=120)


class ReviewForm(forms.Form):
    positive = forms.CharField(
        label=_("What positive development do we see?"), max_length=2000, widget=TEXT_SHORT
    )
    made_possible = forms.CharField(
        label=_("What made it possible?"), required=False, max_length=2000, widget=TEXT_SHORT
    )
    support = forms.CharField(
        label=_("What support does the pupil need the next two weeks?"),
        required=False,
        max_length=2000,
        widget=TEXT_SHORT,
    )


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Support agreed"), max_length=300)
    owner = StaffChoice(label=_("Who"), queryset=Staff.objects.none())
    due_on = forms.DateField(label=_("By"), widget=DATE_INPUT)

    def __init__(self, *args: Any, staff: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, StaffChoice)
        field.queryset = Staff.objects.filter(pk__in=[s.pk for s in staff]).order_by(
            "family_name", "given_name"
        )


class FeltHeardForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Did you feel seen and heard?"),
        choices=[
            (5, _("5 – yes, fully")),
            (4, _("4")),
            (3, _("3 – partly")),
            (2, _("2")),
            (1, _("1 – not at all")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500, widget=TEXT_SHORT)


CHANNEL_CHOICES = Channel.choices
WINDOW_CHOICES = TimeWindow.choices
