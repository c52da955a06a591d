"""Conditional GET: 304 without rendering while nothing changed; every change is seen."""

import gzip
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import render_template_string
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from blog.comments.moderation import moderate, owner_reply
from blog.comments.timer import form_token
from blog.extensions import db
from blog.models import (
    Comment,
    CommentStatus,
    DiaryEntry,
    Post,
    Revision,
    Setting,
    SiteState,
    Visibility,
    utcnow,
)
from blog.portability import export, import_json
from blog.posts import saving
from blog.site_settings import save_settings

from .conftest import count_writes, empty_database, hidden_state, make_app


def etag_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"].strip('"')


def still_fresh(client, path, etag) -> bool:
    response = client.get(path, headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code in (200, 304, 404)  # 404: the page went away
    return response.status_code == 304


@pytest.fixture
def entry_id(make_entry):
    return make_entry(title="글", tags=["태그"])


PATHS = ["/", "/diary/", "/tags/태그", "/feed.xml", "/sitemap.xml", "/archive/"]


def test_unchanged_pages_answer_304_without_a_body(client, entry_id):
    for path in PATHS:
        etag = etag_of(client, path)
        response = client.get(path, headers={"If-None-Match": f'"{etag}"'})
        assert response.status_code == 304 and response.data == b""
        assert response.headers["ETag"] == f'"{etag}"'
        assert response.headers["Cache-Control"] == "no-cache"


def test_304_happens_before_rendering(app, client, entry_id, monkeypatch):
    etag = etag_of(client, "/")

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered although the reader's copy was current")

    monkeypatch.setattr("blog.public.views.render_template", must_not_render)
    assert still_fresh(client, "/", etag)


def change_post(app, entry_id, through=saving.save, **values):
    """The owner changes the post, written through the save path (`through`)."""
    with app.app_context():
        post = db.session.get(Post, entry_id)
        for name, value in values.items():
            setattr(post, name, value)
        through(post)
        db.session.commit()


@pytest.mark.parametrize(
    "change",
    [
        lambda app, entry_id: change_post(app, entry_id, title="새 제목"),
        lambda app, entry_id: change_post(app, entry_id, through=saving.make_private),
        lambda app, entry_id: change_post(app, entry_id, through=saving.trash),
    ],
    ids=["edit", "visibility", "trash"],
)
def test_every_change_to_a_post_changes_every_page(app, client, entry_id, change):
    etags = {path: etag_of(client, path) for path in PATHS}
    change(app, entry_id)
    for path, etag in etags.items():
        assert not still_fresh(client, path, etag), path


def test_approving_a_comment_changes_the_post_page(app, client, entry_id):
    path = f"/diary/{entry_id}-글"
    with app.app_context():
        comment = Comment(post_id=entry_id, name="독자")
        comment.set_body("안녕하세요")
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id
    etag = etag_of(client, path)
    with app.app_context():
        moderate([comment_id], "approve")
        db.session.commit()
    assert not still_fresh(client, path, etag)


def test_settings_change_the_version(app, client, entry_id):
    etag = etag_of(client, "/")
    with app.app_context():
        save_settings({"comments_close_after_days": "7"})
        db.session.commit()
    assert not still_fresh(client, "/", etag)


def test_a_scheduled_post_appearing_changes_the_pages(client, make_entry, clock):
    make_entry(title="예약", published_at=utcnow() + timedelta(hours=1))
    etag = etag_of(client, "/")
    assert still_fresh(client, "/", etag)
    assert "예약" not in client.get("/").text  # now from the page cache
    clock.shift(timedelta(hours=2))  # time passes, and nothing is saved
    assert not still_fresh(client, "/", etag)
    assert "예약" in client.get("/").text


def content_version(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(SiteState.content_version))


def test_only_this_sites_sessions_keep_the_version(app):
    before = content_version(app)
    with app.app_context(), Session(db.engine) as elsewhere:  # a session not made by db
        elsewhere.add(Setting(key="comments_close_after_days", value="7"))
        elsewhere.commit()
    assert content_version(app) == before
    with app.app_context():
        save_settings({"comments_close_after_days": "8"})
        db.session.commit()
    assert content_version(app) == before + 1


@dataclass
class Site:
    """A post of each state, and comments of each kind on the public one (ids)."""

    public: int
    scheduled: int
    draft: int
    private: int
    trashed: int
    approved: int
    approved_secret: int
    pending: int
    pending_secret: int


def add_comment(post_id: int, status=CommentStatus.PENDING, secret=False) -> int:
    comment = Comment(post_id=post_id, name="독자", status=status, secret=secret)
    comment.set_body("댓글")
    db.session.add(comment)
    db.session.flush()
    return comment.id


@pytest.fixture
def site(app, make_entry) -> Site:
    public = make_entry(title="공개", tags=["태그"])
    posts = dict(
        scheduled=make_entry(title="예약", published_at=utcnow() + timedelta(days=1)),
        draft=make_entry(title="초안", visibility=Visibility.DRAFT),
        private=make_entry(title="비공개", **hidden_state("private")),
        trashed=make_entry(title="버린 글"),
    )
    with app.app_context():
        saving.trash(db.session.get(Post, posts["trashed"]))
        edited = db.session.get(Post, public)
        edited.title = "공개, 고침"
        saving.save(edited)  # so that there is an older version to bring back
        comments = dict(
            approved=add_comment(public, CommentStatus.APPROVED),
            approved_secret=add_comment(public, CommentStatus.APPROVED, secret=True),
            pending=add_comment(public),
            pending_secret=add_comment(public, secret=True),
        )
        db.session.commit()
    return Site(public=public, **posts, **comments)


def saved(post_id: int, **values) -> None:
    post = db.session.get(Post, post_id)
    for name, value in values.items():
        setattr(post, name, value)
    saving.save(post)


def post(post_id: int) -> Post:
    return db.session.get(Post, post_id)


def oldest_revision(post_id: int) -> Revision:
    return min(post(post_id).revisions, key=lambda revision: revision.version)


# Every kind of write of something readers see, through the site's own write paths.
SEEN_BY_READERS = {
    "edit a public post": lambda site: saved(site.public, title="새 제목"),
    "edit a scheduled post": lambda site: saved(site.scheduled, title="새 예약"),
    "publish a draft now": lambda site: saving.publish_now(post(site.draft)),
    "make a public post private": lambda site: saving.make_private(post(site.public)),
    "unpublish in the editor": lambda site: saved(site.public, visibility=Visibility.DRAFT),
    "close its comments": lambda site: saving.switch_comments(post(site.public), False),
    "bring back a version": lambda site: saving.restore_revision(
        post(site.public), oldest_revision(site.public)
    ),
    "move to the trash": lambda site: saving.trash(post(site.public)),
    "restore from the trash": lambda site: saving.restore_from_trash(post(site.trashed)),
    "approve a comment": lambda site: moderate([site.pending], "approve"),
    "mark a shown comment as spam": lambda site: moderate([site.approved], "spam"),
    "delete a shown comment": lambda site: moderate([site.approved], "delete"),
    "block a sender": lambda site: moderate([site.pending], "block"),
    "reply to a comment": lambda site: owner_reply(
        db.session.get(Comment, site.pending), "주인", "답글"
    ),
    "save the settings": lambda site: save_settings({"comments_close_after_days": "7"}),
}
UNSEEN_BY_READERS = {
    "edit a draft": lambda site: saved(site.draft, title="고친 초안"),
    "edit a private post": lambda site: saved(site.private, title="고친 비공개"),
    "delete from the trash": lambda site: saving.delete_forever(post(site.trashed)),
    "mark a pending comment as spam": lambda site: moderate([site.pending], "spam"),
    "delete a pending comment": lambda site: moderate([site.pending], "delete"),
    "approve a secret comment": lambda site: moderate([site.pending_secret], "approve"),
    "reply to a secret comment": lambda site: owner_reply(
        db.session.get(Comment, site.approved_secret), "주인", "답글"
    ),
}


def version_in_session() -> int:
    return db.session.scalar(db.select(SiteState.content_version))


def test_one_transaction_moves_the_version_once_and_knows_its_last_schedule(app, make_entry):
    with app.app_context():
        version = db.session.scalar(db.select(SiteState.content_version))
        soon, later = utcnow() + timedelta(days=1), utcnow() + timedelta(days=2)
        for when in (later, soon):
            entry = DiaryEntry(title="", body=f"예약 {when}")
            entry.set_publication(Visibility.PUBLIC, when)
            saving.save(entry)
        db.session.commit()
        state = db.session.scalar(db.select(SiteState))
        assert (state.content_version, state.next_publication_at) == (version + 1, soon)


@pytest.mark.parametrize("write", SEEN_BY_READERS.values(), ids=SEEN_BY_READERS)
def test_each_write_readers_see_changes_the_version_itself(app, site, write):
    with app.app_context():
        before = version_in_session()
        write(site)
        assert version_in_session() > before  # in the write's own transaction, before it commits
        db.session.commit()


@pytest.mark.parametrize("write", UNSEEN_BY_READERS.values(), ids=UNSEEN_BY_READERS)
def test_a_write_readers_cannot_see_leaves_the_version(app, site, write):
    before = content_version(app)
    with app.app_context():
        write(site)
        db.session.commit()
    assert content_version(app) == before


def test_unpublishing_in_the_editor_changes_the_pages(app, client, auth, entry_id):
    """The editor looks its tags up (a query, which flushes) before it sets the visibility:
    the save path must still know the post was public."""
    reader = app.test_client()
    etag = etag_of(reader, "/")
    auth.login()
    form = {"title": "글", "body": "본문", "tags": "태그, 새 태그", "visibility": "draft"}
    response = client.post(f"/diary/{entry_id}/edit", data={**form, "version": "1"})
    assert response.status_code == 303
    assert not still_fresh(reader, "/", etag)


def test_importing_an_export_changes_the_version_itself(app, site):
    with app.app_context():
        document = export.export_document()
        empty_database()
        db.create_all()
        before = version_in_session()
        import_json.import_document(document)
        assert version_in_session() > before
        db.session.commit()


def test_rendering_again_changes_the_pages(app, client, runner, site):
    path = client.get(f"/diary/{site.public}").location  # the post's page
    etag = etag_of(client, path)
    with app.app_context():  # stored by older rendering rules, as the command is run after
        db.session.execute(db.update(Post).values(body_html="<p>옛 규칙</p>"))
        db.session.commit()
    assert runner.invoke(args=["rerender"]).exit_code == 0
    assert not still_fresh(client, path, etag)


def test_language_is_part_of_the_etag(client, entry_id):
    korean = etag_of(client, "/")
    client.post("/language", data={"lang": "en"})
    assert not still_fresh(client, "/", korean)


def test_the_owner_never_gets_a_304_or_an_etag(client, auth, entry_id):
    etag = etag_of(client, "/")
    auth.login()
    response = client.get("/", headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_with_a_message_is_not_reused(client, entry_id):
    etag = etag_of(client, "/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "한 번만 보이는 알림")]
    response = client.get("/", headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code == 200 and "한 번만 보이는 알림" in response.text


def test_static_files_have_versioned_addresses_and_a_long_life(client):
    page = client.get("/").text
    assert "/static/css/site.css?v=" in page
    with client.get("/static/css/site.css") as response:
        assert "max-age=31536000" in response.headers["Cache-Control"]


def count_flask_requests(app, monkeypatch) -> list:
    """Every request that reaches Flask's dispatching, past the page cache."""
    seen = []
    dispatch = app.full_dispatch_request

    def counted():
        seen.append(1)
        return dispatch()

    monkeypatch.setattr(app, "full_dispatch_request", counted)
    return seen


def test_an_unchanged_page_is_served_from_the_cache_without_flask(
    app, client, entry_id, monkeypatch
):
    first = client.get("/diary/")
    reached_flask = count_flask_requests(app, monkeypatch)
    again = client.get("/diary/")
    head = client.head("/diary/")
    assert not reached_flask
    assert again.status_code == 200 and again.data == first.data
    assert again.headers == first.headers
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))


def test_the_cache_compresses_for_readers_who_accept_it(app, client, entry_id, monkeypatch, clock):
    # The clock stands still: one comment timer throughout.
    gzip_wanted = {"Accept-Encoding": "gzip, deflate, br"}
    first_view = client.get("/archive/", headers=gzip_wanted)  # rendered, then sent as kept
    assert first_view.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first_view.data) == client.get("/archive/").data
    for path in ("/diary/", f"/diary/{entry_id}-글"):  # the second with a comment timer
        plain = client.get(path)
        assert "Accept-Encoding" in plain.headers["Vary"]
        reached_flask = count_flask_requests(app, monkeypatch)
        packed = client.get(path, headers=gzip_wanted)
        assert not reached_flask
        assert packed.headers["Content-Encoding"] == "gzip"
        assert packed.headers["Content-Length"] == str(len(packed.data))
        assert gzip.decompress(packed.data) == client.get(path).data
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
        again = client.get(path, headers={**gzip_wanted, "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304 and again.headers["ETag"] == packed.headers["ETag"]
        refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "Content-Encoding" not in refused.headers


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SIZE": 0}])
def test_without_the_page_cache_flask_knows_both_forms_of_a_page(client, entry_id):
    etag = etag_of(client, "/diary/")
    for held in (etag, f"{etag}-gzip"):
        response = client.get("/diary/", headers={"If-None-Match": f'"{held}"'})
        assert response.status_code == 304 and response.headers["ETag"] == f'"{held}"'


def test_a_cached_page_answers_304_from_the_cache(app, client, entry_id, monkeypatch):
    etag = etag_of(client, "/diary/")
    reached_flask = count_flask_requests(app, monkeypatch)
    response = client.get("/diary/", headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == f'"{etag}"' and "Content-Type" not in response.headers
    assert not reached_flask


def test_signed_in_or_remembered_visitors_always_reach_flask(
    app, client, auth, entry_id, monkeypatch
):
    client.get("/")
    reached_flask = count_flask_requests(app, monkeypatch)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", "anything")
    remembered.get("/")
    auth.login()
    assert "ETag" not in client.get("/").headers
    assert len(reached_flask) == 3  # the remembered visitor, the login, the owner's page


def test_a_forged_host_never_names_another_hosts_page(client, entry_id):
    forged = client.get("/", headers={"Host": "evil.example"})
    assert "http://evil.example/" in forged.text
    page = client.get("/")
    assert page.headers["ETag"] != forged.headers["ETag"]
    assert "evil.example" not in page.text


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_page_showing_a_session_token_is_never_shared(app):
    @app.get("/with-a-form")
    def with_a_form():
        return render_template_string('<form method="post">{{ csrf_token() }}</form>')

    reader = app.test_client()
    mine = [reader.get("/with-a-form") for _ in range(3)]
    assert not mine[-1].headers.getlist("Set-Cookie")  # the session is settled by then
    assert len({response.text for response in mine}) == 1
    assert app.extensions["page_cache"].pages == {}
    assert app.test_client().get("/with-a-form").text != mine[0].text


def test_the_cache_never_serves_a_changed_page(app, client, entry_id):
    client.get("/diary/")
    change_post(app, entry_id, title="바뀐 제목")
    assert "바뀐 제목" in client.get("/diary/").text


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_cached_post_page_gives_each_reader_a_fresh_timer(app, client, entry_id, clock):
    path = f"/diary/{entry_id}-글"
    timer = 'name="started" type="hidden" value="'
    mine = client.get(path).text
    stored = list(app.extensions["page_cache"].pages.values())
    assert [page.timer_post_id for page in stored] == [entry_id]
    assert timer.encode() + b"\x00comment-timer" in stored[0].body
    clock.shift(timedelta(seconds=30))
    other_reader = app.test_client()
    theirs = other_reader.get(path)
    assert not theirs.headers.getlist("Set-Cookie")
    assert "\x00" not in theirs.text and 'name="csrf_token"' not in theirs.text
    assert mine.split(timer)[1][:40] != theirs.text.split(timer)[1][:40]
    # the reader can send a comment with what the cached page gave them
    data = {"started": theirs.text.split(timer)[1].split('"')[0], "name": "독자", "body": "댓글"}
    response = other_reader.post(f"/diary/{entry_id}/comments", data=data)
    assert response.status_code == 303


@pytest.mark.parametrize("app_config", [{"PROXY_FIX_X_FOR": 1}])
def test_behind_a_proxy_the_cache_names_pages_by_the_readers_address(
    app, client, entry_id, monkeypatch
):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "blog.example"}
    assert 'href="https://blog.example/"' in client.get("/", headers=forwarded).text
    assert "blog.example" not in client.get("/").text
    reached_flask = count_flask_requests(app, monkeypatch)
    assert 'href="https://blog.example/"' in client.get("/", headers=forwarded).text
    assert not reached_flask


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_BYTES": 60_000}])
def test_the_cache_is_bounded_in_bytes_whatever_addresses_readers_choose(app, client, entry_id):
    pages = app.extensions["page_cache"]
    for number in range(40):
        assert client.get(f"/diary/?x={number}").status_code == 200
        assert pages.bytes == sum(page.nbytes for page in pages.pages.values())
        assert pages.bytes <= 60_000
    assert 5 < len(pages.pages) < 40
    newest = next(reversed(pages.pages))
    assert newest[3:5] == ("/diary/", "x=39")  # the newest kept, the oldest gone


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_BYTES": 8_000}])
def test_a_page_too_big_for_the_cache_is_served_but_not_kept(app, client, entry_id):
    first, again = client.get("/diary/"), client.get("/diary/")
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert app.extensions["page_cache"].pages == {}


def test_a_forged_script_name_never_names_another_readers_page(app, client, entry_id):
    poisoned = {"SCRIPT_NAME": "//evil.example"}
    for _ in range(4):
        forged = client.get("/", environ_overrides=poisoned)
        assert "//evil.example/" in forged.text  # url_for prefixes every link with it
    page = client.get("/")
    assert "evil.example" not in page.text
    assert page.headers["ETag"] != forged.headers["ETag"]


def test_etags_are_keyed_with_the_secret(app, client, entry_id, tmp_path):
    """Anyone can compute a plain hash of public values; nobody can compute this one."""
    other = make_app(
        tmp_path / "other",
        SECRET_KEY="another-secret",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    try:
        assert etag_of(other.test_client(), "/diary/") != etag_of(client, "/diary/")
    finally:
        with other.app_context():
            db.engine.dispose()


def test_a_scheduled_post_falling_due_is_shown_without_a_write(app, client, make_entry, clock):
    make_entry(title="예약", published_at=utcnow() + timedelta(hours=1))
    etag = etag_of(client, "/")
    writes = count_writes(app)
    clock.shift(timedelta(hours=2))
    for path in ("/", "/diary/", "/feed.xml"):
        assert "예약" in client.get(path).text
    assert not still_fresh(client, "/", etag)
    assert writes == []  # reads never write: a full disk cannot break them


def database_down(app, monkeypatch) -> None:
    """Every new database connection fails, as while PostgreSQL restarts."""
    with app.app_context():
        engine = db.engine
    engine.dispose()

    def refuse(*args, **kwargs):
        raise OperationalError("connect", {}, ConnectionRefusedError("the database is away"))

    monkeypatch.setattr(engine.pool, "connect", refuse)


def test_during_a_database_outage_readers_get_cached_pages_or_a_503(
    app, client, entry_id, monkeypatch
):
    kept = client.get("/diary/")
    database_down(app, monkeypatch)
    stale = client.get("/diary/")
    assert stale.status_code == 200 and stale.data == kept.data
    for path in ("/", f"/diary/{entry_id}-글", "/tags/"):
        away = client.get(path)
        assert away.status_code == 503, path
        assert away.headers["Retry-After"]
        assert "잠시 후" in away.text
    monkeypatch.undo()
    assert client.get("/").status_code == 200  # back by itself


def test_an_owner_during_a_database_outage_gets_a_503_page(
    app, client, auth, entry_id, monkeypatch
):
    auth.login()
    database_down(app, monkeypatch)
    away = client.get("/admin/")
    assert away.status_code == 503 and away.headers["Retry-After"]


def send_comment(client, entry_id, **data):
    form = {"name": "독자", "body": "좋은 글 감사합니다", "started": "", **data}
    return client.post(f"/diary/{entry_id}/comments", data=form)


@pytest.mark.parametrize("started", ["", "fresh"], ids=["spam", "pending"])
def test_a_comment_readers_cannot_see_leaves_every_page_alone(
    app, client, entry_id, monkeypatch, started
):
    path = f"/diary/{entry_id}-글"
    etags = {page: etag_of(client, page) for page in ("/", path)}
    if started:
        with app.app_context():
            started = form_token(entry_id, utcnow() - timedelta(minutes=5))
    commenter = app.test_client()  # their thank-you message keeps their own pages personal
    assert send_comment(commenter, entry_id, started=started).status_code == 303
    for page, etag in etags.items():
        assert still_fresh(client, page, etag), page


def test_editing_a_draft_leaves_every_page_alone(app, client, make_entry):
    draft_id = make_entry(title="초안", visibility=Visibility.DRAFT)
    etag = etag_of(client, "/")
    change_post(app, draft_id, title="고친 초안")
    assert still_fresh(client, "/", etag)
