"""The absence patterns the demo plants, and where: the list the early warning is tested against.

Every pupil in the demo follows one pattern. Most are ``ORDINARY``: a little illness (more in
winter), now and then a late arrival, a dentist's appointment, a day of leave. The others each
show one thing an attentive contact teacher (and the early warning) should notice. In the
personas' class 9B at the lower secondary school every pattern below is given to at least one
pupil (``PERSONA_CLASS_PATTERNS``, in that order, to pupils drawn from the seed; the personas'
own children Sander Johansen and Nora Nilsen stay ordinary). Elsewhere the worrying patterns
occur by chance, at the rates of ``sammen.attendance.demo.model.draw_profile``.

``SIGNATURES`` says in one sentence what each pattern leaves in the records. With the demo's
"today" at least ten weeks into the school year (``--today 2026-11-06`` or later) the records of
9B show each signature; ``tests/test_demo_attendance.py`` checks them.
"""

from __future__ import annotations

from enum import StrEnum


class Pattern(StrEnum):
    ORDINARY = "ordinary"
    MONDAYS = "mondays"
    FIRST_LESSON_LATE = "first_lesson_late"
    SHORT_SICK = "short_sick"
    SUBJECT_AVOIDED = "subject_avoided"
    RISING = "rising"
    LONG_ILLNESS = "long_illness"
    LEAVE = "leave"
    SCHOOL_ACTIVITY = "school_activity"
    UNREPORTED = "unreported"


# The subject the SUBJECT_AVOIDED pupil stays away from.
AVOIDED_SUBJECT = "Kroppsøving"

SIGNATURES: dict[Pattern, str] = {
    Pattern.ORDINARY: "little absence, mostly short illness reported by the guardians",
    Pattern.MONDAYS: (
        "whole days away on at least a third of the Mondays, and at least half of all absence "
        "days are Mondays; mostly unexplained"
    ),
    Pattern.FIRST_LESSON_LATE: (
        "late for the first lesson (5–30 minutes) on at least a fifth of the school days"
    ),
    Pattern.SHORT_SICK: (
        "at least four sick episodes, each of one or two days, reported by the guardians"
    ),
    Pattern.SUBJECT_AVOIDED: (
        f"absent from {AVOIDED_SUBJECT} on at least two in five of the days it is taught, and "
        "from other lessons on no more than half as many days"
    ),
    Pattern.RISING: (
        "absence rises through the year: more absence days in the second half of the weeks so "
        "far than in the first, with mornings missed and more and more unexplained days"
    ),
    Pattern.LONG_ILLNESS: (
        "one sick episode of five to eight school days in the autumn, reported and documented"
    ),
    Pattern.LEAVE: "two to four days of leave (permisjon) just before the autumn break",
    Pattern.SCHOOL_ACTIVITY: (
        "present elsewhere for school activities at least three times (not counted as absence)"
    ),
    Pattern.UNREPORTED: (
        "illness the guardians never report: at least three unexplained whole days, no "
        "guardian reports"
    ),
}

# Given, in this order, to pupils of the personas' class 9B (as many as the class has room for).
PERSONA_CLASS_PATTERNS: tuple[Pattern, ...] = (
    Pattern.MONDAYS,
    Pattern.FIRST_LESSON_LATE,
    Pattern.SHORT_SICK,
    Pattern.SUBJECT_AVOIDED,
    Pattern.RISING,
    Pattern.LONG_ILLNESS,
    Pattern.LEAVE,
    Pattern.SCHOOL_ACTIVITY,
    Pattern.UNREPORTED,
)
