"""공감: once a day per reader, without an account, a cookie or the address; only the liked
post's page changes in the page cache."""

from datetime import UTC, datetime, timedelta

import pytest

from blog.comments.spam import address_hash
from blog.extensions import db
from blog.models import LikeMark, LikeTotal
from blog.posts import saving
from blog.reactions.likes import MARK_DAYS, reader_hash, site_day

from .conftest import hidden_state
from .test_pagecache import count_flask_requests, etag_of, still_fresh
from .test_queries import counting

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
AS_JSON = {**SAME_SITE, "Accept": "application/json"}


@pytest.fixture
def entry_id(make_entry):
    return make_entry(title="글", tags=["태그"])


def like(client, post_path, address="10.0.0.1", agent="Browser/1", headers=SAME_SITE):
    return client.post(
        f"{post_path}/like",
        headers={"User-Agent": agent, **headers},
        environ_base={"REMOTE_ADDR": address},
    )


def count_of(app, post_id) -> int:
    with app.app_context():
        total = db.session.get(LikeTotal, post_id)
        return total.count if total else 0


def marks(app) -> list:
    with app.app_context():
        columns = (LikeMark.post_id, LikeMark.reader_hash, LikeMark.day, LikeMark.created_at)
        return db.session.execute(db.select(*columns)).all()


def driver_statements(app, monkeypatch) -> list[str]:
    """What the page cache sends on its own pooled connections (past SQLAlchemy's events)."""
    reader_cache = app.wsgi_app
    sent = []
    raw_connection = reader_cache.engine.raw_connection

    class Counted:
        def __init__(self, cursor):
            self.cursor = cursor

        def execute(self, statement, *args):
            sent.append(statement)
            return self.cursor.execute(statement, *args)

        def __getattr__(self, name):
            return getattr(self.cursor, name)

    class Connection:
        def __init__(self, connection):
            self.connection = connection

        def cursor(self):
            return Counted(self.connection.cursor())

        def __getattr__(self, name):
            return getattr(self.connection, name)

    monkeypatch.setattr(reader_cache.engine, "raw_connection", lambda: Connection(raw_connection()))
    return sent


def test_two_readers_count_two_and_one_reader_twice_counts_one(app, client, entry_id):
    path = f"/diary/{entry_id}"
    assert like(client, path, "10.0.0.1").status_code == 303
    assert like(client, path, "10.0.0.2").status_code == 303
    again = like(client, path, "10.0.0.1")
    assert again.status_code == 303 and again.headers["Location"].endswith("?liked=again#like")
    assert count_of(app, entry_id) == 2
    # The same address with another browser is another reader (a household behind one address).
    like(client, path, "10.0.0.1", agent="Other/2")
    assert count_of(app, entry_id) == 3


def test_the_next_day_of_the_sites_calendar_counts_again(app, client, entry_id, clock):
    # 23:50 in Seoul is 14:50 UTC: twenty minutes later it is the next day there, not in UTC.
    clock.move_to(datetime(2030, 5, 1, 14, 50, tzinfo=UTC))
    path = f"/diary/{entry_id}"
    like(client, path)
    like(client, path)
    assert count_of(app, entry_id) == 1
    clock.shift(timedelta(minutes=20))
    like(client, path)
    assert count_of(app, entry_id) == 2


def test_a_reader_is_a_keyed_daily_hash_never_the_address(app, client, entry_id):
    like(client, f"/diary/{entry_id}", "203.0.113.7", agent="Browser/1")
    ((_, hashed, day, created_at),) = marks(app)
    assert "203.0.113.7" not in hashed
    with app.test_request_context():
        assert day == site_day(created_at)
        assert hashed == reader_hash("203.0.113.7", "Browser/1", day)
        # a like's hash is never the same reader's comment hash
        assert reader_hash("203.0.113.7", "", day) != address_hash("203.0.113.7\n", day)
        assert reader_hash("203.0.113.7", "Browser/1", day - timedelta(days=1)) != hashed


def test_without_javascript_the_answer_goes_back_to_the_post_without_a_cookie(
    app, client, entry_id
):
    response = like(client, f"/diary/{entry_id}-글")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/diary/{entry_id}-%EA%B8%80?liked=new#like"
    assert not response.headers.getlist("Set-Cookie")
    page = client.get(response.headers["Location"])
    assert not page.headers.getlist("Set-Cookie")
    assert "data-like-count>1<" in page.text and "likes__button--given" in page.text
    assert 'role="status" data-like-status></p>' not in page.text  # the status says it


