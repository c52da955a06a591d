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

Ranking: posts whose title matches come first, then (for several words) posts where the words
stand together as typed, then the rest; newest first within each. Counting stops after
RESULT_LIMIT posts ("more than 1,000"), so a word found in half the site costs no more than one
found in a thousand posts. On SQLite the FTS5 row ids carry the order (see `_row_id`): a search
reads the index newest-first and stops once the page is full, and never reads stored text
before it shows the results; so the index must be refreshed (`index_post`) whenever a post's
text or publication time changes. PostgreSQL orders through the post table instead.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Integer, case, column, func, literal_column, select, table, text
from sqlalchemy.exc import OperationalError

from .extensions import db
from .models import Commentary, Post

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_QUERY_TERMS = 8
# Results are counted up to this many posts; beyond it the count says "more than".
RESULT_LIMIT = 1000

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
    tags = [tag.name for tag in post.tags]
    if isinstance(post, Commentary):
        blocks = [(block.quote, block.translation, block.opinion) for block in post.blocks]
        return parts_of(
            post.title,
            tags,
            post.body,
            lead=post.lead,
            blocks=blocks,
            closing=post.closing,
            commentary=True,
        )
    return parts_of(post.title, tags, post.body)


def parts_of(
    title: str,
    tags: list[str],
    body: str,
    *,
    commentary: bool = False,
    lead: str = "",
    blocks: list[tuple[str, str, str]] = (),
    closing: str = "",
) -> list[tuple[str, str]]:
    """`searchable_parts` from plain values (for bulk loaders): blocks as (quote, translation,
    opinion), tags in the order the post shows them."""
    parts = [("title", title), ("tags", " ".join(tags))]
    if commentary:
        parts.append(("lead", lead))
        for number, (quote, translation, opinion) in enumerate(blocks, start=1):
            parts += [
                (f"quote-{number}", quote),
                (f"translation-{number}", translation),
                (f"opinion-{number}", opinion),
            ]
        parts += [("summary", body), ("closing", closing)]
    else:
        parts.append(("body", body))
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
    found, total = backend.ranked(matches, exact, Post.visible_to(include_hidden), end)
    hits = _hits(found[offset:end], backend)
    return Results(hits, min(total, RESULT_LIMIT), page, per_page, total > RESULT_LIMIT)


def _hits(found: list[tuple[int, int]], backend) -> list[Hit]:
    if not found:
        return []
    ids = [post_id for post_id, _ in found]
    posts = {post.id: post for post in db.session.scalars(db.select(Post).where(Post.id.in_(ids)))}
    row_ids = [row_id for _, row_id in found if row_id]
    parts = {row_id: (part, content) for row_id, part, content in backend.parts(row_ids)}
    return [
        Hit(posts[post_id], *parts.get(row_id, ("title", posts[post_id].title)))
        for post_id, row_id in found
        if post_id in posts
    ]


# --- backends -----------------------------------------------------------------------------

_index = table(
    "search_index",
    column("rowid", Integer),
    column("id", Integer),
    column("post_id", Integer),
    column("part"),
    column("content"),
).alias("s")


class ByPost:
    """Ranking in one statement that groups the matching rows by post: PostgreSQL's way, and
    SQLite's while its index still has rows from before row ids carried the order (a database
    upgraded with posts in it, until `flask reindex`). It reads every match, so its time grows
    with the number of matches."""

    row_id = _index.c.id
    _title = text("s.part = 'title'")

    @classmethod
    def parts(cls, row_ids: list[int]):
        """(row id, part, content) of these index rows."""
        rows = select(cls.row_id, _index.c.part, _index.c.content)
        return db.session.execute(rows.where(cls.row_id.in_(row_ids))).all()

    @classmethod
    def ranked(cls, matches: str, exact: str | None, visible, limit: int):
        """The first `limit` visible posts in rank order, as (post id, the index row of the part
        to show), and how many posts match."""
        match = cls.where(matches, "match")
        if exact is None:
            rank = case((cls._title, 0), else_=2)
        else:
            rank = case((cls._title, 0), (cls.row_matches(exact, "exact"), 1), else_=2)
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
                cls.row_id,
                cls._title,
                cls.row_matches(exact, "exact") if exact else text("0"),
            )
            .where(match, _index.c.post_id.in_(kind))
            .order_by(cls.row_id)
        ):
            wanted = (in_title, not in_title and as_typed, not in_title)[kind[post_id]]
            if wanted and post_id not in best:
                best[post_id] = row_id
        return [(post_id, best.get(post_id)) for post_id, _, _ in rows], rows[0][2]


