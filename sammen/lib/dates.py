"""Dates as Norwegians write them in running text: 8.2.2027 (Språkrådet), the one definition."""

from __future__ import annotations

from datetime import date


def norwegian_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"
