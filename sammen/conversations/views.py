"""The conversation pages: the guardian's thread about a child, the guardian's list of threads,
the school's inbox and the school's side of one thread. Plain forms with POST and redirect."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.conversations import access, services
from sammen.conversations.forms import GuardianMessageForm, MessageForm
from sammen.conversations.models import AuthorRole, Message, Side, Thread
from sammen.portal.access import portal_child
from sammen.roster.access import viewer_for


@dataclass(frozen=True)
class Row:
    """A message as one reader sees it."""

    message: Message
    mine: bool = False
    new: bool = False
    shared_in: bool = False  # another guardian's message, shared with this one


@login_required
@require_http_methods(["GET", "POST"])
def guardian_thread(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child, guardian = portal_child(request.user, pupil_id)
    others = access.has_co_guardians(child, guardian)
    form = GuardianMessageForm(request.POST or None, others=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_as_guardian(
                actor=request.user,
                pupil=child,
                guardian=guardian,
                text=form.cleaned_data["text"],
                shared=form.cleaned_data.get("shared", False),
            )
        except services.ConversationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message has been sent to the school."))
            return redirect("conversations:guardian_thread", pupil_id=child.public_id)
    thread = Thread.objects.filter(pupil=child, guardian=guardian).first()
    rows = [
        Row(
            message=m,
            mine=m.side == Side.GUARDIAN and m.thread.guardian_id == guardian.pk,
            new=m.side == Side.SCHOOL and m.read_by_guardian_at is None,
            shared_in=m.thread.guardian_id != guardian.pk,
        )
        for m in access.guardian_messages(child, guardian)
    ]
    if thread is not None and request.method == "GET":
        services.mark_read_by_guardian(thread)
    log_read(
        actor=request.user,
        action=actions.CONV_THREAD_VIEWED,
        obj=thread,
        pupil=child,
        school=child.school,
        detail="guardian",
    )
    context = {
        "pupil": child,
        "guardian": guardian,
        "thread": thread,
        "rows": rows,
        "form": form,
    }
    return render(request, "conversations/guardian_thread.html", context)


@login_required
def guardian_inbox(request: HttpRequest) -> HttpResponse:
    """The guardian's children, each with a link to its conversation and its unread count."""
    if viewer_for(request.user).guardian is None:
        raise Http404
    children = list(access.children_with_unread(request.user))
    if not children:
        # A parent without parental responsibility has no conversations.
        raise Http404
    if len(children) == 1:
        return redirect("conversations:guardian_thread", pupil_id=children[0].public_id)
    log_reads(actor=request.user, action=actions.CONV_INBOX_VIEWED, pupils=children)
    return render(request, "conversations/guardian_inbox.html", {"children": children})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The school's threads the user reads: unread first, then the latest."""
    if not access.may_cooperate(request.user):
        raise Http404
    threads = list(
        access.school_threads(request.user)
        .select_related("pupil", "guardian")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__side=Side.GUARDIAN, messages__read_by_school_at__isnull=True),
            ),
            total=Count("messages"),
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "pk")
    )
    # Guardians of the contact teacher's own pupils, to begin a conversation (one query).
    to_write = list(access.guardians_to_write(request.user))
    pupils = {t.pupil_id: t.pupil for t in threads} | {g.pupil_id: g.pupil for g in to_write}
    log_reads(actor=request.user, action=actions.CONV_INBOX_VIEWED, pupils=pupils.values())
    # Unread first, each part newest first: one query, split here.
    parts = [
        {"id": "unread", "title": _("Unread"), "threads": [t for t in threads if t.unread]},
        {"id": "read", "title": _("Read"), "threads": [t for t in threads if not t.unread]},
    ]
    context = {"parts": parts, "any_threads": bool(threads), "to_write": to_write}
    return render(request, "conversations/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_thread(request: HttpRequest, pupil_id: uuid.UUID, guardian_id: uuid.UUID) -> HttpResponse:
    pupil, guardian, thread = access.access_staff_conversation(request.user, pupil_id, guardian_id)
    staff = viewer_for(request.user).staff
    assert staff is not None  # access_coop_pupil lets staff only
    is_contact = access.is_contact_teacher_of(request.user, pupil)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_as_school(
                actor=request.user,
                staff=staff,
                role=AuthorRole.CONTACT_TEACHER if is_contact else AuthorRole.LEADER,
                pupil=pupil,
                guardian=guardian,
                text=form.cleaned_data["text"],
            )
        except services.ConversationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The message has been sent."))
            return redirect(
                "conversations:staff_thread",
                pupil_id=pupil.public_id,
                guardian_id=guardian.public_id,
            )
    rows: list[Row] = []
    if thread is not None:
        rows = [
            Row(message=m, new=m.side == Side.GUARDIAN and m.read_by_school_at is None)
            for m in thread.messages.order_by("sent_at", "pk")
        ]
        if is_contact and request.method == "GET":
            services.mark_read_by_school(thread)
    log_read(
        actor=request.user,
        action=actions.CONV_THREAD_VIEWED,
        obj=thread,
        pupil=pupil,
        school=pupil.school,
        detail="school",
    )
    context = {
        "pupil": pupil,
        "guardian": guardian,
        "thread": thread,
        "rows": rows,
        "form": form,
        "is_contact": is_contact,
    }
    return render(request, "conversations/staff_thread.html", context)
