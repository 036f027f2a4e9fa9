"""The OneRoster 1.1 and 1.2 CSV files: their columns, the required ones, and the vocabularies.

Columns are the union of 1.1 and 1.2. ``aliases`` are older or misspelt names found in real
files, read as the column they stand for (with a note to the sender).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # lower-case older or misspelt name -> the column it stands for
    aliases: Mapping[str, str] = field(default_factory=dict)


# Seen in the moodle-enrol_oneroster v1.2 test set's roles.csv.
COMMON_ALIASES = {"datalastmodified": "dateLastModified"}

ORGS = FileSpec(
    "orgs.csv",
    _names("sourcedId status dateLastModified name type identifier parentSourcedId"),
    _names("sourcedId name type"),
)
SESSIONS = FileSpec(
    "academicSessions.csv",
    _names(
        "sourcedId status dateLastModified title type startDate endDate parentSourcedId schoolYear"
    ),
    _names("sourcedId title type startDate endDate"),
)
COURSES = FileSpec(
    "courses.csv",
    _names(
        "sourcedId status dateLastModified schoolYearSourcedId title courseCode grades "
        "orgSourcedId subjects subjectCodes resourceSourcedIds"
    ),
    _names("sourcedId title"),
    {"schoolyearid": "schoolYearSourcedId", "grade": "grades"},
)
CLASSES = FileSpec(
    "classes.csv",
    _names(
        "sourcedId status dateLastModified title grades courseSourcedId classCode classType "
        "location schoolSourcedId termSourcedIds subjects subjectCodes periods resourceSourcedIds"
    ),
    _names("sourcedId title classType schoolSourcedId termSourcedIds"),
    {"grade": "grades"},
)
USERS = FileSpec(
    "users.csv",
    _names(
        "sourcedId status dateLastModified enabledUser orgSourcedIds role username userIds "
        "givenName familyName middleName identifier email sms phone agentSourcedIds grades "
        "password userMasterIdentifier resourceSourcedIds preferredGivenName "
        "preferredMiddleName preferredFamilyName primaryOrgSourcedId pronouns"
    ),
    _names("sourcedId givenName familyName"),
    {"agents": "agentSourcedIds", "userid": "userIds", "grade": "grades"},
)
ENROLLMENTS = FileSpec(
    "enrollments.csv",
    _names(
        "sourcedId status dateLastModified classSourcedId schoolSourcedId userSourcedId role "
        "primary beginDate endDate"
    ),
    _names("sourcedId classSourcedId schoolSourcedId userSourcedId role"),
)
ROLES = FileSpec(
    "roles.csv",
    _names(
        "sourcedId status dateLastModified userSourcedId roleType role beginDate endDate "
        "orgSourcedId userProfileSourcedId"
    ),
    _names("sourcedId userSourcedId role orgSourcedId"),
)
USER_PROFILES = FileSpec(
    "userProfiles.csv",
    _names(
        "sourcedId status dateLastModified userSourcedId profileType vendorId applicationId "
        "description credentialType username password"
    ),
    (),
)
DEMOGRAPHICS = FileSpec(
    "demographics.csv",
    _names(
        "sourcedId status dateLastModified birthDate sex americanIndianOrAlaskaNative asian "
        "blackOrAfricanAmerican nativeHawaiianOrOtherPacificIslander white "
        "demographicRaceTwoOrMoreRaces hispanicOrLatinoEthnicity countryOfBirthCode "
        "stateOfBirthAbbreviation cityOfBirth publicSchoolResidenceStatus"
    ),
    _names("sourcedId"),
    # OneRoster 1.0 and the oat-sa variant key demographics by userSourcedId.
    {"usersourcedid": "sourcedId"},
)
MANIFEST = FileSpec("manifest.csv", _names("propertyName value"), _names("propertyName value"))

REQUIRED_FILES = (ORGS, USERS, CLASSES, ENROLLMENTS)
OPTIONAL_FILES = (SESSIONS, COURSES, ROLES, USER_PROFILES, DEMOGRAPHICS)

ORG_TYPES = ("school", "department", "district", "local", "state", "national")
OWNER_ORG_TYPES = frozenset({"district", "local", "state", "national"})
SESSION_TYPES = ("schoolYear", "term", "semester", "gradingPeriod")
CLASS_TYPES = ("homeroom", "scheduled")
STUDENT_ROLES = frozenset({"student"})
STAFF_ROLES = frozenset(
    _names(
        "teacher aide administrator principal siteAdministrator counselor proctor "
        "districtAdministrator systemAdministrator"
    )
)
GUARDIAN_ROLES = frozenset({"parent", "guardian", "relative"})
USER_ROLES = tuple(sorted(STUDENT_ROLES | STAFF_ROLES | GUARDIAN_ROLES))
ENROLLMENT_ROLES = _names("student teacher aide administrator proctor parent guardian relative")
