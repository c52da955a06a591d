"""A post's addresses: its page and its owner actions, the canonical address of any page."""

from flask import redirect, request, url_for

from ..inputs import requested_page
from ..models import Post

# The blueprint of each kind of post.
SECTION_ENDPOINTS = {"diary": "diary", "commentary": "commentary"}
# The query keys a post page reads: a commentary's reading modes (study, the side-by-side
# layout) and the quote to comment on.
POST_PAGE_QUERY = ("study", "layout", "comment_on")


def post_url(post: Post, action: str = "detail", **values) -> str:
    endpoint = f"{SECTION_ENDPOINTS[post.kind]}.{action}"
    return url_for(endpoint, post_id=post.id, slug=post.slug, **values)


def canonical_redirect(post: Post):
    """A post reached by its id with another (or no) slug: a permanent redirect to its URL,
    keeping only the query the page reads (any other key would reach `url_for` as one of its
    own arguments: `post`, `action`, `_method`, `_scheme`...)."""
    query = {key: request.args[key] for key in POST_PAGE_QUERY if key in request.args}
    return redirect(post_url(post, **query), code=301)


def canonical_url() -> str:
    """This page's address without its query, except the page number of a list."""
    if request.endpoint is None or request.url_rule is None:
        return request.base_url
    values = dict(request.view_args or {})
    page = requested_page() or 1
    if page > 1:
        values["page"] = page
    return url_for(request.endpoint, _external=True, **values)
