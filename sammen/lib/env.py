"""Strict little parsers for settings read from the environment.

A bad value raises ImproperlyConfigured naming the variable, so a typo in production fails at
start-up instead of silently falling back to a default. Every secret can also be read from a file
named by ``<NAME>_FILE`` (Docker/systemd credentials).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        # Empty counts as unset (as in env_int): `SECURE_COOKIES=` from an unfilled template
        # must not silently turn a safe default off.
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected one of true/false/1/0/yes/no, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, object]:
    """Turn ``postgres://user:pw@host:port/db`` or ``sqlite:///path`` into a DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise ImproperlyConfigured(f"{name}: the PostgreSQL URL names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": _host(parts),
            "PORT": _port(parts, name),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("/") and parts.netloc == "":
            # sqlite:///relative/x.db and sqlite:////abs/x.db, as dj-database-url reads them
            path = path[1:]
        if not path:
            raise ImproperlyConfigured(f"{name}: the SQLite URL names no file")
        return sqlite_database(Path(path))
    raise ImproperlyConfigured(
        f"{name}: expected a postgres:// or sqlite:/// URL, got scheme {scheme!r}"
    )


def _host(parts: SplitResult) -> str:
    """The host as written: ``parts.hostname`` would lower-case it and leave a percent-encoded
    socket directory (``postgres://%2Fvar%2Frun%2Fpostgresql/db``) encoded."""
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return unquote(host.partition(":")[0])


def _port(parts: SplitResult, name: str) -> str:
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: bad port in the database URL ({exc})") from None
    return str(port or "")


def sqlite_database(path: Path) -> dict[str, object]:
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing with "database is locked" mid-way.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }
