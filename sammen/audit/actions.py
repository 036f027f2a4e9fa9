"""The registry of audit action names. An action not listed here cannot be logged.

Names are namespaced ``<app>.<noun>_<verb>``; the text is what the audit page shows.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {}


def register(name: str, text: Promise) -> str:
    if name in ACTIONS:
        raise ValueError(f"audit action {name!r} registered twice")
    ACTIONS[name] = text
    return name


# Sign-in
LOGIN = register("accounts.login", _("signed in"))
LOGIN_FAILED = register("accounts.login_failed", _("sign-in failed"))
LOGOUT = register("accounts.logout", _("signed out"))
TOTP_DEVICE_CONFIRMED = register("accounts.totp_confirmed", _("two-factor device confirmed"))
TOTP_DEVICE_ENROLLED = register("accounts.totp_enrolled", _("two-factor device enrolled"))

# Roster reads
PUPIL_VIEWED = register("roster.pupil_viewed", _("viewed the pupil's page"))
GROUP_VIEWED = register("roster.group_viewed", _("viewed the group's pupil list"))

# Roster changes
SCHOOL_OWNER_SAVED = register("roster.school_owner_saved", _("saved school owner"))
SCHOOL_SAVED = register("roster.school_saved", _("saved school"))
SCHOOL_YEAR_SAVED = register("roster.school_year_saved", _("saved school year"))
TERM_SAVED = register("roster.term_saved", _("saved term"))
GROUP_SAVED = register("roster.group_saved", _("saved group"))
PUPIL_SAVED = register("roster.pupil_saved", _("saved pupil"))
PUPIL_DEACTIVATED = register("roster.pupil_deactivated", _("deactivated pupil"))
GUARDIAN_SAVED = register("roster.guardian_saved", _("saved guardian"))
GUARDIAN_CONTACT_CHANGED = register(
    "roster.guardian_contact_changed", _("changed the guardian's contact preferences")
)
GUARDIANSHIP_SAVED = register("roster.guardianship_saved", _("saved guardianship"))
GUARDIANSHIP_REMOVED = register("roster.guardianship_removed", _("removed guardianship"))
STAFF_SAVED = register("roster.staff_saved", _("saved staff member"))
STAFF_ROLE_SAVED = register("roster.staff_role_saved", _("gave a staff role"))
STAFF_ROLE_REMOVED = register("roster.staff_role_removed", _("removed a staff role"))
ENROLLMENT_SAVED = register("roster.enrollment_saved", _("enrolled pupil in group"))
ENROLLMENT_REMOVED = register("roster.enrollment_removed", _("removed pupil from group"))
GROUP_TEACHER_SAVED = register("roster.group_teacher_saved", _("linked teacher to group"))
GROUP_TEACHER_REMOVED = register("roster.group_teacher_removed", _("unlinked teacher from group"))
ROSTER_IMPORTED = register("roster.imported", _("imported a roster"))
DEMO_DATA_LOADED = register("roster.demo_data_loaded", _("loaded demo data"))
GROUP_REMOVED = register("roster.group_removed", _("removed group"))

# Attendance
CALENDAR_SAVED = register("attendance.calendar_saved", _("saved the school calendar"))
ATTENDANCE_SAVED = register("attendance.record_saved", _("registered attendance"))
ATTENDANCE_REMOVED = register("attendance.record_removed", _("removed an attendance record"))
ATTENDANCE_IMPORTED = register("attendance.imported", _("imported attendance"))
ATTENDANCE_VIEWED = register("attendance.pupil_viewed", _("viewed the pupil's attendance"))
ATTENDANCE_IMPORTED_FOR_PUPIL = register(
    "attendance.pupil_records_imported", _("imported the pupil's attendance records")
)
REGISTER_VIEWED = register("attendance.register_viewed", _("opened a class register"))
GUARDIAN_REPORT_CREATED = register(
    "attendance.guardian_report_created", _("reported absence as guardian")
)
ABSENCE_NOTICE_SENT = register("attendance.notice_sent", _("sent a notice of absence"))
ROUTINE_SAVED = register("attendance.routine_saved", _("saved the attendance routine"))
