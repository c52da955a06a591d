"""Posts and comments put straight into the database of a served app, for the browser tests
that read, study, comment on and moderate them (the editor tests write through the form)."""

from datetime import timedelta

from blog.comments.moderation import owner_reply
from blog.extensions import db
from blog.models import Comment, Commentary, CommentStatus, DiaryEntry, Visibility, utcnow
from blog.posts import saving
from tests.conftest import OWNER_NAME

HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending"
SOURCE_URL = "https://www.reuters.com/technology/artificial-intelligence/ai-spending-2025-01-30/"
LEAD = (
    "Microsoft and Meta Platforms defended their hefty spending on artificial intelligence "
    "on Wednesday, saying the investments were needed to stay ahead."
)
BLOCKS = [
    {
        "quote": "Microsoft said it would spend $80 billion on AI data centers this fiscal year.",
        "translation": "마이크로소프트는 이번 회계연도에 AI 데이터센터에 800억 달러를 쓴다고 했다.",
        "opinion": "800억 달러라니, **상상이 안 되는** 금액이다.",
    },
    {
        "quote": "Investors have grown wary of the returns on such spending.",
        "translation": "투자자들은 그런 지출의 수익에 대해 점점 경계하게 되었다.",
        "opinion": "wary of: ~을 경계하는. 외워 두자.",
    },
    {
        "quote": "Meta expects capital expenses of up to $65 billion in 2025.",
        "translation": "메타는 2025년 자본 지출이 최대 650억 달러에 이를 것으로 예상한다.",
        "opinion": "",
    },
    {
        "quote": "Chief executives argued that demand for AI services keeps outpacing supply.",
        "translation": "최고경영자들은 AI 서비스 수요가 계속 공급을 앞지르고 있다고 주장했다.",
        "opinion": "수요가 정말 그렇게 많은지는 잘 모르겠다.",
    },
]
SUMMARY = (
    "기사를 요약하자면, 빅테크는 **AI 투자**를 줄일 생각이 없다.\n\n"
    "- 마이크로소프트: 800억 달러\n- 메타: 650억 달러"
)
CLOSING = "돈이 몰리는 곳을 보면 앞으로의 흐름이 보인다. 영어 공부도 계속하자."


def add_commentary(
    app,
    blocks=BLOCKS,
    headline: str = HEADLINE,
    *,
    lead: str = LEAD,
    summary: str = SUMMARY,
    closing: str = CLOSING,
    tags=("AI", "영어공부", "경제"),
    hours_ago: int = 1,
) -> dict:
    """A public commentary; its path and its blocks' ids, in order."""
    with app.app_context():
        commentary = Commentary()
        commentary.title = headline
        commentary.outlet = "Reuters"
        commentary.source_url = SOURCE_URL
        commentary.author = "Stephen Nellis"
        commentary.published_on = (utcnow() - timedelta(days=2)).date()
        commentary.lead = lead
        commentary.replace_blocks(list(blocks))
        commentary.body = summary
        commentary.closing = closing
        commentary.set_tags(list(tags))
        commentary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=hours_ago))
        saving.save(commentary)
        db.session.commit()
        return {
            "id": commentary.id,
            "path": f"/commentary/{commentary.id}-{commentary.slug}",
            "blocks": [block.id for block in commentary.blocks],
        }


def add_diary_entry(app, title: str, body: str, tags=()) -> dict:
    with app.app_context():
        entry = DiaryEntry()
        entry.title = title
        entry.body = body
        entry.set_tags(list(tags))
        entry.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=3))
        saving.save(entry)
        db.session.commit()
        return {"id": entry.id, "path": f"/diary/{entry.id}-{entry.slug}"}


def add_comment(
    app,
    post_id: int,
    name: str,
    body: str,
    *,
    status: CommentStatus = CommentStatus.APPROVED,
    block_id: int | None = None,
    secret: bool = False,
    reply: str = "",
    minutes_ago: int = 30,
) -> int:
    """A reader's comment (and the owner's reply to it, if given); the comment's id."""
    with app.app_context():
        comment = Comment(
            post_id=post_id,
            block_id=block_id,
            name=name,
            secret=secret,
            status=status,
            created_at=utcnow() - timedelta(minutes=minutes_ago),
        )
        comment.set_body(body)
        db.session.add(comment)
        if reply:
            owner_reply(comment, OWNER_NAME, reply)
        db.session.commit()
        return comment.id


def comments_stored(app) -> list[tuple[str, str, str, bool, int | None]]:
    """(name, body, status, secret, position of the quote or None) of every comment."""
    with app.app_context():
        return [
            (c.name, c.body, c.status.value, c.secret, c.block.position if c.block else None)
            for c in db.session.scalars(db.select(Comment).order_by(Comment.id))
        ]
