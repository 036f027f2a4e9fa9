from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.conversations.models import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class GuardianMessageForm(MessageForm):
    shared = forms.BooleanField(
        label=_("Also let the child's other guardians with parental responsibility read this"),
        required=False,
    )

    def __init__(self, *args: Any, others: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sharing means nothing when no other guardian holds parental responsibility.
        if not others:
            del self.fields["shared"]
