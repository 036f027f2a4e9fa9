"""A follow-up case: its level, members, the guardians' consent to support services, the mapping,
the pupil's view and the best-interest assessment."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.followup.models.common import TEXT, USER
from sammen.roster.models import Guardian, Pupil, School, Staff
from sammen.warning.models import Flag


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
