"""The SQLite backend: an FTS5 table whose row ids carry the order, read newest-first.

SQLite row ids (63 bits), highest first: set on every row of this layout; set on title rows,
so titles are a range of their own; the publication minute since 2000 (0 when unpublished);
the post id; the part's place among the post's parts. Reading a match in descending row id
order gives the newest posts first, each post's rows together: a search reads the index
newest-first and stops once the page is full, and reads stored text only for the posts it
shows. So the index must be refreshed whenever a post's text or publication time
changes.
"""

from datetime import UTC, datetime

from sqlalchemy import Integer, column, func, literal_column, select, table, text

from ..extensions import db
from ..models import Post
from .tokenize import words_of

_LAYOUT = 1 << 62
_TITLE = 1 << 61
_MINUTE_SHIFT, _MINUTE_MAX = 35, (1 << 26) - 1
_POST_SHIFT, _POST_MAX = 10, (1 << 25) - 1
_PART_MAX = (1 << 10) - 1
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Every row also holds a term naming its post, made of a private-use character (which no
# query can contain: see tokenize._RUNS) and the post id, so a post's rows are found by the
# index.
_POST_TERM = "\ue000"
# The words (not Hangul pairs) the index has seen, for completing an English word: FTS5 reads
# every match of a prefix query at once, but "spend" OR "spending" newest-first like any word.
# Never emptied: a word no post has any more matches nothing.
MAX_COMPLETIONS = 64

_index = table("search_index", column("rowid", Integer)).alias("s")
_row_id = _index.c.rowid
_post_id = literal_column(f"(s.rowid >> {_POST_SHIFT}) & {_POST_MAX}")
_rows = _index.join(Post.__table__, Post.__table__.c.id == _post_id)


def create(connection) -> None:
    # columnsize=0: no ranking function runs, so per-row token counts are not kept.
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
        "terms, content UNINDEXED, post_id UNINDEXED, part UNINDEXED,"
        " tokenize = 'unicode61 remove_diacritics 0', columnsize = 0)"
    )
    connection.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS search_index_words (word TEXT PRIMARY KEY) WITHOUT ROWID"
    )


def drop(connection) -> None:
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index_words")


