"""The moderation queue's private feed: /moderation/<key>.xml."""

from flask import Blueprint, abort

from . import feed

bp = Blueprint("notify", __name__)


@bp.get("/moderation/<key>.xml")
def moderation_feed(key: str):
    if not feed.key_matches(key):
        abort(404)
    return feed.moderation_feed(key)


@bp.after_request
def private(response):
    """The feed and its 404 alike: never stored by a browser or a proxy, never indexed."""
    return feed.private(response)
