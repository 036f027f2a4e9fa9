"""The plan of a case: goals, measures and their evaluation, the gradual return, agreements with
the home and the guardians' comments."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.followup.models.case import Case
from sammen.followup.models.common import TEXT, USER
from sammen.roster.models import Guardian


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
