"""The guardian's voice between the fixed calls: short input on how things are at home, and
"please contact me" requests (the thesis: the fortnightly call brings back how the pupil is at
home and what the pupil tells about school; parents must feel seen and heard between calls too).

Writes go through ``sammen.voice.services``; guardian pages reach rows through
``sammen.portal.access``, the school's pages through ``sammen.cooperation.access``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.cooperation.models import Channel, TimeWindow
from sammen.roster.models import Guardian, Pupil, School


class HomeWeek(models.IntegerChoices):
    """How the week has been at home, in words (a face alone is read differently by everyone)."""

    VERY_HARD = 1, _("very hard")
    HARD = 2, _("hard")
    MIXED = 3, _("mixed")
    GOOD = 4, _("good")
    VERY_GOOD = 5, _("very good")


# The channels a guardian may ask for: the ones that are a conversation. Messages have their own
# page, and a home visit is something the school offers, not something asked for in a click.
REQUEST_CHANNELS = (Channel.PHONE, Channel.MEETING, Channel.DIGITAL)


class Input(models.Model):
    """One guardian's short note to the school between calls. Seen by that guardian and the
    school; never by the other guardian."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="home_inputs")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    home_week = models.PositiveSmallIntegerField(
        _("how the week has been at home"), choices=HomeWeek.choices, null=True, blank=True
    )
    child_tells = models.CharField(
        _("what the child tells about school"), max_length=500, blank=True
    )
    school_should_know = models.CharField(
        _("anything the school should know"), max_length=500, blank=True
    )
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("input from the home")
        verbose_name_plural = _("input from the home")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "created_at"], name="voice_input_pupil_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(home_week__isnull=True) | Q(home_week__gte=1, home_week__lte=5),
                name="voice_input_week_range",
            ),
            # An empty input says nothing and would only mark the pupil "new input" for nothing.
            models.CheckConstraint(
                condition=Q(home_week__isnull=False)
                | ~Q(child_tells="")
                | ~Q(school_should_know=""),
                name="voice_input_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.created_at:%Y-%m-%d}"


class RequestState(models.TextChoices):
    OPEN = "open", _("received, not answered yet")
    ANSWERED = "answered", _("the school has answered")
    DONE = "done", _("done")
    WITHDRAWN = "withdrawn", _("withdrawn")


# A request in one of these states waits for nobody.
CLOSED_STATES = (RequestState.DONE, RequestState.WITHDRAWN)


class ContactRequest(models.Model):
    """ "Please contact me": a guardian asks the school to get in touch, how and when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_requests")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(
        _("how"),
        max_length=12,
        choices=[(c.value, c.label) for c in REQUEST_CHANNELS],
        default=Channel.PHONE,
    )
    # TimeWindow values; empty means any time the school calls.
    windows = models.JSONField(_("when"), default=list, blank=True)
    topic = models.CharField(_("what about"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    # The school's short answer, shown to the guardian ("We call you Thursday after 17").
    reply = models.CharField(_("the school's answer"), max_length=300, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_by_label = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per guardian and child: a second click must not queue a second call.
            models.UniqueConstraint(
                fields=["pupil", "guardian"],
                condition=Q(state="open"),
                name="voice_one_open_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.created_at:%Y-%m-%d} {self.state}"

    @property
    def window_labels(self) -> list[str]:
        return [str(TimeWindow(w).label) for w in self.windows if w in TimeWindow.values]
