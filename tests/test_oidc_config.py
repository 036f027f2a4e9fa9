"""The login's configuration from the environment, and the small pure pieces behind it: levels of
assurance, the keyed hash of national identity numbers, Feide group entitlements, the sealed ID
token hint."""

from __future__ import annotations

import datetime
import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings as SettingsWrapper

from sammen import settings as production_settings
from sammen.accounts.oidc import config, groups, seal
from sammen.roster.models import Group, GroupKind, School
from sammen.roster.pid import InvalidPidError, normalise, pid_hash
from tests import oidc_support

OIDC_VARIABLES = [
    "FEIDE_ISSUER",
    "FEIDE_CLIENT_ID",
    "FEIDE_CLIENT_SECRET",
    "FEIDE_SCOPES",
    "FEIDE_ACR_VALUES",
    "IDPORTEN_ISSUER",
    "IDPORTEN_CLIENT_ID",
    "IDPORTEN_CLIENT_SECRET",
    "IDPORTEN_PRIVATE_KEY",
    "IDPORTEN_PRIVATE_KEY_FILE",
    "IDPORTEN_ACR_VALUES",
    "OIDC_LEEWAY_SECONDS",
]


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in OIDC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert production_settings.__file__ is not None
    return runpy.run_path(production_settings.__file__)


# Settings ---------------------------------------------------------------------------------------


