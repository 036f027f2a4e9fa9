"""``sammen run_scheduler``: run the recurring jobs of ``sammen.web.scheduler`` in one process.

For ``make demo``; production runs each job from cron or a systemd timer (see the scheduler
module). SIGTERM or SIGINT (Ctrl+C) stops the loop after the job that is running, if any.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.web import scheduler


class Command(BaseCommand):
    help = (
        "Kjører de faste jobbene (som clearsessions) i en enkel løkke til den får SIGTERM/SIGINT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Kjør hver jobb én gang nå og avslutt."
        )
        parser.add_argument(
            "--step",
            type=float,
            default=1.0,
            help="Sekunder mellom hver gang løkka ser etter jobber som skal kjøres (standard 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runner = self._runner
        jobs = list(scheduler.JOBS)
        loop = scheduler.Scheduler(jobs, step_seconds=options["step"], runner=runner)
        if options["once"]:
            failed = [o.job.name for o in loop.run_all() if not o.ok]
            if failed:
                raise CommandError(f"Disse jobbene feilet: {', '.join(failed)}")
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            loop.stop()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        listed = ", ".join(f"{job.name} (hvert {job.interval_seconds} s)" for job in jobs)
        self.stdout.write(f"Jobbplanleggeren kjører: {listed}.")
        try:
            loop.run_forever()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Jobbplanleggeren stoppet.")

    def _runner(self, job: scheduler.Job) -> scheduler.Outcome:
        outcome = scheduler.run_job(job, stdout=self.stdout, stderr=self.stderr)
        if not outcome.ok:
            self.stderr.write(f"Jobben {job.name} feilet: {outcome.error}")
        return outcome