# SQLite row ids (63 bits), highest first: set on every row written in this layout; set on
# title rows, so titles are a range of their own; the publication minute since 2000 (0 when
# unpublished); the post id; the part's place among the post's parts. Reading a match in
# descending row id order gives the newest posts first, each post's rows together.
_LAYOUT = 1 << 62
_TITLE = 1 << 61
_MINUTE_SHIFT, _MINUTE_MAX = 35, (1 << 26) - 1
_POST_SHIFT, _POST_MAX = 10, (1 << 25) - 1
_PART_MAX = (1 << 10) - 1
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Every row also holds a term naming its post, made of a private-use character (which no
# query can contain: see _RUNS) and the post id, so a post's rows are found by the index.
_POST_TERM = "\ue000"
# The words (not Hangul pairs) the index has seen, for completing an English word: FTS5 reads
# every match of a prefix query at once, but "spend" OR "spending" newest-first like any word.
# Never emptied: a word no post has any more matches nothing. Every row written with the row
# id layout has its words here (the table is made before the first such row).
_CREATE_WORDS = (
    "CREATE TABLE IF NOT EXISTS search_index_words (word TEXT PRIMARY KEY) WITHOUT ROWID"
)


def _row_id(post_id: int, published_at: datetime | None, position: int) -> int:
    if not 0 < post_id <= _POST_MAX or position > _PART_MAX:
        raise ValueError(f"post {post_id}: no row id for part {position}")
    minute = 0
    if published_at is not None:
        if published_at.tzinfo is None:  # stored times are UTC
            published_at = published_at.replace(tzinfo=UTC)
        minute = min(max(int((published_at - _EPOCH).total_seconds() // 60), 0), _MINUTE_MAX)
    title = _TITLE if position == 0 else 0
    return _LAYOUT | title | minute << _MINUTE_SHIFT | post_id << _POST_SHIFT | position


class SQLiteBackend:
    row_id = _index.c.rowid
    _post_id = literal_column(f"(s.rowid >> {_POST_SHIFT}) & {_POST_MAX}")
    _rows = _index.join(Post.__table__, Post.__table__.c.id == _post_id)

    @staticmethod
    def create(connection) -> None:
        # columnsize=0: no ranking function runs, so per-row token counts are not kept.
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
            "terms, content UNINDEXED, post_id UNINDEXED, part UNINDEXED,"
            " tokenize = 'unicode61 remove_diacritics 0', columnsize = 0)"
        )
        connection.exec_driver_sql(_CREATE_WORDS)

    @staticmethod
    def drop(connection) -> None:
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_index_words")

    @staticmethod
    def insert(rows: list[dict]) -> None:
        connection = db.session.connection()
        words = {word for row in rows for word in _WORDS.findall(row["terms"])}
        connection.exec_driver_sql(_CREATE_WORDS)
        if words:
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO search_index_words (word) VALUES (?)",
                [(word,) for word in words],
            )
        connection.exec_driver_sql(
            "INSERT INTO search_index (rowid, terms, content, post_id, part)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (
                    _row_id(row["post_id"], row["published_at"], row["position"]),
                    f"{_POST_TERM}{row['post_id']} {row['terms']}",
                    row["content"],
                    row["post_id"],
                    row["part"],
                )
                for row in rows
            ],
        )

    @staticmethod
    def parts(row_ids: list[int]):
        # Plain SQL: a tenth of the time of a statement built with SQLAlchemy, on every search.
        if not row_ids:
            return []
        marks = ", ".join("?" * len(row_ids))
        return (
            db.session.connection()
            .exec_driver_sql(
                f"SELECT rowid, part, content FROM search_index WHERE rowid IN ({marks})",
                tuple(row_ids),
            )
            .all()
        )

    @staticmethod
    def remove(post_id: int) -> None:
        # Plain SQL, like `parts`: this runs on every save.
        db.session.connection().exec_driver_sql(
            "DELETE FROM search_index WHERE rowid IN"
            " (SELECT rowid FROM search_index WHERE terms MATCH ?)",
            (f'"{_POST_TERM}{post_id}"',),
        )

    @staticmethod
    def optimize() -> None:
        db.session.execute(text("INSERT INTO search_index (search_index) VALUES ('optimize')"))

    complete_words = True

    @classmethod
    def expression(cls, groups: list[list[str]], prefix: list[bool]) -> str:
        """The FTS5 query: every group, as a phrase."""
        phrases = []
        for terms, is_prefix in zip(groups, prefix, strict=True):
            # Terms are letters and digits only (see _RUNS), so quoting them is enough.
            words = _completions(terms[-1]) if is_prefix and cls.complete_words else None
            if words:  # see _CREATE_WORDS
                head = " ".join(terms[:-1] + [""])
                phrases.append("(" + " OR ".join(f'"{head}{word}"' for word in words) + ")")
            else:
                phrases.append('"' + " ".join(terms) + '"' + ("*" if is_prefix else ""))
        return " AND ".join(phrases)

    @staticmethod
    def where(expression: str, name: str):
        return text(f"s.terms MATCH :{name}").bindparams(**{name: expression})

    @staticmethod
    def row_matches(expression: str, name: str):
        """Whether index row `s` matches, anywhere in a statement (MATCH only goes in WHERE)."""
        return text(
            f"s.rowid IN (SELECT rowid FROM search_index WHERE terms MATCH :{name})"
        ).bindparams(**{name: expression})

    @classmethod
    def ranked(cls, matches: str, exact: str | None, visible, limit: int):
        """ByPost.ranked, reading the index newest-first: each rank (titles; the words as
        typed; the rest) until the page is full, then counting up to RESULT_LIMIT."""
        if exact:
            ranks = [("title", matches), ("other", exact), ("other", matches)]
        else:  # titles come first in the index: one read gives both ranks
            ranks = [("all", matches)]
        found: list[tuple[int, int]] = []
        complete = True  # whether `found` holds every matching post
        for scope, expression in ranks:
            if len(found) >= limit:
                complete = False
                break
            # A later rank is needed only when the earlier ones had fewer posts than the page
            # needs, so they are known in full and can be left out.
            seen = {post_id for post_id, _ in found}
            more = cls._newest(
                cls.where(expression, "match"), scope, visible, seen, limit - len(found)
            )
            complete = complete and len(more) < limit - len(found)
            found += more
        if complete:
            return found, len(found)
        posts = (
            select(cls._post_id)
            .select_from(cls._rows)
            .where(cls.where(matches, "match"), visible)
            .distinct()
            .limit(RESULT_LIMIT + 1)
        )
        return found, db.session.scalar(select(func.count()).select_from(posts.subquery()))

    @classmethod
    def _newest(cls, match, scope: str, visible, seen: set[int], limit: int) -> list:
        """The newest visible posts with a `scope` part (title, other or all: titles first)
        matching, but not those `seen`, as (post id, its first matching index row): the index
        read newest-first, in chunks."""
        titles = _LAYOUT | _TITLE
        low, high = {
            "title": (titles, (1 << 63) - 1),
            "other": (_LAYOUT, titles - 1),
            "all": (_LAYOUT, (1 << 63) - 1),
        }[scope]
        seen = set(seen)
        found: list[tuple[int, int]] = []
        current, first = None, None  # the post being read and its lowest matching row so far
        chunk = max(limit * 4, 50)
        while True:
            rows = db.session.scalars(
                select(cls.row_id)
                .select_from(cls._rows)
                .where(match, visible, cls.row_id.between(low, high))
                .order_by(cls.row_id.desc())
                .limit(chunk)
            ).all()
            for row_id in rows:
                if row_id >> _POST_SHIFT != current:
                    # The previous post's rows are all read: it is complete.
                    if current is not None and (current & _POST_MAX) not in seen:
                        found.append((current & _POST_MAX, first))
                        seen.add(current & _POST_MAX)  # its title came first: not again
                        if len(found) == limit:
                            return found
                    current = row_id >> _POST_SHIFT
                first = row_id
            if len(rows) < chunk:
                break
            high, chunk = rows[-1] - 1, chunk * 4
        if current is not None and (current & _POST_MAX) not in seen:
            found.append((current & _POST_MAX, first))
        return found