def test_the_providers_come_from_the_variables_the_issue_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = tmp_path / "idporten.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n")
    loaded = load_settings(
        monkeypatch,
        FEIDE_ISSUER="https://auth.dataporten.no",
        FEIDE_CLIENT_ID="feide-client",
        FEIDE_CLIENT_SECRET="feide-secret",
        FEIDE_SCOPES="openid userid-feide userinfo-entitlement",
        IDPORTEN_ISSUER="https://test.idporten.no",
        IDPORTEN_CLIENT_ID="idporten-client",
        IDPORTEN_PRIVATE_KEY_FILE=str(key),
        IDPORTEN_ACR_VALUES="idporten-loa-high",
    )
    feide, idporten = loaded["OIDC_PROVIDERS"]["feide"], loaded["OIDC_PROVIDERS"]["idporten"]
    assert feide["issuer"] == "https://auth.dataporten.no"
    assert feide["client_secret"] == "feide-secret"
    assert feide["scopes"] == ["openid", "userid-feide", "userinfo-entitlement"]
    assert feide["acr_values"] == ["urn:mace:feide.no:auth:level:fad08:3"]
    assert idporten["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert idporten["acr_values"] == ["idporten-loa-high"]
    assert idporten["scopes"] == ["openid", "profile"]


def test_guardians_cannot_be_configured_below_substantial(monkeypatch: pytest.MonkeyPatch) -> None:
    for weak in ("idporten-loa-low", "", "idporten-loa-low idporten-loa-substantial"):
        with pytest.raises(ImproperlyConfigured, match="IDPORTEN_ACR_VALUES"):
            load_settings(monkeypatch, IDPORTEN_ACR_VALUES=weak)


def test_the_clock_leeway_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(monkeypatch)["OIDC_LEEWAY_SECONDS"] == 60
    with pytest.raises(ImproperlyConfigured, match="OIDC_LEEWAY_SECONDS"):
        load_settings(monkeypatch, OIDC_LEEWAY_SECONDS="600")


def test_a_provider_is_offered_only_with_issuer_and_client_id(settings: SettingsWrapper) -> None:
    settings.OIDC_PROVIDERS = {
        "feide": {"issuer": "https://auth.dataporten.no", "client_id": ""},
        "idporten": {"issuer": "https://idporten.no", "client_id": "x"},
    }
    assert [p.name for p in config.enabled()] == [config.Name.IDPORTEN]
    assert config.get("feide") is None
    assert config.get("nonsense") is None
    assert config.by_issuer("https://idporten.no") is not None
    assert config.by_issuer("https://idporten.no/") is None


# Levels of assurance ----------------------------------------------------------------------------


def provider(name: config.Name, acr: tuple[str, ...]) -> config.Provider:
    return config.Provider(name, "https://x", "c", "s", "", "", ("openid",), acr, "")


def test_a_level_accepts_itself_and_the_levels_above() -> None:
    substantial = provider(config.Name.IDPORTEN, ("idporten-loa-substantial",))
    assert substantial.accepted_acr() == {"idporten-loa-substantial", "idporten-loa-high"}
    assert substantial.requires_strong_login
    mfa = provider(config.Name.FEIDE, ("urn:mace:feide.no:auth:level:fad08:3",))
    assert mfa.accepted_acr() == {"urn:mace:feide.no:auth:level:fad08:3"}
    assert mfa.requires_strong_login


def test_no_level_asked_is_no_strong_login() -> None:
    assert provider(config.Name.FEIDE, ()).accepted_acr() == frozenset()
    assert not provider(config.Name.FEIDE, ()).requires_strong_login
    low = provider(config.Name.FEIDE, ("urn:mace:feide.no:auth:level:fad08:2",))
    assert not low.requires_strong_login


def test_an_unknown_level_is_accepted_only_by_name() -> None:
    custom = provider(config.Name.FEIDE, ("urn:example:level",))
    assert custom.accepted_acr() == {"urn:example:level"}


# The keyed hash of national identity numbers ----------------------------------------------------


def test_the_pid_hash_is_keyed(settings: SettingsWrapper) -> None:
    settings.PID_HASH_KEY = "one key"
    first = pid_hash("01017012345")
    assert len(first) == 64 and int(first, 16) >= 0
    assert pid_hash("010170 12345") == first
    settings.PID_HASH_KEY = "another key"
    assert pid_hash("01017012345") != first


def test_without_its_own_key_the_pid_hash_follows_the_secret_key(
    settings: SettingsWrapper,
) -> None:
    settings.PID_HASH_KEY = ""
    first = pid_hash("01017012345")
    settings.SECRET_KEY = "another secret key for the test 0123456789"
    assert pid_hash("01017012345") != first


@pytest.mark.parametrize("bad", ["", "1234567890", "123456789012", "0101701234x", "٠١٠١٧٠١٢٣٤٥"])
def test_only_eleven_digits_are_a_national_identity_number(bad: str) -> None:
    with pytest.raises(InvalidPidError):
        normalise(bad)


# Feide group entitlements -----------------------------------------------------------------------

TEACHING = (
    "urn:mace:feide.no:go:group:u:REA3012:NO974558386:3kja:2014-08-01:2015-06-15:faculty:Kjemi%202A"
)
CLASS = "urn:mace:feide.no:go:group:b::NO975278964:6A:2014-08-01:2015-06-15:student:Klasse%206A"


def test_a_feide_entitlement_is_read_as_the_feide_documentation_shows() -> None:
    group = groups.parse(TEACHING)
    assert group == groups.FeideGroup(
        kind="u",
        org_number="974558386",
        group_id="3kja",
        not_before=datetime.date(2014, 8, 1),
        not_after=datetime.date(2015, 6, 15),
        role="faculty",
        name="Kjemi 2A",
    )
    assert groups.parse(CLASS) is not None


@pytest.mark.parametrize(
    "bad",
    [
        "urn:mace:feide.no:go:groupid:b:NO975278964:6a:2014-08-01:2015-06-15",
        "urn:mace:feide.no:go:group:b::NO975278964:6A:2014-08-01:student:Klasse",
        "urn:mace:feide.no:go:group:b::NO975278964:6A:2014-08-01:not-a-date:student:K",
        "urn:mace:feide.no:go:group:b::NOxyz:6A:2014-08-01:2015-06-15:student:K",
        "something else",
    ],
)
def test_other_entitlements_are_ignored(bad: str) -> None:
    assert groups.parse(bad) is None


def test_only_groups_taught_today_count() -> None:
    during = datetime.date(2015, 1, 10)
    after = datetime.date(2015, 6, 16)
    assert [g.group_id for g in groups.taught([TEACHING, CLASS], during)] == ["3kja"]
    assert groups.taught([TEACHING], after) == []


def test_feide_groups_match_the_roster_by_source_id_then_name() -> None:
    school = School(pk=1, name="A", org_number="974558386")
    other = School(pk=2, name="B", org_number="111111111")
    roster = [
        Group(pk=10, school=school, kind=GroupKind.TEACHING, name="Kjemi 2A", source_id="3KJA"),
        Group(pk=11, school=school, kind=GroupKind.TEACHING, name="3kja", source_id="x"),
        Group(pk=12, school=other, kind=GroupKind.TEACHING, name="3kja", source_id="3kja"),
        Group(pk=13, school=school, kind=GroupKind.CLASS, name="3kja", source_id=""),
    ]
    taught = groups.taught([TEACHING], datetime.date(2015, 1, 10))
    assert groups.match(taught, roster) == {10}
    assert groups.match(taught, roster[1:]) == {11}
    assert groups.match(taught, roster[2:]) == set()


def test_an_ambiguous_feide_group_is_left_alone() -> None:
    school = School(pk=1, name="A", org_number="974558386")
    twins = [
        Group(pk=10, school=school, kind=GroupKind.TEACHING, name="3kja", source_id=""),
        Group(pk=11, school=school, kind=GroupKind.TEACHING, name="3KJA", source_id=""),
    ]
    taught = groups.taught([TEACHING], datetime.date(2015, 1, 10))
    assert groups.match(taught, twins) == set()


# The sealed ID token hint -----------------------------------------------------------------------


def test_the_id_token_hint_is_kept_encrypted() -> None:
    sealed = seal.seal("header.payload-with-pid-01017012345.signature")
    assert "01017012345" not in sealed
    assert seal.unseal(sealed) == "header.payload-with-pid-01017012345.signature"
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    assert seal.unseal(tampered) is None
    assert seal.unseal("") is None


def test_another_secret_key_cannot_open_the_hint(settings: SettingsWrapper) -> None:
    sealed = seal.seal("a token")
    settings.SECRET_KEY = "another secret key for the test 0123456789"
    assert seal.unseal(sealed) is None


# The test provider's own precondition ----------------------------------------------------------


def test_without_node_the_provider_tests_say_why_they_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert oidc_support._node_problem() == (
        "Node.js is not installed, so the OpenID provider cannot run"
    )
