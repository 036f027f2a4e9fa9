"""The cooperation practice between school and home (the thesis, chapters 2.2–2.5 and 5).

The fortnightly review, the fixed guardian contact and its log, positive notes (lysglimt), home
visits, the family's cooperation needs, the 24-hour person, the child's network, "felt heard" and
the school's cooperation standard. Writes go through ``sammen.cooperation.services``; pages reach
rows only through ``sammen.cooperation.access``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.roster.models import Group, Guardian, Language, Pupil, School, Staff

DEFAULT_CADENCE_DAYS = 14
DEFAULT_ESCALATE_AFTER_DAYS = 7


class Channel(models.TextChoices):
    PHONE = "phone", _("phone call")
    MEETING = "meeting", _("meeting at school")
    HOME_VISIT = "home_visit", _("home visit")
    MESSAGE = "message", _("message")
    DIGITAL = "digital", _("digital meeting")


class TimeWindow(models.TextChoices):
    MORNING = "morning", _("morning (8–10)")
    SCHOOL_HOURS = "school_hours", _("school hours (10–15)")
    AFTERNOON = "afternoon", _("afternoon (15–17)")
    EVENING = "evening", _("evening (17–20)")


class CooperationStandard(models.Model):
    """The school's routines for cooperation with the home (Westergård: a standard the school
    sets and shares; Havik: routines and expectations told to the guardians)."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="cooperation_standard"
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("days between fixed contacts"), default=DEFAULT_CADENCE_DAYS
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("days overdue before the leader is told"), default=DEFAULT_ESCALATE_AFTER_DAYS
    )
    review_weekday = models.PositiveSmallIntegerField(_("weekday of the staff meeting"), default=2)
    flag_answer_days = models.PositiveSmallIntegerField(
        _("school days to answer an early-warning flag"), default=3
    )
    evening_calls = models.BooleanField(_("the school offers calls in the evening"), default=False)
    home_visits = models.BooleanField(_("the school offers home visits"), default=True)
    start_of_year = models.TextField(
        _("what guardians are told at the start of the year"), blank=True, max_length=3000
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("cooperation standard")
        verbose_name_plural = _("cooperation standards")

    def __str__(self) -> str:
        return f"{self.school}"


class Cadence(models.Model):
    """The fixed contact with a pupil's home: how often, how and when the guardians want it."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="cadence")
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=DEFAULT_CADENCE_DAYS)
    channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE
    )
    window = models.CharField(
        _("preferred time"), max_length=14, choices=TimeWindow.choices, blank=True
    )
    started_on = models.DateField(_("from"))
    active = models.BooleanField(_("active"), default=True)
    # Set by the scheduled job when the contact is overdue past the school's limit; cleared by
    # the next contact.
    escalated_on = models.DateField(_("told the leader"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact cadence")
        verbose_name_plural = _("contact cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=90), name="cadence_days_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.every_days}"


class Initiator(models.TextChoices):
    SCHOOL = "school", _("the school")
    HOME = "home", _("the home")


class Tone(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEUTRAL = "neutral", _("neutral")
    CONCERN = "concern", _("concern")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("phone call")
    MEETING = "meeting", _("meeting")
    HOME_VISIT = "home_visit", _("home visit")
    MESSAGE = "message", _("message")
    DIGITAL = "digital", _("digital meeting")
    # A positive note shared with the family in one step; counts as a positive contact.
    LYSGLIMT = "lysglimt", _("positive note (lysglimt)")


# Kinds where the guardian was in a conversation and may be asked whether they felt heard.
CONVERSATION_KINDS = frozenset(
    {ContactKind.PHONE, ContactKind.MEETING, ContactKind.HOME_VISIT, ContactKind.DIGITAL}
)


class Contact(models.Model):
    """One contact between school and home, in the contact log."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    initiated_by = models.CharField(
        _("who made contact"), max_length=6, choices=Initiator.choices, default=Initiator.SCHOOL
    )
    tone = models.CharField(_("tone"), max_length=8, choices=Tone.choices, default=Tone.NEUTRAL)
    # A positive note's or a message's own words.
    note = models.TextField(_("note"), blank=True, max_length=1000)
    at_home = models.TextField(
        _("what the guardian says about how the pupil is at home"), blank=True, max_length=2000
    )
    tells_at_home = models.TextField(
        _("what the pupil tells at home about school"), blank=True, max_length=2000
    )
    agreements = models.TextField(_("agreements"), blank=True, max_length=2000)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    shared_with_family = models.BooleanField(_("shown to the family"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["pupil", "on"], name="contact_pupil_on")]

    def __str__(self) -> str:
        return f"{self.pupil} {self.on} {self.kind}"


