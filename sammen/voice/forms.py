"""The guardian's two short forms. Everything is optional but not everything at once: an input
needs one thing said, a request only needs how to be contacted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.cooperation.models import Channel, TimeWindow
from sammen.voice.models import REQUEST_CHANNELS, HomeWeek
from sammen.voice.services import REPLY_MAX, TEXT_MAX, TOPIC_MAX

SHORT_TEXT = forms.Textarea(attrs={"rows": 3})


class InputForm(forms.Form):
    home_week = forms.TypedChoiceField(
        label=_("How has this week been at home?"),
        choices=[(str(v), label) for v, label in HomeWeek.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    child_tells = forms.CharField(
        label=_("What does your child tell about school?"),
        max_length=TEXT_MAX,
        required=False,
        widget=SHORT_TEXT,
    )
    school_should_know = forms.CharField(
        label=_("Anything the school should know before the next call?"),
        max_length=TEXT_MAX,
        required=False,
        widget=SHORT_TEXT,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        said = (
            data.get("home_week") is not None
            or data.get("child_tells", "").strip()
            or data.get("school_should_know", "").strip()
        )
        if not self.errors and not said:
            raise forms.ValidationError(
                _("Choose how the week has been, or write something, before you send.")
            )
        return data


class ContactRequestForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How should the school contact you?"),
        choices=[(c.value, c.label) for c in REQUEST_CHANNELS],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    windows = forms.MultipleChoiceField(
        label=_("When suits you?"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more. Leave all empty if any time suits you."),
    )
    topic = forms.CharField(
        label=_("What is it about?"),
        max_length=TOPIC_MAX,
        required=False,
        help_text=_("A few words are enough. You can also leave it empty."),
    )

    def __init__(self, *args: Any, windows: list[TimeWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["windows"]
        assert isinstance(field, forms.MultipleChoiceField)
        # A time the school does not offer is not shown, and refused if sent anyway.
        field.choices = [(w.value, w.label) for w in windows]


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label=_("Short answer to the guardian"),
        max_length=REPLY_MAX,
        required=False,
        help_text=_("For example when you will call. The guardian sees it."),
    )
