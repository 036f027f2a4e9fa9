"""Weekday names for the portal's dates in languages Django has no catalogue for (Somali).

Django's date formats ask gettext for "Monday" … "Sunday" (``django.utils.dates``), and our
catalogue answers where Django's own has nothing. Monday to Friday are already ours (the school
days in ``cooperation/forms.py``); these are the rest, so a Somali guardian looking on a Saturday
reads «Sabti», not «Saturday». Month names are not needed: Somali dates are numeric
(``sammen/formats/so``).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

WEEKEND = (gettext_noop("Saturday"), gettext_noop("Sunday"))
