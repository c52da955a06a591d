"""The PostgreSQL backend: a `tsvector` column with a GIN index, ranked through the post table.

Ranking is one statement that groups the matching rows by post, so its time grows with the
number of matches. A post's rows go in in part order, so ordering its rows by id gives its
parts in order.
"""

from sqlalchemy import Integer, case, column, func, select, table, text

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
    the rest), and how many posts match: all of them, which one window function counts
    (`count_limit` is for backends that stop counting)."""
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
