"""The real OpenID provider the login tests run against, and a "browser" that walks the flow.

``oidc_provider`` (session scope) starts ``tests/oidc_provider/provider.mjs`` (npm oidc-provider)
with node on a free port on 127.0.0.1, with two issuers: a Feide-like one and an ID-porten-like
one, the clients Sammen and a second application are registered as, and accounts matching the
test world. Without node (20.19 or later) or ``npm ci --prefix tests/oidc_provider`` the tests
that need it are skipped, saying why; ``make test`` installs it.

``Browser`` plays the person's browser: Sammen's pages through Django's test client, the provider
over real HTTP with its own cookie jar. It stops where a test wants to meddle: before sending the
authorization request, at the provider's interaction (where the person picks who they are and
which e-ID they use), and before delivering the callback.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client
from django.urls import reverse
from joserfc.jwk import RSAKey
from pytest_django.fixtures import Settings as SettingsWrapper

from sammen.accounts.oidc import client as oidc_client
from sammen.roster.models import Guardian, Staff
from sammen.roster.pid import pid_hash
from tests.conftest import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
SITE = "http://testserver"
MINIMUM_NODE = (20, 19)

FEIDE_MFA = "urn:mace:feide.no:auth:level:fad08:3"
FEIDE_PASSWORD_ONLY = "urn:mace:feide.no:auth:level:fad08:2"
EPPN = "https://n.feide.no/claims/eduPersonPrincipalName"
ORG_A = "974558386"

# Synthetic national identity numbers (11 digits, not real people).
PIDS = {
    "anne": "01017012345",
    "per": "02027012345",
    "lise": "03037012345",
    "ukjent": "04047012345",
}
FEIDE_NAMES = {
    "alice": "alice@nordby.kommune.no",
    "bob": "bob@nordby.kommune.no",
    "hanne": "hanne@nordby.kommune.no",
    "stranger": "stranger@annenby.kommune.no",
}
CLIENT_SECRETS = {
    "sammen-feide": "feide-secret-for-tests-0123456789",
    "other-app": "other-0123456789",
}


def _group(kind: str, group_id: str, name: str) -> str:
    valid = "2000-01-01:2099-12-31"
    return f"urn:mace:feide.no:go:group:{kind}::NO{ORG_A}:{group_id}:{valid}:faculty:{name}"


ENTITLEMENTS = {
    # alice, contact teacher of 8A, teaches 8C by Feide (and not maths); a student group is ignored
    "alice": [
        _group("b", "8C", "Klasse%208C"),
        "urn:mace:feide.no:go:group:b::NO974558386:8B:2000-01-01:2099-12-31:student:Klasse%208B",
    ],
}


@dataclass(frozen=True)
class Running:
    origin: str
    idporten_key_pem: str
    idporten_key_id: str

    @property
    def feide_issuer(self) -> str:
        return f"{self.origin}/feide"

    @property
    def idporten_issuer(self) -> str:
        return f"{self.origin}/idporten"


def _node_problem() -> str | None:
    node = shutil.which("node")
    if node is None:
        return "Node.js is not installed, so the OpenID provider cannot run"
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.match(r"v(\d+)\.(\d+)", version)
    if match is None or (int(match[1]), int(match[2])) < MINIMUM_NODE:
        return f"Node.js {version or '?'} is older than 20.19, which oidc-provider needs"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed: run `npm ci --prefix tests/oidc_provider`"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _config(origin: str, idporten_jwk: dict[str, Any]) -> dict[str, Any]:
    def logout_to_harness(client_id: str) -> dict[str, Any]:
        return {
            "backchannel_logout_uri": f"{{origin}}/_harness/backchannel/{client_id}",
            "backchannel_logout_session_required": True,
        }

    feide_accounts = {
        account: {
            "claims": {EPPN: eppn, "eduPersonEntitlement": ENTITLEMENTS.get(account, [])},
            "acr": FEIDE_MFA,
            "amr": ["pwd", "otp"],
        }
        for account, eppn in FEIDE_NAMES.items()
    }
    # A Feide user whose school recorded Feide's sub instead of the user name.
    feide_accounts["f7b1e0c2-sub-only"] = {"claims": {}, "acr": FEIDE_MFA}
    idporten_accounts: dict[str, Any] = {
        account: {
            "claims": {"pid": pid, "locale": "nb"},
            "acr": "idporten-loa-substantial",
            "amr": ["TestID"],
        }
        for account, pid in PIDS.items()
    }
    idporten_accounts["foreign-eid"] = {"claims": {"locale": "en"}, "acr": "idporten-loa-high"}
    return {
        "issuers": {
            "feide": {
                "clients": [
                    {
                        "client_id": "sammen-feide",
                        "client_secret": CLIENT_SECRETS["sammen-feide"],
                        "redirect_uris": [f"{SITE}/logg-inn/feide/tilbake/"],
                        "post_logout_redirect_uris": [f"{SITE}/logg-inn/"],
                        **logout_to_harness("sammen-feide"),
                    },
                    {
                        "client_id": "other-app",
                        "client_secret": CLIENT_SECRETS["other-app"],
                        "redirect_uris": ["http://other-app.example/callback"],
                        **logout_to_harness("other-app"),
                    },
                ],
                "accounts": feide_accounts,
            },
            "idporten": {
                "clients": [
                    {
                        "client_id": "sammen-idporten",
                        "token_endpoint_auth_method": "private_key_jwt",
                        "token_endpoint_auth_signing_alg": "RS256",
                        "jwks": {"keys": [idporten_jwk]},
                        "redirect_uris": [f"{SITE}/logg-inn/idporten/tilbake/"],
                        "post_logout_redirect_uris": [f"{SITE}/logg-inn/"],
                        **logout_to_harness("sammen-idporten"),
                    }
                ],
                "accounts": idporten_accounts,
            },
        }
    }


def _wait_for(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the OpenID provider did not answer at {url}:\n{log.read_text()}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    problem = _node_problem()
    if problem:
        pytest.skip(f"login tests against a real OpenID provider skipped: {problem}")
    node = shutil.which("node")
    assert node is not None
    folder = tmp_path_factory.mktemp("oidc_provider")
    private = RSAKey.generate_key(2048, private=True)
    pem = private.as_pem(private=True).decode("ascii")
    key_id = "sammen-test-key"
    public_jwk = {
        **private.as_dict(private=False),
        "kid": key_id,
        "use": "sig",
        "alg": "RS256",
    }
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    config_path = folder / "config.json"
    config_path.write_text(json.dumps(_config(origin, public_jwk)), encoding="utf-8")
    log = folder / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "provider.mjs"), str(port), str(config_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for issuer in ("feide", "idporten"):
            _wait_for(process, f"{origin}/{issuer}/.well-known/openid-configuration", log)
        yield Running(origin=origin, idporten_key_pem=pem, idporten_key_id=key_id)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def oidc(oidc_provider: Running, settings: SettingsWrapper, db: None) -> Iterator[Running]:
    """Sammen pointed at the running provider, as the environment variables would set it."""
    settings.SITE_URL = SITE
    settings.PID_HASH_KEY = "pid-hash-key-for-tests"
    settings.OIDC_PROVIDERS = {
        "feide": {
            "issuer": oidc_provider.feide_issuer,
            "client_id": "sammen-feide",
            "client_secret": CLIENT_SECRETS["sammen-feide"],
            "private_key": "",
            "private_key_id": "",
            "scopes": ["openid", "userid-feide", "userinfo-entitlement"],
            "acr_values": [FEIDE_MFA],
            "userinfo_url": "",
        },
        "idporten": {
            "issuer": oidc_provider.idporten_issuer,
            "client_id": "sammen-idporten",
            "client_secret": "",
            "private_key": oidc_provider.idporten_key_pem,
            "private_key_id": oidc_provider.idporten_key_id,
            "scopes": ["openid", "profile"],
            "acr_values": ["idporten-loa-substantial"],
            "userinfo_url": "",
        },
    }
    oidc_client.clear_cache()
    # Logout tokens an earlier test left at the harness are not this test's.
    for client_id in ("sammen-feide", "other-app", "sammen-idporten"):
        url = f"{oidc_provider.origin}/_harness/backchannel/{client_id}"
        with urllib.request.urlopen(url, timeout=10):
            pass
    yield oidc_provider
    oidc_client.clear_cache()


def register_in_roster(world: World) -> None:
    """Give the test world the identifiers the provider's accounts carry."""
    Staff.objects.filter(user=world.alice).update(username=FEIDE_NAMES["alice"])
    Staff.objects.filter(user=world.bob).update(username=FEIDE_NAMES["bob"])
    for guardian, account in (
        (world.ola_mother, "anne"),
        (world.ola_father, "per"),
        (world.kari_guardian, "lise"),
    ):
        Guardian.objects.filter(pk=guardian.pk).update(pid_hash=pid_hash(PIDS[account]))
    world.school_a.org_number = ORG_A
    world.school_a.save(update_fields=["org_number"])


