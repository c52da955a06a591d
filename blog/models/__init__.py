"""Typed models, one module per part of the site; every model is importable from here."""

from .base import UTCDateTime, utcnow
from .comment import Comment, CommentChange, CommentStatus
from .commentary import Block, Commentary, KeyExpression
from .notify import CommentMail
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
from .reaction import LikeMark, LikeTotal
from .site import PageFacet, Setting, SiteState
from .stats import PostView, ReferrerView

__all__ = [
    "OWNER_ID",
    "SLUG_MAX_LENGTH",
    "Block",
    "Comment",
    "CommentChange",
    "CommentMail",
    "CommentStatus",
    "Commentary",
    "KeyExpression",
    "LikeMark",
    "LikeTotal",
    "DiaryEntry",
    "LoginFailure",
    "Owner",
    "PageFacet",
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
