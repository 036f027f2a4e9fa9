"""Small helpers for Ed-Fi interchange files (Ed-Fi Data Standard 4–5 XML and API JSON)."""

from __future__ import annotations

from pathlib import Path

# Ed-Fi GradeLevelDescriptor code values that are Norwegian grades too (1–10).
GRADES = {
    "First grade": 1,
    "Second grade": 2,
    "Third grade": 3,
    "Fourth grade": 4,
    "Fifth grade": 5,
    "Sixth grade": 6,
    "Seventh grade": 7,
    "Eighth grade": 8,
    "Ninth grade": 9,
    "Tenth grade": 10,
}


def code(descriptor: str) -> str:
    """The code value of a descriptor: ``uri://ed-fi.org/XDescriptor#Tardy`` -> ``Tardy``."""
    return descriptor.rpartition("#")[2].strip()


def find_file(directory: Path, name: str) -> Path | None:
    """The file called ``name`` in ``directory``, whatever the case of its name."""
    exact = directory / name
    if exact.is_file():
        return exact
    lowered = name.lower()
    for candidate in sorted(directory.iterdir()) if directory.is_dir() else ():
        if candidate.name.lower() == lowered and candidate.is_file():
            return candidate
    return None
