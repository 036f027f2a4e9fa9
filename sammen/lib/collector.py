"""Pausing Python's cyclic garbage collector around bulk work.

An early-warning run makes hundreds of thousands of short-lived objects (rows, findings, flags)
that hold no reference cycles: reference counting frees every one of them. The cyclic collector
does not know that; it starts a collection every 700 new container objects and, every so often,
walks the whole heap. In a process holding a large heap (a web worker, the scheduler, the
benchmark after a full run) those walks cost 0.4–0.5 s of a 1.9 s incremental run
(docs/benchmarks.md). Pausing the collector for the run keeps that time, and reference counting
still frees everything as before; cycles made meanwhile wait for the next collection.

The collector is one per process: pauses from several threads nest, and the collector runs again
when the last ends, if it ran before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector paused for the block (reference counting goes on)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
