"""Pages for everyone: home, tags, language, headers, and what malformed input gets."""

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from blog.models import Visibility

from .markup import texts_of


def test_home_lists_newest_public_posts(client, make_entry):
    make_entry(title="오늘의 일기")
    make_entry(title="초안", visibility=Visibility.DRAFT)
    page = client.get("/")
    assert page.status_code == 200
    assert "오늘의 일기" in page.text and "초안" not in page.text


def test_empty_home_says_so(client):
    page = client.get("/").text
    [says] = texts_of(page, "empty")
    assert says and 'class="card"' not in page


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


# Bigger than any id or page either database can hold (SQLite and PostgreSQL bigint: 2**63-1).
HUGE = "99999999999999999999"


@pytest.fixture
def one_of_each(make_entry, make_commentary):
    """A public entry and commentary tagged 태그, published in a known month (Seoul time)."""
    published_at = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    return {
        "entry": make_entry(title="일기", tags=["태그"], published_at=published_at),
        "commentary": make_commentary(
            "Headline", [{"quote": "Quote."}], tags=["태그"], published_at=published_at
        ),
    }


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        # ids bigger than an int4 (PostgreSQL's integer) or than any integer at all
        ("GET", "/diary/99999999999999999999999", 404),
        ("GET", "/diary/2147483648", 404),
        ("GET", "/diary/" + "9" * 5000, 404),
        ("GET", "/diary/0", 404),
        ("GET", "/diary/١", 404),  # an Arabic-Indic digit is not an id
        ("GET", "/commentary/9223372036854775808-x", 404),
        ("POST", f"/diary/{HUGE}/comments", 404),
        ("POST", "/commentary/2147483648-x/comments", 404),
        # page numbers: too big, zero, negative, not a number, on every list
        *[
            ("GET", f"{path}{'&' if '?' in path else '?'}page={page}", 404)
            for path in (
                "/",
                "/diary/",
                "/commentary/",
                "/tags/태그",
                "/archive/2026/3",
                "/search?q=일기",
            )
            for page in (HUGE, "2147483648", "2147483647", "0", "-1", "x", "²")
        ],
        # archive months out of range, at the edges of what datetime can hold
        ("GET", "/archive/9999/12", 404),
        ("GET", "/archive/1969/12", 404),
        ("GET", "/archive/2026/13", 404),
        ("GET", f"/archive/{HUGE}/1", 404),
        # NUL bytes never reach the database (PostgreSQL refuses them in text)
        ("GET", "/tags/a%00b", 404),
        ("GET", "/tags/a%00b/feed.xml", 404),
        ("GET", "/diary/{entry}-a%00b", 404),
        ("GET", "/search?q=a%00b", 400),
        ("GET", "/?page=%00", 400),
        ("GET", "/login?next=/%00", 400),
        ("GET", "/diary/?x%00=1", 400),
    ],
)
def test_malformed_input_is_a_404_or_400_never_a_500(client, one_of_each, method, path, status):
    response = client.open(path.format(**one_of_each), method=method)
    assert response.status_code == status
    assert "<title>" in response.text  # the error page itself rendered


@pytest.mark.parametrize(
    "query",
    [
        "action=zzz",
        "post=1",
        "_method=POST",
        "_external=1&_scheme=javascript",
        "_anchor=x",
        "post_id=9&slug=x",
        "utm_source=feed",
    ],
)
def test_canonical_redirect_keeps_only_the_keys_a_post_page_reads(client, one_of_each, query):
    response = client.get(f"/diary/{one_of_each['entry']}?{query}")
    assert response.status_code == 301
    assert unquote(response.headers["Location"]) == f"/diary/{one_of_each['entry']}-일기"


def test_canonical_redirect_keeps_study_mode_and_the_quote_to_comment_on(client, one_of_each):
    commentary_id = one_of_each["commentary"]
    response = client.get(f"/commentary/{commentary_id}?study=1&comment_on=7&action=zzz")
    assert response.status_code == 301
    assert response.headers["Location"] == (
        f"/commentary/{commentary_id}-headline?study=1&comment_on=7"
    )
