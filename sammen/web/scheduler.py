"""Recurring jobs and the small loop that runs them for ``make demo``.

Production does not use this loop: run each job's management command from cron or a systemd
timer, which restart, log and alert on their own, e.g. for ``clearsessions``::

    # /etc/systemd/system/sammen-clearsessions.timer
    [Timer]
    OnCalendar=hourly
    Persistent=true

    # /etc/systemd/system/sammen-clearsessions.service
    [Service]
    Type=oneshot
    User=sammen
    EnvironmentFile=/etc/sammen/env
    ExecStart=/opt/sammen/.venv/bin/sammen clearsessions

``sammen run_scheduler`` runs the same commands in one long-lived process instead, so the demo
needs nothing but itself. A job is a management command with arguments and an interval; later
features add theirs by appending a ``Job`` to ``JOBS``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db import connections

logger = logging.getLogger("sammen.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: int
    command: str
    args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.interval_seconds <= 0:
            raise ValueError(f"job {self.name!r}: the interval must be positive")


JOBS: list[Job] = [
    # Django never deletes expired sessions by itself; the table only grows without this.
    Job("clearsessions", 60 * 60, "clearsessions"),
    # Same-day absence notices: each school's routine decides when; a run sends nothing twice.
    Job("notify_absence", 5 * 60, "notify_absence"),
    # The early warning's full recompute, once a day (production: a timer at night, e.g.
    # OnCalendar=*-*-* 01:30, so the day's incremental runs after imports build on it).
    Job("early_warning", 24 * 60 * 60, "early_warning"),
    # Fixed contacts with the homes overdue past the school's limit are shown to the leader.
    Job("cooperation_reminders", 24 * 60 * 60, "cooperation_reminders"),
    # Follow-up: tell coordinators of evaluations and action items due or overdue, once a day.
    Job("followup_reminders", 24 * 60 * 60, "followup_reminders"),
    # "A message waits" notices whose mail server or SMS gateway failed: tried again, never twice.
    Job("message_notices", 10 * 60, "message_notices"),
]


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    seconds: float
    error: str = ""


def _release_connections() -> None:
    """Drop database connections that are broken or past CONN_MAX_AGE, as Django does around a
    request, so a loop that lives for days does not hold on to a dead PostgreSQL connection.
    A connection inside a transaction (a caller's, or a test's) is left alone."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


Stream = IO[str] | OutputWrapper


def run_job(job: Job, *, stdout: Stream | None = None, stderr: Stream | None = None) -> Outcome:
    """Run one job's command. A failure is logged and returned, never raised."""
    _release_connections()
    started = time.monotonic()
    streams: dict[str, Any] = {}
    if stdout is not None:
        streams["stdout"] = stdout
    if stderr is not None:
        streams["stderr"] = stderr
    try:
        call_command(job.command, *job.args, **streams)
    except Exception as exc:
        logger.exception("scheduled job %s failed", job.name)
        return Outcome(job, False, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    finally:
        _release_connections()
    seconds = time.monotonic() - started
    logger.info("scheduled job %s done in %.1f s", job.name, seconds)
    return Outcome(job, True, seconds)


class Scheduler:
    """Runs each job when due: at start, then every ``interval_seconds`` after it finished.

    ``clock``, ``sleep`` and ``runner`` are parameters so tests can drive time by hand.
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        step_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        runner: Callable[[Job], Outcome] = run_job,
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        if step_seconds <= 0:
            raise ValueError("the step must be positive")
        self.jobs = list(jobs)
        self.step_seconds = step_seconds
        self.clock = clock
        self.sleep = sleep
        self.runner = runner
        self.next_due: dict[str, float] = {}
        # A plain flag, set from a signal handler: taking a lock there could deadlock.
        self.stop_requested = False

    def stop(self) -> None:
        self.stop_requested = True

    def run_all(self) -> list[Outcome]:
        """Every job once, now, whether due or not."""
        outcomes = []
        for job in self.jobs:
            outcomes.append(self._run(job))
        return outcomes

    def run_due(self) -> list[Outcome]:
        outcomes = []
        for job in self.jobs:
            if self.stop_requested:
                break
            if self.next_due.get(job.name, -math.inf) <= self.clock():
                outcomes.append(self._run(job))
        return outcomes

    def run_forever(self) -> None:
        """Until ``stop()``: run what is due, then sleep in small steps so a stop is quick."""
        while not self.stop_requested:
            self.run_due()
            if self.stop_requested:
                break
            # Jobs run hourly or so: waking every step is cheap and keeps a stop prompt.
            self.sleep(self.step_seconds)

    def _run(self, job: Job) -> Outcome:
        outcome = self.runner(job)
        self.next_due[job.name] = self.clock() + job.interval_seconds
        return outcome
