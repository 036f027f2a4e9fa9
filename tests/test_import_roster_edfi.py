"""``sammen import_roster --format edfi``: schools, pupils and guardians from Ed-Fi XML."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import (
    Guardian,
    Guardianship,
    Pupil,
    Relation,
    School,
    SchoolOwner,
    SchoolYear,
    Term,
)

pytestmark = pytest.mark.django_db

GRAND_BEND = Path(__file__).parent / "fixtures" / "edfi" / "grandbend"
NS = {"e": "http://ed-fi.org/5.0.0"}


def roster(directory: Path, *args: str) -> tuple[dict[str, Any], str | None]:
    out = io.StringIO()
    try:
        call_command(
            "import_roster", str(directory), "--format", "edfi", "--json", *args, stdout=out
        )
        error = None
    except CommandError as exc:
        error = str(exc)
    return json.loads(out.getvalue()), error


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def _expected_links() -> tuple[set[str], list[ET.Element]]:
    """The pupils with attendance events, and their StudentContactAssociations, read directly."""
    events = ET.parse(GRAND_BEND / "StudentSchoolAttendance.xml").getroot()
    pupils = {e.text or "" for e in events.iterfind(".//e:StudentUniqueId", NS)}
    contacts = ET.parse(GRAND_BEND / "Contact.xml").getroot()
    links = [
        link
        for link in contacts.iterfind("e:StudentContactAssociation", NS)
        if link.findtext(".//e:StudentUniqueId", namespaces=NS) in pupils
    ]
    return pupils, links


def test_grand_bend_becomes_an_owner_with_three_schools_pupils_and_guardians() -> None:
    summary, error = roster(GRAND_BEND)

    assert error is None
    pupils, links = _expected_links()
    assert nonzero(summary["created"]) == {
        "school_owner": 1,
        "school": 3,
        "school_year": 1,
        "term": 2,
        "pupil": len(pupils),
        "guardian": len({link.find("e:ContactReference", NS).get("ref") for link in links}),  # type: ignore[union-attr]
        "guardianship": len(links),
    }
    assert len(pupils) == 227
    owner = SchoolOwner.objects.get()
    assert (owner.name, owner.source_id) == ("Grand Bend ISD", "255901")
    grades = {s.name: (s.grade_from, s.grade_to) for s in School.objects.all()}
    assert grades == {
        "Grand Bend Elementary School": (1, 5),
        "Grand Bend Middle School": (6, 8),
        "Grand Bend High School": (9, 10),
    }
    year = SchoolYear.objects.get()
    assert (year.name, year.start_date, year.end_date) == (
        "2021–2022",
        date(2021, 8, 23),
        date(2022, 5, 27),
    )
    assert sorted(Term.objects.values_list("name", flat=True)) == [
        "2021-2022 Fall Semester",
        "2021-2022 Spring Semester",
    ]


def test_students_without_a_school_are_skipped_with_the_reason() -> None:
    summary, _ = roster(GRAND_BEND)

    assert len(summary["skipped"]) == 960 - 227
    assert summary["skipped"][0] == {
        "file": "Student.xml",
        "line": 44,
        "value": "604824",
        "reason": "no school: no StudentSchoolAssociation and no attendance event names one "
        "(Sammen keeps pupils at a school)",
    }


def test_a_pupil_gets_names_birth_date_and_the_school_of_their_events() -> None:
    roster(GRAND_BEND)

    lisa = Pupil.objects.get(source_id="604822")
    assert (lisa.given_name, lisa.family_name, lisa.birth_date, lisa.school.source_id) == (
        "Lisa Sybil",
        "Woods",
        date(2008, 9, 13),
        "255901001",
    )


def test_guardianships_keep_relation_lives_with_and_parental_responsibility() -> None:
    roster(GRAND_BEND)

    _, links = _expected_links()
    mother = Guardianship.objects.get(pupil__source_id="604821", guardian__source_id="778393")
    assert (mother.relation, mother.parental_responsibility, mother.lives_with) == (
        Relation.MOTHER,
        True,
        True,
    )
    apart = sum(link.findtext("e:LivesWith", namespaces=NS) == "false" for link in links)
    assert Guardianship.objects.filter(lives_with=False).count() == apart
    carmen = Guardian.objects.get(source_id="778393")
    assert (carmen.given_name, carmen.family_name, carmen.phone) == (
        "Carmen",
        "Dyer",
        "(950) 342 7522",
    )


def test_the_same_files_again_change_nothing_and_audit_nothing() -> None:
    roster(GRAND_BEND)
    events = AuditEvent.objects.count()

    summary, error = roster(GRAND_BEND)

    assert error is None
    assert nonzero(summary["created"]) == nonzero(summary["updated"]) == {}
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action=actions.ROSTER_IMPORTED).count() == 1


ORGANIZATION = """<?xml version="1.0"?>
<InterchangeEducationOrganization xmlns="http://ed-fi.org/5.0.0">
  <LocalEducationAgency id="LEA1"><NameOfInstitution>Fjordvik kommune</NameOfInstitution>
    <LocalEducationAgencyId>1</LocalEducationAgencyId></LocalEducationAgency>
  <School><NameOfInstitution>Fjordvik skole</NameOfInstitution><SchoolId>11</SchoolId>
    <GradeLevel>uri://ed-fi.org/GradeLevelDescriptor#Eighth grade</GradeLevel>
    <GradeLevel>uri://ed-fi.org/GradeLevelDescriptor#Ninth grade</GradeLevel></School>
