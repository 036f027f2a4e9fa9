"""The guardian portal's languages, and the one list of what "the portal" is for translation.

Guardians choose among all of settings.LANGUAGES; staff pages are Bokmål and English only. Every
message whose source (a ``#:`` reference in the catalogue) matches PORTAL_SOURCES must be
translated into every language of PORTAL_LANGUAGES; tests/test_portal_languages.py holds us to it.

A source is listed when a guardian reaches it: the portal's own pages, the existing pages a
guardian is sent to (absence report, the child's attendance, the family page, "did you feel
heard?", the school's routines, the plan and its printable form, login), what those extend and
include, and the Python modules whose texts (form labels, choices, messages, errors) they show.
Whole modules are listed even where a few texts in them are for staff only: a page must never
show a guardian a Bokmål fallback because a label lives in a module nobody thought of.
"""

from __future__ import annotations

# Languages a guardian can read the portal in, besides Bokmål (the source of truth) and English
# (the msgids themselves).
PORTAL_LANGUAGES: tuple[str, ...] = ("nn", "pl", "uk", "ar", "so")

# Right to left; the rest of the page follows <html dir> set in base.html.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})

# Path globs relative to the ``sammen/`` package, as the catalogue's ``#:`` references name them.
PORTAL_SOURCES: tuple[str, ...] = (
    # The frame every page has, and the error pages a guardian can meet.
    "templates/base.html",
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "templates/partials/*",
    # Logging in (ID-porten or a local account) and its refusals.
    "templates/accounts/login.html",
    "templates/accounts/locked_out.html",
    "templates/accounts/oidc_*.html",
    "accounts/views.py",
    "accounts/oidc/config.py",
    # The portal itself, the guardian's voice and the messages.
    "templates/portal/*",
    "portal/*.py",
    "portal/templatetags/*.py",
    "templates/voice/guardian*",
    "voice/forms.py",
    "voice/models.py",
    "voice/services.py",
    "voice/views.py",
    "templates/conversations/guardian*",
    "templates/conversations/parts*",
    "conversations/forms.py",
    "conversations/models.py",
    "conversations/services.py",
    "conversations/views.py",
    "conversations/templatetags/*.py",
    "conversations/notify.py",
    "templates/conversations/email/*",
    # Attendance: report absence, see the reports, the child's attendance and calendar.
    "templates/attendance/report.html",
    "templates/attendance/reports.html",
    "templates/attendance/pupil.html",
    "templates/attendance/parts.html",
    "templates/attendance/email/*",
    "attendance/forms.py",
    "attendance/models.py",
    "attendance/report_views.py",
    "attendance/charts.py",
    "attendance/norwegian_calendar.py",
    # The family page (lysglimt, the 24-hour person, the network), "did you feel heard?" and the
    # school's routines.
    "templates/cooperation/family.html",
    "templates/cooperation/felt_heard.html",
    "templates/cooperation/routines.html",
    "templates/cooperation/parts.html",
    "templates/cooperation/profile_parts.html",
    "cooperation/forms.py",
    "cooperation/guardian_views.py",
    "cooperation/felt_heard.py",
    # The plan as the family sees it, on screen and printed.
    "templates/followup/guardian_plan.html",
    "templates/followup/plan_body.html",
    "templates/followup/parts.html",
    "templates/followup/print_base.html",
    "templates/followup/print_plan.html",
    "templates/followup/print_minutes.html",
    "followup/family_views.py",
    # The labels and choices those pages show (measure kinds, channels, time windows, relations,
    # role names on "who has looked") and the errors their services give a guardian.
    "followup/models/*.py",
    "followup/plans.py",
    "cooperation/models.py",
    "cooperation/services.py",
    "roster/models.py",
    "attendance/services.py",
)