def row_id(post_id: int, published_at: datetime | None, position: int, part: str) -> int:
    if not 0 < post_id <= _POST_MAX or position > _PART_MAX:
        raise ValueError(f"post {post_id}: no row id for part {position}")
    minute = 0
    if published_at is not None:
        if published_at.tzinfo is None:  # stored times are UTC
            published_at = published_at.replace(tzinfo=UTC)
        minute = min(max(int((published_at - _EPOCH).total_seconds() // 60), 0), _MINUTE_MAX)
    # The title's row, not the first: an untitled entry's first part is its text or tags.
    title = _TITLE if part == "title" else 0
    return _LAYOUT | title | minute << _MINUTE_SHIFT | post_id << _POST_SHIFT | position


def insert(rows: list[dict]) -> None:
    connection = db.session.connection()
    if words := {word for row in rows for word in words_of(row["terms"])}:
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO search_index_words (word) VALUES (?)",
            [(word,) for word in words],
        )
    connection.exec_driver_sql(
        "INSERT INTO search_index (rowid, terms, content, post_id, part) VALUES (?, ?, ?, ?, ?)",
        [
            (
                row_id(row["post_id"], row["published_at"], row["position"], row["part"]),
                f"{_POST_TERM}{row['post_id']} {row['terms']}",
                row["content"],
                row["post_id"],
                row["part"],
            )
            for row in rows
        ],
    )


def remove(post_id: int) -> None:
    # Plain SQL, like `parts`: this runs on every save.
    db.session.connection().exec_driver_sql(
        "DELETE FROM search_index WHERE rowid IN"
        " (SELECT rowid FROM search_index WHERE terms MATCH ?)",
        (f'"{_POST_TERM}{post_id}"',),
    )


def optimize() -> None:
    db.session.execute(text("INSERT INTO search_index (search_index) VALUES ('optimize')"))


def matching_parts(matches: str, post_ids: list[int]):
    """(post id, part, content) of these posts' index rows that match, in part order (a
    post's title row last): the posts' own terms narrow the match within the index."""
    posts = " OR ".join(f'"{_POST_TERM}{post_id}"' for post_id in post_ids)
    # Plain SQL: a tenth of the time of a statement built with SQLAlchemy, on every search.
    return (
        db.session.connection()
        .exec_driver_sql(
            "SELECT post_id, part, content FROM search_index WHERE terms MATCH ? ORDER BY rowid",
            (f"({matches}) AND ({posts})",),
        )
        .all()
    )


def expression(groups: list[list[str]], prefix: list[bool]) -> str:
    """The FTS5 query: every group, as a phrase; an English word's completions spelled out."""
    phrases = []
    for terms, is_prefix in zip(groups, prefix, strict=True):
        # Terms are letters and digits only (see tokenize._RUNS), so quoting them is enough.
        words = _completions(terms[-1]) if is_prefix else None
        if words:
            head = " ".join(terms[:-1] + [""])
            phrases.append("(" + " OR ".join(f'"{head}{word}"' for word in words) + ")")
        else:
            phrases.append('"' + " ".join(terms) + '"' + ("*" if is_prefix else ""))
    return " AND ".join(phrases)


def _completions(prefix: str) -> list[str] | None:
    """The indexed words that start with `prefix` (`spend`: spend, spending, spends), or None
    when they are too many to list."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    words = db.session.connection().exec_driver_sql(
        "SELECT word FROM search_index_words WHERE word >= ? AND word < ? ORDER BY word LIMIT ?",
        (prefix, after, MAX_COMPLETIONS + 1),
    )
    words = [word for (word,) in words]
    return words if len(words) <= MAX_COMPLETIONS else None


def _where(expression: str):
    return text("s.terms MATCH :match").bindparams(match=expression)


def ranked(matches: str, exact: str | None, visible, limit: int, count_limit: int):
    """The ids of the first `limit` visible posts in rank order (titles; the words as typed;
    the rest), and how many posts match, counted up to `count_limit` and one more. Each rank
    is read newest-first until the page is full."""
    if exact:
        ranks = [("title", matches), ("other", exact), ("other", matches)]
    else:  # titles come first in the index: one read gives both ranks
        ranks = [("all", matches)]
    found: list[int] = []
    complete = True  # whether `found` holds every matching post
    for scope, query in ranks:
        if len(found) >= limit:
            complete = False
            break
        # A later rank is needed only when the earlier ones had fewer posts than the page
        # needs, so they are known in full and can be left out.
        more = _newest(_where(query), scope, visible, set(found), limit - len(found))
        complete = complete and len(more) < limit - len(found)
        found += more
    if complete:
        return found, len(found)
    posts = (
        select(_post_id)
        .select_from(_rows)
        .where(_where(matches), visible)
        .distinct()
        .limit(count_limit + 1)
    )
    return found, db.session.scalar(select(func.count()).select_from(posts.subquery()))


def _newest(match, scope: str, visible, seen: set[int], limit: int) -> list[int]:
    """The ids of the newest visible posts with a `scope` part (title, other or all: titles
    first) matching, but not those `seen`: the index read newest-first, in chunks."""
    titles = _LAYOUT | _TITLE
    low, high = {
        "title": (titles, (1 << 63) - 1),
        "other": (_LAYOUT, titles - 1),
        "all": (_LAYOUT, (1 << 63) - 1),
    }[scope]
    seen = set(seen)
    found: list[int] = []
    chunk = max(limit * 4, 50)
    while True:
        rows = db.session.scalars(
            select(_row_id)
            .select_from(_rows)
            .where(match, visible, _row_id.between(low, high))
            .order_by(_row_id.desc())
            .limit(chunk)
        ).all()
        for row in rows:
            post_id = (row >> _POST_SHIFT) & _POST_MAX
            if post_id not in seen:
                found.append(post_id)
                seen.add(post_id)  # its title came first: not again
                if len(found) == limit:
                    return found
        if len(rows) < chunk:
            break
        high, chunk = rows[-1] - 1, chunk * 4
    return found
