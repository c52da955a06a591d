"""The tag index reads the counts the save path keeps on each tag (Tag.kept_posts and
Tag.public_posts) rather than counting every link: they follow every change to a post, and
a scheduled post joins its tags' counts when its time comes, with no save."""

import re
from datetime import timedelta

from sqlalchemy import func

from blog import demo
from blog.extensions import db
from blog.models import DiaryEntry, Tag, Visibility, post_tag, utcnow
from blog.posts import saving

COUNT = re.compile(r'#([^<]+?) <span class="tag__count">(\d+)</span>')


def tag_counts(client) -> dict[str, int]:
    return {name: int(count) for name, count in COUNT.findall(client.get("/tags/").text)}


def stored_counts(app) -> dict[str, tuple[int, int]]:
    with app.app_context():
        return {
            tag.name: (tag.kept_posts, tag.public_posts)
            for tag in db.session.scalars(db.select(Tag))
        }


def change(app, post_id: int, action) -> None:
    with app.app_context():
        action(db.session.get(DiaryEntry, post_id))
        db.session.commit()


def test_counts_follow_tags_visibility_and_the_trash(app, client, auth, make_entry):
    first = make_entry(title="하나", tags=["운동", "식단"])
    make_entry(title="둘", tags=["운동"])
    make_entry(title="초안", tags=["운동"], visibility=Visibility.DRAFT)
    assert tag_counts(client) == {"운동": 2, "식단": 1}
    assert stored_counts(app) == {"운동": (3, 2), "식단": (1, 1)}

    def retag(post):
        post.set_tags(["운동", "일상"])
        saving.save(post)

    change(app, first, retag)  # 식단 loses its only post, 일상 is new
    assert tag_counts(client) == {"운동": 2, "일상": 1}
    change(app, first, saving.make_private)
    assert tag_counts(client) == {"운동": 1}
    auth.login()
    assert tag_counts(client) == {"운동": 3, "일상": 1}
    change(app, first, saving.trash)
    assert tag_counts(client) == {"운동": 2}
    change(app, first, saving.restore_from_trash)
    assert tag_counts(client) == {"운동": 3, "일상": 1}
    change(app, first, saving.trash)
    change(app, first, saving.delete_forever)
    assert stored_counts(app) == {"운동": (2, 1), "식단": (0, 0), "일상": (0, 0)}
    auth.logout()
    assert tag_counts(client) == {"운동": 1}


def test_a_scheduled_post_counts_once_its_time_has_come(app, client, auth, make_entry, clock):
    make_entry(title="지금", tags=["운동"])
    make_entry(title="내일", tags=["운동", "예약"], published_at=utcnow() + timedelta(days=1))
    assert tag_counts(client) == {"운동": 1}
    auth.login()
    assert tag_counts(client) == {"운동": 2, "예약": 1}
    auth.logout()
    clock.shift(timedelta(days=1, minutes=1))
    assert tag_counts(client) == {"운동": 2, "예약": 1}


def test_the_demo_writer_counts_its_tags_once_at_the_end(app):
    with app.app_context():
        demo.seed(6, bulk_path=True)
        kept = dict(db.session.execute(db.select(Tag.name, Tag.kept_posts)).all())
        links = dict(
            db.session.execute(
                db.select(Tag.name, func.count())
                .join(post_tag, post_tag.c.tag_id == Tag.id)
                .group_by(Tag.name)
            ).all()
        )
    assert sum(kept.values()) > 0
    assert kept == {name: links.get(name, 0) for name in kept}
