"""The PostgreSQL backend: a `tsvector` column with a GIN index, ranked through the post table.

Ranking is one statement that groups the matching rows by post, so its time grows with the
number of matches: a word in a third of 100,000 posts took 137 ms, reading its 33,530 rows.
A word that common (`_common_word`) is ranked as SQLite's backend ranks every word instead:
the titles that match (a GIN index of title rows alone), then the newest posts walked newest
first, each looked up in the index, and counting stops past the limit. A post's rows go in
in part order, so ordering its rows by id gives its parts in order.
"""

from sqlalchemy import (
    ARRAY,
    Integer,
    and_,
    any_,
    case,
    column,
    exists,
    func,
    literal,
    select,
    table,
    text,
)

from ..extensions import db
from ..models import Post

_index = table(
    "search_index",
    column("id", Integer),
    column("post_id", Integer),
    column("part"),
    column("content"),
).alias("s")
_title = text("s.part = 'title'")


def create(connection) -> None:
    connection.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS search_index ("
        " id SERIAL PRIMARY KEY,"
        " post_id INTEGER NOT NULL REFERENCES post (id) ON DELETE CASCADE,"
        " part VARCHAR(40) NOT NULL, content TEXT NOT NULL, terms TSVECTOR NOT NULL)"
    )
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS search_index_terms ON search_index USING GIN (terms)"
    )
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS search_index_post ON search_index (post_id)"
    )
    connection.exec_driver_sql(TITLES_INDEX)


# The title rows' own GIN index, so that a common word's titles are found without reading every
# row it is in (migration f18d3b8c5a72 makes it in databases made before).
TITLES_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_index_titles ON search_index USING GIN (terms)"
    " WHERE part = 'title'"
)
# The index rows read to tell a common word: one whose first COMMON_ROWS rows show more
# visible posts than the counting limit is ranked by _common_word.
COMMON_ROWS = 2000
# How many of the newest posts _common_word walks for each post a page needs, at most.
WALK_PER_POST = 50


def drop(connection) -> None:
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")


def insert(rows: list[dict]) -> None:
    db.session.execute(
        text(
            "INSERT INTO search_index (terms, content, post_id, part)"
            " VALUES (to_tsvector('simple', :terms), :content, :post_id, :part)"
        ),
        [{key: row[key] for key in ("terms", "content", "post_id", "part")} for row in rows],
    )


def remove(post_id: int) -> None:
    db.session.execute(text("DELETE FROM search_index WHERE post_id = :id"), {"id": post_id})


def optimize() -> None:
    db.session.execute(text("ANALYZE search_index"))


def matching_parts(matches: str, post_ids: list[int]):
    """(post id, part, content) of these posts' index rows that match, in part order."""
    rows = select(_index.c.post_id, _index.c.part, _index.c.content).where(
        _where(matches, "match"), _index.c.post_id.in_(post_ids)
    )
    return db.session.execute(rows.order_by(_index.c.id)).all()


def expression(groups: list[list[str]], prefix: list[bool]) -> str:
    """The tsquery: every group, as a phrase."""
    phrases = []
    for terms, is_prefix in zip(groups, prefix, strict=True):
        quoted = [f"'{term}'" for term in terms]
        if is_prefix:
            quoted[-1] += ":*"
        phrases.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(phrases)


def _where(expression: str, name: str):
    return text(f"s.terms @@ to_tsquery('simple', :{name})").bindparams(**{name: expression})


def ranked(matches: str, exact: str | None, visible, limit: int, count_limit: int):
    """The ids of the first `limit` visible posts in rank order (titles; the words as typed;
    the rest), and how many posts match: all of them, which one window function counts, or
    for a common word (one word or words anywhere, not as typed) more than `count_limit`."""
    if exact is None and (common := _common_word(matches, visible, limit, count_limit)):
        return common
    match = _where(matches, "match")
    if exact is None:
        rank = case((_title, 0), else_=2)
    else:
        rank = case((_title, 0), (_where(exact, "exact"), 1), else_=2)
    ranks = (
        select(_index.c.post_id, func.min(rank).label("rank"))
        .where(match)
        .group_by(_index.c.post_id)
        .subquery("r")
    )
    post = Post.__table__
    rows = db.session.execute(
        select(ranks.c.post_id, func.count().over())
        .join_from(ranks, post, post.c.id == ranks.c.post_id)
        .where(visible)
        .order_by(ranks.c.rank, post.c.published_at.desc().nulls_last(), post.c.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return [], 0
    return [post_id for post_id, _ in rows], rows[0][1]


def _common_word(matches: str, visible, limit: int, count_limit: int):
    """`ranked` for a word in more visible posts than `count_limit`, without reading all its
    rows: None for rarer words, or when the page's posts are not among the newest walked.

    Title matches come first, newest first, undated drafts last (as in `ranked`). Then the
    other posts: those among the newest dated posts (WALK_PER_POST for each post the page
    needs) whose rows match, newest first. They are the newest matching posts of all when the
    walk finds as many as the page needs: a newer one would be in the walk, and an undated
    one ranks after every dated one."""
    post = Post.__table__
    match = _where(matches, "match")
    # The first rows the GIN index gives (a bitmap: 10 ms for 2,000 of 33,530), then which of
    # their posts are visible, by their ids (joined in one statement, PostgreSQL merged the
    # whole index by post, or hashed every post: 25-30 ms).
    probed = set(db.session.scalars(select(_index.c.post_id).where(match).limit(COMMON_ROWS)))
    if len(probed) <= count_limit:
        return None
    shown = db.session.scalar(
        select(func.count())
        .select_from(post)
        .where(post.c.id == any_(literal(list(probed), ARRAY(Integer))), visible)
    )
    if shown <= count_limit:
        return None
    total = count_limit + 1  # more than the limit: counting stops, as SQLite's does
    # Materialized: read from the titles' index first. Left to choose, PostgreSQL walked every
    # post newest first looking each up, expecting a title soon (331 ms when none matched).
    matching_titles = (
        select(_index.c.post_id).where(_title, match).cte("titles").prefix_with("MATERIALIZED")
    )
    titles = db.session.scalars(
        select(matching_titles.c.post_id)
        .join_from(matching_titles, post, post.c.id == matching_titles.c.post_id)
        .where(visible)
        .order_by(post.c.published_at.desc().nulls_last(), post.c.id.desc())
        .limit(limit)
    ).all()
    if len(titles) == limit:
        return list(titles), total
    newest = (post.c.published_at.desc(), post.c.id.desc())  # dated only: the index's order
    dated = and_(visible, post.c.published_at.is_not(None))
    walked = select(post.c.id).where(dated).order_by(*newest).limit(WALK_PER_POST * limit)
    need = limit - len(titles)
    others = db.session.scalars(
        select(post.c.id)
        .where(
            post.c.id.in_(walked),
            post.c.id.not_in(titles),
            exists().where(_index.c.post_id == post.c.id, match),
        )
        .order_by(*newest)
        .limit(need)
    ).all()
    if len(others) < need:
        return None
    return [*titles, *others], total
