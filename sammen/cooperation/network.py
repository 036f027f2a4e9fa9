"""The child's network drawn as Epstein's three overlapping spheres: a pure layout function.

The drawing shows at most ``PER_SPHERE`` names in each sphere's own part and says how many more;
the list beside it (the same data) is complete, and is what a screen reader reads: the drawing is
marked as an image with a text alternative that counts the people in each sphere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sammen.cooperation.models import NetworkMember, Sphere

PER_SPHERE = 4
WIDTH, HEIGHT = 400, 390
RADIUS = 115
LINE = 17

# Each circle's centre, and where its title and names go: in the part no other circle covers.
CIRCLES = {
    Sphere.SCHOOL: ((135, 140), (82, 92)),
    Sphere.FAMILY: ((265, 140), (318, 92)),
    Sphere.COMMUNITY: ((200, 260), (200, 277)),
}


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class Circle:
    sphere: str
    name: str
    cx: int
    cy: int
    title: Label
    people: list[Label]
    count: int


def shorten(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(members: Sequence[NetworkMember], more: str) -> list[Circle]:
    """``more`` is the translated "+%(n)d more" pattern."""
    out = []
    for sphere, ((cx, cy), (x, y)) in CIRCLES.items():
        own = [m for m in members if m.sphere == sphere]
        shown = own[:PER_SPHERE]
        people = [Label(x, y + LINE * (i + 1), shorten(m.name)) for i, m in enumerate(shown)]
        if len(own) > PER_SPHERE:
            people.append(
                Label(x, y + LINE * (len(shown) + 1), more % {"n": len(own) - PER_SPHERE})
            )
        name = str(Sphere(sphere).label)
        out.append(
            Circle(
                sphere=sphere,
                name=name,
                cx=cx,
                cy=cy,
                title=Label(x, y, name[:1].upper() + name[1:]),
                people=people,
                count=len(own),
            )
        )
    return out
