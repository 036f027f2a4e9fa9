"""The fast path's audit: the ``changes`` JSON of each pupil's event, written by Polars.

The same text ``audit_rows.PupilAudit`` writes with ``json.dumps`` (a test compares them):
``{"created": {"fields": [...], "rows": [[record, date, ...], ...]}}``, one row per new
record in ``audit_rows.FIELDS`` order, the pupil's records in file order, pupils in the order
they first appear. Text with a character JSON escapes goes through ``json.dumps`` itself, once
per distinct value.
"""

from __future__ import annotations

import json

import polars as pl

from sammen.attendance.importers.audit_rows import CREATED_FIELDS, FIELDS

# The characters ``json.dumps(..., ensure_ascii=False)`` escapes in a string (a test checks every
# code point): text without them is written between quotation marks as it is.
ESCAPED = r'[\x00-\x1f"\\]'


def _json(frame: pl.DataFrame, column: str) -> pl.Expr:
    """``json.dumps`` of each value of ``column``, as an expression over ``frame``."""
    dtype = frame.schema[column]
    values = pl.col(column)
    if dtype == pl.String:
        quoted = pl.concat_str([pl.lit('"'), values, pl.lit('"')])
        special = frame.filter(values.str.contains(ESCAPED)).get_column(column).unique()
        if special.is_empty():
            return quoted
        encoded = pl.Series([json.dumps(v, ensure_ascii=False) for v in special.to_list()])
        return values.replace_strict(special, encoded, default=quoted, return_dtype=pl.String)
    if dtype == pl.Boolean:
        text = pl.when(values).then(pl.lit("true")).otherwise(pl.lit("false"))
    elif dtype == pl.Date:
        text = pl.concat_str([pl.lit('"'), values.dt.to_string("%Y-%m-%d"), pl.lit('"')])
    elif dtype.is_integer():
        text = values.cast(pl.String)
    else:
        raise TypeError(f"no JSON for {column} ({dtype})")
    return pl.when(values.is_null()).then(pl.lit("null")).otherwise(text)


def created_changes(records: pl.DataFrame) -> pl.DataFrame:
    """``pupil_id`` and ``changes`` (JSON text), one row per pupil, from the created records.

    ``records``: ``pupil_id``, ``record`` (the id as ``str(uuid)``) and every field of
    ``audit_rows.FIELDS``, in the order the records were created.
    """
    parts: list[pl.Expr] = [pl.lit("[")]
    for position, name in enumerate(CREATED_FIELDS):
        if position:
            parts.append(pl.lit(", "))
        parts.append(_json(records, name))
    parts.append(pl.lit("]"))
    empty = json.dumps({"created": {"fields": CREATED_FIELDS, "rows": []}}, ensure_ascii=False)
    opening, closing = empty.rsplit("[]", 1)
    assert set(CREATED_FIELDS[1:]) == set(FIELDS)
    return (
        records.select("pupil_id", row=pl.concat_str(parts))
        .group_by("pupil_id", maintain_order=True)
        .agg(pl.col("row").str.join(", "))
        .select(
            "pupil_id",
            changes=pl.concat_str([pl.lit(opening + "["), pl.col("row"), pl.lit("]" + closing)]),
        )
    )