class FeltHeard(models.Model):
    """A guardian's answer to "did you feel seen and heard?" after a conversation."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="felt_heard")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("felt seen and heard"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("felt-heard answer")
        verbose_name_plural = _("felt-heard answers")
        constraints = [
            models.UniqueConstraint(fields=["contact", "guardian"], name="feltheard_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="feltheard_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.score}"


# The fortnightly review -----------------------------------------------------------------------


class ReviewSetup(models.Model):
    """A class's fortnightly review: half the pupils on each week's staff meeting."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="review_setup")
    # The Monday of a week when half A is on the agenda; the halves alternate from it.
    first_monday = models.DateField(_("first week of half A"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review set-up")
        verbose_name_plural = _("review set-ups")

    def __str__(self) -> str:
        return f"{self.group}"


class Half(models.IntegerChoices):
    A = 0, _("half A")
    B = 1, _("half B")


class ReviewPlacement(models.Model):
    setup = models.ForeignKey(ReviewSetup, on_delete=models.CASCADE, related_name="placements")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    half = models.PositiveSmallIntegerField(_("half"), choices=Half.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["setup", "pupil"], name="reviewplacement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.half}"


class Review(models.Model):
    """The staff meeting's three answers about one pupil."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reviews")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("meeting"))
    positive = models.TextField(_("What positive development do we see?"), max_length=2000)
    made_possible = models.TextField(_("What made it possible?"), blank=True, max_length=2000)
    support = models.TextField(
        _("What support does the pupil need the next two weeks?"), blank=True, max_length=2000
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["pupil", "held_on"], name="review_once")]

    def __str__(self) -> str:
        return f"{self.pupil} {self.held_on}"


class ActionItem(models.Model):
    """Support agreed in the review: who does what by when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="action_items")
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    text = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("by"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


# Home visits ----------------------------------------------------------------------------------


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class HomeVisit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="home_visits")
    planned_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=300)
    who_goes = models.CharField(_("who goes"), max_length=200)
    family_agreed = models.BooleanField(_("the family has agreed"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pupil} {self.planned_on}"


# The family's cooperation needs ---------------------------------------------------------------


class TimeAvailable(models.TextChoices):
    FLEXIBLE = "flexible", _("flexible")
    LIMITED = "limited", _("limited (work, shifts, other children)")
    VERY_LIMITED = "very_limited", _("very limited")


class Barrier(models.TextChoices):
    """Structured on purpose: health and hardship never go in free text (data minimisation)."""

    OWN_SCHOOL = "own_school", _("the parents' own hard school experiences")
    HEALTH = "health", _("health in the family")
    ECONOMY = "economy", _("economy")
    WORK_HOURS = "work_hours", _("work hours or shifts")
    OTHER_CHILDREN = "other_children", _("care for other children")
    DISTRUST = "distrust", _("earlier disappointment with the school")


class Adjustment(models.TextChoices):
    INTERPRETER = "interpreter", _("book an interpreter")
    RIGHT_HOUR = "right_hour", _("call at the hour the family chose")
    HOME_VISITS = "home_visits", _("home visits instead of meetings at school")
    WRITTEN = "written", _("short written summaries after each talk")
    POSITIVE_FIRST = "positive_first", _("start every contact with something positive")
    ONE_PERSON = "one_person", _("one fixed person at school")


class FamilyNeeds(models.Model):
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="family_needs")
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    time_available = models.CharField(
        _("time available"),
        max_length=14,
        choices=TimeAvailable.choices,
        default=TimeAvailable.FLEXIBLE,
    )
    channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE
    )
    window = models.CharField(
        _("preferred time"), max_length=14, choices=TimeWindow.choices, blank=True
    )
    # Only what the family has told the school; shown only to the contact teacher and the leader.
    barriers = models.JSONField(_("what makes cooperation harder"), default=list, blank=True)
    barrier_note = models.CharField(_("short note"), max_length=200, blank=True)
    family_told = models.BooleanField(
        _("the family told the school this themselves"), default=False
    )
    adjustments = models.JSONField(_("what the school does"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cooperation needs")
        verbose_name_plural = _("cooperation needs")

    def __str__(self) -> str:
        return f"{self.pupil}"


# The 24-hour person and the child's network ---------------------------------------------------


class Part(models.TextChoices):
    """Lysebo & Spurkeland's five sides of the 24-hour person."""

    ACADEMIC = "academic", _("the academic person")
    FAMILY = "family", _("the family person")
    LEISURE = "leisure", _("the leisure person")
    PAST = "past", _("the past person")
    FUTURE = "future", _("the future person")


class Author(models.TextChoices):
    PUPIL = "pupil", _("the pupil")
    GUARDIAN = "guardian", _("guardian")
    STAFF = "staff", _("staff")


class Visibility(models.TextChoices):
    FAMILY = "family", _("the family and the school")
    STAFF = "staff", _("the school's staff only")


class ProfileEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="profile_entries")
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    text = models.TextField(_("text"), max_length=1000)
    author = models.CharField(_("written by"), max_length=10, choices=Author.choices)
    author_label = models.CharField(max_length=300)
    visibility = models.CharField(
        _("who may see it"), max_length=8, choices=Visibility.choices, default=Visibility.FAMILY
    )
    # A goal of the future person; ``plan_goal`` names the follow-up plan's goal it feeds.
    is_goal = models.BooleanField(_("a goal"), default=False)
    plan_goal = models.UUIDField(_("goal in the plan"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile entry")
        verbose_name_plural = _("profile entries")
        ordering = ["part", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.pupil} {self.part}"


class Sphere(models.TextChoices):
    """Epstein's overlapping spheres around the child."""

    SCHOOL = "school", _("school")
    FAMILY = "family", _("family")
    COMMUNITY = "community", _("community")


class NetworkMember(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="network")
    sphere = models.CharField(_("sphere"), max_length=10, choices=Sphere.choices)
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("who they are to the child"), max_length=120)
    # Set when a guardian added the person: that guardian may change or remove it.
    added_by_guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("person in the network")
        verbose_name_plural = _("the child's network")
        ordering = ["sphere", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
