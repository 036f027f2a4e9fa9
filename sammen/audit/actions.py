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
SESSIONS_ENDED = register("accounts.sessions_ended", _("ended all sessions of a user"))

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
ATTENDANCE_IMPORTED_FOR_PUPIL = register(
    "attendance.pupil_records_imported", _("imported the pupil's attendance records")
)
ATTENDANCE_VIEWED = register("attendance.pupil_viewed", _("viewed the pupil's attendance"))
REGISTER_VIEWED = register("attendance.register_viewed", _("opened a class register"))
GUARDIAN_REPORT_CREATED = register(
    "attendance.guardian_report_created", _("reported absence as guardian")
)
ABSENCE_NOTICE_SENT = register("attendance.notice_sent", _("sent a notice of absence"))
ROUTINE_SAVED = register("attendance.routine_saved", _("saved the attendance routine"))

# Early warning: the pages (answering flags, the school's standard, reading the queue)
FLAG_ANSWERED = register("warning.flag_answered", _("answered an early-warning flag"))
WARNING_STANDARD_SAVED = register(
    "warning.standard_saved", _("saved the school's early-warning standard")
)
FLAGS_VIEWED = register("warning.flags_viewed", _("viewed early-warning flags"))

# Early warning: the engine (sammen early_warning, nightly and after each import)
FLAG_RAISED = register("warning.flag_raised", _("raised an early-warning flag"))
FLAG_LEVEL_CHANGED = register(
    "warning.flag_level_changed", _("changed the level of an early-warning flag")
)
FLAG_CLOSED = register(
    "warning.flag_closed", _("closed an early-warning flag that no longer holds")
)
FLAGS_REFRESHED = register("warning.flags_refreshed", _("recomputed the early-warning flags"))

# Follow-up cases (sammen.followup): every change with its own action, and reads of a case
CASE_OPENED = register("followup.case_opened", _("opened a follow-up case"))
CASE_VIEWED = register("followup.case_viewed", _("viewed a follow-up case"))
CASE_LEVEL_CHANGED = register("followup.level_changed", _("changed the level of a follow-up case"))
CASE_COORDINATOR_NAMED = register("followup.coordinator_named", _("named the case's coordinator"))
CASE_MEMBER_ADDED = register("followup.member_added", _("added a member to a follow-up case"))
CASE_CLOSED = register("followup.case_closed", _("closed a follow-up case"))
CONSENT_RECORDED = register("followup.consent_recorded", _("recorded consent for a service"))
CONSENT_WITHDRAWN = register("followup.consent_withdrawn", _("recorded that consent was withdrawn"))
MAPPING_SAVED = register("followup.mapping_saved", _("saved the mapping of a case"))
PUPIL_VIEW_RECORDED = register("followup.pupil_view_recorded", _("recorded the pupil's view"))
BEST_INTEREST_RECORDED = register(
    "followup.best_interest_recorded", _("recorded the best-interest assessment")
)
PLAN_SAVED = register("followup.plan_saved", _("saved the plan of a follow-up case"))
GOAL_ADDED = register("followup.goal_added", _("added a goal to a plan"))
MEASURE_SAVED = register("followup.measure_saved", _("saved a measure"))
MEASURE_EVALUATED = register("followup.measure_evaluated", _("evaluated a measure"))
RETURN_STEP_SAVED = register("followup.return_step_saved", _("saved a step of the return plan"))
AGREEMENT_SAVED = register("followup.agreement_saved", _("saved an agreement with the home"))
GUARDIAN_COMMENTED = register("followup.guardian_commented", _("commented on the plan as guardian"))
MEETING_SAVED = register("followup.meeting_saved", _("saved a meeting"))
MINUTES_SAVED = register("followup.minutes_saved", _("saved the minutes of a meeting"))
ACTION_ITEM_SAVED = register("followup.action_item_saved", _("saved an action item"))
DISAGREEMENT_RECORDED = register("followup.disagreement_recorded", _("recorded a disagreement"))
MEDIATION_OFFERED = register("followup.mediation_offered", _("offered mediation"))
MEDIATION_UPDATED = register("followup.mediation_updated", _("recorded how mediation went"))
REFERRAL_SENT = register("followup.referral_sent", _("recorded a referral to child welfare"))

