"""The built-in job loop of ``make demo``: it runs due jobs, survives a failing one and stops on a
signal."""

from __future__ import annotations

import io
import logging
import os
import signal
import threading
from datetime import timedelta
from types import FrameType

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sammen.web import scheduler
from sammen.web.scheduler import Job, Outcome, Scheduler


def make_session(key: str, *, expires_in: timedelta) -> None:
    Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + expires_in
    )


def test_the_registry_clears_sessions_every_hour() -> None:
    assert Job("clearsessions", 3600, "clearsessions") in scheduler.JOBS
    assert len({job.name for job in scheduler.JOBS}) == len(scheduler.JOBS)


def test_run_scheduler_once_removes_expired_sessions_and_keeps_live_ones(db: None) -> None:
    make_session("expired", expires_in=timedelta(hours=-1))
    make_session("live", expires_in=timedelta(hours=1))
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_a_failing_job_is_logged_and_the_next_job_still_runs(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    make_session("expired", expires_in=timedelta(hours=-1))
    broken = Job("broken", 60, "no_such_command")
    clear = Job("clearsessions", 60, "clearsessions")
    with caplog.at_level(logging.ERROR, logger="sammen.scheduler"):
        outcomes = Scheduler([broken, clear]).run_all()
    assert [(o.job.name, o.ok) for o in outcomes] == [("broken", False), ("clearsessions", True)]
    assert "no_such_command" in outcomes[0].error
    assert "scheduled job broken failed" in caplog.text
    assert not Session.objects.exists()


def test_run_scheduler_once_exits_non_zero_when_a_job_fails(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        scheduler,
        "JOBS",
        [Job("broken", 60, "no_such_command"), Job("clearsessions", 60, "clearsessions")],
    )
    make_session("expired", expires_in=timedelta(hours=-1))
    err = io.StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("run_scheduler", "--once", stdout=io.StringIO(), stderr=err)
    assert "Jobben broken feilet" in err.getvalue()
    assert not Session.objects.exists()


def test_the_loop_runs_each_job_when_it_is_due_and_stops_when_asked() -> None:
    now = [0.0]
    ran: list[tuple[str, float]] = []

    def runner(job: Job) -> Outcome:
        ran.append((job.name, now[0]))
        return Outcome(job, True, 0.0)

    loop: Scheduler

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 250:
            loop.stop()

    often = Job("often", 100, "often")
    rarely = Job("rarely", 1000, "rarely")
    loop = Scheduler(
        [often, rarely], step_seconds=10, clock=lambda: now[0], sleep=sleep, runner=runner
    )
    loop.run_forever()
    assert ran == [("often", 0.0), ("rarely", 0.0), ("often", 100.0), ("often", 200.0)]


def test_jobs_need_unique_names_and_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="unique"):
        Scheduler([Job("a", 60, "x"), Job("a", 60, "y")])
    with pytest.raises(ValueError, match="positive"):
        Job("a", 0, "x")


def test_sigterm_stops_run_scheduler_cleanly_and_restores_the_signal_handlers(db: None) -> None:
    received: list[int] = []

    def guard(signum: int, frame: FrameType | None) -> None:
        # Only reached if the command had not installed its own handler: keeps pytest alive.
        received.append(signum)

    previous = signal.signal(signal.SIGTERM, guard)
    try:
        make_session("expired", expires_in=timedelta(hours=-1))
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
        timer.start()
        out = io.StringIO()
        call_command("run_scheduler", "--step", "0.05", stdout=out)
        timer.join()
        assert "stoppet" in out.getvalue()
        assert received == []
        assert signal.getsignal(signal.SIGTERM) is guard
        assert not Session.objects.exists()
    finally:
        signal.signal(signal.SIGTERM, previous)
