"""Full-text search over what a visitor may see: one API, a backend per database dialect.

Korean attaches particles to words (`몸무게를`, `식단을`) and has many two-syllable words,
which neither word tokenizers nor a trigram index handle. So every Hangul run is indexed as
its overlapping syllable pairs (`몸무게를` → `몸무 무게 게를`) and a query word as the phrase
of its pairs (`몸무게` → "몸무 무게"): that finds the word inside any longer run, for two
syllables too, with an ordinary inverted index. Latin words and numbers are indexed as
words and matched by prefix (`spend` finds `spending`); a quoted query is an exact phrase
(tokenize.py).

The index holds one row per searchable part of a post (title, body, each quote, translation
and opinion, summary, …), so a result can say which part matched. SQLite keeps it in an
FTS5 table (sqlite.py), PostgreSQL in a `tsvector` column with a GIN index, `simple`
configuration (postgres.py): both receive the same terms and answer the same queries.

Ranking: posts whose title matches come first, then (for several words) posts where the words
stand together as typed, then the rest; newest first within each. Counting stops after
RESULT_LIMIT posts ("more than 1,000"), so a word found in half the site costs no more than one
found in a thousand posts. The index keeps each post's publication time (SQLite orders by it),
so it must be refreshed (`index_post`) whenever a post's text or publication time changes.
"""

from dataclasses import dataclass

from ..extensions import db
from ..models import Post
from ..posts import schema
from . import postgres, sqlite
from .tokenize import QueryError, index_terms, parse_query

__all__ = [
    "Hit",
    "QueryError",
    "Results",
    "create_index",
    "drop_index",
    "index_post",
    "index_posts",
    "index_terms",
    "optimize",
    "parse_query",
    "reindex",
    "remove_post",
    "search",
    "searchable_parts",
]

# Results are counted up to this many posts; beyond it the count says "more than".
RESULT_LIMIT = 1000

_BACKENDS = {"sqlite": sqlite, "postgresql": postgres}


def _backend(dialect=None):
    """The backend of the database's dialect: the index has one layout per dialect."""
    return _BACKENDS[(dialect or db.engine.dialect).name]


# --- what gets indexed --------------------------------------------------------------------


def searchable_parts(post: Post) -> list[tuple[str, str]]:
    """(part, text) pairs; `part` names where a hit was: title, body, quote-3, … (the post's
    shape says which parts are searched, see posts.schema.search_parts)."""
    return schema.search_parts(schema.snapshot(post))


# --- searching ----------------------------------------------------------------------------


@dataclass
class Hit:
    """A post found, with the part to show it by: `part` names it (title, tags, body,
    quote-3, …) and `content` is its text."""

    post: Post
    part: str
    content: str


def _shown_by(part: str) -> int:
    """Which matching part a result is best shown by, lowest first: what the owner wrote, in
    the order the page shows it; then the title (the result's heading already); the tags last
    (a list of words, not a sentence)."""
    return {"title": 1, "tags": 2}.get(part, 0)


@dataclass
class Results:
    hits: list[Hit]
    total: int  # at most RESULT_LIMIT
    page: int
    per_page: int
    more: bool = False  # True when more than `total` posts match: say "more than 1,000"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(raw: str, include_hidden: bool, page: int = 1, per_page: int = 10) -> Results:
    """The posts matching `raw`, ranked: title hits first, then exact phrases, then newest."""
    query = parse_query(raw)
    backend = _backend()
    matches = backend.expression(query.groups, query.prefix)
    exact = None
    if len(query.groups) > 1:  # the words as typed, side by side
        terms = [term for group in query.groups for term in group]
        exact = backend.expression([terms], [query.prefix[-1]])
    page = max(page, 1)
    offset, end = (page - 1) * per_page, page * per_page
    visible = Post.visible_to(include_hidden)
    found, total = backend.ranked(matches, exact, visible, end, RESULT_LIMIT)
    hits = _hits(found[offset:end], matches, backend)
    return Results(hits, min(total, RESULT_LIMIT), page, per_page, total > RESULT_LIMIT)


def _hits(post_ids: list[int], matches, backend) -> list[Hit]:
    """The page's posts, each with the matching part it is best shown by (`_shown_by`): one
    read of the index rows of these posts alone."""
    if not post_ids:
        return []
    posts = {
        post.id: post for post in db.session.scalars(db.select(Post).where(Post.id.in_(post_ids)))
    }
    best: dict[int, tuple[str, str]] = {}
    for post_id, part, content in backend.matching_parts(matches, post_ids):  # in part order
        if post_id not in best or _shown_by(part) < _shown_by(best[post_id][0]):
            best[post_id] = (part, content)
    return [
        Hit(posts[post_id], *best.get(post_id, ("title", posts[post_id].title)))
        for post_id in post_ids
        if post_id in posts
    ]


# --- keeping the index in step ------------------------------------------------------------


def create_index(connection) -> None:
    _backend(connection.dialect).create(connection)


def drop_index(connection) -> None:
    _backend(connection.dialect).drop(connection)


def remove_post(post_id: int) -> None:
    _backend().remove(post_id)


def index_post(post: Post) -> None:
    """Replace the post's rows in the index; part of the save's transaction.

    Call it whenever a post's text or publication time changes: the index keeps both."""
    _backend().remove(post.id)
    index_posts([post])


def index_posts(posts) -> None:
    """Add the posts to the index in one statement (the demo's bulk path adds a batch)."""
    if rows := _rows(posts):
        _backend().insert(rows)


def _rows(posts) -> list[dict]:
    return [
        {
            "post_id": post.id,
            "published_at": post.published_at,
            "position": position,
            "part": part,
            "content": value,
            "terms": index_terms(value),
        }
        for post in posts
        for position, (part, value) in enumerate(searchable_parts(post))
    ]


def optimize() -> None:
    """Tidy the index after many rows were added at once (SQLite merges its segments)."""
    _backend().optimize()


def reindex(batch_size: int = 500) -> int:
    """Rebuild the whole index, table included; returns the number of posts indexed."""
    connection = db.session.connection()
    drop_index(connection)
    create_index(connection)
    count, last_id = 0, 0
    while True:
        batch = db.session.scalars(
            db.select(Post).where(Post.id > last_id).order_by(Post.id).limit(batch_size)
        ).all()
        if not batch:
            break
        index_posts(batch)
        count += len(batch)
        last_id = batch[-1].id
        db.session.expunge_all()
    optimize()
    return count
