"""Benchmarks, run by ``make bench`` (``python -m bench``); never part of ``make test``.

``attendance`` measures importing a million attendance rows into a fresh SQLite file and a fresh
PostgreSQL database; docs/benchmarks.md holds the figures.
"""
