"""Conditional GET for public pages: an ETag known before rendering, 304 without rendering.

Every commit that adds, changes or removes a post, block, tag, comment or setting bumps
`SiteState.content_version` in the same transaction (a session hook, so no save path can
forget it). A page's ETag is derived from that version, the address, the language and the
code's static files; one indexed read of one row tells whether a reader's copy is current,
whichever worker or machine answers. A scheduled post becomes visible without any write, so
the row also keeps the next future publication time; the first request after it bumps the
version.

Only anonymous readers without pending messages are answered this way: the owner always
gets fresh pages, and a page that shows a one-time message must not be reused.

The same key also names a rendered page in a small in-process cache: the next reader of an
unchanged page gets the stored bytes without rendering or loading posts. Each worker keeps
its own, and the version check makes them all correct. The two personal values a post page
carries, the reader's CSRF token and the comment form's signed timer, are stored as
placeholders and filled in for each reader.
"""

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from .comments import form_token
from .extensions import db
from .models import Block, Comment, Post, Setting, SiteState, Tag, Visibility, utcnow

CONTENT_MODELS = (Post, Block, Comment, Tag, Setting)
STATE_ID = 1


@event.listens_for(db.metadata, "after_create")
def _first_state(target, connection, **kw):
    connection.execute(db.insert(SiteState).values(id=STATE_ID, content_version=1))


def _changes_content(session: Session) -> bool:
    return any(
        isinstance(instance, CONTENT_MODELS)
        for instance in (*session.new, *session.dirty, *session.deleted)
    )


@event.listens_for(Session, "before_flush")
def _mark_content_changed(session, flush_context, instances):
    if _changes_content(session):
        session.info["content_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_content_version(session):
    if session.info.pop("content_changed", False) or _changes_content(session):
        session.flush()
        _bump(session)


def _next_publication(session) -> object:
    return session.scalar(
        db.select(db.func.min(Post.published_at)).where(
            Post.visibility == Visibility.PUBLIC,
            Post.published_at > utcnow(),
            Post.deleted_at.is_(None),
        )
    )


def _bump(session) -> None:
    session.execute(
        update(SiteState)
        .where(SiteState.id == STATE_ID)
        .values(
            content_version=SiteState.content_version + 1,
            next_publication_at=_next_publication(session),
        )
    )


_STATE = SiteState.__table__
# A Core statement, compiled once: this runs on every anonymous request.
_READ_STATE = db.select(_STATE.c.content_version, _STATE.c.next_publication_at).where(
    _STATE.c.id == STATE_ID
)


def content_version() -> int:
    with db.engine.connect() as connection:
        row = connection.execute(_READ_STATE).first()
    if row is None:
        return 0
    version, next_publication_at = row
    if next_publication_at and next_publication_at <= utcnow():
        _bump(db.session)  # a scheduled post's time has come: pages change without a save
        db.session.commit()
        return content_version()
    return version


def _static_version() -> str:
    return current_app.config["STATIC_VERSION"]


def static_files_hash(folder: str) -> str:
    """One hash of every static file: part of each ETag and of every static address, so a
    changed stylesheet or script gets a new address and may be cached for a year."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def reusable_request() -> bool:
    """A GET whose answer is the same for every anonymous reader."""
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def page_etag() -> str:
    key = "|".join(
        [str(content_version()), request.full_path, str(get_locale()), _static_version()]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class PageCache:
    """The most recently used rendered pages, by ETag; thread-safe, bounded in entries."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, tuple[bytes, str, int | None]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, etag: str):
        with self.lock:
            page = self.pages.get(etag)
            if page is not None:
                self.pages.move_to_end(etag)
            return page

    def put(self, etag: str, body: bytes, content_type: str, post_id: int | None) -> None:
        with self.lock:
            self.pages[etag] = (body, content_type, post_id)
            self.pages.move_to_end(etag)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
TIMER_PLACEHOLDER = b"\x00comment-timer\x00"


def _impersonal(body: bytes) -> tuple[bytes, int | None] | None:
    """The page with its personal values replaced by placeholders, and the post its comment
    timer belongs to; None if something personal is left that cannot be replaced."""
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), CSRF_PLACEHOLDER)
    post_id = None
    started = g.get("comment_form_started")
    if started:
        post_id, timer = started
        body = body.replace(timer.encode(), TIMER_PLACEHOLDER)
    if b'name="csrf_token"' in body and CSRF_PLACEHOLDER not in body:
        return None
    return body, post_id


def _personal(body: bytes, post_id: int | None) -> bytes:
    """A stored page with this reader's CSRF token and a fresh comment timer filled in."""
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, generate_csrf().encode())
    if post_id is not None:
        body = body.replace(TIMER_PLACEHOLDER, form_token(post_id).encode())
    return body


def register(app) -> None:
    """Answer 304 before rendering when the reader's copy is current; tag fresh answers;
    give static files versioned addresses and a year of caching."""
    app.config["STATIC_VERSION"] = static_files_hash(app.static_folder)
    pages = PageCache(app.config["PAGE_CACHE_SIZE"])
    app.extensions["page_cache"] = pages

    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static":
            values.setdefault("v", app.config["STATIC_VERSION"])

    @app.before_request
    def not_modified():
        if not reusable_request() or request.blueprint in ("admin", "auth"):
            return None
        etag = page_etag()
        request.environ["blog.etag"] = etag
        if etag in request.if_none_match:
            response = app.response_class(status=304)
        elif (page := pages.get(etag)) is not None:
            body, content_type, post_id = page
            response = app.response_class(_personal(body, post_id), content_type=content_type)
            request.environ["blog.cached"] = True
        else:
            return None
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        response.vary.add("Cookie")
        return response

    @app.after_request
    def tag_response(response):
        etag = request.environ.get("blog.etag")
        if etag and response.status_code == 200 and not response.headers.get("Set-Cookie"):
            response.set_etag(etag)
            cached = request.environ.get("blog.cached")
            if not cached and not response.direct_passthrough:
                stored = _impersonal(response.get_data())
                if stored is not None:
                    pages.put(etag, stored[0], response.content_type, stored[1])
        return response
