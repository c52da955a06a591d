"""Models: slugs, tags, states and the published query."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from blog.extensions import db
from blog.models import (
    Block,
    Commentary,
    DiaryEntry,
    Owner,
    Post,
    Tag,
    Visibility,
    slugify,
    utcnow,
)

from .conftest import make_app


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("필라테스 일기!", "필라테스-일기"),
        ("Microsoft, Meta CEOs defend AI spending", "microsoft-meta-ceos-defend-ai-spending"),
        ("  ...  ", ""),
        ("몸무게 58.5kg 😱", "몸무게-58-5kg"),
        ("가" * 200, "가" * 80),
    ],
)
def test_slugify_keeps_hangul_readable(title, slug):
    assert slugify(title) == slug


def test_tags_are_shared_by_key(app):
    with app.app_context():
        first, second = DiaryEntry(), DiaryEntry()
        first.set_tags(["English"])
        db.session.add(first)
        db.session.flush()
        second.set_tags(["english", "일상"])
        db.session.add(second)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 2
        assert second.tags[0] is first.tags[0]


def test_state_and_published_query(app, make_entry):
    past, future = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    ids = {
        "public": make_entry(published_at=past),
        "scheduled": make_entry(published_at=future),
        "private": make_entry(visibility=Visibility.PRIVATE, published_at=past),
        "draft": make_entry(visibility=Visibility.DRAFT),
    }
    with app.app_context():
        for state, post_id in ids.items():
            assert db.session.get(Post, post_id).state == state
        visible = db.session.scalars(db.select(Post.id).where(Post.published())).all()
        assert visible == [ids["public"]]


def test_the_tests_clock_moves_the_models_time(clock):
    start = utcnow()
    assert utcnow() == start  # it stands still
    clock.shift(timedelta(hours=2))
    assert utcnow() - start == timedelta(hours=2)


def test_times_come_back_aware_utc(app, make_entry):
    moment = datetime(2025, 1, 30, 12, 0, tzinfo=UTC)
    entry_id = make_entry(published_at=moment)
    with app.app_context():
        assert db.session.get(Post, entry_id).published_at == moment


def test_saving_bumps_the_version(app, make_entry):
    entry_id = make_entry()
    with app.app_context():
        entry = db.session.get(Post, entry_id)
        assert entry.version == 1
        entry.touch()
        assert entry.version == 2


def test_replace_blocks_orders_reuses_and_drops(app):
    with app.app_context():
        commentary = Commentary()
        commentary.replace_blocks([{"quote": "A"}, {"quote": "B"}, {"quote": "C"}])
        commentary.title = "Headline"
        db.session.add(commentary)
        db.session.commit()
        a, b, c = commentary.blocks
        commentary.replace_blocks(
            [
                {"id": str(c.id), "quote": "C"},
                {"quote": " "},
                {"id": a.id, "quote": "A2"},
            ]
        )
        db.session.commit()
        assert [(x.position, x.quote) for x in commentary.blocks] == [(0, "C"), (1, "A2")]
        assert [x.id for x in commentary.blocks] == [c.id, a.id]
        assert db.session.get(Block, b.id) is None  # removed from the list: deleted


def test_commentary_excerpt_and_reading_time(app):
    with app.app_context():
        commentary = Commentary()
        commentary.replace_blocks([{"quote": "word " * 400, "translation": "가" * 490}])
        commentary.body = "요약 **문장**"
        commentary.derive()
        assert commentary.excerpt == "요약 문장"
        assert commentary.reading_minutes == 3  # 400 words and about 500 Hangul characters


def test_summary_fields_follow_text_changed_after_rendering(app):
    # Derived once per save from the text as it then is, in whatever order it was set.
    with app.app_context():
        commentary = Commentary()
        commentary.body = "요약"
        commentary.replace_blocks([{"quote": "Q.", "opinion": "**짧다**"}])
        commentary.derive()
        assert commentary.reading_minutes == 1
        commentary.body = "**새 요약**"
        commentary.blocks[0].opinion = "word " * 300
        commentary.derive()
        assert commentary.excerpt == "새 요약"
        assert commentary.reading_minutes == 2


def test_sqlite_runs_with_wal_foreign_keys_busy_timeout_and_memory_mapping(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pragma.sqlite3'}")
    with app.app_context():
        with db.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 5000
            assert pragma("mmap_size") == 256 * 1024 * 1024
        db.engine.dispose()


def test_another_sqlite_engine_in_the_process_keeps_sqlites_defaults(app, tmp_path):
    elsewhere = sa.create_engine(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    with elsewhere.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "delete"
        assert pragma("foreign_keys") == 0
    elsewhere.dispose()


@pytest.mark.parametrize("second_id", [None, 2])
def test_the_database_holds_at_most_one_owner(app, owner, second_id):
    with app.app_context():
        db.session.add(Owner(id=second_id, username="second", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count()).select_from(Owner)) == 1
