"""Django's database session store, keeping ``SignedInSession`` with the session when its key
changes (login, two-factor): otherwise "end all of a user's sessions" would miss the new key."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def cycle_key(self) -> None:
        # As SessionBase.cycle_key, with the record moved to the new key before the old session
        # is deleted (which would delete the record with it).
        from sammen.accounts.models import SignedInSession

        data = self._session  # type: ignore[attr-defined]  # SessionBase's private cache
        old_key = self.session_key
        self.create()
        self._session_cache = data
        if old_key:
            SignedInSession.objects.filter(session_id=old_key).update(session_id=self.session_key)
            self.delete(old_key)
