"""A hostile page on another site posts to the owner's forms, in a real Chromium."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from blog.extensions import db
from blog.models import Post

from .conftest import OWNER_NAME, OWNER_PASSWORD, owner_nav


def hostile_page(target: str) -> bytes:
    return f"""<!doctype html><meta charset="utf-8"><title>win a prize</title>
<form id="f" method="post" action="{target}">
<input name="title" value="forged"><input name="body" value="공격자가 쓴 글">
<input name="visibility" value="public"></form>
<script>document.getElementById("f").submit()</script>""".encode()


@pytest.fixture
def hostile_site(live_server):
    """Another site (localhost is not 127.0.0.1 to the browser) with an auto-sent form."""
    body = hostile_page(f"{live_server}/diary/new")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_remembered_owner_opening_a_hostile_page_publishes_nothing(
    new_context, live_server, live_app, hostile_site
):
    context = new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("이름", exact=True).fill(OWNER_NAME)
    page.get_by_label("비밀번호", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label("이 기기에서 로그인 유지", exact=True).check()
    page.get_by_role("button", name="로그인", exact=True).click()
    owner_nav(page).wait_for()
    cookies_before = sorted((c["name"], c["value"]) for c in context.cookies(live_server))

    with page.expect_response(f"{live_server}/diary/new") as answer:
        page.goto(hostile_site)
    response = answer.value
    assert response.status == 403
    assert "set-cookie" not in response.headers
    page.wait_for_load_state()
    assert page.locator("[name=csrf_token]").count() == 0
    assert page.locator("form").count() == 0  # nothing to click that would send it again
    assert sorted((c["name"], c["value"]) for c in context.cookies(live_server)) == cookies_before
    with live_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0
