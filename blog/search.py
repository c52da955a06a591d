"""Full-text search over what a visitor may see, one function per database backend.

Korean attaches particles to words (`몸무게를`, `식단을`) and has many two-syllable words,
which neither word tokenizers nor a trigram index handle. So every Hangul run is indexed as
its overlapping syllable pairs (`몸무게를` → `몸무 무게 게를`) and a query word as the phrase
of its pairs (`몸무게` → "몸무 무게"): that finds the word inside any longer run, for two
syllables too, with an ordinary inverted index. Latin words and numbers are indexed as
words and matched by prefix (`spend` finds `spending`); a quoted query is an exact phrase.

The index holds one row per searchable part of a post (title, body, each quote, translation
and opinion, summary, …), so a result can say which part matched. SQLite keeps it in an
FTS5 table, PostgreSQL in a `tsvector` column with a GIN index (`simple` configuration):
both receive the same terms and answer the same queries.
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import text

from .extensions import db
from .models import Commentary, Post, utcnow

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_QUERY_TERMS = 8

# Runs of Hangul (syllables and jamo) or of other letters and digits.
_HANGUL_RANGES = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_RUNS = re.compile(f"[{_HANGUL_RANGES}]+|[^\\W_{_HANGUL_RANGES}]+")
_HANGUL = re.compile(f"[{_HANGUL_RANGES}]")
_QUOTED = re.compile(r'"([^"]*)"')


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _run_terms(run: str) -> list[str]:
    if _HANGUL.match(run):
        return [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return [run]


def index_terms(value: str) -> str:
    """What the index stores for a text: Hangul as syllable pairs, other words as they are."""
    return " ".join(term for run in _RUNS.findall(_normalise(value)) for term in _run_terms(run))


# --- what gets indexed --------------------------------------------------------------------


def searchable_parts(post: Post) -> list[tuple[str, str]]:
    """(part, text) pairs; `part` names where a hit was: title, body, quote-3, …"""
    parts = [("title", post.title)]
    parts += [("tags", " ".join(tag.name for tag in post.tags))]
    if isinstance(post, Commentary):
        parts.append(("lead", post.lead))
        for number, block in enumerate(post.blocks, start=1):
            parts += [
                (f"quote-{number}", block.quote),
                (f"translation-{number}", block.translation),
                (f"opinion-{number}", block.opinion),
            ]
        parts += [("summary", post.body), ("closing", post.closing)]
    else:
        parts.append(("body", post.body))
    return [(part, value) for part, value in parts if value and value.strip()]


# --- queries ------------------------------------------------------------------------------


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the visitor."""


@dataclass
class ParsedQuery:
    groups: list[list[str]]  # each group: terms that must appear together, in order
    prefix: list[bool]  # whether a group's last term may be a prefix (an English word)
    words: list[str]  # what to highlight in snippets


def parse_query(raw: str) -> ParsedQuery:
    """Words and "quoted phrases" into groups of index terms; every group must match."""
    raw = (raw or "").strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError("too_long")
    phrases = [phrase for phrase in _QUOTED.findall(raw) if phrase.strip()]
    loose = _QUOTED.sub(" ", raw).replace('"', " ")
    groups, prefix, words = [], [], []
    for phrase in phrases:
        runs = _RUNS.findall(_normalise(phrase))
        if runs:
            groups.append([term for run in runs for term in _run_terms(run)])
            prefix.append(False)
            words.append(phrase.strip())
    for word in loose.split():
        for run in _RUNS.findall(_normalise(word)):
            groups.append(_run_terms(run))
            prefix.append(not _HANGUL.match(run))
            words.append(run)
    if not groups:
        raise QueryError("empty")
    # One-letter words cannot be searched alone; beside longer words they are left out.
    keep = [index for index, word in enumerate(words) if len(word) >= MIN_QUERY_LENGTH]
    if not keep:
        raise QueryError("too_short")
    groups, prefix, words = ([items[i] for i in keep] for items in (groups, prefix, words))
    if len(groups) > MAX_QUERY_TERMS:
        raise QueryError("too_many")
    return ParsedQuery(groups, prefix, words)


@dataclass
class Hit:
    post: Post
    part: str
    content: str


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(raw: str, include_hidden: bool, page: int = 1, per_page: int = 10) -> Results:
    """The posts matching `raw`, ranked: title hits first, then exact phrases, then newest."""
    query = parse_query(raw)
    backend = _backend()
    exact = _normalise(raw.replace('"', " ").strip())
    offset = (max(page, 1) - 1) * per_page
    visibility = (
        "" if include_hidden else ("AND p.visibility = 'public' AND p.published_at <= :now")
    )
    params = {"exact": exact, "now": utcnow().replace(tzinfo=None)}
    match_sql, match_params = backend.match(query)
    params.update(match_params)
    ranked = f"""
        SELECT s.post_id AS post_id,
               MIN(CASE WHEN s.part = 'title' THEN 0
                        WHEN {backend.contains("s.content")} THEN 1 ELSE 2 END) AS rank
        FROM {backend.table} s
        WHERE {match_sql}
        GROUP BY s.post_id
    """
    rows = db.session.execute(
        text(f"""
            SELECT r.post_id, p.published_at FROM ({ranked}) r JOIN post p ON p.id = r.post_id
            WHERE 1 = 1 {visibility}
            ORDER BY r.rank, p.published_at DESC, p.id DESC
            LIMIT :limit OFFSET :offset
        """),
        {**params, "limit": per_page, "offset": offset},
    ).all()
    total = db.session.execute(
        text(f"""
            SELECT COUNT(*) FROM ({ranked}) r JOIN post p ON p.id = r.post_id
            WHERE 1 = 1 {visibility}
        """),
        params,
    ).scalar()
    ids = [row.post_id for row in rows]
    return Results(_hits(ids, query, backend, match_sql, params), total, page, per_page)


