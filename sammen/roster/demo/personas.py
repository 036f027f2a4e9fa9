"""The named demo logins. Their names are fixed (not drawn from the seed) so docs/demo.md and a
presenter can name them; everything around them comes from the seed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    username: str
    given_name: str
    family_name: str
    # What ``sammen demo_logins`` calls them, in Norwegian.
    title: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


KONTAKTLAERER = Persona("kontaktlaerer", "Ingrid", "Haugland", "kontaktlærer")
FAGLAERER = Persona("faglaerer", "Martin", "Aasen", "faglærer")
REKTOR = Persona("rektor", "Hilde", "Sæther", "rektor")
HELSESYKEPLEIER = Persona("helsesykepleier", "Silje", "Rønning", "helsesykepleier")
FORELDER1 = Persona("forelder1", "Marte", "Johansen", "foresatt")
FORELDER2 = Persona("forelder2", "Thomas", "Nilsen", "foresatt")
ADMIN = Persona("admin", "Erik", "Vik", "systemadministrator")

PERSONAS: tuple[Persona, ...] = (
    KONTAKTLAERER,
    FAGLAERER,
    REKTOR,
    HELSESYKEPLEIER,
    FORELDER1,
    FORELDER2,
    ADMIN,
)

# The families around the two guardian personas: (given name, family name).
FORELDER1_PARTNER = ("Anders", "Johansen")
FORELDER1_OLDER_CHILD = ("Sander", "Johansen")  # in 9B at the lower secondary school
FORELDER1_YOUNGER_CHILD = ("Ella", "Johansen")  # in 4A at the primary school
FORELDER1_YOUNGER_GRADE = 4
FORELDER2_PARTNER = ("Kristin", "Berg")  # lives with Thomas; the child carries his name
FORELDER2_CHILD = ("Nora", "Nilsen")  # in 9B

# The class at the (first) lower secondary school that the personas share.
PERSONA_CLASS_GRADE = 9
PERSONA_CLASS_LETTER = "B"
