"""Browser tests: Debian's Chromium drives the real app, served from a thread with CSRF on."""

import os
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from blog.extensions import db
from blog.models import Owner
from tests.conftest import (
    OWNER_NAME,
    OWNER_PASSWORD,
    OWNER_PASSWORD_HASH,
    TEST_DATABASE_URL,
    make_app,
    stop_background_work,
)

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).parent

PHONE = {"width": 390, "height": 844}
# Where a reader lands after sending a comment: their own page (group 1, the private token).
OWN_PAGE = re.compile(r"/comments/([A-Za-z0-9_-]{43})\?sent=1#your-comment$")
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    # Every browser test is marked, so that `pytest -m "not e2e"` runs the fast suite. The hook
    # sees the whole session's items, not only this folder's.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install chromium` (never `playwright install`).",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browse as the site's readers do: a Korean browser in Korea's time zone."""
    return {**browser_context_args, "locale": "ko-KR", "timezone_id": "Asia/Seoul"}


def build_live_app(folder: Path, **config):
    """The app with CSRF on (browser tests submit real forms), its tables and the owner.

    On PostgreSQL every app gets a schema of its own in the one test database: a module may
    serve two sites at once (one with content, one empty), which on one shared set of tables
    collided (the second app's first state row) and saw each other's posts."""
    if TEST_DATABASE_URL:
        config.update(_own_schema())
    app = make_app(folder, WTF_CSRF_ENABLED=True, **config)
    with app.app_context():
        if TEST_DATABASE_URL:
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {app.config['E2E_SCHEMA']}")
        db.create_all()
        db.session.add(Owner(username=OWNER_NAME, password_hash=OWNER_PASSWORD_HASH))
        db.session.commit()
    return app


def _own_schema() -> dict:
    """Settings for an app whose connections use a new schema (E2E_SCHEMA) of their own."""
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    options = {"pool_pre_ping": True, "connect_args": {"options": f"-c search_path={schema}"}}
    return {"E2E_SCHEMA": schema, "SQLALCHEMY_ENGINE_OPTIONS": options}


def drop_live_app(app) -> None:
    stop_background_work(app)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        if schema := app.config.get("E2E_SCHEMA"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        db.engine.dispose()


class Serving:
    """Serve `app` on a free port of 127.0.0.1 from a daemon thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll interval makes shutdown quick (the default waits up to half a second).
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path):
    """The served app, for tests that look into the database directly."""
    app = build_live_app(tmp_path)
    yield app
    drop_live_app(app)


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    """The base URL of the app served on 127.0.0.1 (SQLite file, or TEST_DATABASE_URL)."""
    with Serving(live_app) as url:
        yield url


def log_in(page, username: str = OWNER_NAME, password: str = OWNER_PASSWORD) -> None:
    """Log in through the real /login form, as the owner would, and wait for the home page."""
    page.goto("/login")
    page.get_by_label("이름", exact=True).fill(username)
    page.get_by_label("비밀번호", exact=True).fill(password)
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url(lambda url: not url.rstrip("/").endswith("/login"))
    # The owner's menu only exists for a signed-in owner.
    owner_nav(page).wait_for()


def owner_nav(page):
    return page.get_by_role("banner").get_by_role("navigation", name="주인 메뉴", exact=True)


def open_owner_menu(page):
    """Open the header's owner menu (a <details>, closed on every page); its navigation."""
    nav = owner_nav(page)
    menu = nav.locator("details")
    if menu.get_attribute("open") is None:
        nav.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    return nav


@pytest.fixture(scope="module")
def owner_state(browser, browser_context_args, site):
    """The owner's cookies after one login through the form, for every owner page of a
    module that serves one `site` ({"url": …}) for all its tests."""
    context = browser.new_context(**browser_context_args, base_url=site["url"])
    log_in(context.new_page())
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_editor(new_context, site, owner_state):
    """Opens an owner's page (an editor by default) of the module's `site`, logged in, at a
    viewport, with or without JavaScript."""

    def opening(path="/diary/new", viewport=PHONE, javascript=True):
        context = new_context(
            base_url=site["url"],
            storage_state=owner_state,
            viewport=viewport,
            java_script_enabled=javascript,
        )
        page = context.new_page()
        page.goto(path)
        return page

    return opening
