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

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.roster.models import Guardian, Pupil, School, Staff
from sammen.warning.models import Flag

USER = settings.AUTH_USER_MODEL
TEXT = 4000  # the longest free text anywhere in a case: a plan's problem, minutes are longer
MINUTES = 20000


class Level(models.IntegerChoices):
    CONTACT_TEACHER = 1, _("level 1: the contact teacher with the home")
    SCHOOL_TEAM = 2, _("level 2: the school's team with the leader")
    SUPPORT_SERVICES = 3, _("level 3: with support services")


class Status(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Case(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="followup_cases")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(
        Flag, on_delete=models.SET_NULL, null=True, blank=True, related_name="followup_cases"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    coordinator = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField(_("opened"))
    opened_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="open"), name="case_one_open_per_pupil"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="case_level"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class LevelChange(models.Model):
    """Each raise or lowering of a case's level, with why: part of the § 12-4 documentation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.PositiveSmallIntegerField(choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(choices=Level.choices)
    reason = models.CharField(_("why"), max_length=1000)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_level} → {self.to_level}"


class MemberRole(models.TextChoices):
    TEAM = "team", _("member of the school's team")
    TEACHER = "teacher", _("teacher")
    TRUSTED_ADULT = "trusted_adult", _("trusted adult")


class CaseMember(models.Model):
    """School staff named on the case (the team at level 2). Support services are admitted by
    consent, never as members (``Consent``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default="team")
    added_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "staff"], name="casemember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.case}"


class Service(models.TextChoices):
    PPT = "ppt", _("educational-psychological service (PPT)")
    NURSE = "nurse", _("school health nurse")
    BUP = "bup", _("child and adolescent psychiatry (BUP)")
    CHILD_WELFARE = "child_welfare", _("child welfare")
    ATTENDANCE_TEAM = "attendance_team", _("the municipality's attendance team")
    OTHER = "other", _("other service")


class Consent(models.Model):
    """The guardians' (and from 15 the pupil's) consent that one support-service worker may take
    part in this case, and only this case, until it expires or is withdrawn. Access is checked
    against the clock on every request, so it stops the minute the consent does."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    guardians = models.ManyToManyField(Guardian, related_name="+", verbose_name=_("given by"))
    pupil_consented = models.BooleanField(_("the pupil consents"), default=False)
    given_on = models.DateField(_("given"))
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_service_display()} – {self.case}"


# Mapping ---------------------------------------------------------------------------------------


class Factor(models.TextChoices):
    """What may lie behind the absence; structured so that no health detail needs free text."""

    PEERS = "peers", _("at school: relations with peers")
    BULLYING = "bullying", _("at school: bullying or exclusion")
    DEMANDS = "demands", _("at school: academic demands")
    TEACHER = "teacher", _("at school: relation to a teacher")
    TRANSITION = "transition", _("at school: a transition (new school, class or stage)")
    ENVIRONMENT = "environment", _("at school: noise, crowds, breaks")
    HOME_CHANGE = "home_change", _("at home: changes in the family")
    HOME_STRAIN = "home_strain", _("at home: strain or worry at home")
    HOME_ROUTINES = "home_routines", _("at home: mornings and routines")
    ANXIETY = "anxiety", _("in the pupil: worry or anxiety")
    SOMATIC = "somatic", _("in the pupil: stomach aches, headaches")
    SLEEP = "sleep", _("in the pupil: sleep")
    GAMING = "gaming", _("in the pupil: gaming or screens at night")
    LOW_MOOD = "low_mood", _("in the pupil: low mood")
    ILLNESS = "illness", _("health: known illness or condition")
    FOLLOWED_BY_HEALTH = "followed_by_health", _("health: followed up by health services")


class Reason(models.TextChoices):
    """The reasons for absence as Havik (2018) groups them."""

    SOMATIC = "somatic", _("somatic absence (illness)")
    HEALTH = "health", _("other health-related absence")
    TRUANCY = "truancy", _("truancy-like absence")
    REFUSAL = "refusal", _("school-refusal-like absence")


class Mapping(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mapping")
    factors = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    questions = models.TextField(_("the school's own questions"), max_length=TEXT, blank=True)
    at_school = models.TextField(_("at school, in the school's words"), max_length=TEXT, blank=True)
    at_home = models.TextField(_("at home, as the home tells it"), max_length=TEXT, blank=True)
    strengths = models.TextField(_("what works, strengths"), max_length=TEXT, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.case}"


class HeardHow(models.TextChoices):
    TALK = "talk", _("in a talk with the contact teacher")
    TRUSTED_ADULT = "trusted_adult", _("in a talk with a trusted adult")
    WRITTEN = "written", _("written by the pupil")
    MEETING = "meeting", _("in a meeting")
    GUARDIANS = "guardians", _("told through the guardians")


class PupilView(models.Model):
    """The pupil's own view, in the pupil's words (opplæringslova § 10-1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pupil_views")
    words = models.TextField(_("the pupil's words"), max_length=TEXT)
    heard_how = models.CharField(_("how the pupil was heard"), max_length=20, choices=HeardHow)
    heard_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-heard_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.heard_on}"


class BestInterest(models.Model):
    """The assessment of the pupil's best interest (opplæringslova § 10-2)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    assessment = models.TextField(_("assessment"), max_length=TEXT)
    assessed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.assessed_on}"


# The plan --------------------------------------------------------------------------------------


class Plan(models.Model):
    """The plan's text (§ 12-4: what problem) with ``version`` for optimistic locking: a save
    names the version it started from, and loses to nobody."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    problem = models.TextField(_("what the problem is"), max_length=TEXT, blank=True)
    school_work_at_home = models.TextField(
        _("school work at home while the pupil cannot come"), max_length=TEXT, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.case}"


