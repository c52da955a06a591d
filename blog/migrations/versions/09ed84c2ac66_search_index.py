"""search index

Revision ID: 09ed84c2ac66
Revises: 940341083f8e
Create Date: 2026-11-29 15:44:02.564525

Frozen: the index's tables and the tokenizer are copied here as blog/search.py had them when
this revision was written (commit 10f16d7), so the migration does what it did then whatever
the application's search code becomes. The rows it writes are in that first layout;
revision 6f3a9d2c1b7e rebuilds them in the current one.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '09ed84c2ac66'
down_revision = '940341083f8e'
branch_labels = None
depends_on = None


# Runs of Hangul (syllables and jamo) or of other letters and digits.
_HANGUL_RANGES = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_RUNS = re.compile(f"[{_HANGUL_RANGES}]+|[^\\W_{_HANGUL_RANGES}]+")
_HANGUL = re.compile(f"[{_HANGUL_RANGES}]")


def index_terms(value):
    """Hangul runs as their overlapping syllable pairs, other words as they are."""
    terms = []
    for run in _RUNS.findall(unicodedata.normalize("NFKC", value).casefold()):
        if _HANGUL.match(run):
            terms += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        else:
            terms.append(run)
    return " ".join(terms)


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
            "terms, content UNINDEXED, post_id UNINDEXED, part UNINDEXED,"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
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
    _fill(connection)


def downgrade():
    connection = op.get_bind()
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")
    # While this script imported the application's search code, it also made the list of
    # indexed words on SQLite; a database upgraded then has it.
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index_words")


def _fill(connection):
    """Index the posts that exist already, from the tables as this revision knows them."""
    parts = []
    for post_id, kind, title, body in connection.execute(
        sa.text("SELECT id, kind, title, body FROM post")
    ):
        parts += [(post_id, "title", title), (post_id, "summary" if kind == "commentary" else "body", body)]
    for post_id, names in connection.execute(
        sa.text(
            "SELECT pt.post_id, t.name FROM post_tag pt JOIN tag t ON t.id = pt.tag_id"
        )
    ):
        parts.append((post_id, "tags", names))
    for post_id, lead, closing in connection.execute(
        sa.text("SELECT id, lead, closing FROM commentary")
    ):
        parts += [(post_id, "lead", lead), (post_id, "closing", closing)]
    for post_id, position, quote, translation, opinion in connection.execute(
        sa.text("SELECT commentary_id, position, quote, translation, opinion FROM block")
    ):
        number = position + 1
        parts += [
            (post_id, f"quote-{number}", quote),
            (post_id, f"translation-{number}", translation),
            (post_id, f"opinion-{number}", opinion),
        ]
    rows = [
        {"terms": index_terms(value), "content": value, "post_id": post_id, "part": part}
        for post_id, part, value in parts
        if value and value.strip()
    ]
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        insert = "INSERT INTO search_index (terms, content, post_id, part) VALUES (:terms, :content, :post_id, :part)"
    else:
        insert = (
            "INSERT INTO search_index (terms, content, post_id, part)"
            " VALUES (to_tsvector('simple', :terms), :content, :post_id, :part)"
        )
    connection.execute(sa.text(insert), rows)
