"""Atom feeds of public posts, built with feedgen; entry content is the sanitised HTML."""

import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Response, current_app, render_template, request, url_for
from flask_babel import format_date

from .models import Post
from .posts.urls import post_url
from .rendering import absolute_media

FEED_LENGTH = 20
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)
# What XML 1.0 cannot hold at all (lxml refuses it): C0 controls but tab and line ends,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML cannot carry. Text is cleaned when it is saved;
    this keeps a feed answering for anything stored before that, or some other way."""
    return _NOT_XML.sub("", value)


def entry_content(post: Post) -> str:
    """The whole post as the page shows it: stored sanitised HTML, blocks in order (each type
    of post has its template), its photos with absolute addresses."""
    return absolute_media(render_template(f"feeds/{post.kind}.html", post=post), request.url_root)


def atom_response(
    title: str, posts: list[Post], self_endpoint: str, page_url: str, **endpoint_values
) -> Response:
    feed = FeedGenerator()
    self_url = url_for(self_endpoint, _external=True, **endpoint_values)
    feed.id(self_url)
    feed.title(xml_text(f"{title} · {current_app.config['SITE_NAME']}"))
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("ko")
    feed.author({"name": current_app.config["SITE_NAME"]})
    # An empty feed still needs an updated time; a list's newest change is its own.
    feed.updated(max((post.updated_at for post in posts), default=EMPTY_FEED_UPDATED))
    for post in reversed(posts):  # feedgen prepends: add oldest first, newest ends on top
        entry = feed.add_entry()
        # The id never changes: the post's numbered address, without the title part.
        entry.id(url_for(f"{post.kind}.detail", post_id=post.id, slug="", _external=True))
        entry.title(xml_text(post.heading) or _untitled(post))
        entry.link(href=post_url(post, _external=True), rel="alternate")
        entry.published(post.published_at)
        entry.updated(max(post.updated_at, post.published_at))
        entry.summary(xml_text(post.excerpt))
        entry.content(xml_text(entry_content(post)), type="html")
        for tag in post.tags:
            entry.category(term=xml_text(tag.name))
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")


def _untitled(post: Post) -> str:
    return format_date(post.published_at, "full")
