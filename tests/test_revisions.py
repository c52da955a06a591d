"""Revisions of every save, their differences and restoring; the trash and its 30 days."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from blog.extensions import db
from blog.forms import TOO_LARGE
from blog.models import Commentary, Post, Revision, utcnow
from blog.posts import saving, schema

from .markup import chosen, flash_texts, flashes, shown, text_of, texts_of


def diary_form(body, version, title="일기"):
    return {
        "title": title,
        "body": body,
        "tags": "운동",
        "visibility": "public",
        "published_at": "",
        "version": str(version),
    }


@pytest.fixture
def entry_url(client, auth):
    auth.login()
    response = client.post("/diary/new", data=diary_form("첫 번째 글", ""))
    url = response.headers["Location"]
    client.post(f"{url}/edit", data=diary_form("두 번째 글\n새 줄", 1))
    client.post(f"{url}/edit", data=diary_form("세 번째 글", 2, title="바뀐 제목"))
    return url


def revisions_of(app):
    with app.app_context():
        return [
            (r.version, r.data["body"], r.data["title"])
            for r in db.session.scalars(db.select(Revision).order_by(Revision.version))
        ]


def test_every_save_keeps_a_revision(app, entry_url):
    assert revisions_of(app) == [
        (1, "첫 번째 글", "일기"),
        (2, "두 번째 글\n새 줄", "일기"),
        (3, "세 번째 글", "바뀐 제목"),
    ]


def test_a_save_does_not_read_the_earlier_revisions(app, client, entry_url):
    # Each revision is a whole copy of the post: loading them all on every save would make
    # saving slower with every edit.
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post(f"{entry_url}/edit", data=diary_form("네 번째 글", 3))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 303
    reads = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM revision" in s]
    assert reads == []
    assert revisions_of(app)[-1] == (4, "네 번째 글", "일기")


def test_commentary_revisions_keep_the_blocks(app, client, auth):
    auth.login()
    data = {
        "headline": "H",
        "outlet": "",
        "url": "",
        "author": "",
        "published_on": "",
        "lead": "",
        "summary": "요약",
        "closing": "",
        "tags": "",
        "visibility": "draft",
        "published_at": "",
        "blocks-0-quote": "Q1",
        "blocks-0-translation": "번역",
        "blocks-1-quote": "Q2",
    }
    client.post("/commentary/new", data=data)
    with app.app_context():
        revision = db.session.scalar(db.select(Revision))
        assert [b["quote"] for b in revision.data["blocks"]] == ["Q1", "Q2"]
        assert revision.data["blocks"][0]["translation"] == "번역"


def test_revision_page_shows_what_changed(app, client, entry_url):
    post_id = entry_url.split("/")[2].split("-")[0]
    with app.app_context():
        first, second, last = (
            str(db.session.scalar(db.select(Revision.id).where(Revision.version == v)))
            for v in (1, 2, 3)
        )
    page = client.get(f"/admin/posts/{post_id}/revisions").text
    assert page.count('<li class="desk-item">') == 3  # every version, newest first:
    assert re.findall(r"/revisions/(\d+)/restore", page) == [second, first]  # all but the current
    assert (chosen(page, "a"), chosen(page, "b")) == ([second], [last])
    assert 'diff__line--removed">' in page and "두 번째 글" in page
    assert 'diff__line--added">' in page and "세 번째 글" in page
    compared = client.get(f"/admin/posts/{post_id}/revisions?a={first}&b={last}").text
    assert (chosen(compared, "a"), chosen(compared, "b")) == ([first], [last])
    assert set(re.findall(r"\d+", text_of(compared, "diff-title"))) == {"1", "3"}  # versions
    assert re.search(r'diff__line--added"><span[^>]*>[^<]*</span>[^<:]+: 바뀐 제목</li>', compared)


def test_one_version_says_there_is_nothing_to_compare(client, auth, make_entry):
    post_id = make_entry(title="한 번 저장한 글")
    auth.login()
    page = client.get(f"/admin/posts/{post_id}/revisions").text
    assert text_of(page, "only-version")  # what it says instead of a comparison
    assert 'name="a"' not in page and "diff-title" not in page
    assert page.count('<li class="desk-item">') == 1
    assert "/restore" not in page


def test_restoring_a_revision_is_a_new_revision(app, client, entry_url):
    post_id = int(entry_url.split("/")[2].split("-")[0])
    with app.app_context():
        first = db.session.scalar(db.select(Revision.id).where(Revision.version == 1))
    response = client.post(f"/admin/posts/{post_id}/revisions/{first}/restore")
    assert response.status_code == 303
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.body, post.title, post.version) == ("첫 번째 글", "일기", 4)
    assert revisions_of(app)[-1] == (4, "첫 번째 글", "일기")
    assert "첫 <mark>번째</mark> 글" in client.get("/search?q=번째").text


def test_a_revision_too_large_to_render_is_refused_with_a_message(app, client, entry_url):
    # A version saved before the bound on Markdown existed: refused, the post unchanged.
    post_id = int(entry_url.split("/")[2].split("-")[0])
    with app.app_context():
        first = db.session.scalar(db.select(Revision).where(Revision.version == 1))
        table = "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 1000
        first.data = {**first.data, "body": table}
        db.session.commit()
        first_id = first.id
    response = client.post(
        f"/admin/posts/{post_id}/revisions/{first_id}/restore", follow_redirects=True
    )
    assert response.request.path == f"/admin/posts/{post_id}/revisions"  # the editor's rules
    [refusal] = flash_texts(response.text, "error")  # after the fixture's "saved" ones
    assert shown(app, TOO_LARGE["steps"]) in refusal
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.body, post.version) == ("세 번째 글", 3)
    assert [version for version, _, _ in revisions_of(app)] == [1, 2, 3]


def test_restore_is_a_post_and_owner_only(app, client, entry_url):
    post_id = entry_url.split("/")[2].split("-")[0]
    assert client.get(f"/admin/posts/{post_id}/revisions/1/restore").status_code == 405
    client.post("/logout")
    assert client.get(f"/admin/posts/{post_id}/revisions").status_code == 302


def test_revision_of_another_post_is_404(app, client, entry_url, make_entry):
    other = make_entry()
    with app.app_context():
        first = db.session.scalar(db.select(Revision.id))
    assert client.post(f"/admin/posts/{other}/revisions/{first}/restore").status_code == 404


def test_commentary_restore_brings_blocks_back(app):
    with app.app_context():
        commentary = Commentary()
        commentary.title = "H"
        commentary.replace_blocks([{"quote": "Old quote.", "translation": "옛 번역"}])
        commentary.body = "요약"
        commentary.closing = ""
        old = saving.save(commentary)
        commentary.replace_blocks([{"quote": "New."}])
        saving.save(commentary)
        saving.restore_revision(commentary, old)
        db.session.commit()
        assert [(b.quote, b.translation) for b in commentary.blocks] == [("Old quote.", "옛 번역")]


def test_a_revision_kept_before_a_part_existed_compares_and_restores(
    app, client, auth, make_commentary
):
    # A part added to a shape later (here: as if the closing and the article date were new)
    # is blank in the revisions kept before it.
    post_id = make_commentary("Headline", [{"quote": "Q."}], summary="옛 요약")
    with app.app_context():
        post = db.session.get(Commentary, post_id)
        old = post.revisions[0]
        old.data = {k: v for k, v in old.data.items() if k not in ("closing", "published_on")}
        post.body, post.closing = "새 요약", "맺음말"
        saving.save(post)
        db.session.commit()
        old_id = old.id
    auth.login()
    page = client.get(f"/admin/posts/{post_id}/revisions").text
    assert re.search(r'diff__line--removed">.*</span>옛 요약', page)
    assert re.search(r'diff__line--added">.*</span>맺음말', page)
    assert client.post(f"/admin/posts/{post_id}/revisions/{old_id}/restore").status_code == 303
    with app.app_context():
        post = db.session.get(Commentary, post_id)
        assert (post.body, post.closing, post.version) == ("옛 요약", "", 3)


def test_trash_and_restore(app, client, entry_url):
    assert client.post(f"{entry_url}/delete").status_code == 303
    for path in ("/", "/diary/", entry_url, "/tags/운동"):
        assert "세 번째 글" not in client.get(path).text
    found = client.get("/search?q=번째").text
    assert texts_of(found, "search-empty") and not texts_of(found, "search-result")
    assert "바뀐 제목" not in client.get("/admin/").text
    trash = client.get("/admin/trash").text
    assert "바뀐 제목" in trash
    post_id = entry_url.split("/")[2].split("-")[0]
    assert client.post(f"/admin/trash/{post_id}/restore").status_code == 303
    assert client.get(entry_url).status_code == 200
    assert "바뀐 제목" in client.get("/search?q=번째").text


def test_trash_is_emptied_after_30_days(app, client, entry_url, make_entry):
    client.post(f"{entry_url}/delete")
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        post.deleted_at = utcnow() - timedelta(days=31)
        db.session.commit()
        expired_id = post.id
    assert "바뀐 제목" not in client.get("/admin/trash").text  # looking writes nothing
    client.post(f"/diary/{make_entry(title='다음 글')}/delete")  # the next change to the trash
    with app.app_context():
        assert db.session.get(Post, expired_id) is None
        kept = db.select(db.func.count()).select_from(Revision)
        assert db.session.scalar(kept.where(Revision.post_id == expired_id)) == 0


def test_only_trashed_posts_can_be_deleted_for_good(client, entry_url):
    post_id = entry_url.split("/")[2].split("-")[0]
    assert client.post(f"/admin/trash/{post_id}/delete").status_code == 404
    assert client.get(entry_url).status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [
        ("source_url", "javascript:alert(1)"),
        ("visibility", "everyone"),
        ("title", ""),
        ("published_at", "2026-01-01T09:00:00"),  # no time zone: not a time the site wrote
        ("blocks", [{"quote": "", "translation": "번역만", "opinion": ""}]),
    ],
)
def test_a_revision_the_editor_would_refuse_is_not_restored(
    app, client, auth, make_commentary, field, value
):
    post_id = make_commentary(
        "Headline", [{"quote": "Q."}], summary="요약", source_url="https://example.com/a"
    )
    with app.app_context():
        post = db.session.get(Commentary, post_id)
        revision = Revision(post=post, version=post.version, data=schema.snapshot(post))
        db.session.add(revision)
        revision.data = {**revision.data, field: value}  # as an imported revision may be
        db.session.commit()
        revision_id, version = revision.id, post.version
    auth.login()
    response = client.post(f"/admin/posts/{post_id}/revisions/{revision_id}/restore")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/posts/{post_id}/revisions"  # not the post
    assert flashes(client.get(response.headers["Location"]).text) == ["error"]
    with app.app_context():
        post = db.session.get(Commentary, post_id)
        assert (post.version, post.source_url, post.title) == (
            version,
            "https://example.com/a",
            "Headline",
        )
