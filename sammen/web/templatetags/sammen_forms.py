"""Render form controls with Designsystemet's classes.

Django (5.0+) already marks an invalid control with ``aria-invalid="true"`` and points its
``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``; ``partials/field.html`` gives the help
text and the error message exactly those ids. This tag only adds the ``ds-input`` class, an
``autocomplete`` token, and extra ids to describe the control by (a form-level error, say).
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def ds_control(field: BoundField, autocomplete: str = "", describedby: str = "") -> SafeString:
    widget_class = field.field.widget.attrs.get("class", "")
    attrs: dict[str, str | bool] = {"class": f"{widget_class} ds-input".strip()}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if describedby:
        # Given explicitly, aria-describedby replaces Django's own, so keep Django's ids too.
        ids = [describedby, *(field.aria_describedby or "").split()]
        attrs["aria-describedby"] = " ".join(dict.fromkeys(ids))
    return field.as_widget(attrs=attrs)
