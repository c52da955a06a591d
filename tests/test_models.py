"""Models: slugs, tags, states and the published query."""

from datetime import UTC, datetime, timedelta

import pytest

from blog.extensions import db
from blog.models import DiaryEntry, Post, Tag, Visibility, slugify, utcnow


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
