"""«Hvem har sett» in the demo: the contact teacher persona has opened the attendance page of the
pupils in her class whose guardians are demo personas, so a guardian trying the portal finds a
member of staff named there, not only the import.

The events are the ones the attendance page itself writes (``attendance.views.log_pupil_read``),
by the persona; they carry the time the demo was loaded, as every audit event carries the time it
was written.
"""

from __future__ import annotations

from sammen.audit import actions
from sammen.audit.log import Event, record_many
from sammen.audit.models import AuditKind
from sammen.roster.demo import personas
from sammen.roster.models import GroupTeacher, Guardianship, Pupil, Staff

GUARDIANS = (personas.FORELDER1.username, personas.FORELDER2.username)


def load_looked_demo() -> int:
    """Write the contact teacher persona's reads; return how many."""
    teacher = Staff.objects.filter(user__username=personas.KONTAKTLAERER.username).first()
    if teacher is None or teacher.user is None:
        return 0
    groups = GroupTeacher.objects.filter(staff=teacher, is_contact_teacher=True).values("group")
    children = Pupil.objects.filter(
        pk__in=Guardianship.objects.filter(
            guardian__user__username__in=GUARDIANS, parental_responsibility=True
        ).values("pupil"),
        enrollments__group__in=groups,
    ).select_related("school")
    return record_many(
        Event(
            AuditKind.READ,
            actions.ATTENDANCE_VIEWED,
            teacher.user,
            obj=child,
            school=child.school,
            pupil=child,
        )
        for child in children.distinct().order_by("pk")
    )
