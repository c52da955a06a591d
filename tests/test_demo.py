"""Demo content (`flask seed-demo`): what it writes, that its bulk path writes what the save
path does, that search finds it, and that it never runs over a site with posts unless asked."""

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import func, select

from blog import demo, search
from blog.demo import content
from blog.extensions import db
from blog.models import (
    Block,
    Comment,
    Commentary,
    CommentStatus,
    DiaryEntry,
    Post,
    SiteState,
    Tag,
    Visibility,
    utcnow,
)
from blog.posts import saving
from blog.study import expressions

from .conftest import empty_database

POSTS = 40
NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo", "--posts", str(POSTS)])
    assert result.exit_code == 0, result.output
    assert f"Added {POSTS} posts" in result.output
    return app


def site_content() -> list[tuple]:
    """Everything the demo wrote that does not depend on the day it ran."""
    posts = db.session.execute(
        select(Post.id, Post.kind, Post.title, Post.slug, Post.body, Post.excerpt).order_by(Post.id)
    ).all()
    blocks = db.session.execute(
        select(
            Block.commentary_id, Block.position, Block.quote, Block.translation, Block.opinion
        ).order_by(Block.commentary_id, Block.position)
    ).all()
    tags = db.session.execute(select(Tag.name).order_by(Tag.name)).all()
    comments = db.session.execute(select(Comment.post_id, Comment.body).order_by(Comment.id)).all()
    return [tuple(rows) for rows in (posts, blocks, tags, comments)]


def test_posts_are_public_half_diary_half_commentary(seeded):
    with seeded.app_context():
        posts = db.session.scalars(select(Post).order_by(Post.id)).all()
        assert len(posts) == POSTS
        assert [post.id for post in posts] == list(range(1, POSTS + 1))
        diary = [post for post in posts if isinstance(post, DiaryEntry)]
        commentaries = [post for post in posts if isinstance(post, Commentary)]
        assert len(diary) + len(commentaries) == POSTS
        assert POSTS * 0.3 <= len(diary) <= POSTS * 0.7
        now = utcnow()
        assert all(post.visibility == Visibility.PUBLIC and post.is_published for post in posts)
        dates = [post.published_at for post in posts]
        assert dates == sorted(dates) and (dates[-1] - dates[0]).days > 365  # over years
        assert all(date <= now for date in dates)
        for post in commentaries:
            assert 3 <= len(post.blocks) <= 10 and post.quote_count == len(post.blocks)
            assert post.title and post.outlet and post.source_url.startswith("https://")
            assert post.body  # the Korean summary
            assert all(block.quote.isascii() for block in post.blocks)  # English quotes
        assert all(post.tags for post in posts)
        assert all(post.slug for post in posts)  # an untitled entry's from its opening words


def test_the_diary_has_the_owners_numbers_private(seeded):
    with seeded.app_context():
        entries = db.session.execute(
            select(
                DiaryEntry.weight_kg,
                DiaryEntry.exercise_kind,
                DiaryEntry.exercise_minutes,
                DiaryEntry.meals,
                DiaryEntry.metrics_public,
            )
        ).all()
    weights = [entry.weight_kg for entry in entries if entry.weight_kg is not None]
    assert len(entries) * 0.4 <= len(weights) < len(entries)
    assert 60 <= min(weights) < max(weights) <= 72
    exercised = [entry for entry in entries if entry.exercise_kind]
    assert 0 < len(exercised) < len(entries)
    assert all(0 < entry.exercise_minutes <= 90 for entry in exercised)
    assert any(entry.meals for entry in entries)
    assert not any(entry.metrics_public for entry in entries)  # the owner's, as by default


def test_text_is_korean_with_particles_and_tags_are_mixed(seeded):
    with seeded.app_context():
        text = " ".join(db.session.scalars(select(Post.body)))
        text += " ".join(db.session.scalars(select(Block.translation)))
        for particles in ("을를", "은는", "이가"):  # 몸무게를, 식단을, 필라테스는, …
            assert len(re.findall(f"[가-힣]{{2,}}[{particles}] ", text)) >= 10, particles
        names = db.session.scalars(select(Tag.name)).all()
        assert any(name.isascii() for name in names) and not all(name.isascii() for name in names)
        assert 40 <= len(names) <= 60


