"""Readers' views for the owner: counted in memory by Flask and the page cache, written in
batches, reduced to what may be kept, and shown on /admin/stats."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import event

from blog.extensions import db
from blog.models import Post, PostView, ReferrerView, Visibility
from blog.posts import saving
from blog.site_time import site_today
from blog.stats import counting
from blog.stats.counting import write_counts
from blog.stats.referrers import host_source, source_of

from .conftest import count_writes
from .test_pagecache import count_flask_requests

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
READER = {"User-Agent": BROWSER}


@pytest.fixture
def app_config():
    """Views are counted here (the tests' apps leave counting off, see conftest.make_app)."""
    return {"VIEW_COUNTING": True}


@pytest.fixture
def entry(make_entry):
    """A public entry's id and its page's address."""
    post_id = make_entry(title="글")
    return post_id, f"/diary/{post_id}-글"


def written(app) -> dict[int, int]:
    """Write what the app's counter holds; the views stored, by post."""
    app.extensions["view_counter"].flush()
    with app.app_context():
        rows = db.session.execute(
            db.select(PostView.post_id, db.func.sum(PostView.views)).group_by(PostView.post_id)
        )
        return dict(rows.all())


def sources(app) -> dict[tuple[str, str], int]:
    app.extensions["view_counter"].flush()
    with app.app_context():
        rows = db.session.execute(
            db.select(
                ReferrerView.kind, ReferrerView.name, db.func.sum(ReferrerView.views)
            ).group_by(ReferrerView.kind, ReferrerView.name)
        )
        return {(kind, name): views for kind, name, views in rows}


def test_views_are_counted_whether_flask_or_the_cache_answers(app, client, entry, monkeypatch):
    post_id, path = entry
    assert client.get(path, headers=READER).status_code == 200  # rendered, then kept
    reached_flask = count_flask_requests(app, monkeypatch)
    for _ in range(3):
        assert client.get(path, headers=READER).status_code == 200
    assert not reached_flask  # three cache hits
    assert written(app) == {post_id: 4}


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SIZE": 0, "VIEW_COUNTING": True}])
def test_views_are_counted_without_the_page_cache(app, client, entry):
    post_id, path = entry
    for _ in range(3):
        client.get(path, headers=READER)
    assert written(app) == {post_id: 3}


def test_commentary_pages_count_and_other_pages_do_not(app, client, entry, make_commentary):
    post_id, path = entry
    commentary_id = make_commentary("Headline", [{"quote": "A quote."}])
    for page in (
        "/",
        "/diary/",
        "/feed.xml",
        "/tags/",
        "/archive/",
        f"/commentary/{commentary_id}",
    ):
        for _ in range(2):  # rendered, then from the cache
            assert client.get(page, headers=READER, follow_redirects=True).status_code == 200
    assert written(app) == {commentary_id: 2}


def test_counting_adds_no_query_or_write_to_a_read(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)  # kept in the cache
    writes = count_writes(app)
    for _ in range(5):
        client.get(path, headers=READER)
    assert writes == []
    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counter = app.extensions["view_counter"]
    environ = {"REQUEST_METHOD": "GET", "HTTP_USER_AGENT": BROWSER, "HTTP_HOST": "localhost"}
    for _ in range(100):
        counter.seen(post_id, environ)
    assert statements == []
    assert written(app) == {post_id: 106}
    assert len(writes) == 2  # the batch: one statement a table


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"User-Agent": "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)"},
        {"User-Agent": "facebookexternalhit/1.1"},
        {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0 Safari/537.36"},
        {"User-Agent": "curl/8.5.0"},
        {"User-Agent": "python-requests/2.32"},
        {"User-Agent": "Wget/1.21"},
        {"User-Agent": ""},
        {},
        {**READER, "Sec-Purpose": "prefetch"},
        {**READER, "Sec-Purpose": "prefetch;prerender"},
        {**READER, "Purpose": "prefetch"},
    ],
)
def test_bots_scripts_and_prefetches_are_not_counted(app, client, entry, headers):
    post_id, path = entry
    client.environ_base.pop("HTTP_USER_AGENT", None)  # the test client's own
    for _ in range(2):  # rendered, then from the cache
        assert client.get(path, headers=headers).status_code == 200
    assert written(app) == {}


def test_head_and_not_modified_are_not_views(app, client, entry):
    post_id, path = entry
    first = client.get(path, headers=READER)  # one view
    etag = first.headers["ETag"]
    for _ in range(2):  # from the cache; then Flask's answer too, below
        assert client.head(path, headers=READER).status_code == 200
        again = client.get(path, headers={**READER, "If-None-Match": etag})
        assert again.status_code == 304
    app.extensions["page_cache"].pages.clear()
    assert client.get(path, headers={**READER, "If-None-Match": etag}).status_code == 304
    assert client.head(path, headers=READER).status_code == 200
    assert written(app) == {post_id: 1}


def test_the_owners_visits_are_not_counted(app, client, auth, entry):
    post_id, path = entry
    auth.login()
    for _ in range(3):
        assert client.get(path, headers=READER).status_code == 200
    assert written(app) == {}


