"""Views reach sensitive data only through the access policy (zulip's rule, enforced)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SAMMEN = Path(__file__).resolve().parents[1] / "sammen"

# Models whose rows name or describe a person, or reveal who belongs where.
SENSITIVE = {
    "Pupil",
    "Guardian",
    "Guardianship",
    "Enrollment",
    "Staff",
    "StaffRole",
    "GroupTeacher",
    "Group",
    "School",
    "AuditEvent",
}
# Explicitly reviewed exceptions: (module, model, why).
ALLOWED: set[tuple[str, str, str]] = set()


def direct_queries(source: str) -> set[str]:
    """Names of sensitive models whose manager (``Model.objects``) the source touches."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in SENSITIVE
        ):
            found.add(node.value.id)
    return found


def view_modules() -> list[Path]:
    return sorted(
        p for p in SAMMEN.rglob("*.py") if p.name.endswith("views.py") or "views" in p.parent.name
    )


def test_the_check_catches_a_direct_query() -> None:
    assert direct_queries("def v(r):\n    return Pupil.objects.all()") == {"Pupil"}
    assert direct_queries("def v(r):\n    return access.pupils_for(r.user)") == set()


def test_there_are_view_modules_to_check() -> None:
    assert len(view_modules()) >= 3


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: str(p.relative_to(SAMMEN.parent)))
def test_views_do_not_query_sensitive_models_directly(path: Path) -> None:
    relative = str(path.relative_to(SAMMEN.parent))
    allowed = {model for module, model, _ in ALLOWED if module == relative}
    offending = direct_queries(path.read_text(encoding="utf-8")) - allowed
    assert not offending, f"{relative} queries {sorted(offending)} directly; use sammen.*.access"
