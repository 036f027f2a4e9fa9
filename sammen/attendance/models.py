"""Attendance: the school calendar, the weekly timetable, and what happened to each pupil.

Only deviations are stored (absent, late, left early, present elsewhere); a pupil with no record
on a school day was present. Rates are computed against the school days (or planned lessons) the
pupil was enrolled, never against calendar days. Writes go through ``sammen.attendance.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sammen.roster.models import Group, Guardian, Pupil, School, SchoolYear


class DayKind(models.TextChoices):
    SCHOOL_DAY = "school_day", _("school day")
    HOLIDAY = "holiday", _("holiday")
    PUBLIC_HOLIDAY = "public_holiday", _("public holiday")
    PLANNING_DAY = "planning_day", _("planning day")


class CalendarDay(models.Model):
    """One weekday of a school's year. Weekends are never school days and are not stored."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar_days")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="calendar_days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lessons = models.PositiveSmallIntegerField(
        _("planned lessons"), default=0, help_text=_("0 on days without teaching")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="calendarday_unique"),
            models.CheckConstraint(
                condition=Q(kind="school_day", lessons__gt=0) | ~Q(kind="school_day"),
                name="calendarday_school_day_has_lessons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.date} {self.kind}"


class LessonPeriod(models.Model):
    """When lesson ``number`` runs at a school (the same every school day)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="lesson_periods")
    number = models.PositiveSmallIntegerField(_("lesson"))
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))

    class Meta:
        verbose_name = _("lesson time")
        verbose_name_plural = _("lesson times")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="lessonperiod_unique"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="lesson_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.start:%H:%M}–{self.end:%H:%M}"


class TimetableSlot(models.Model):
    """A teaching group's weekly lesson: weekday (0 = Monday) and lesson number."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="timetable")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    period = models.PositiveSmallIntegerField(_("lesson"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("timetable slot")
        verbose_name_plural = _("timetable slots")
        ordering = ["weekday", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "weekday", "period"], name="timetableslot_unique"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=4), name="timetable_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.weekday}/{self.period}"


class Kind(models.TextChoices):
    ABSENT = "absent", _("absent")
    LATE = "late", _("late")
    LEFT_EARLY = "left_early", _("left early")
    PRESENT_ELSEWHERE = "present_elsewhere", _("present elsewhere")


class Reason(models.TextChoices):
    SICK = "sick", _("sick")
    LEAVE = "leave", _("leave of absence")
    SCHOOL_ACTIVITY = "school_activity", _("school activity")
    HOME_TEACHING = "home_teaching", _("home teaching by agreed plan")
    UNEXPLAINED = "unexplained", _("unexplained")
    OTHER = "other", _("other")


class ReportedBy(models.TextChoices):
    GUARDIAN = "guardian", _("guardian")
    STAFF = "staff", _("staff")
    IMPORT = "import", _("import")


# Reasons that never count as absence: the pupil is with the school, elsewhere.
NOT_COUNTED_REASONS = frozenset({Reason.SCHOOL_ACTIVITY})