def test_missing_and_hidden_posts_are_not_counted(app, client, make_entry):
    draft_id = make_entry(title="초안", visibility=Visibility.DRAFT)
    assert client.get(f"/diary/{draft_id}", headers=READER).status_code == 404
    assert client.get("/diary/999999", headers=READER).status_code == 404
    assert written(app) == {}


@pytest.mark.parametrize(
    "referrer, source",
    [
        (None, ("direct", "")),
        ("https://www.google.com/", ("search", "Google")),
        ("https://www.google.co.kr/search?q=%EC%9D%BC%EA%B8%B0", ("search", "Google")),
        ("https://m.search.naver.com/search.naver?query=diary", ("search", "Naver")),
        ("https://search.daum.net/search?q=x", ("search", "Daum")),
        ("https://www.bing.com/search?q=x", ("search", "Bing")),
        ("https://duckduckgo.com/", ("search", "DuckDuckGo")),
        ("https://l.facebook.com/l.php?u=secret", ("social", "Facebook")),
        ("https://t.co/AbCdEf", ("social", "X (Twitter)")),
        ("https://x.com/someone/status/1", ("social", "X (Twitter)")),
        ("https://l.instagram.com/?u=x", ("social", "Instagram")),
        ("https://story.kakao.com/someone", ("social", "Kakao")),
        ("https://band.us/band/123/post/4", ("social", "Band")),
        ("https://blog.naver.com/someone/223", ("social", "Naver Blog")),
        ("https://www.example.org/a/private/path?token=secret#frag", ("site", "example.org")),
        ("https://News.Example.COM:8443/x", ("site", "news.example.com")),
        ("http://localhost/diary/", ("internal", "")),
        ("https://evil<script>.example/", ("site", "")),
        ("not a url", ("direct", "")),
    ],
)
def test_a_referrer_is_reduced_to_its_host_and_grouped(app, client, entry, referrer, source):
    post_id, path = entry
    headers = {**READER, "Referer": referrer} if referrer else READER
    for _ in range(2):
        client.get(path, headers=headers)
    assert sources(app) == {source: 2}


def test_the_sites_own_host_is_internal_behind_any_port():
    assert source_of("https://blog.example/diary/", "blog.example") == ("internal", "")
    assert source_of("http://[::1]:8000/", "::1") == ("internal", "")
    assert host_source("a" * 200 + ".example") == ("site", "")


def test_no_cookie_no_address_and_no_full_referrer_is_kept(app, client, entry):
    post_id, path = entry
    address = "203.0.113.77"
    referrer = "https://www.example.org/secret/page?token=s3cret"
    for _ in range(2):
        response = client.get(
            path, headers={**READER, "Referer": referrer}, environ_base={"REMOTE_ADDR": address}
        )
        assert not response.headers.getlist("Set-Cookie")
    assert client.get_cookie("session") is None
    app.extensions["view_counter"].flush()
    with app.app_context():
        stored = [
            value
            for model in (PostView, ReferrerView)
            for row in db.session.execute(db.select(model.__table__))
            for value in row
        ]
    assert stored
    assert not any(address in str(value) or "secret" in str(value) for value in stored)
    assert "example.org" in stored


def test_writing_adds_to_the_days_rows(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)
    assert written(app) == {post_id: 1}
    client.get(path, headers=READER)
    client.get(path, headers=READER)
    assert written(app) == {post_id: 3}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PostView)) == 1


def test_views_are_counted_on_the_sites_calendar_day(app, client, entry):
    post_id, path = entry
    # 23:59:30 in Seoul (UTC+9, the site's time zone), then 00:00:30 the next day there.
    seoul = ZoneInfo("Asia/Seoul")
    day = datetime.now(seoul).date() + timedelta(days=2)
    midnight = datetime.combine(day, time(), seoul)
    with time_machine.travel(midnight - timedelta(seconds=30), tick=False) as clock:
        client.get(path, headers=READER)
        clock.shift(timedelta(minutes=1))
        client.get(path, headers=READER)
        client.get(path, headers=READER)
    app.extensions["view_counter"].flush()
    with app.app_context():
        days = dict(db.session.execute(db.select(PostView.day, PostView.views)).all())
    assert days == {day - timedelta(days=1): 1, day: 2}


def test_a_failed_write_keeps_the_counts_for_the_next(app, client, entry, monkeypatch):
    post_id, path = entry
    client.get(path, headers=READER)
    counter = app.extensions["view_counter"]

    def database_away(*args, **kwargs):
        raise RuntimeError("the database is away")

    monkeypatch.setattr(counting, "write_counts", database_away)
    with pytest.raises(RuntimeError):
        counter.flush()
    client.get(path, headers=READER)
    monkeypatch.undo()
    assert written(app) == {post_id: 2}


