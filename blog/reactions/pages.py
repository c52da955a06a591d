"""What the sections' views share for 공감: the count a post page shows, and the answer to a
reader's 공감 (a redirect back to the post without JavaScript, JSON with it)."""

from dataclasses import dataclass

from flask import jsonify, make_response, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import pagecache
from ..errors import refused_from_another_site
from ..extensions import db
from ..models import Post
from ..origin import sent_from_another_site
from ..posts.queries import owner_signed_in
from ..posts.urls import post_url
from .likes import Given, give_like, like_count, likes_key

# What the page a reader is sent back to says (`?liked=`): counted now, or counted before.
LIKED_STATES = {"new": Given.COUNTED, "again": Given.ALREADY}


@dataclass(frozen=True)
class LikesShown:
    """The 공감 part of a post's page: the count, and what to tell a reader sent back to it."""

    count: int
    given: Given | None = None

    @property
    def status(self) -> str:
        return status_text(self.given)


def likes_shown(post: Post, given: Given | None = None) -> LikesShown:
    """The post's count for its page, which then depends on the post's likes facet (said
    before the count is read: see pagecache.page_depends_on)."""
    pagecache.page_depends_on(likes_key(post.id))
    if given is None:
        given = LIKED_STATES.get(request.args.get("liked", ""))
    return LikesShown(like_count(post.id), given)


def status_text(given: Given | None) -> str:
    if given is Given.COUNTED:
        return _("Thank you! Your like is counted.")
    if given is Given.ALREADY:
        return _("Your like today is counted already: once a day per reader.")
    if given is Given.RATE_LIMITED:
        return _("You liked many posts just now. Please try again in a few minutes.")
    return ""


@dataclass
class LikeAnswer:
    """What a reader's 공감 came to: the `response`, or else the post's page to show with
    `status` (429) and `likes` saying why."""

    response: Response | None = None
    status: int = 200
    likes: LikesShown | None = None


def send_like(post: Post) -> LikeAnswer:
    """A reader's 공감: no login, cookie, session or token (the browser's word that this site
    sent it, as for comments). The owner's own is never counted."""
    if sent_from_another_site():
        return LikeAnswer(make_response(refused_from_another_site()))
    given = None if owner_signed_in() else give_like(post, request.remote_addr or "", _browser())
    wants_json = request.accept_mimetypes.best == "application/json"
    if given is Given.RATE_LIMITED:
        db.session.rollback()
        shown = LikesShown(like_count(post.id), given)
        if wants_json:
            return LikeAnswer(_json(shown, 429))
        return LikeAnswer(status=429, likes=shown)
    db.session.commit()
    if wants_json:
        return LikeAnswer(_json(LikesShown(like_count(post.id), given), 200))
    state = {Given.COUNTED: "new", Given.ALREADY: "again"}.get(given)
    query = {"liked": state} if state else {}
    return LikeAnswer(redirect(post_url(post, **query, _anchor="like"), code=303))


def _browser() -> str:
    return request.headers.get("User-Agent", "")[:500]


def _json(shown: LikesShown, status: int) -> Response:
    liked = shown.given in (Given.COUNTED, Given.ALREADY)
    response = jsonify(count=shown.count, liked=liked, message=status_text(shown.given))
    response.status_code = status
    return response
