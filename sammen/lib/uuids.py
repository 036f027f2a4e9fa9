"""Time-ordered UUIDs (version 7, RFC 9562) for rows written in bulk.

A random UUID (version 4) lands anywhere in its unique index, so a million of them touch pages
all over the index and an import spends its time reading and writing index pages. Version 7
puts the time first, so a batch goes to the end of the index. Each id keeps 52 random bits: the
ids are not secrets (every URL goes through the access policy), but they stay unguessable.
"""

from __future__ import annotations

import os
import time
import uuid

# RFC 9562 method 1: a counter in rand_a (12 bits) and the top 10 bits of rand_b keeps the ids
# of one millisecond in order; 2**22 ids per millisecond, then the next millisecond is taken.
_COUNTER_BITS = 22
_RANDOM_BITS = 62 - (_COUNTER_BITS - 12)


def uuid7_batch(count: int) -> list[uuid.UUID]:
    """``count`` version-7 UUIDs in ascending order."""
    ids: list[uuid.UUID] = []
    millis = time.time_ns() // 1_000_000
    noise = os.urandom(7 * count)
    per_milli = 1 << _COUNTER_BITS
    for n in range(count):
        milli, counter = divmod(n, per_milli)
        rand_a = counter >> (_COUNTER_BITS - 12)
        rand_b_top = counter & ((1 << (_COUNTER_BITS - 12)) - 1)
        random_part = int.from_bytes(noise[7 * n : 7 * n + 7], "big") >> (56 - _RANDOM_BITS)
        value = (
            ((millis + milli) << 80)
            | (0x7 << 76)
            | (rand_a << 64)
            | (0b10 << 62)
            | (rand_b_top << _RANDOM_BITS)
            | random_part
        )
        ids.append(uuid.UUID(int=value))
    return ids
