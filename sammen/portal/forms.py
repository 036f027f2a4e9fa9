"""The guardian's own settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from sammen.portal.services import SETTINGS_FIELDS
from sammen.roster.models import Guardian, Language


def _own_name(code: str) -> str:
    """Each language in its own words: a reader looks for their language as they write it."""
    named = dict(settings.LANGUAGES)
    if code in named:
        return str(named[code])
    try:
        return str(get_language_info(code)["name_local"]).capitalize()
    except KeyError:
        pass
    try:
        return str(Language(code).label)
    except ValueError:
        return code


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """The languages Sammen is written in; and the guardian's own from the roster when it is
    another (Tigrinya, say): the school relies on it for interpreters, and saving the settings
    must not turn it into Bokmål."""
    codes = [code for code, _name in settings.LANGUAGES]
    if current and current not in codes:
        codes.append(current)
    return [(code, _own_name(code)) for code in codes]


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    preferred_language = forms.ChoiceField(label=_("Language in Sammen"), choices=language_choices)
    preferred_channel = forms.ChoiceField(
        label=_("How should we tell you that something is waiting for you?"),
        required=False,
        choices=[
            ("", _("As the school usually does")),
            ("email", _("By e-mail")),
            ("sms", _("By text message (SMS)")),
        ],
        help_text=_("We only tell you that something is waiting, never what it says."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = language_choices(str(self.initial.get("preferred_language") or ""))

    class Meta:
        model = Guardian
        fields = SETTINGS_FIELDS
        labels = {
            "contact_windows": _("When is it best to reach you?"),
            "needs_interpreter": _("I would like an interpreter in conversations with the school"),
            "email": _("E-mail"),
            "phone": _("Mobile phone"),
        }
        help_texts = {"contact_windows": _("For example: weekdays after 16:00")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("preferred_channel")
        if channel == "email" and not data.get("email"):
            self.add_error("email", _("Give an e-mail address to be told by e-mail."))
        if channel == "sms" and not data.get("phone"):
            self.add_error("phone", _("Give a mobile number to be told by text message."))
        return data
