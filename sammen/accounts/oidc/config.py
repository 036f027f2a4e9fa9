"""The two providers as settings describe them (``OIDC_PROVIDERS``, read from the environment once
in ``sammen.settings``). Read through here on every use, so a test can change the settings."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Name(enum.StrEnum):
    FEIDE = "feide"
    IDPORTEN = "idporten"


LABELS: dict[Name, Promise] = {Name.FEIDE: _("Feide"), Name.IDPORTEN: _("ID-porten")}
AUDIT_NAMES = {Name.FEIDE: "Feide", Name.IDPORTEN: "ID-porten"}

# Levels of assurance from the lowest, per provider: a token at a level at or above the one asked
# for is accepted. An acr this list does not know is accepted only when asked for by name.
ACR_LADDERS: dict[Name, tuple[str, ...]] = {
    Name.FEIDE: ("urn:mace:feide.no:auth:level:fad08:2", "urn:mace:feide.no:auth:level:fad08:3"),
    Name.IDPORTEN: ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high"),
}


@dataclass(frozen=True)
class Provider:
    name: Name
    issuer: str
    client_id: str
    client_secret: str
    private_key: str
    private_key_id: str
    scopes: tuple[str, ...]
    acr_values: tuple[str, ...]
    userinfo_url: str

    @property
    def label(self) -> Promise:
        return LABELS[self.name]

    @property
    def audit_name(self) -> str:
        return AUDIT_NAMES[self.name]

    @property
    def uses_private_key(self) -> bool:
        return bool(self.private_key)

    def accepted_acr(self) -> frozenset[str]:
        """Every acr that satisfies ``acr_values``; empty when no level is required."""
        ladder = ACR_LADDERS[self.name]
        accepted: set[str] = set()
        for wanted in self.acr_values:
            if wanted in ladder:
                accepted.update(ladder[ladder.index(wanted) :])
            else:
                accepted.add(wanted)
        return frozenset(accepted)

    @property
    def requires_strong_login(self) -> bool:
        """Whether every accepted login is a two-factor one (Feide MFA, ID-porten substantial+)."""
        weak = {ACR_LADDERS[self.name][0]}
        return bool(self.acr_values) and not (self.accepted_acr() & weak)


def _provider(name: Name, values: dict[str, Any]) -> Provider:
    return Provider(
        name=name,
        issuer=str(values.get("issuer", "")),
        client_id=str(values.get("client_id", "")),
        client_secret=str(values.get("client_secret", "")),
        private_key=str(values.get("private_key", "")),
        private_key_id=str(values.get("private_key_id", "")),
        scopes=tuple(values.get("scopes", ("openid",))),
        acr_values=tuple(values.get("acr_values", ())),
        userinfo_url=str(values.get("userinfo_url", "")),
    )


def get(name: str) -> Provider | None:
    """The provider if it is configured (issuer and client id set), else None."""
    try:
        key = Name(name)
    except ValueError:
        return None
    values = settings.OIDC_PROVIDERS.get(key.value)
    if not values:
        return None
    provider = _provider(key, values)
    if not provider.issuer or not provider.client_id:
        return None
    return provider


def enabled() -> list[Provider]:
    """The configured providers, Feide first (the login page's order)."""
    return [p for p in (get(name) for name in Name) if p is not None]


def by_issuer(issuer: str) -> Provider | None:
    return next((p for p in enabled() if p.issuer == issuer), None)
