"""Roster imports. OneRoster 1.1/1.2 CSV: ``run.import_oneroster``, or ``sammen import_roster``.

``oneroster`` reads and checks the files row by row, ``plan`` resolves references and maps rows to
Sammen's models, ``apply`` writes the changes in bulk with their audit events, and ``report`` says
what happened. docs/import-roster.md is the user's guide.
"""
