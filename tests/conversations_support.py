"""Helpers shared by the conversation tests: writing messages as the personas."""

from __future__ import annotations

from sammen.conversations import services
from sammen.conversations.models import AuthorRole, Message
from sammen.roster.models import Guardian, Pupil, Staff
from tests.conftest import World


def alice_staff(world: World) -> Staff:
    return Staff.objects.get(user=world.alice)


def from_guardian(
    world: World,
    text: str = "Hei, Ola gruer seg til mandag.",
    *,
    guardian: Guardian | None = None,
    pupil: Pupil | None = None,
    shared: bool = False,
) -> Message:
    guardian = guardian or world.ola_mother
    return services.write_as_guardian(
        actor=guardian.user,
        pupil=pupil or world.ola,
        guardian=guardian,
        text=text,
        shared=shared,
    )


def from_school(
    world: World, text: str = "Takk, vi tar imot ham ved døra.", *, guardian: Guardian | None = None
) -> Message:
    return services.write_as_school(
        actor=world.alice,
        staff=alice_staff(world),
        role=AuthorRole.CONTACT_TEACHER,
        pupil=world.ola,
        guardian=guardian or world.ola_mother,
        text=text,
    )
