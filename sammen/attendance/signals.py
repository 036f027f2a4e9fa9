"""Signals attendance sends for the apps that build on it (attendance never imports them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``sammen import_attendance`` after an import that changed records, with
# ``request_id`` (carried by every audit event the import wrote, one per pupil changed) and
# ``since`` (when the import began). The early warning re-evaluates those pupils.
attendance_imported = Signal()
