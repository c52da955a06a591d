"""The PostgreSQL backend: a `tsvector` column with a GIN index, ranked through the post table.

Ranking is one statement that groups the matching rows by post, so its time grows with the
number of matches. A post's rows go in in part order, so the lowest id among its matching
rows is the first matching part.
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


def parts(row_ids: list[int]):
    """(row id, part, content) of these index rows."""
    rows = select(_index.c.id, _index.c.part, _index.c.content)
    return db.session.execute(rows.where(_index.c.id.in_(row_ids))).all()


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
    """The first `limit` visible posts in rank order (titles; the words as typed; the rest),
    as (post id, the index row of the part to show), and how many posts match: all of them,
    which one window function counts (`count_limit` is for backends that stop counting)."""
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
        select(ranks.c.post_id, ranks.c.rank, func.count().over())
        .join_from(ranks, post, post.c.id == ranks.c.post_id)
        .where(visible)
        .order_by(ranks.c.rank, post.c.published_at.desc().nulls_last(), post.c.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return [], 0
    # The part to show: the title, or the first part with the words as typed, or the first
    # part with them all.
    kind = {post_id: rank for post_id, rank, _ in rows}
    best: dict[int, int] = {}
    for post_id, row_id, in_title, as_typed in db.session.execute(
        select(
            _index.c.post_id,
            _index.c.id,
            _title,
            _where(exact, "exact") if exact else text("0"),
        )
        .where(match, _index.c.post_id.in_(kind))
        .order_by(_index.c.id)
    ):
        wanted = (in_title, not in_title and as_typed, not in_title)[kind[post_id]]
        if wanted and post_id not in best:
            best[post_id] = row_id
    return [(post_id, best.get(post_id)) for post_id, _, _ in rows], rows[0][2]
