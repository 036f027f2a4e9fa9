"""The environment parsers behind settings.py, and the settings they feed."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from sammen import settings as production_settings
from sammen.lib.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

VAR = "SAMMEN_TEST_VALUE"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.delenv(f"{VAR}_FILE", raising=False)


# env_bool ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_reads_true_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_env_bool_reads_false_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_unset_or_empty(
    monkeypatch: pytest.MonkeyPatch, default: bool
) -> None:
    assert env_bool(VAR, default) is default
    monkeypatch.setenv(VAR, "  ")
    assert env_bool(VAR, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "ja"])
def test_env_bool_refuses_other_words_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env_bool(VAR, True)


# env_int ----------------------------------------------------------------------------------------


def test_env_int_reads_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " 42 ")
    assert env_int(VAR, 7) == 42


def test_env_int_falls_back_to_the_default_when_unset_or_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert env_int(VAR, 7) == 7
    monkeypatch.setenv(VAR, "")
    assert env_int(VAR, 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "0x10", "5 minutes"])
def test_env_int_refuses_a_non_number_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env_int(VAR, 7)


def test_env_int_refuses_a_number_below_the_minimum_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VAR, "59")
    with pytest.raises(ImproperlyConfigured, match=rf"{VAR}: must be at least 60"):
        env_int(VAR, 600, minimum=60)


# env_str and *_FILE secrets ---------------------------------------------------------------------


def test_env_str_reads_the_variable_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_str(VAR, "fallback") == "fallback"
    monkeypatch.setenv(VAR, "value")
    assert env_str(VAR, "fallback") == "value"


def test_env_str_reads_a_secret_from_the_file_named_by_the_file_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n", encoding="utf-8")
    monkeypatch.setenv(VAR, "from-environment")
    monkeypatch.setenv(f"{VAR}_FILE", str(secret))
    assert env_str(VAR) == "s3cret-from-file"


def test_env_str_refuses_an_unreadable_secret_file_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(f"{VAR}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}_FILE"):
        env_str(VAR)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_list(VAR, ["a"]) == ["a"]
    monkeypatch.setenv(VAR, " one.example , two.example,, ")
    assert env_list(VAR, ["a"]) == ["one.example", "two.example"]


# DATABASE_URL -----------------------------------------------------------------------------------


def test_a_postgres_url_gives_a_postgresql_database() -> None:
    db = parse_database_url("postgres://sammen:p%40ss%2Fw0rd@db.example.no:6543/sammen_prod")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "sammen_prod"
    assert db["USER"] == "sammen"
    assert db["PASSWORD"] == "p@ss/w0rd"
    assert db["HOST"] == "db.example.no"
    assert db["PORT"] == "6543"
    assert db["OPTIONS"] == {}


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_every_postgres_scheme_is_understood(scheme: str) -> None:
    db = parse_database_url(f"{scheme}://postgres@127.0.0.1/h")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["PORT"] == ""
    assert db["PASSWORD"] == ""


def test_query_parameters_become_connection_options() -> None:
    db = parse_database_url("postgres://u@h/db?sslmode=require&application_name=sammen")
    assert db["OPTIONS"] == {"sslmode": "require", "application_name": "sammen"}


def test_a_percent_encoded_host_is_a_socket_directory() -> None:
    db = parse_database_url("postgres://u@%2Fvar%2Frun%2FPostgreSQL/db")
    assert db["HOST"] == "/var/run/PostgreSQL"


def test_an_ipv6_host_loses_its_brackets() -> None:
    db = parse_database_url("postgres://u@[::1]:5433/db")
    assert db["HOST"] == "::1"
    assert db["PORT"] == "5433"


def test_a_postgres_url_without_a_database_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL: .*names no database"):
        parse_database_url("postgres://u@h:5432/")


def test_a_bad_port_is_refused_naming_the_variable_and_not_the_password() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as caught:
        parse_database_url("postgres://u:hunter2@h:notaport/db")
    assert "hunter2" not in str(caught.value)


def test_an_unknown_scheme_is_refused_naming_the_variable_and_not_the_password() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as caught:
        parse_database_url("mysql://u:hunter2@h/db")
    assert "hunter2" not in str(caught.value)


def test_the_error_names_the_variable_it_was_given() -> None:
    with pytest.raises(ImproperlyConfigured, match="REPLICA_URL"):
        parse_database_url("oracle://h/db", name="REPLICA_URL")


def test_a_relative_sqlite_url_gives_a_relative_file() -> None:
    db = parse_database_url("sqlite:///data/sammen.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "data/sammen.sqlite3"


def test_an_absolute_sqlite_url_gives_an_absolute_file() -> None:
    db = parse_database_url("sqlite:////var/lib/sammen/sammen.sqlite3")
    assert db["NAME"] == "/var/lib/sammen/sammen.sqlite3"


def test_sqlite_gets_wal_and_an_immediate_write_lock() -> None:
    options: Any = parse_database_url("sqlite:///x.db")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_a_sqlite_url_without_a_file_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL: .*names no file"):
        parse_database_url("sqlite://")


# settings.py ------------------------------------------------------------------------------------


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """Run settings.py afresh with these variables (Django's own settings stay untouched)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert production_settings.__file__ is not None
    return runpy.run_path(production_settings.__file__)


def test_local_login_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMMEN_LOCAL_LOGIN", raising=False)
    assert load_settings(monkeypatch)["SAMMEN_LOCAL_LOGIN"] is True


def test_local_login_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(monkeypatch, SAMMEN_LOCAL_LOGIN="off")["SAMMEN_LOCAL_LOGIN"] is False


def test_a_bad_local_login_value_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="SAMMEN_LOCAL_LOGIN"):
        load_settings(monkeypatch, SAMMEN_LOCAL_LOGIN="sometimes")


def test_session_and_lockout_limits_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = load_settings(
        monkeypatch,
        SESSION_IDLE_SECONDS="600",
        SESSION_ABSOLUTE_SECONDS="3600",
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="30",
    )
    assert loaded["SESSION_IDLE_SECONDS"] == 600
    assert loaded["SESSION_COOKIE_AGE"] == 3600
    assert loaded["AXES_FAILURE_LIMIT"] == 3
    assert loaded["AXES_COOLOFF_TIME"].total_seconds() == 30 * 60


def test_the_defaults_are_thirty_minutes_idle_and_twelve_hours_in_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("SESSION_IDLE_SECONDS", "SESSION_ABSOLUTE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_settings(monkeypatch)
    assert loaded["SESSION_IDLE_SECONDS"] == 30 * 60
    assert loaded["SESSION_COOKIE_AGE"] == 12 * 60 * 60


def test_the_lockout_counts_per_user_name_and_address_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = load_settings(monkeypatch)
    assert loaded["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert loaded["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_bad_session_limit_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_SECONDS"):
        load_settings(monkeypatch, SESSION_IDLE_SECONDS="half an hour")


def test_the_database_url_can_come_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url_file = tmp_path / "database_url"
    url_file.write_text("postgres://sammen:pw@db.example.no/sammen\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    loaded = load_settings(monkeypatch, DATABASE_URL_FILE=str(url_file))
    assert loaded["DATABASES"]["default"]["HOST"] == "db.example.no"
    assert loaded["DATABASES"]["default"]["PASSWORD"] == "pw"
