"""The roster: who belongs where.

Writes go through ``sammen.roster.services`` (and the importers, which use the same audit path);
reads of pupils and guardians go through ``sammen.roster.access``.
Every row an import can create carries ``source_id``: the identifier in the source system
(OneRoster ``sourcedId``, FINT ``systemId``, Ed-Fi ``StudentUniqueId``), unique per school owner.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _source_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["owner", "source_id"],
        condition=~Q(source_id=""),
        name=f"{model}_unique_source_id_per_owner",
    )


class SchoolOwner(models.Model):
    """The municipality (kommune) or county (fylkeskommune) that runs the schools."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    source_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("school owner")
        verbose_name_plural = _("school owners")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(SchoolOwner, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    grade_from = models.PositiveSmallIntegerField(_("lowest grade"), default=1)
    grade_to = models.PositiveSmallIntegerField(_("highest grade"), default=10)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [_source_unique("school")]

    def __str__(self) -> str:
        return self.name


class SchoolYear(models.Model):
    """A school year (skoleår), e.g. 2026–2027, shared by the owner's schools."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(SchoolOwner, on_delete=models.PROTECT, related_name="school_years")
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-start_date"]
        constraints = [
            _source_unique("schoolyear"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="schoolyear_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class Term(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(SchoolOwner, on_delete=models.PROTECT, related_name="terms")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["start_date"]
        constraints = [
            _source_unique("term"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="term_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupKind(models.TextChoices):
    CLASS = "class", _("class")
    TEACHING = "teaching", _("teaching group")
    CONTACT = "contact", _("contact-teacher group")


class Group(models.Model):
    """A class (klasse/basisgruppe), teaching group or contact-teacher group (FINT's three)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(SchoolOwner, on_delete=models.PROTECT, related_name="groups")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="groups", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=200)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["grade", "name"]
        constraints = [_source_unique("group")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Fields every person in the roster has."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(SchoolOwner, on_delete=models.PROTECT, related_name="+")
    given_name = models.CharField(_("given name"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=200)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


class Pupil(Person):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    username = models.CharField(_("user name (Feide)"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["family_name", "given_name"]
        constraints = [_source_unique("pupil")]


class Enrollment(models.Model):
    """A pupil's membership of a group (klassemedlemskap / undervisningsgruppemedlemskap)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrollments")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrollments")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.group}"


class Language(models.TextChoices):
    """Languages guardians most often prefer in Norway; the portal issue adds translations."""

    NB = "nb", _("Norwegian Bokmål")
    NN = "nn", _("Norwegian Nynorsk")
    EN = "en", _("English")
    PL = "pl", _("Polish")
    UK = "uk", _("Ukrainian")
    AR = "ar", _("Arabic")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinya")
    LT = "lt", _("Lithuanian")
    FA = "fa", _("Persian")
    SE = "se", _("Northern Sami")


class Guardian(Person):
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    needs_interpreter = models.BooleanField(_("needs interpreter"), default=False)
    # How the guardian wants to be told that something waits in the portal (a message, a
    # notice): "email" or "sms"; empty leaves it to the school's routine.
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=8,
        blank=True,
        choices=[("email", _("e-mail")), ("sms", _("text message (SMS)"))],
    )
    contact_windows = models.CharField(
        _("best times to reach"),
        max_length=200,
        blank=True,
        help_text=_("For example: weekdays after 16:00"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
    )
    # A keyed hash (HMAC) of the national identity number, for matching ID-porten logins:
    # the number itself is never stored.
    pid_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["family_name", "given_name"]
        constraints = [_source_unique("guardian")]


class Relation(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    PARENT = "parent", _("parent")
    FOSTER = "foster", _("foster parent")
    GUARDIAN = "guardian", _("appointed guardian")
    OTHER = "other", _("other")


class Guardianship(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(
        _("relation"), max_length=10, choices=Relation.choices, default=Relation.PARENT
    )
    # foreldreansvar: without it a parent has no right to the school's information on the child
    parental_responsibility = models.BooleanField(_("parental responsibility"), default=True)
    lives_with = models.BooleanField(_("lives with the pupil"), default=True)
    # strengt fortrolig / fortrolig adresse: the address must not reach anyone who may not know it
    confidential_address = models.BooleanField(_("confidential address"), default=False)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian"], name="guardianship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} – {self.pupil}"


class Staff(Person):
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Feide eduPersonPrincipalName, e.g. "kari@kommune.no"
    username = models.CharField(_("user name (Feide)"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["family_name", "given_name"]
        constraints = [_source_unique("staff")]


class Role(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    CONTACT_TEACHER = "contact_teacher", _("contact teacher")
    LEADER = "leader", _("school leader")
    OFFICE = "office", _("school office")
    SUPPORT = "support", _("support service")
    ANALYST = "analyst", _("municipality analyst")
    SYSADMIN = "sysadmin", _("system administrator")


# Roles held for the whole school owner rather than one school.
OWNER_ROLES = frozenset({Role.ANALYST, Role.SYSADMIN})


class StaffRole(models.Model):
    """A role a staff member holds at one school (or, for owner roles, at the school owner)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="staff_roles", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "school", "role"],
                condition=Q(school__isnull=False),
                name="staffrole_unique_at_school",
            ),
            models.UniqueConstraint(
                fields=["staff", "role"],
                condition=Q(school__isnull=True),
                name="staffrole_unique_at_owner",
            ),
            models.CheckConstraint(
                # A literal list: a frozenset's order changes from run to run (hash seeds),
                # which made makemigrations see a change that was not there.
                condition=Q(role__in=[Role.SYSADMIN.value, Role.ANALYST.value])
                | Q(school__isnull=False),
                name="staffrole_school_role_has_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_role_display()}"


class GroupTeacher(models.Model):
    """A staff member who teaches a group, or is its contact teacher."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="teachers")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="group_links")
    is_contact_teacher = models.BooleanField(_("contact teacher"), default=False)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("group teacher")
        verbose_name_plural = _("group teachers")
        constraints = [
            models.UniqueConstraint(fields=["group", "staff"], name="groupteacher_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.group}"
