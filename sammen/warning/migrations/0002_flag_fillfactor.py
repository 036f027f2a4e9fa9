"""Leave room in the flag table's pages on PostgreSQL, so refreshing a flag is a HOT update.

Every run refreshes the evidence of the open flags whose numbers moved (tens of thousands in a
large municipality). With full pages each update writes a new row version elsewhere and a new
entry in all six indexes; with room on the page, and no indexed column changed, PostgreSQL
updates in place (a heap-only tuple) and leaves the indexes alone. Storage only: no model change.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "warning_flag"


def _set(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 70)")


def _reset(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("warning", "0001_initial")]

    operations = [migrations.RunPython(_set, _reset, elidable=False)]