class AttendanceRecord(models.Model):
    """A deviation from full attendance on one school day: the whole day or one lesson.

    ``period`` is None for a whole-day record. ``minutes`` is how late, or how early the pupil
    left; for an absence it is unused (the lesson or day is missed). A day's absence fraction is
    derived from its lessons (see ``sammen.attendance.rates``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No single-column indexes on the foreign keys: (pupil, date) and (school, date) serve them,
    # and group and registered_by, mostly empty, get partial ones. Every index costs each of the
    # million rows an import writes (docs/benchmarks.md).
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="attendance", db_index=False
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(_("lesson"), null=True, blank=True)
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, default=Reason.UNEXPLAINED
    )
    documented = models.BooleanField(_("documented"), default=False)
    counts_on_diploma = models.BooleanField(_("counts on the diploma"), default=True)
    reported_by = models.CharField(
        _("reported by"), max_length=10, choices=ReportedBy.choices, default=ReportedBy.STAFF
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # Where an imported record came from: "<format>:<source id>", for idempotent re-imports.
    source = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["date", "period"]
        indexes = [
            models.Index(fields=["school", "date"], name="attendance_school_date"),
            models.Index(
                fields=["group"], condition=Q(group__isnull=False), name="attendance_group"
            ),
            models.Index(
                fields=["registered_by"],
                condition=Q(registered_by__isnull=False),
                name="attendance_registered_by",
            ),
        ]
        constraints = [
            # One record per lesson and one for the whole day (lesson 0 here): a single index
            # that also serves every look-up by pupil and date, where three did the same work.
            models.UniqueConstraint(
                F("pupil"),
                F("date"),
                Coalesce("period", Value(0)),
                name="attendance_one_per_lesson",
            ),
            models.CheckConstraint(
                condition=Q(period__isnull=True) | Q(period__gte=1), name="attendance_lesson_from_1"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["late", "left_early"], minutes__gte=1, minutes__lte=480)
                | (~Q(kind__in=["late", "left_early"]) & Q(minutes__isnull=True)),
                name="attendance_minutes_for_late_and_early",
            ),
        ]

    def __str__(self) -> str:
        where = f" {self.period}." if self.period else ""
        return f"{self.pupil} {self.date}{where} {self.get_kind_display()}"


class GuardianReportReason(models.TextChoices):
    """What a guardian may say: structured, so no health details end up in free text."""

    SICK = "sick", _("ill")
    APPOINTMENT = "appointment", _("appointment (doctor, dentist, public office)")
    LEAVE = "leave", _("planned leave")
    OTHER = "other", _("other reason, I will contact the school")


class GuardianReport(models.Model):
    """A guardian's notice of absence, which becomes attendance records for those days."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_reports")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, related_name="absence_reports"
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=16, choices=GuardianReportReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence report from guardian")
        verbose_name_plural = _("absence reports from guardians")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="guardianreport_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.first_day}–{self.last_day}"


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")


class AbsenceNotice(models.Model):
    """A same-day notice to a guardian of unexplained absence; one per guardian, day, channel."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absence_notices")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=8, choices=NoticeChannel.choices)
    language = models.CharField(_("language"), max_length=5)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("absence notice")
        verbose_name_plural = _("absence notices")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "guardian", "date", "channel"], name="absencenotice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.date} {self.channel}"


class AttendanceRoutine(models.Model):
    """A school's routine for same-day notices of unexplained absence."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="routine")
    notify_at = models.TimeField(_("send notices at"), default="09:00")
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by text message"), default=True)

    class Meta:
        verbose_name = _("attendance routine")
        verbose_name_plural = _("attendance routines")

    def __str__(self) -> str:
        return f"{self.school}: {self.notify_at:%H:%M}"


class PupilWeek(models.Model):
    """Per-pupil weekly totals, kept current by every write so indicators need not rescan a year.

    ``absent_lessons`` counts lessons missed (whole-day absences count every planned lesson);
    ``absent_days`` counts days with at least half their lessons missed, the rule the early
    warning uses.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="weeks")
    week_start = models.DateField()
    school_days = models.PositiveSmallIntegerField(default=0)
    planned_lessons = models.PositiveSmallIntegerField(default=0)
    absent_lessons = models.PositiveSmallIntegerField(default=0)
    absent_days = models.PositiveSmallIntegerField(default=0)
    unexplained_lessons = models.PositiveSmallIntegerField(default=0)
    late_count = models.PositiveSmallIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "week_start"], name="pupilweek_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.week_start}"


class PupilDay(models.Model):
    """One pupil's totals on one school day that has any record, kept current with every write.

    What the early warning reads instead of the records: a day without a row is a full day at
    school (the calendar gives its planned lessons). Counted by ``rates.count_day``, the one place
    the counting rules live.
    """

    # A cache of counts, rewritten from the records by every write: no foreign-key checks in the
    # database (a million per import), Django still cascades deletions. (pupil, date) is unique.
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="days", db_index=False, db_constraint=False
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    date = models.DateField()
    planned_lessons = models.PositiveSmallIntegerField(default=0)
    absent_lessons = models.PositiveSmallIntegerField(default=0)
    unexplained_lessons = models.PositiveSmallIntegerField(default=0)
    # Absent lessons whose reason is illness: the sick-episode rule reads these.
    sick_lessons = models.PositiveSmallIntegerField(default=0)
    late_count = models.PositiveSmallIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)
    # Absent from the first lesson but not the whole day: with late_count, a hard morning.
    first_lesson_absent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date"], name="pupilday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date}"
