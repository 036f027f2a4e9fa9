"""On PostgreSQL the unique index of ``PupilDay`` carries the columns the early warning reads.

The incremental early-warning run reads the day totals of the pupils an import touched
(``sammen.warning.frames``): some fifteen thousand pupils' thirty-odd days each, spread over the
whole table because rows arrive in date order. From the heap that was a bitmap scan of 27,000
pages (460 ms for 100,000 pupils); with the columns in the index it is an index-only scan of
each pupil's contiguous entries (140–180 ms). The constraint keeps its name and meaning, so
Django's model state (a plain ``UniqueConstraint``) stays true; ``ADD CONSTRAINT … USING INDEX``
adopts the covering index as the constraint. SQLite has no covering indexes and is left alone.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "attendance_pupilday"
COLUMNS = "absent_lessons, unexplained_lessons, sick_lessons, late_count, first_lesson_absent"


def _swap(schema_editor: BaseDatabaseSchemaEditor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE UNIQUE INDEX pupilday_unique_new ON {TABLE} (pupil_id, date){include}"
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT pupilday_unique")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT pupilday_unique UNIQUE USING INDEX pupilday_unique_new"
    )


def cover(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _swap(schema_editor, f" INCLUDE ({COLUMNS})")


def uncover(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _swap(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("attendance", "0002_pupilday_fewer_record_indexes")]

    operations = [migrations.RunPython(cover, uncover)]
