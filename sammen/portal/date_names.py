"""Weekday names for the portal's dates in languages Django has no catalogue for (Somali).

Django's date formats ask gettext for "Monday" … "Sunday" and "Mon" … "Sun"
(``django.utils.dates``), and our catalogue answers where Django's own has nothing; without an
answer gettext falls back to the site's language, so a Somali calendar read «ma ti on to fr».
Monday to Friday are already ours (the school days in ``cooperation/forms.py``); these are the
weekend and the short names the calendar's columns use (``attendance/charts.py``). Month names
are not needed: Somali dates are numeric (``sammen/formats/so``). The other portal languages
repeat Django's own words.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

WEEKEND = (gettext_noop("Saturday"), gettext_noop("Sunday"))
SHORT = (
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
)
