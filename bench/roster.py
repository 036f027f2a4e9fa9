"""The bench's synthetic roster: one municipality, schools of 500 pupils, the default calendar."""

from __future__ import annotations

from bench.synthetic import LESSONS, PUPILS_PER_SCHOOL, YEAR_END, YEAR_START, pupil_id
from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.audit.log import Actor
from sammen.roster.models import Pupil, School, SchoolOwner, SchoolYear


def load_roster(pupils: int) -> None:
    owner = SchoolOwner.objects.create(name="Benchvik kommune")
    year = SchoolYear.objects.create(
        owner=owner, name="2026–2027", start_date=YEAR_START, end_date=YEAR_END
    )
    schools = School.objects.bulk_create(
        School(owner=owner, name=f"Skole {n + 1}") for n in range(-(-pupils // PUPILS_PER_SCHOOL))
    )
    Pupil.objects.bulk_create(
        (
            Pupil(
                owner=owner,
                school=schools[(n - 1) // PUPILS_PER_SCHOOL],
                given_name=f"Elev{n}",
                family_name="Hansen",
                source_id=pupil_id(n),
            )
            for n in range(1, pupils + 1)
        ),
        batch_size=1000,
    )
    actor = Actor.system("bench")
    for school in schools:
        ensure_default_calendar(
            actor=actor, school=school, school_year=year, lessons_per_day=LESSONS
        )
