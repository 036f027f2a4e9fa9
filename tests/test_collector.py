"""``sammen.lib.collector.paused``: the cyclic collector paused for bulk work and running again
afterwards, also when pauses overlap in threads or the work fails; and the early-warning run
pausing it (the benchmark's incremental run lost 0.4–0.5 s to heap walks without)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from sammen.lib import collector
from sammen.warning import engine
from sammen.warning.services import refresh_flags
from tests.warning_cases import AS_OF, CASES, load_case, make_school_with_calendar


@pytest.fixture(autouse=True)
def _collector_running() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_in_the_block_and_runs_again_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("the work failed")
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_last() -> None:
    first_in, first_may_end, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector.paused():
            first_in.set()
            first_may_end.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(5)
    with collector.paused():
        first_may_end.set()
        assert first_out.wait(5)
        seen.append(gc.isenabled())  # the first pause ended, this one holds
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.django_db
def test_the_early_warning_run_pauses_the_collector_and_resumes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    school, _ = make_school_with_calendar()
    load_case(next(c for c in CASES if c.id == "consecutive exactly 3 days"), school)
    during: list[bool] = []
    real_findings = engine.findings

    def watched(*args: object, **kwargs: object) -> list[engine.Finding]:
        during.append(gc.isenabled())
        return real_findings(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "findings", watched)

    summary = refresh_flags(None, AS_OF)

    assert summary.raised > 0
    assert during == [False]
    assert gc.isenabled()
    assert engine.evaluate(None, AS_OF)
    assert during == [False, False]
    assert gc.isenabled()
