"""Version-7 UUIDs for bulk writes: valid, ascending, distinct, with random bits left."""

from __future__ import annotations

import time
import uuid

import pytest

from sammen.lib import uuids
from sammen.lib.uuids import uuid7_batch


def test_a_batch_is_valid_version_7_ascending_and_distinct() -> None:
    before = time.time_ns() // 1_000_000
    ids = uuid7_batch(5_000)
    after = time.time_ns() // 1_000_000

    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert before <= ids[0].int >> 80 <= after


def test_two_batches_differ_in_their_random_bits() -> None:
    first, second = uuid7_batch(3), uuid7_batch(3)
    assert {i.int & 0xFFFF_FFFF_FFFF for i in first} != {i.int & 0xFFFF_FFFF_FFFF for i in second}


def test_a_batch_larger_than_a_millisecond_holds_moves_on_to_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uuids, "_COUNTER_BITS", 12)
    ids = uuid7_batch(4_097)
    assert ids == sorted(ids)
    assert (ids[-1].int >> 80) - (ids[0].int >> 80) == 1