class Goal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=500)
    pupil_own = models.BooleanField(_("the pupil's own goal"), default=False)
    added_on = models.DateField()

    class Meta:
        # The pupil's own goal first.
        ordering = ["-pupil_own", "pk"]

    def __str__(self) -> str:
        return self.text


class OwnerKind(models.TextChoices):
    SCHOOL = "school", _("the school")
    HOME = "home", _("the home")
    PUPIL = "pupil", _("the pupil")
    SERVICE = "service", _("a support service")


class Frequency(models.TextChoices):
    ONCE = "once", _("once")
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    MONTHLY = "monthly", _("every month")


class MeasureKind(models.TextChoices):
    """What kind of measure, so that the insight pages can compare their effect."""

    TRUSTED_ADULT = "trusted_adult", _("a trusted adult at school")
    ADAPTED_DAY = "adapted_day", _("adapted school day or timetable")
    CONTACT = "contact", _("fixed contact with the home")
    HOME_VISIT = "home_visit", _("home visits")
    TALKS = "talks", _("regular talks with the pupil")
    PEERS = "peers", _("measures in the class or with peers")
    ROUTINES = "routines", _("mornings and routines at home")
    SCHOOL_WORK = "school_work", _("school work at home")
    SERVICE = "service", _("help from a support service")
    OTHER = "other", _("other")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("in progress")
    DONE = "done", _("completed")
    STOPPED = "stopped", _("stopped")


class Measure(models.Model):
    """A measure (tiltak): § 12-4's which measure, when, who and when evaluated."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    owner_kind = models.CharField(_("who carries it out"), max_length=10, choices=OwnerKind)
    owner_name = models.CharField(_("name of the person responsible"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"))
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    evaluate_on = models.DateField(_("evaluate by"))
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus, default="planned")
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    from_action = models.OneToOneField(
        "ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="measure"
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluate_on__gte=models.F("starts_on")),
                name="measure_evaluated_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    HELPED = "helped", _("helped")
    PARTLY = "partly", _("helped a little")
    NOT = "not", _("did not help")
    TOO_EARLY = "too_early", _("too early to say")


class Evaluation(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("what we saw"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.measure} {self.evaluated_on}"


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    REACHED = "reached", _("reached")
    NOT_YET = "not_yet", _("not yet")


class ReturnStep(models.Model):
    """A step of the gradual return plan (opptrappingsplan)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_steps")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("step"), max_length=300)
    from_on = models.DateField(_("from"))
    status = models.CharField(_("status"), max_length=10, choices=StepStatus, default="planned")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class Agreement(models.Model):
    """What home and school have agreed, in words both can read back."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    text = models.CharField(_("agreement"), max_length=1000)
    agreed_on = models.DateField(_("agreed"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agreed_on", "pk"]

    def __str__(self) -> str:
        return self.text


class GuardianComment(models.Model):
    """A guardian's comment on the plan and agreements (the guardian's page of the case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardian_comments")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("comment"), max_length=2000)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.guardian}: {self.text[:40]}"


# Meetings --------------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    GUARDIANS = "guardians", _("meeting with the guardians")
    TEAM = "team", _("team meeting at school")
    CROSS_SERVICE = "cross_service", _("meeting across services")
    MEDIATION = "mediation", _("mediation meeting")


class Meeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), max_length=TEXT, blank=True)
    participants = models.TextField(_("participants"), max_length=2000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=MINUTES, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class ActionItem(models.Model):
    """Who does what by when, agreed in a meeting; may become a measure of the plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=500)
    who = models.CharField(_("who"), max_length=200)
    owner_kind = models.CharField(_("who carries it out"), max_length=10, choices=OwnerKind)
    due_on = models.DateField(_("by"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


# When cooperation meets trouble (Amundsen 2019) ------------------------------------------------


class Disagreement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disagreements")
    topic = models.CharField(_("what it is about"), max_length=300)
    school_view = models.TextField(_("the school's view"), max_length=TEXT)
    home_view = models.TextField(_("the home's view, as the home puts it"), max_length=TEXT)
    recorded_on = models.DateField(_("recorded"))
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["recorded_on", "pk"]

    def __str__(self) -> str:
        return self.topic


class MediationAnswer(models.TextChoices):
    WAITING = "waiting", _("waiting for the home's answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Mediation(models.Model):
    """A mediation step offered: a meeting led by someone outside the class."""

    disagreement = models.ForeignKey(
        Disagreement, on_delete=models.CASCADE, related_name="mediations"
    )
    led_by = models.CharField(_("led by (someone outside the class)"), max_length=200)
    offered_on = models.DateField(_("offered"))
    answer = models.CharField(
        _("answer"), max_length=10, choices=MediationAnswer, default="waiting"
    )
    held_on = models.DateField(_("held"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=TEXT, blank=True)

    class Meta:
        ordering = ["offered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.disagreement} – {self.led_by}"


class Referral(models.Model):
    """A referral to child welfare: only with documented grounds, the measures tried and the
    guardians informed (the form and the service refuse otherwise)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    grounds = models.TextField(_("grounds for the referral"), max_length=TEXT)
    measures_tried = models.TextField(_("measures tried and how they went"), max_length=TEXT)
    guardians_informed_on = models.DateField(_("guardians informed on"))
    how_informed = models.CharField(_("how the guardians were informed"), max_length=300)
    sent_on = models.DateField(_("sent"))
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(grounds="") & ~Q(measures_tried="") & ~Q(how_informed=""),
                name="referral_documented",
            ),
            models.CheckConstraint(
                condition=Q(guardians_informed_on__lte=models.F("sent_on")),
                name="referral_guardians_informed_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_on}"
