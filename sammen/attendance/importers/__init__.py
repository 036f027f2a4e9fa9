"""Attendance imports: ``sammen import_attendance --format csv|edfi|fint PATH``.

Each format has a reader (``csv_format``, ``edfi``, ``fint``) that turns a file into ``Wanted``
records (``rows``); ``checks`` judges them against Sammen (``context``: pupils, calendars, lesson
times) and against each other; ``apply`` works out creates, updates and removals and writes them
in bulk with their audit events; ``run`` ties it together and fills the shared report
(``sammen.lib.importreport``). ``calendar`` is ``sammen import_calendar``.
docs/import-attendance.md is the user's guide.
"""
