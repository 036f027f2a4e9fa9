"""Follow-up cases: the work the law's duty to act and document asks for (opplæringslova § 12-4).

A case per pupil with a level (1: the contact teacher with the home; 2: the school's team with the
leader; 3: with support services), a coordinator (stafettholder), the mapping of what may lie
behind the absence, the pupil's own view (§ 10-1) and the best-interest assessment (§ 10-2), a
plan (problem, goals with the pupil's own first, measures with owner, start, frequency and
evaluation, a gradual return, school work at home, agreements with the home), meetings with
minutes and action items, support services admitted only by the guardians' consent, and the path
for when cooperation meets trouble (disagreement, mediation, documented referral).

Writes go through the service modules (``cases``, ``plans``, ``meetings``, ``trouble``), each
change with its audit event in the same transaction; pages reach cases only through
``sammen.followup.access``. Health is recorded as structured choices, never in free text.
"""

from sammen.followup.models.case import (
    BestInterest,
    Case,
    CaseMember,
    Consent,
    Factor,
    HeardHow,
    Level,
    LevelChange,
    Mapping,
    MemberRole,
    PupilView,
    Reason,
    Service,
    Status,
)
from sammen.followup.models.common import MINUTES, TEXT, USER
from sammen.followup.models.meeting import (
    ActionItem,
    Disagreement,
    Mediation,
    MediationAnswer,
    Meeting,
    MeetingKind,
    Referral,
)
from sammen.followup.models.plan import (
    Agreement,
    Evaluation,
    Frequency,
    Goal,
    GuardianComment,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    OwnerKind,
    Plan,
    ReturnStep,
    StepStatus,
)

__all__ = [
    "MINUTES",
    "TEXT",
    "USER",
    "ActionItem",
    "Agreement",
    "BestInterest",
    "Case",
    "CaseMember",
    "Consent",
    "Disagreement",
    "Evaluation",
    "Factor",
    "Frequency",
    "Goal",
    "GuardianComment",
    "HeardHow",
    "Level",
    "LevelChange",
    "Mapping",
    "Measure",
    "MeasureKind",
    "MeasureStatus",
    "Mediation",
    "MediationAnswer",
    "Meeting",
    "MeetingKind",
    "MemberRole",
    "Outcome",
    "OwnerKind",
    "Plan",
    "PupilView",
    "Reason",
    "Referral",
    "ReturnStep",
    "Service",
    "Status",
    "StepStatus",
]