def test_views_of_a_post_deleted_for_good_before_the_write_are_dropped(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)
    with app.app_context():
        saving.trash(db.session.get(Post, post_id))
        db.session.commit()
        saving.delete_forever(db.session.get(Post, post_id))
        db.session.commit()
    assert written(app) == {}


@pytest.mark.parametrize("app_config", [{"VIEW_FLUSH_SECONDS": 0.05, "VIEW_COUNTING": True}])
def test_the_processs_thread_writes_within_its_interval(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)
    counter = app.extensions["view_counter"]
    assert counter.thread is not None and counter.thread.daemon
    with app.app_context():
        for _ in range(100):
            if db.session.scalar(db.select(db.func.sum(PostView.views))):
                break
            db.session.rollback()
            counter.stopped.wait(0.05)
        assert db.session.scalar(db.select(db.func.sum(PostView.views))) == 1


def test_a_forked_worker_starts_without_its_parents_counts(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)
    counter = app.extensions["view_counter"]
    counting._forget_parents_counts()  # what os.register_at_fork runs in the child
    assert counter.views == {} and counter.thread is None
    client.get(path, headers=READER)
    assert counter.thread is not None
    assert written(app) == {post_id: 1}


def test_made_up_referrers_cannot_fill_memory(app, client, entry, monkeypatch):
    post_id, path = entry
    monkeypatch.setattr(counting, "MAX_PENDING_SOURCES", 3)
    for n in range(6):
        client.get(path, headers={**READER, "Referer": f"https://site{n}.example/"})
    counter = app.extensions["view_counter"]
    assert len(counter.sources) == 4  # three hosts, then "other sites" together
    assert sources(app)[("site", "")] == 3


@pytest.mark.parametrize("app_config", [{"VIEW_COUNTING": "False"}])
def test_counting_can_be_turned_off(app, client, entry):
    post_id, path = entry
    client.get(path, headers=READER)
    assert "view_counter" not in app.extensions


def test_readers_never_see_the_statistics(app, client, entry):
    post_id, _ = entry
    for page in ("/admin/stats", f"/admin/stats/{post_id}"):
        response = client.get(page)
        assert response.status_code in (302, 401, 404)
        assert "views-chart" not in response.text


def put_views(app, counts: dict, referrers: dict | None = None) -> None:
    """Views as the counter writes them: {(day, post id): views}."""
    referrers = referrers or {
        (day, post_id, "direct", ""): n for (day, post_id), n in counts.items()
    }
    with app.app_context(), db.engine.begin() as connection:
        write_counts(connection, counts, referrers)


def figure(html: str, id_: str) -> str:
    return re.search(rf'id="{id_}">([^<]*)<', html).group(1)


def test_the_statistics_page_shows_the_figures(app, client, auth, make_entry, make_commentary):
    with app.app_context():
        today = site_today()
    first = make_entry(title="많이 읽은 글")
    second = make_commentary("Read headline", [{"quote": "A quote."}])
    old = make_entry(title="옛 글")
    put_views(
        app,
        {
            (today, first): 5,
            (today - timedelta(days=3), second): 7,
            (today - timedelta(days=10), first): 20,
            (today - timedelta(days=40), old): 100,
        },
        {
            (today, first, "search", "Naver"): 3,
            (today, first, "site", "friend.example"): 2,
            (today - timedelta(days=3), second, "social", "Kakao"): 7,
            (today - timedelta(days=10), first, "internal", ""): 20,
        },
    )
    auth.login()
    page = client.get("/admin/stats")
    assert page.status_code == 200
    html = page.text
    assert [
        figure(html, name) for name in ("views-today", "views-week", "views-month", "views-all")
    ] == ["5", "12", "32", "132"]
    week = html.split('id="top-week"')[1].split("</ol>")[0]
    month = html.split('id="top-month"')[1].split("</ol>")[0]
    assert week.index("Read headline") < week.index("많이 읽은 글") and "옛 글" not in week
    assert month.index("많이 읽은 글") < month.index("Read headline") and "옛 글" not in month
    assert f'href="/admin/stats/{first}"' in month
    # The chart: a bar for each day with views; the table: each of the 30 days.
    chart = html.split('id="views-chart"')[1].split("</svg>")[0]
    assert chart.count("<rect") == 3
    table = html.split('id="views-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 31  # the head and 30 days
    assert f'<time datetime="{today.isoformat()}">' in table
    referrers = html.split('id="referrers"')[1].split("</table>")[0]
    for text in ("Naver", "Kakao", "friend.example", ">20<"):
        assert text in referrers
    # one post's page
    own = client.get(f"/admin/stats/{first}").text
    assert [
        figure(own, name) for name in ("views-today", "views-week", "views-month", "views-all")
    ] == ["5", "5", "25", "25"]
    assert "Kakao" not in own.split('id="referrers"')[1]
    assert client.get("/admin/stats/999999").status_code == 404


def test_the_statistics_page_without_views(client, auth):
    auth.login()
    page = client.get("/admin/stats")
    assert page.status_code == 200 and 'id="views-chart"' in page.text
    assert 'href="/admin/stats"' in page.text  # in the desk's navigation