def test_comments_are_approved(app, runner, monkeypatch):
    monkeypatch.setattr(demo, "COMMENTED_SHARE", 0.5)
    assert runner.invoke(args=["seed-demo", "--posts", "10"]).exit_code == 0
    with app.app_context():
        comments = db.session.scalars(select(Comment)).all()
        assert comments and all(c.status == CommentStatus.APPROVED for c in comments)
        assert all(c.created_at >= c.post.published_at for c in comments)
        replies = [c for c in comments if c.parent_id]
        assert all(c.by_owner for c in replies)


def test_stored_html_and_summaries_are_what_saving_gives(seeded):
    """The demo assembles rendered sentences; the result must equal rendering the whole."""
    with seeded.app_context():
        for post in db.session.scalars(select(Post)).all():
            stored = [post.body_html, post.excerpt, post.reading_minutes, post.slug]
            if isinstance(post, Commentary):
                stored += [post.closing_html] + [b.opinion_html for b in post.blocks]
            post.derive()
            post.slug = ""  # chosen again, as for a post saved without one
            post.choose_address()
            again = [post.body_html, post.excerpt, post.reading_minutes, post.slug]
            if isinstance(post, Commentary):
                again += [post.closing_html] + [b.opinion_html for b in post.blocks]
            assert [str(value) for value in stored] == [str(value) for value in again], post.id
        db.session.rollback()


def index_rows() -> list[tuple]:
    terms = "terms" if db.engine.dialect.name == "sqlite" else "CAST(terms AS TEXT)"
    return db.session.execute(
        db.text(f"SELECT post_id, part, content, {terms} FROM search_index ORDER BY 1, 2")
    ).all()


def test_search_index_is_what_reindexing_gives(seeded):
    with seeded.app_context():
        written = index_rows()
        assert len({row[0] for row in written}) == POSTS
        search.reindex()
        assert index_rows() == written


def test_search_finds_seeded_words(seeded, client):
    with seeded.app_context():
        for query in ("몸무게", "식단", "필라테스", "투자", "spend", "regulators"):
            results = search.search(query, include_hidden=False)
            assert results.total >= 1, query
            assert all(query in hit.content.casefold() for hit in results.hits), query
    assert "몸무게" in client.get("/search", query_string={"q": "몸무게"}).text


def test_refuses_a_site_with_posts_unless_appending(seeded, runner):
    result = runner.invoke(args=["seed-demo", "--posts", "5"])
    assert result.exit_code != 0 and "--append" in result.output
    result = runner.invoke(args=["seed-demo", "--posts", "5", "--append", "--seed", "2"])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        ids = db.session.scalars(select(Post.id).order_by(Post.id)).all()
        assert ids == list(range(1, POSTS + 6))
        assert db.session.scalar(select(func.count(Tag.id))) == len(
            {name.casefold() for name in demo.DIARY_TAGS + demo.COMMENTARY_TAGS}
        )
        new = db.session.get(Post, POSTS + 1)
        assert search.search(new.title or "일기", include_hidden=False).total >= 1


def test_same_seed_same_site(app):
    with app.app_context():
        demo.seed(15, seed=7)
        first = site_content()
        empty_database()
        db.create_all()
        demo.seed(15, seed=7)
        assert site_content() == first
        empty_database()
        db.create_all()
        demo.seed(15, seed=8)
        assert site_content() != first


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("몸무게", "을", "몸무게를"),
        ("식단", "을", "식단을"),
        ("필라테스", "은", "필라테스는"),
        ("운동", "이", "운동이"),
        ("친구", "과", "친구와"),
        ("서울", "으로", "서울로"),
        ("집", "으로", "집으로"),
        ("오픈AI", "은", "오픈AI는"),
        ("TSMC", "을", "TSMC를"),
        ("3", "이", "3이"),
    ],
)
def test_particles_fit_the_last_sound(word, particle, expected):
    assert content.josa(word, particle) == expected