def _hits(ids, query, backend, match_sql, params) -> list[Hit]:
    if not ids:
        return []
    posts = {post.id: post for post in db.session.scalars(db.select(Post).where(Post.id.in_(ids)))}
    parts = db.session.execute(
        text(f"""
            SELECT s.post_id, s.part, s.content FROM {backend.table} s
            WHERE {match_sql} AND s.post_id IN ({", ".join(str(int(i)) for i in ids)})
        """),
        params,
    ).all()
    best: dict[int, tuple[str, str]] = {}
    order = {"title": 0}
    for post_id, part, content in parts:
        current = best.get(post_id)
        if current is None or order.get(part, 1) < order.get(current[0], 1):
            best[post_id] = (part, content)
    return [Hit(posts[i], *best.get(i, ("title", posts[i].title))) for i in ids if i in posts]


# --- backends -----------------------------------------------------------------------------


class SQLiteBackend:
    table = "search_index"

    @staticmethod
    def create(connection) -> None:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
            "terms, content UNINDEXED, post_id UNINDEXED, part UNINDEXED,"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )

    @staticmethod
    def drop(connection) -> None:
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")

    @staticmethod
    def insert(rows: list[dict]) -> None:
        db.session.execute(
            text(
                "INSERT INTO search_index (terms, content, post_id, part)"
                " VALUES (:terms, :content, :post_id, :part)"
            ),
            rows,
        )

    @staticmethod
    def match(query: ParsedQuery) -> tuple[str, dict]:
        groups = []
        for terms, prefix in zip(query.groups, query.prefix, strict=True):
            # Terms are letters and digits only (see _RUNS), so quoting them is enough.
            phrase = '"' + " ".join(terms) + '"'
            groups.append(phrase + ("*" if prefix else ""))
        return "s.terms MATCH :match", {"match": " AND ".join(groups)}

    @staticmethod
    def contains(column: str) -> str:
        return f"instr(lower({column}), :exact) > 0"


class PostgresBackend:
    table = "search_index"

    @staticmethod
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

    @staticmethod
    def drop(connection) -> None:
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")

    @staticmethod
    def insert(rows: list[dict]) -> None:
        db.session.execute(
            text(
                "INSERT INTO search_index (terms, content, post_id, part)"
                " VALUES (to_tsvector('simple', :terms), :content, :post_id, :part)"
            ),
            rows,
        )

    @staticmethod
    def match(query: ParsedQuery) -> tuple[str, dict]:
        groups = []
        for terms, prefix in zip(query.groups, query.prefix, strict=True):
            quoted = [f"'{term}'" for term in terms]
            if prefix:
                quoted[-1] += ":*"
            groups.append("(" + " <-> ".join(quoted) + ")")
        return "s.terms @@ to_tsquery('simple', :match)", {"match": " & ".join(groups)}

    @staticmethod
    def contains(column: str) -> str:
        return f"strpos(lower({column}), :exact) > 0"


def _backend():
    dialect = db.engine.dialect.name
    return SQLiteBackend if dialect == "sqlite" else PostgresBackend


# --- keeping the index in step ------------------------------------------------------------


def create_index(connection) -> None:
    backend = SQLiteBackend if connection.dialect.name == "sqlite" else PostgresBackend
    backend.create(connection)


def drop_index(connection) -> None:
    backend = SQLiteBackend if connection.dialect.name == "sqlite" else PostgresBackend
    backend.drop(connection)


def remove_post(post_id: int) -> None:
    db.session.execute(text("DELETE FROM search_index WHERE post_id = :id"), {"id": post_id})


def index_post(post: Post) -> None:
    """Replace the post's rows in the index; part of the save's transaction."""
    remove_post(post.id)
    index_posts([post])


def index_posts(posts) -> None:
    rows = [
        {"terms": index_terms(value), "content": value, "post_id": post.id, "part": part}
        for post in posts
        for part, value in searchable_parts(post)
    ]
    if rows:
        _backend().insert(rows)


def reindex(batch_size: int = 500) -> int:
    """Rebuild the whole index; returns the number of posts indexed."""
    db.session.execute(text("DELETE FROM search_index"))
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
    return count