</InterchangeEducationOrganization>
"""
STUDENTS = """<?xml version="1.0"?>
<InterchangeStudent xmlns="http://ed-fi.org/5.0.0">
  <Student><StudentUniqueId>S1</StudentUniqueId>
    <Name><FirstName>Ida</FirstName><LastSurname>Strand</LastSurname></Name></Student>
</InterchangeStudent>
"""
ENROLLMENT = """<?xml version="1.0"?>
<InterchangeStudentEnrollment xmlns="http://ed-fi.org/5.0.0">
  <StudentSchoolAssociation>
    <StudentReference><StudentIdentity><StudentUniqueId>S1</StudentUniqueId></StudentIdentity></StudentReference>
    <SchoolReference><SchoolIdentity><SchoolId>11</SchoolId></SchoolIdentity></SchoolReference>
    <EntryDate>2026-08-17</EntryDate>
    <EntryGradeLevel>uri://ed-fi.org/GradeLevelDescriptor#Eighth grade</EntryGradeLevel>
  </StudentSchoolAssociation>
</InterchangeStudentEnrollment>
"""
CONTACTS = """<?xml version="1.0"?>
<InterchangeContact xmlns="http://ed-fi.org/5.0.0">
  <Contact id="C1"><ContactUniqueId>C1</ContactUniqueId>
    <Name><FirstName>Berit</FirstName><LastSurname>Strand</LastSurname></Name>
    <ElectronicMail><ElectronicMailAddress>berit@example.no</ElectronicMailAddress></ElectronicMail>
    <Telephone><TelephoneNumber>22 00 00 00</TelephoneNumber><OrderOfPriority>2</OrderOfPriority>
      <TelephoneNumberType>uri://ed-fi.org/TelephoneNumberTypeDescriptor#Home</TelephoneNumberType></Telephone>
    <Telephone><TelephoneNumber>+47 912 00 000</TelephoneNumber><OrderOfPriority>3</OrderOfPriority>
      <TelephoneNumberType>uri://ed-fi.org/TelephoneNumberTypeDescriptor#Mobile</TelephoneNumberType></Telephone>
  </Contact>
  <StudentContactAssociation>
    <StudentReference><StudentIdentity><StudentUniqueId>S1</StudentUniqueId></StudentIdentity></StudentReference>
    <ContactReference ref="C1"/>
    <Relation>uri://ed-fi.org/RelationDescriptor#Grandmother</Relation>
    <PrimaryContactStatus>true</PrimaryContactStatus>
    <LivesWith>false</LivesWith>
  </StudentContactAssociation>
</InterchangeContact>
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    for name, text in (
        ("EducationOrganization.xml", ORGANIZATION),
        ("Student.xml", STUDENTS),
        ("StudentEnrollment.xml", ENROLLMENT),
        ("Contact.xml", CONTACTS),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_student_school_association_gives_the_school_and_grade(small: Path) -> None:
    _, error = roster(small)

    assert error is None
    ida = Pupil.objects.get()
    assert (ida.school.name, ida.grade) == ("Fjordvik skole", 8)


def test_a_grandmother_is_other_without_parental_responsibility_unless_told(small: Path) -> None:
    summary, _ = roster(small)

    ship = Guardianship.objects.get()
    assert (ship.relation, ship.parental_responsibility, ship.lives_with) == (
        Relation.OTHER,
        False,
        False,
    )
    berit = Guardian.objects.get()
    assert (berit.email, berit.phone) == ("berit@example.no", "+47 912 00 000")
    assert summary["notes"] == [
        {
            "file": "Contact.xml",
            "line": None,
            "field": "PrimaryContactStatus",
            "value": "1",
            "note": "not stored: Sammen contacts every guardian with parental responsibility",
        }
    ]


def test_a_missing_student_file_stops_the_import(small: Path) -> None:
    (small / "Student.xml").unlink()

    summary, error = roster(small)

    assert error == "nothing was imported: 1 error (see above)"
    assert summary["rejected"][0]["file"] == "Student.xml"
    assert not SchoolOwner.objects.exists()


def test_a_student_at_an_unknown_school_is_rejected(small: Path) -> None:
    (small / "StudentEnrollment.xml").write_text(
        ENROLLMENT.replace(">11<", ">99<"), encoding="utf-8"
    )

    summary, error = roster(small)

    assert error is not None
    assert [(p["file"], p["field"], p["reason"]) for p in summary["rejected"]] == [
        (
            "StudentEnrollment.xml",
            "SchoolId",
            "student S1's school is not in EducationOrganization.xml nor in Sammen",
        )
    ]