def test_a_quote_and_its_translation_name_the_same_things():
    writer = content.Writer(3)
    for english, korean, key_expressions in content.QUOTES:
        chosen = {}
        quote = writer.fill(english, "en", chosen)
        translation = writer.fill(korean, "ko", chosen)
        assert chosen and "{" not in quote + translation
        for value in chosen.values():  # a company, a number, or an (English, Korean) pair
            in_english, in_korean = value if isinstance(value, tuple) else (value, value)
            assert in_english.casefold() in quote.casefold() and in_korean in translation
        for line in key_expressions:  # each is marked in its quote, with its meaning
            (expression,) = expressions.parse(line)
            assert expression.meaning and expressions.pattern(expression.text).search(quote)


@pytest.mark.parametrize("bulk_path", [False, True])
def test_seeding_tells_the_page_cache(app, bulk_path):
    with app.app_context():
        version = db.session.scalar(select(SiteState.content_version))
        demo.seed(3, bulk_path=bulk_path)
        assert db.session.scalar(select(SiteState.content_version)) > version


@pytest.mark.parametrize("bulk_path", [False, True])
def test_demo_replies_are_signed_with_the_display_name_never_the_login_name(
    app, owner, monkeypatch, bulk_path
):
    monkeypatch.setattr(demo, "COMMENTED_SHARE", 1.0)
    with app.app_context():
        demo.seed(10, bulk_path=bulk_path)
        names = set(db.session.scalars(select(Comment.name).where(Comment.by_owner)))
    assert names == {app.config["OWNER_DISPLAY_NAME"]}


def every_row() -> dict[str, list]:
    """Every table's rows in id order, the search index's (with its row ids) included."""
    rows = {
        table.name: db.session.execute(select(table).order_by(*table.primary_key)).all()
        for table in db.metadata.sorted_tables
    }
    if db.engine.dialect.name == "sqlite":
        index = "SELECT rowid, * FROM search_index ORDER BY rowid"
        words = db.session.execute(db.text("SELECT word FROM search_index_words ORDER BY 1"))
        rows["search_index_words"] = words.all()
    else:
        index = (
            "SELECT id, post_id, part, content, CAST(terms AS TEXT) FROM search_index ORDER BY id"
        )
    rows["search_index"] = db.session.execute(db.text(index)).all()
    return rows


def test_the_bulk_path_writes_the_rows_the_save_path_writes(app, monkeypatch):
    """Same seed, same posts: the same rows in every table, ids, times and derived HTML
    included, over several batches and after posts that were there before."""
    monkeypatch.setattr(demo, "COMMENTED_SHARE", 0.5)
    monkeypatch.setattr(demo, "BATCH_SIZE", 15)
    written = []
    with app.app_context():
        for bulk_path in (False, True):
            empty_database()
            db.create_all()
            demo.seed(5, seed=2, now=NOW)
            demo.seed(POSTS, seed=5, append=True, now=NOW, bulk_path=bulk_path)
            written.append(every_row())
    saved, bulk = written
    assert len(saved["post"]) == len(saved["revision"]) == 5 + POSTS
    for table in ("commentary", "block", "tag", "post_tag", "comment", "search_index"):
        assert saved[table], table
    assert {row.parent_id is None for row in saved["comment"]} == {True, False}
    assert any(row.block_id for row in saved["comment"])
    assert saved["site_state"][0].content_version == 1 + 1 + 3  # one per batch
    for table, rows in saved.items():
        assert bulk[table] == rows, table


def test_large_seedings_take_the_bulk_path(app, monkeypatch):
    monkeypatch.setattr(demo, "BULK_FROM", 20)
    with mock.patch.object(saving, "save", wraps=saving.save) as save, app.app_context():
        demo.seed(19)
        assert save.call_count == 19
        demo.seed(20, append=True)
        assert save.call_count == 19
        assert db.session.scalar(select(func.count(Post.id))) == 39


def test_the_site_starts_without_the_demo_code():
    """Faker takes a third of a second to import: every app start and worker would pay it."""
    code = (
        "import sys, blog; print([m for m in sys.modules if m.startswith(('faker', 'blog.demo'))])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