# The browser ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Hop:
    status: int
    location: str | None
    body: str


@dataclass
class Login:
    authorization_url: str
    callback_url: str | None
    response: Response | None

    @property
    def params(self) -> dict[str, str]:
        query = urllib.parse.urlsplit(self.callback_url or "").query
        return dict(urllib.parse.parse_qsl(query))


Tamper = Callable[[dict[str, str]], None]


class Browser:
    def __init__(self, client: Client, provider: Running) -> None:
        self.client = client
        self.provider = provider
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects
        )

    # Provider side, over HTTP
    def provider_hop(self, url: str, form: dict[str, str] | None = None) -> Hop:
        assert url.startswith(self.provider.origin), url
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=10) as response:
                return Hop(
                    response.status, response.headers.get("Location"), response.read().decode()
                )
        except urllib.error.HTTPError as exc:
            return Hop(exc.code, exc.headers.get("Location"), exc.read().decode())

    def provider_json(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.provider.origin}{path}", data=data, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    # Sammen side, through the test client
    def sammen(self, url: str) -> Response:
        assert url.startswith(SITE) or url.startswith("/"), url
        return self.client.get(url.removeprefix(SITE))

    def walk_provider(self, url: str, *, account: str, acr: str | None = None) -> str:
        """Follow the provider's redirects, logging in as ``account``; return where it sends the
        browser back to (Sammen, or another application)."""
        for _ in range(12):
            hop = self.provider_hop(url)
            assert hop.location, f"the provider stopped at {url}: {hop.status} {hop.body[:300]}"
            location = urllib.parse.urljoin(url, hop.location)
            if "/interaction/" in location:
                choice = {"account": account, **({"acr": acr} if acr else {})}
                location = f"{location}?{urllib.parse.urlencode(choice)}"
            if not location.startswith(self.provider.origin):
                return location
            url = location
        raise AssertionError("too many redirects at the provider")

    def log_in_elsewhere(self, issuer: str, client_id: str, redirect_uri: str, account: str) -> str:
        """Log in to another application at the same provider (its callback is not followed)."""
        verifier = "v" * 64
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid",
            "state": "elsewhere",
            "nonce": "elsewhere",
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        url = f"{issuer}/auth?{urllib.parse.urlencode(params)}"
        return self.walk_provider(url, account=account)

    def log_in(
        self,
        provider: str,
        account: str,
        *,
        acr: str | None = None,
        tamper: Tamper | None = None,
        deliver: bool = True,
        next_url: str | None = None,
    ) -> Login:
        start = reverse("accounts:oidc_start", args=[provider])
        response = self.client.get(start, {"next": next_url} if next_url else {})
        assert response.status_code == 302, response.content[:500]
        authorization_url = response["Location"]
        if tamper is not None:
            parts = urllib.parse.urlsplit(authorization_url)
            params = dict(urllib.parse.parse_qsl(parts.query))
            tamper(params)
            authorization_url = parts._replace(query=urllib.parse.urlencode(params)).geturl()
        callback = self.walk_provider(authorization_url, account=account, acr=acr)
        final = self.sammen(callback) if deliver else None
        return Login(authorization_url, callback, final)

    def log_out_at_provider(self, start: str) -> Hop:
        """Confirm the provider's logout page, as the person pressing its button."""
        page = self.provider_hop(start)
        if page.location:
            return page
        action = re.search(r'action="([^"]+)"', page.body)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.body)
        assert action and xsrf, page.body
        target = urllib.parse.urljoin(start, action[1])
        return self.provider_hop(target, {"xsrf": xsrf[1], "logout": "yes"})

    def caught_logout_tokens(self, client_id: str) -> list[str]:
        tokens: list[str] = self.provider_json(f"/_harness/backchannel/{client_id}")
        return tokens