MAX_COMPLETIONS = 64
_WORDS = re.compile(f"[^\\W_{_HANGUL_RANGES}]+")  # in index terms: the words, not the pairs


def _completions(prefix: str) -> list[str] | None:
    """The indexed words that start with `prefix` (`spend`: spend, spending, spends), or None
    when they are too many to list or the index has no list of its words."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    try:
        words = db.session.connection().exec_driver_sql(
            "SELECT word FROM search_index_words WHERE word >= ? AND word < ?"
            " ORDER BY word LIMIT ?",
            (prefix, after, MAX_COMPLETIONS + 1),
        )
    except OperationalError:  # an index made before the list was kept
        return None
    words = [word for (word,) in words]
    return words if len(words) <= MAX_COMPLETIONS else None


def _older_rows() -> bool:
    """Whether the SQLite index has rows from before row ids carried the order."""
    older = db.session.connection().exec_driver_sql(
        "SELECT 1 FROM search_index WHERE rowid < ? LIMIT 1", (_LAYOUT,)
    )
    return older.first() is not None


class _OlderSQLiteRows(ByPost, SQLiteBackend):
    """An SQLite index with rows from before row ids carried the order (written when the
    database was upgraded with posts in it): ranked through the post table, correct but
    slower, until `flask reindex` rewrites it."""

    row_id = _index.c.rowid
    complete_words = False  # older rows' words are not listed

    @staticmethod
    def remove(post_id: int) -> None:
        db.session.execute(text("DELETE FROM search_index WHERE post_id = :id"), {"id": post_id})


class PostgresBackend(ByPost):
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
        # Rows go in part order, so the lowest id of a post's matching rows is its first part.
        db.session.execute(
            text(
                "INSERT INTO search_index (terms, content, post_id, part)"
                " VALUES (to_tsvector('simple', :terms), :content, :post_id, :part)"
            ),
            [{key: row[key] for key in ("terms", "content", "post_id", "part")} for row in rows],
        )

    @staticmethod
    def remove(post_id: int) -> None:
        db.session.execute(text("DELETE FROM search_index WHERE post_id = :id"), {"id": post_id})

    @staticmethod
    def optimize() -> None:
        db.session.execute(text("ANALYZE search_index"))

    @staticmethod
    def expression(groups: list[list[str]], prefix: list[bool]) -> str:
        """The tsquery: every group, as a phrase."""
        phrases = []
        for terms, is_prefix in zip(groups, prefix, strict=True):
            quoted = [f"'{term}'" for term in terms]
            if is_prefix:
                quoted[-1] += ":*"
            phrases.append("(" + " <-> ".join(quoted) + ")")
        return " & ".join(phrases)

    @staticmethod
    def where(expression: str, name: str):
        return text(f"s.terms @@ to_tsquery('simple', :{name})").bindparams(**{name: expression})

    row_matches = where


def _backend():
    if db.engine.dialect.name != "sqlite":
        return PostgresBackend
    return _OlderSQLiteRows if _older_rows() else SQLiteBackend


# --- keeping the index in step ------------------------------------------------------------


def create_index(connection) -> None:
    backend = SQLiteBackend if connection.dialect.name == "sqlite" else PostgresBackend
    backend.create(connection)


def drop_index(connection) -> None:
    backend = SQLiteBackend if connection.dialect.name == "sqlite" else PostgresBackend
    backend.drop(connection)


def remove_post(post_id: int) -> None:
    _backend().remove(post_id)


def index_post(post: Post) -> None:
    """Replace the post's rows in the index; part of the save's transaction.

    Call it whenever a post's text or publication time changes: the index keeps both."""
    backend = _backend()  # one look at the index's layout for both steps
    backend.remove(post.id)
    if rows := _rows([post]):
        backend.insert(rows)


def index_posts(posts) -> None:
    index_rows(_rows(posts))


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


def index_rows(rows) -> None:
    """Add rows to the index in one statement: dicts of post_id, published_at (the post's),
    position (the part's place in what `parts_of` gives), part, content and terms (what
    `index_terms(content)` gives). Bulk loaders (blog.demo) make them without the ORM."""
    rows = list(rows)
    if rows:
        _backend().insert(rows)


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
