"""Typed models, one module per part of the site; every model is importable from here."""

from .base import UTCDateTime, utcnow
from .comment import Comment, CommentStatus
from .commentary import Block, Commentary, KeyExpression
from .owner import OWNER_ID, LoginFailure, Owner, new_session_token
from .photo import Photo, PostPhoto
from .post import (
    SLUG_MAX_LENGTH,
    DiaryEntry,
    Post,
    PostTag,
    Revision,
    Tag,
    Visibility,
    post_tag,
    slugify,
    tag_key,
)
from .site import Setting, SiteState
from .stats import PostView, ReferrerView

__all__ = [
    "OWNER_ID",
    "SLUG_MAX_LENGTH",
    "Block",
    "Comment",
    "CommentStatus",
    "Commentary",
    "KeyExpression",
    "DiaryEntry",
    "LoginFailure",
    "Owner",
    "Photo",
    "Post",
    "PostPhoto",
    "PostTag",
    "PostView",
    "ReferrerView",
    "Revision",
    "Setting",
    "SiteState",
    "Tag",
    "UTCDateTime",
    "Visibility",
    "new_session_token",
    "post_tag",
    "slugify",
    "tag_key",
    "utcnow",
]
