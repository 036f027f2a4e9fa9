"""Browser tests: a real Sammen server with the demo data, driven through Debian's chromium.

One server and one browser serve the whole folder (package scope); each test gets a fresh browser
context, so cookies never leak between tests. The server runs in its own process against its own,
fresh database: a temporary SQLite file, or, when the test run's DATABASE_URL points at
PostgreSQL, a database created for this run and dropped afterwards. The tests talk to it over HTTP
only and never touch a database in-process, so they ask pytest-django for none.

Package scope (not session scope) matters: Playwright's sync API keeps an asyncio loop running in
this thread while it is started, and Django refuses ORM calls under a running loop. Stopping it when
the folder is done keeps the database tests that run after it unharmed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    ViewportSize,
    sync_playwright,
)
from psycopg import sql

from tests.browser import axe

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
RESULTS = ROOT / "test-results"
DEMO_SEED = "7"


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM is not None:
        return
    skip = pytest.mark.skip(reason="browser tests need chromium (apt-get install chromium)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


# ---- The server ----------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    log: Path
    password: str = field(repr=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _postgres_admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server's maintenance database, where CREATE/DROP DATABASE may run."""
    last: Exception | None = None
    for maintenance in ("postgres", "template1"):
        try:
            return psycopg.connect(_with_database(url, maintenance), autocommit=True)
        except psycopg.OperationalError as exc:
            last = exc
    raise RuntimeError(f"cannot reach PostgreSQL at {urlsplit(url).netloc}: {last}")


@pytest.fixture(scope="package")
def database_url() -> Iterator[str | None]:
    """None for a fresh SQLite file; else the URL of a PostgreSQL database made for this run."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield None
        return
    name = f"sammen_browser_{os.getpid()}"
    with _postgres_admin(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(url, name)
    finally:
        with _postgres_admin(url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sammen", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str | None) -> Iterator[Server]:
    """Sammen served by gunicorn with DEBUG off, on a free port, with `demo_data --seed 7`."""
    data_dir = tmp_path_factory.mktemp("sammen-browser")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SAMMEN_REQUIRE_SECRET_KEY"}
    }
    # Pinned, so that a developer's own environment cannot change what the journeys meet.
    env.update(
        SAMMEN_DATA_DIR=str(data_dir),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",
        SAMMEN_LOCAL_LOGIN="true",
        SAMMEN_DEMO_PASSWORD=settings.DEMO_PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    _run(["migrate", "--no-input", "-v", "0"], env, "migrate")
    _run(["demo_data", "--seed", DEMO_SEED], env, f"demo_data --seed {DEMO_SEED}")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["SITE_URL"] = url
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sammen.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--threads=4",
                "--log-level=warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, process, log)
        yield Server(url=url, log=log, password=settings.DEMO_PASSWORD)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """One test's browser context and page, with what the test must not leave behind."""

    server: Server
    context: BrowserContext
    page: Page
    audit: axe.Audit
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    broken_resources: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def log_in(self, username: str, password: str | None = None) -> None:
        """Logs in through the login form and checks both the form and the page it leads to."""
        self.goto("/logg-inn/")
        self.audit.check()
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password or self.server.password)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state()
        self.audit.check()


def new_session(browser: Browser, server: Server, viewport: ViewportSize) -> Session:
    # A Norwegian browser: Sammen's default language, as guardians and staff will mostly meet it.
    context = browser.new_context(
        base_url=server.url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport=viewport,
    )
    context.set_default_timeout(15_000)
    axe.install(context)
    page = context.new_page()
    session = Session(server=server, context=context, page=page, audit=axe.Audit(page))

    # Nothing may be fetched from anywhere but Sammen itself (fonts included): the CSP forbids it
    # and the network is closed anyway; record and refuse any attempt.
    def outside(route: Route) -> None:
        session.outside_requests.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(server.url), outside)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            session.csp_violations.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: session.page_errors.append(str(error)))

    # A stylesheet, script, font or icon that fails to load (a 404 page itself is fine).
    def response(answer: Response) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            session.broken_resources.append(f"{answer.status} {answer.url}")

    page.on("response", response)
    return session


def _finish(session: Session) -> None:
    try:
        unchecked = session.audit.left_unchecked()
        assert not unchecked, f"pages visited without an axe check: {unchecked}"
        assert not session.csp_violations, f"CSP violations: {session.csp_violations}"
        assert not session.page_errors, f"JavaScript errors: {session.page_errors}"
        assert not session.outside_requests, f"requests outside Sammen: {session.outside_requests}"
        assert not session.broken_resources, f"resources that failed: {session.broken_resources}"
    finally:
        session.context.close()


@pytest.fixture
def desktop(browser: Browser, server: Server) -> Iterator[Session]:
    session = new_session(browser, server, DESKTOP)
    yield session
    _finish(session)


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Session]:
    session = new_session(browser, server, PHONE)
    yield session
    _finish(session)


@pytest.fixture
def second_desktop(browser: Browser, server: Server) -> Iterator[Session]:
    """Another person at another computer, for journeys that need two."""
    session = new_session(browser, server, DESKTOP)
    yield session
    _finish(session)