def test_with_javascript_the_answer_is_the_count(app, client, make_commentary):
    post_id = make_commentary("Headline", [{"quote": "Q.", "opinion": "생각"}])
    first = like(client, f"/commentary/{post_id}", headers=AS_JSON)
    assert first.status_code == 200 and not first.headers.getlist("Set-Cookie")
    assert first.json["count"] == 1 and first.json["liked"] is True and first.json["message"]
    again = like(client, f"/commentary/{post_id}", headers=AS_JSON)
    assert again.status_code == 200
    assert again.json["count"] == 1 and again.json["liked"] is True
    assert again.json["message"] != first.json["message"]  # counted once, and it says so


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ],
)
def test_a_like_from_another_site_is_refused_without_a_cookie(app, client, entry_id, headers):
    response = like(client, f"/diary/{entry_id}", headers=headers)
    assert response.status_code == 403
    assert not response.headers.getlist("Set-Cookie")
    assert count_of(app, entry_id) == 0 and not marks(app)


@pytest.mark.parametrize("state", ["draft", "private", "scheduled", "trashed", "missing"])
def test_hidden_posts_answer_404(app, client, make_entry, state):
    post_id = make_entry(
        **(hidden_state(state) if state in ("draft", "private", "scheduled") else {})
    )
    if state == "trashed":
        with app.app_context():
            saving.trash(db.session.get(saving.Post, post_id))
            db.session.commit()
    if state == "missing":
        post_id += 1
    assert like(client, f"/diary/{post_id}").status_code == 404
    assert like(client, f"/diary/{post_id}", headers=AS_JSON).status_code == 404
    assert not marks(app)


def test_a_diary_entry_is_not_liked_at_a_commentary_address(client, entry_id):
    assert like(client, f"/commentary/{entry_id}").status_code == 404


@pytest.mark.parametrize("app_config", [{"LIKE_RATE_LIMIT": 2}])
def test_beyond_the_rate_limit_the_reader_stays_on_the_post_with_a_429(app, client, make_entry):
    ids = [make_entry(title=f"글{n}") for n in range(4)]
    for post_id in ids[:2]:
        assert like(client, f"/diary/{post_id}").status_code == 303
    refused = like(client, f"/diary/{ids[2]}")
    assert refused.status_code == 429 and not refused.headers.getlist("Set-Cookie")
    assert 'id="like"' in refused.text and "글2" in refused.text  # the post's own page
    assert 'role="status" data-like-status></p>' not in refused.text  # with the reason
    as_json = like(client, f"/diary/{ids[3]}", headers=AS_JSON)
    assert as_json.status_code == 429 and as_json.json["liked"] is False
    assert as_json.json["message"] and as_json.json["count"] == 0
    assert [count_of(app, post_id) for post_id in ids] == [1, 1, 0, 0]
    # another reader is not held back
    assert like(client, f"/diary/{ids[2]}", address="10.0.0.99").status_code == 303


@pytest.mark.parametrize("app_config", [{"LIKE_RATE_LIMIT": 1}])
def test_the_rate_limit_ends_with_its_window(app, client, make_entry, clock):
    first, second = make_entry(title="하나"), make_entry(title="둘")
    like(client, f"/diary/{first}")
    assert like(client, f"/diary/{second}").status_code == 429
    clock.shift(timedelta(seconds=app.config["LIKE_RATE_WINDOW_SECONDS"] + 1))
    assert like(client, f"/diary/{second}").status_code == 303


def test_the_owner_sees_the_count_but_no_button_and_is_never_counted(app, client, auth, entry_id):
    like(client, f"/diary/{entry_id}", address="10.0.0.5")
    auth.login()
    response = like(client, f"/diary/{entry_id}", address="10.0.0.6")
    assert response.status_code == 303 and "liked" not in response.headers["Location"]
    assert like(client, f"/diary/{entry_id}", headers=AS_JSON).json["liked"] is False
    assert count_of(app, entry_id) == 1 and len(marks(app)) == 1
    page = client.get(f"/diary/{entry_id}-글").text
    assert "likes__count-only" in page and "data-like>" not in page and "/like" not in page
    desk = client.get("/admin/").text
    assert 'class="badge badge--likes"' in desk


