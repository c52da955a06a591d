"""Every page costs the same number of queries whatever the number of posts, blocks, tags
and comments on it (no query per row)."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from blog.extensions import db
from blog.models import Comment, Commentary, CommentStatus, DiaryEntry, Post, Visibility, utcnow
from blog.posts import saving

from .conftest import empty_database, make_app


def fill(count: int) -> tuple[int, int]:
    """`count` posts of each section, each with `count` tags, blocks and comments (on a
    commentary, one about each quote)."""
    tags = [f"태그{n}" for n in range(count)]
    for number in range(count):
        entry = DiaryEntry()
        entry.title = f"일기 {number}"
        entry.body = "몸무게를 쟀다"
        commentary = Commentary()
        commentary.title = f"Headline {number}"
        commentary.replace_blocks(
            [{"quote": f"Quote {n}.", "opinion": "생각"} for n in range(count)]
        )
        commentary.body = "요약"
        for post in (entry, commentary):
            post.set_tags(tags)
            post.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=number + 1))
            saving.save(post)
            for n in range(count):
                # A commentary's comments are each about a quote, which shows their count.
                block = commentary.blocks[n] if post is commentary else None
                comment = Comment(
                    post=post, block=block, name=f"독자{n}", status=CommentStatus.APPROVED
                )
                comment.set_body("몸무게 댓글")
                db.session.add(comment)
    db.session.commit()
    return entry.id, commentary.id


@contextmanager
def counting(engine):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_per_page(app, count: int) -> dict[str, int]:
    with app.app_context():
        entry_id, commentary_id = fill(count)
        engine = db.engine
    pages = {
        "home": "/",
        "diary list": "/diary/",
        "commentary list": "/commentary/",
        "diary post": f"/diary/{entry_id}-일기-{count - 1}",
        "commentary post": f"/commentary/{commentary_id}-headline-{count - 1}",
        "tag": "/tags/태그0",
        "tags": "/tags/",
        "archive": "/archive/",
        "feed": "/feed.xml",
        "sitemap": "/sitemap.xml",
        "search": "/search?q=몸무게",
    }
    client = app.test_client()
    counts = {}
    for name, path in pages.items():  # each request with its own session, as in production
        with counting(engine) as statements:
            assert client.get(path).status_code == 200, path
        counts[name] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_content(tmp_path):
    counts = []
    for count in (2, 6):
        app = make_app(tmp_path / str(count), PAGE_CACHE_SIZE=0)
        with app.app_context():
            empty_database()
            db.create_all()
        counts.append(queries_per_page(app, count))
        with app.app_context():
            empty_database()
            db.engine.dispose()
    small, large = counts
    assert small == large, {name: (small[name], large[name]) for name in small}
    # A commentary's page: its post, blocks, their key expressions, tags, comments… one each;
    # and its 공감 count with the version of that count's page facet (two).
    assert max(large.values()) <= 15, large


# SQLite's query plans, so this runs on SQLite (in memory) in the PostgreSQL pass too.
@pytest.mark.parametrize("app_config", [{"SQLALCHEMY_DATABASE_URI": "sqlite://"}])
def test_readers_lists_and_the_next_publication_are_read_from_indexes(app):
    now = utcnow()
    public = Post.visibility == Visibility.PUBLIC
    not_deleted = Post.deleted_at.is_(None)
    queries = {
        "next publication": db.select(db.func.min(Post.published_at)).where(
            public, Post.published_at > now, not_deleted
        ),
        "home count": db.select(db.func.count(Post.id)).where(
            public, Post.published_at <= now, not_deleted
        ),
        "section count": db.select(db.func.count(Post.id)).where(
            Post.kind == "diary", public, Post.published_at <= now, not_deleted
        ),
    }
    with app.app_context():
        for name, query in queries.items():
            compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = " ".join(
                row[3] for row in db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "USING COVERING INDEX ix_post_" in plan, (name, plan)
            assert "deleted_at" not in plan.split("INDEX")[1].split()[0], (name, plan)
