"""``sammen followup_reminders [--date YYYY-MM-DD] [--dry-run] [--json]``: remind each case's
coordinator of evaluations and action items due within a week or overdue.

The scheduler runs it once a day. The e-mail says only how many items are due and links to
Sammen: no pupil's name or health detail leaves the system by e-mail. The leader sees overdue
items on the school's follow-up page whether or not anyone reads the e-mail.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from sammen.attendance import access as attendance_access
from sammen.followup import reminders
from sammen.followup.models import Case


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from None


def recipients(day: date) -> dict[str, dict[str, int]]:
    """E-mail address -> counts of evaluations, action items and overdue ones, per coordinator
    (or, without one, whoever opened the case)."""
    found = reminders.soon(Case.objects.all(), day)
    cases = {
        c.pk: c
        for c in Case.objects.filter(
            pk__in={m.case_id for m in found.evaluations} | {a.case_id for a in found.actions}
        ).select_related("coordinator__user", "opened_by")
    }
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"evaluations": 0, "actions": 0, "overdue": 0}
    )
    rows = [("evaluations", m.case_id, m.evaluate_on) for m in found.evaluations] + [
        ("actions", a.case_id, a.due_on) for a in found.actions
    ]
    for what, case_id, due_on in rows:
        address = _address(cases[case_id])
        if not address:
            continue
        counts[address][what] += 1
        counts[address]["overdue"] += int(due_on < day)
    return dict(counts)


def _address(case: Case) -> str:
    coordinator = case.coordinator
    if coordinator is not None:
        if coordinator.email:
            return coordinator.email
        if coordinator.user is not None and coordinator.user.email:
            return str(coordinator.user.email)
    return str(case.opened_by.email) if case.opened_by is not None else ""


class Command(BaseCommand):
    help = (
        "Remind each follow-up case's coordinator by e-mail of evaluations and action items due "
        "within a week or overdue (counts only, no names). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="default today")
        parser.add_argument("--dry-run", action="store_true", help="report; send nothing")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or attendance_access.today()
        found = recipients(day)
        if not options["dry_run"]:
            with translation.override(settings.LANGUAGE_CODE):
                for address, n in sorted(found.items()):
                    send_mail(
                        _("Sammen: follow-up due"),
                        _(
                            "You have %(e)d evaluations and %(a)d action items due within a "
                            "week in follow-up cases, %(o)d of them overdue. Open «My follow-up "
                            "cases» in Sammen to see them."
                        )
                        % {"e": n["evaluations"], "a": n["actions"], "o": n["overdue"]},
                        None,
                        [address],
                    )
        if options["json"]:
            summary = {
                "date": day.isoformat(),
                "recipients": len(found),
                "sent": not options["dry_run"],
            }
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(f"{len(found)} reminders for {day.isoformat()}.")
