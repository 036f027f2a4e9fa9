"""``sammen demo_logins``: the demo's logins as a table, read from the database (docs/demo.md).

It lives in ``web`` beside ``demo_data`` because it tells what the staff personas teach today,
which is attendance data that the roster app must not read.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.accounts.models import User
from sammen.attendance.models import CalendarDay, DayKind, LessonPeriod, TimetableSlot
from sammen.roster.demo.personas import PERSONAS, Persona
from sammen.roster.models import (
    Enrollment,
    GroupKind,
    GroupTeacher,
    Guardianship,
    SchoolOwner,
    Staff,
)
from sammen.web.management.commands.demo_data import iso_date

# Why a persona is interesting to log in as, beyond their role.
_NOTES = {
    "rektor": "ser alle elevene ved skolen",
    "helsesykepleier": "ser bare saker hun blir invitert inn i",
    "admin": "krever tofaktor",
}


class Command(BaseCommand):
    help = "Skriver ut demo-innloggingene med passord (og tofaktornøkkelen til admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            help="Dagen timene «i dag» gjelder, ÅÅÅÅ-MM-DD (standard: dagens dato).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = iso_date(options["today"]) if options["today"] else date.today()
        users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
        missing = [persona.username for persona in PERSONAS if persona.username not in users]
        if missing:
            raise CommandError(
                f"Demodata er ikke lastet (fant ikke brukeren «{missing[0]}»). "
                "Kjør først: sammen demo_data --seed 2026"
            )

        rows = [
            (persona.username, _describe(persona, users[persona.username], today))
            for persona in PERSONAS
        ]
        width = max(len("Brukernavn"), *(len(username) for username, _ in rows))
        out = self.stdout
        out.write(f"Demo-innlogginger på {settings.SITE_URL}")
        out.write(f"Passord for alle: {settings.DEMO_PASSWORD}")
        out.write("")
        out.write(f"{'Brukernavn'.ljust(width)}  Hvem")
        out.write(f"{'-' * width}  {'-' * 60}")
        for username, description in rows:
            out.write(f"{username.ljust(width)}  {description}")

        admin = next(p for p in PERSONAS if p.username == "admin")
        device = (
            TOTPDevice.objects.filter(user=users[admin.username], confirmed=True)
            .order_by("id")
            .first()
        )
        out.write("")
        if device is None:
            out.write(f"{admin.username} har ingen bekreftet tofaktorenhet.")
            return
        key = base64.b32encode(device.bin_key).decode("ascii")
        out.write(
            f"Tofaktor for {admin.username}: etter passordet ber Sammen om en engangskode.\n"
            "Legg denne nøkkelen inn i en autentiseringsapp (TOTP, 6 sifre, 30 sekunder):"
        )
        out.write(f"  {key}")


def _usernames() -> list[str]:
    return [persona.username for persona in PERSONAS]


def _describe(persona: Persona, user: User, today: date) -> str:
    name = user.get_full_name() or persona.full_name
    guardian = getattr(user, "guardian", None)
    if guardian is not None:
        return f"{name}, {persona.title} til {_children(guardian.pk)}"
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        return f"{name}, {persona.title}"
    links = GroupTeacher.objects.filter(staff=staff).select_related("group")
    ordered = list(links.order_by("group__grade", "group__name"))
    classes = [link.group.name for link in ordered if link.is_contact_teacher]
    taught = [link.group.name for link in ordered if not link.is_contact_teacher]
    if classes:
        text = f"{name}, {persona.title} for {_join(classes)} {_where(staff)}"
    else:
        text = f"{name}, {persona.title} {_where(staff)}"
    if taught:
        text += f"; underviser {'også ' if classes else ''}{_join(taught)}"
    lessons = _lessons_on(staff, today)
    if lessons:
        text += f"; i dag {lessons}"
    note = _NOTES.get(persona.username)
    return f"{text} ({note})" if note else text


def _lessons_on(staff: Staff, today: date) -> str:
    """«9B Matematikk 2. time (09:20)» for each lesson the staff member teaches ``today``."""
    school_days = CalendarDay.objects.filter(date=today, kind=DayKind.SCHOOL_DAY)
    slots = list(
        TimetableSlot.objects.filter(
            group__teachers__staff=staff,
            weekday=today.weekday(),
            group__school__in=school_days.values("school"),
        )
        .select_related("group")
        .order_by("period", "group__name")
    )
    starts = {
        (school_id, number): start
        for school_id, number, start in LessonPeriod.objects.filter(
            school__in={slot.group.school_id for slot in slots}
        ).values_list("school_id", "number", "start")
    }
    lessons = []
    for slot in slots:
        start = starts.get((slot.group.school_id, slot.period))
        at = f" ({start:%H:%M})" if start else ""
        lessons.append(f"{slot.group.name} {slot.period}. time{at}")
    return _join(lessons)


def _where(staff: Staff) -> str:
    schools = sorted(
        {role.school.name for role in staff.roles.select_related("school") if role.school}
    )
    if schools:
        return f"ved {_join(schools)}"
    owner = SchoolOwner.objects.filter(pk=staff.owner_id).first()
    return f"for {owner.name}" if owner else ""


def _children(guardian_id: int) -> str:
    links = (
        Guardianship.objects.filter(guardian_id=guardian_id, parental_responsibility=True)
        .select_related("pupil__school")
        .order_by("-pupil__grade", "pupil__given_name")
    )
    described = []
    for link in links:
        pupil = link.pupil
        classes = Enrollment.objects.filter(pupil=pupil, group__kind=GroupKind.CLASS).values_list(
            "group__name", flat=True
        )
        where = ", ".join([*classes, pupil.school.name])
        described.append(f"{pupil.full_name} ({where})")
    return _join(described)


def _join(items: list[str]) -> str:
    """«a, b og c»."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"
