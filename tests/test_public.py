"""Pages for everyone: home, tags, language, headers."""

import pytest

from blog.models import Visibility


def test_home_lists_newest_public_posts(client, make_entry):
    make_entry(title="오늘의 일기")
    make_entry(title="초안", visibility=Visibility.DRAFT)
    page = client.get("/")
    assert page.status_code == 200
    assert "오늘의 일기" in page.text and "초안" not in page.text


def test_empty_home_says_so(client):
    assert "아직 발행된 글이 없습니다" in client.get("/").text


def test_pages_are_korean_first(client):
    page = client.get("/")
    assert '<html lang="ko">' in page.text
    assert "본문으로 건너뛰기" in page.text
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"


def test_english_is_a_remembered_choice(client):
    response = client.post("/language", data={"lang": "en", "next": "/diary/"})
    assert response.status_code == 303 and response.headers["Location"] == "/diary/"
    page = client.get("/diary/")
    assert '<html lang="en">' in page.text and "No diary entries yet." in page.text


@pytest.mark.parametrize("next_value", ["//evil.example", "https://evil.example"])
def test_language_switch_does_not_redirect_away(client, next_value):
    response = client.post("/language", data={"lang": "en", "next": next_value})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "xx"})
    assert '<html lang="ko">' in client.get("/").text


def test_tag_page_matches_case_and_spacing(client, make_entry):
    make_entry(title="영어 공부", tags=["English Study"])
    for spelling in ("English Study", "english study", " english  study"):
        page = client.get(f"/tags/{spelling}")
        assert page.status_code == 200 and "영어 공부" in page.text
    assert client.get("/tags/없는태그").status_code == 404


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_owner_pages_are_not_stored_by_caches(client, auth):
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_reading_gives_readers_no_cookie(client, make_entry):
    post_id = make_entry(title="글", tags=["태그"])
    post_page = f"/diary/{post_id}-글"
    paths = ["/", "/diary/", "/commentary/", "/tags/태그", "/archive/", "/search?q=태그", post_page]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200
        assert not response.headers.getlist("Set-Cookie"), path
    assert 'id="comment-form"' in client.get(post_page).text


def test_favicon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.data.startswith(b"\x00\x00\x01\x00")