def test_the_desk_reads_every_posts_count_in_one_query(app, client, auth, make_entry):
    ids = [make_entry(title=f"글{n}") for n in range(5)]
    for n, post_id in enumerate(ids):
        for reader in range(n):
            like(client, f"/diary/{post_id}", address=f"10.0.1.{reader}")
    auth.login()
    with app.app_context():
        engine = db.engine
    with counting(engine) as statements:
        desk = client.get("/admin/").text
    assert sum("like_total" in statement for statement in statements) == 1
    for count in range(1, 5):
        assert f">{count}</span>" in desk or f" {count}</span>" in desk


def test_marks_older_than_two_days_are_dropped_with_the_next_like(app, client, make_entry, clock):
    first, second = make_entry(title="하나"), make_entry(title="둘")
    like(client, f"/diary/{first}", address="10.0.0.1")
    like(client, f"/diary/{first}", address="10.0.0.2")
    clock.shift(timedelta(days=MARK_DAYS))
    like(client, f"/diary/{second}", address="10.0.0.3")
    assert len(marks(app)) == 3  # two days old: kept
    clock.shift(timedelta(days=1))
    like(client, f"/diary/{second}", address="10.0.0.4")
    assert {mark.post_id for mark in marks(app)} == {second}
    assert count_of(app, first) == 2  # the total stays


def test_a_deleted_post_takes_its_likes_with_it(app, client, entry_id):
    like(client, f"/diary/{entry_id}")
    with app.app_context():
        post = db.session.get(saving.Post, entry_id)
        saving.trash(post)
        saving.delete_forever(post)
        db.session.commit()
    assert count_of(app, entry_id) == 0 and not marks(app)


# --- the page cache: a like makes only the liked post's page old ---------------------------


def test_a_like_leaves_every_other_page_and_its_etag_alone(app, client, make_entry, monkeypatch):
    liked, other = make_entry(title="좋은 글", tags=["태그"]), make_entry(title="다른 글")
    others = ["/", "/diary/", "/tags/태그", "/feed.xml", "/archive/", f"/diary/{other}-다른-글"]
    liked_path = f"/diary/{liked}-좋은-글"
    etags = {path: etag_of(client, path) for path in [*others, liked_path]}
    like(client, f"/diary/{liked}")
    like(client, f"/diary/{liked}", address="10.0.0.2")
    reached_flask = count_flask_requests(app, monkeypatch)
    for path in others:
        assert still_fresh(client, path, etags[path]), path
        assert client.get(path).headers["ETag"] == f'"{etags[path]}"', path
    assert not reached_flask  # served from the cache, as before the like
    assert not still_fresh(client, liked_path, etags[liked_path])
    page = client.get(liked_path)
    assert "data-like-count>2<" in page.text
    assert still_fresh(client, liked_path, page.headers["ETag"].strip('"'))


def test_a_cache_hit_of_a_post_page_is_one_statement(app, client, entry_id, monkeypatch):
    path = f"/diary/{entry_id}-글"
    client.get(path)
    like(client, f"/diary/{entry_id}")
    client.get(path)  # stored again, at the like's version
    with app.app_context():
        engine = db.engine
    reached_flask = count_flask_requests(app, monkeypatch)
    sent = driver_statements(app, monkeypatch)
    with counting(engine) as through_sqlalchemy:
        page = client.get(path)
    assert page.status_code == 200 and "data-like-count>1<" in page.text
    assert not reached_flask and not through_sqlalchemy
    assert len(sent) == 1 and "page_facet" in sent[0] and "site_state" in sent[0], sent


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SIZE": 0}])
def test_without_the_page_cache_flask_answers_304_until_a_like(app, client, entry_id):
    path = f"/diary/{entry_id}-글"
    etag = etag_of(client, path)
    assert still_fresh(client, path, etag)
    assert still_fresh(client, path, f"{etag}-gzip")
    home = etag_of(client, "/")
    like(client, f"/diary/{entry_id}")
    assert not still_fresh(client, path, etag)
    assert still_fresh(client, "/", home)


def test_a_reader_sent_back_sees_the_count_the_others_see(app, client, entry_id):
    path = f"/diary/{entry_id}-글"
    client.get(path)
    client.get(f"{path}?liked=new")
    answer = like(client, f"/diary/{entry_id}")
    assert "data-like-count>1<" in client.get(answer.headers["Location"]).text
    assert "data-like-count>1<" in client.get(path).text