# Cooperation with the home (sammen.cooperation)
COOP_CONTACT_LOGGED = register("cooperation.contact_logged", _("logged a contact with the home"))
COOP_LYSGLIMT_SHARED = register("cooperation.lysglimt_shared", _("shared a positive note"))
COOP_CADENCE_SAVED = register("cooperation.cadence_saved", _("set the fixed contact with the home"))
COOP_CONTACT_ESCALATED = register(
    "cooperation.contact_escalated", _("told the leader of an overdue contact")
)
COOP_REVIEW_SETUP_SAVED = register(
    "cooperation.review_setup_saved", _("set up the fortnightly review")
)
COOP_REVIEW_PUPIL_MOVED = register(
    "cooperation.review_pupil_moved", _("moved a pupil to the other review half")
)
COOP_REVIEW_SAVED = register("cooperation.review_saved", _("saved a pupil's review"))
COOP_ACTION_ITEM_SAVED = register("cooperation.action_item_saved", _("agreed an action item"))
COOP_ACTION_ITEM_DONE = register("cooperation.action_item_done", _("marked an action item done"))
COOP_FAMILY_NEEDS_SAVED = register(
    "cooperation.family_needs_saved", _("saved the family's cooperation needs")
)
COOP_BARRIERS_VIEWED = register(
    "cooperation.barriers_viewed", _("viewed what makes cooperation harder for the family")
)
COOP_HOME_VISIT_SAVED = register("cooperation.home_visit_saved", _("saved a home visit"))
COOP_PROFILE_ENTRY_SAVED = register(
    "cooperation.profile_entry_saved", _("wrote in the 24-hour person")
)
COOP_PROFILE_ENTRY_REMOVED = register(
    "cooperation.profile_entry_removed", _("removed an entry from the 24-hour person")
)
COOP_NETWORK_MEMBER_SAVED = register(
    "cooperation.network_saved", _("added a person to the child's network")
)
COOP_NETWORK_MEMBER_REMOVED = register(
    "cooperation.network_removed", _("removed a person from the child's network")
)
COOP_FELT_HEARD_ANSWERED = register("cooperation.felt_heard_answered", _('answered "felt heard"'))
COOPERATION_STANDARD_SAVED = register(
    "cooperation.standard_saved", _("saved the school's cooperation standard")
)
COOPERATION_VIEWED = register("cooperation.viewed", _("viewed the cooperation with the home"))

# The guardian's voice between calls (sammen.voice)
VOICE_INPUT_GIVEN = register("voice.input_given", _("gave input from the home"))
VOICE_INPUTS_VIEWED = register("voice.inputs_viewed", _("viewed the input from the home"))
VOICE_CONTACT_REQUESTED = register("voice.contact_requested", _('asked "please contact me"'))
VOICE_REQUEST_ANSWERED = register(
    "voice.request_answered", _("answered a guardian's request to be contacted")
)
VOICE_REQUEST_DONE = register(
    "voice.request_done", _("marked a guardian's request to be contacted done")
)
VOICE_REQUEST_WITHDRAWN = register(
    "voice.request_withdrawn", _("withdrew their request to be contacted")
)

# Messages between home and school (sammen.conversations)
CONV_MESSAGE_WRITTEN = register(
    "conversations.message_written", _("wrote a message between home and school")
)
CONV_THREAD_VIEWED = register("conversations.thread_viewed", _("read a conversation with the home"))
CONV_INBOX_VIEWED = register("conversations.inbox_viewed", _("viewed the list of conversations"))

# The guardian portal (sammen.portal)
PORTAL_CHILDREN_LISTED = register(
    "portal.children_listed", _("listed their children in the portal")
)
PORTAL_CHILD_VIEWED = register("portal.child_viewed", _("viewed the child's page in the portal"))
PORTAL_LOOKED_VIEWED = register(
    "portal.looked_viewed", _("viewed who has looked at the child's data")
)
PORTAL_SETTINGS_SAVED = register("portal.settings_saved", _("saved their portal settings"))
CONV_NOTICE_SENT = register(
    "conversations.notice_sent", _("told someone that a message waits in Sammen")
)
