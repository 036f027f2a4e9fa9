"""Time-ordered UUIDs (version 7, RFC 9562) for rows written in bulk.

A random UUID (version 4) lands anywhere in its unique index, so a million of them touch pages
all over the index and an import spends its time reading and writing index pages. Version 7
puts the time first, so a batch goes to the end of the index. Each id keeps 52 random bits: the
ids are not secrets (every URL goes through the access policy), but they stay unguessable.
"""

from __future__ import annotations

import array
import os
import time
import uuid

import polars as pl
import pyarrow as pa

# RFC 9562 method 1: a counter in rand_a (12 bits) and the top 10 bits of rand_b keeps the ids
# of one millisecond in order; 2**22 ids per millisecond, then the next millisecond is taken.
_COUNTER_BITS = 22
_LITTLE = array.array("H", [1]).tobytes()[0] == 1


def uuid7_batch(count: int) -> list[uuid.UUID]:
    """``count`` version-7 UUIDs in ascending order."""
    return [uuid.UUID(hex=h) for h in uuid7(count)[0].to_list()]


def uuid7(count: int) -> tuple[pl.Series, pl.Series]:
    """``count`` version-7 UUIDs in ascending order: as 32 hex digits, and as ``str(uuid)``.

    RFC 9562 method 1 (a 22-bit counter keeps the ids of one millisecond in order, 52 random
    bits), computed column-wise for a million at a time: the five
    groups of ``str(uuid)`` are numbers turned into hex text by ``bytes.hex`` in one call each.
    """
    millis = time.time_ns() // 1_000_000
    noise = pl.Series(
        pa.Array.from_buffers(pa.uint64(), count, [None, pa.py_buffer(os.urandom(8 * count))])
    )
    per_milli = 1 << _COUNTER_BITS
    n = pl.col("n")
    parts = pl.DataFrame(
        {"n": pl.int_range(0, count, dtype=pl.UInt64, eager=True), "noise": noise}
    ).select(
        # 48 bits of milliseconds, the version (7) and the counter's top 12 bits.
        ms=n // per_milli + millis,
        a=(n % per_milli) // 1024 + 0x7000,
        # The variant (0b10), the counter's low 10 bits and 4 random bits; then 48 random bits.
        b=(n % 1024) * 16 + 0x8000 + pl.col("noise") // (1 << 60),
        c=(pl.col("noise") // (1 << 12)) % (1 << 48),
    )
    groups = pl.DataFrame(
        {
            "g1": _hex((parts["ms"] // 65536).cast(pl.UInt32), "I"),
            "g2": _hex((parts["ms"] % 65536).cast(pl.UInt16), "H"),
            "g3": _hex(parts["a"].cast(pl.UInt16), "H"),
            "g4": _hex(parts["b"].cast(pl.UInt16), "H"),
            "g5": _hex((parts["c"] // (1 << 32)).cast(pl.UInt16), "H"),
            "g6": _hex((parts["c"] % (1 << 32)).cast(pl.UInt32), "I"),
        }
    )
    names = ["g1", "g2", "g3", "g4", "g5", "g6"]
    dash = pl.lit("-")
    both = groups.select(
        hex=pl.concat_str(names),
        text=pl.concat_str(["g1", dash, "g2", dash, "g3", dash, "g4", dash, "g5", "g6"]),
    )
    return both["hex"], both["text"]


def _hex(values: pl.Series, code: str) -> pl.Series:
    """Unsigned integers as fixed-width lower-case hex (big-endian), one ``bytes.hex`` call."""
    arrow = values.rechunk().to_arrow()
    numbers = array.array(code)
    size = numbers.itemsize
    if size != (2 if values.dtype == pl.UInt16 else 4):
        raise ValueError(f"array code {code!r} does not hold {values.dtype}")
    data = arrow.buffers()[1]
    assert data is not None
    numbers.frombytes(data.to_pybytes()[arrow.offset * size : (arrow.offset + len(arrow)) * size])
    if numbers.itemsize > 1 and _LITTLE:
        numbers.byteswap()
    text = numbers.tobytes().hex().encode("ascii")
    fixed = pa.Array.from_buffers(pa.binary(2 * size), len(values), [None, pa.py_buffer(text)])
    series = pl.from_arrow(fixed.cast(pa.binary()).cast(pa.string()))
    assert isinstance(series, pl.Series)
    return series
