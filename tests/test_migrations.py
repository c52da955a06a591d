"""Schema changes go through migrations: upgrading from empty gives the models' schema."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from blog import search
from blog.extensions import db
from blog.models import Commentary, DiaryEntry, KeyExpression, Owner, Visibility

from .conftest import empty_database


def search_index_excluded(name, type_, parent_names):
    return not (type_ == "table" and name.startswith("search_index"))


def public_post(number: int, kind: str, title: str, body: str) -> str:
    """An INSERT of a public post, in the columns every revision of the schema has."""
    return (
        "INSERT INTO post (id, kind, title, slug, visibility, published_at, created_at,"
        " updated_at, version, body, body_html, excerpt, reading_minutes) VALUES"
        f" ({number}, '{kind}', '{title}', '{title.casefold()}', 'public', '2025-01-30 12:00:00',"
        f" '2025-01-30 12:00:00', '2025-01-30 12:00:00', 1, '{body}', '<p>{body}</p>', '{body}', 1)"
    )


# SQLite's reflection cannot read an index of an expression (the metrics page's, on the time
# an entry is dated): there they are left out of the comparison, and the run on PostgreSQL
# compares them; test_metrics checks on both that the queries read them.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_from_empty_matches_the_models(app):
    with app.app_context():
        empty_database()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": search_index_excluded}
            )
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
            assert tables <= {"alembic_version"}


def test_commentary_migration_keeps_the_diary(app):
    with app.app_context():
        empty_database()
        upgrade(revision="98718dcf740b")  # the schema before the commentary section
        db.session.execute(db.text(public_post(7, "diary", "필라테스", "몸무게를 쟀다")))
        db.session.commit()
        upgrade()
        entry = db.session.get(DiaryEntry, 7)
        assert (entry.title, entry.body, entry.state) == ("필라테스", "몸무게를 쟀다", "public")
        db.session.remove()


def test_every_upgrade_keeps_commentaries_blocks_and_tags(app):
    """SQLite rebuilds a table to alter it; with foreign keys on, dropping the old `post`
    table would cascade into commentaries and blocks. Nothing may be lost."""
    with app.app_context():
        empty_database()
        upgrade(revision="b3185e15db59")  # commentary tables, before comments
        statements = [
            public_post(3, "commentary", "Headline", "요약"),
            "INSERT INTO commentary (id, outlet, source_url, author, lead, closing,"
            " closing_html) VALUES (3, 'Reuters', 'https://example.com/a', '', '', '', '')",
            "INSERT INTO block (id, commentary_id, position, quote, translation, opinion,"
            " opinion_html) VALUES (1, 3, 0, 'A quote.', '인용', '', '')",
            "INSERT INTO tag (id, name, key) VALUES (1, '영어', '영어')",
            "INSERT INTO post_tag (post_id, tag_id) VALUES (3, 1)",
        ]
        for statement in statements:
            db.session.execute(db.text(statement))
        db.session.commit()
        upgrade()
        commentary = db.session.get(Commentary, 3)
        assert commentary is not None and commentary.outlet == "Reuters"
        assert [block.quote for block in commentary.blocks] == ["A quote."]
        assert [tag.name for tag in commentary.tags] == ["영어"]
        assert commentary.comments_enabled is True
        db.session.remove()


def test_tag_order_migration_keeps_the_order_tags_were_shown_in(app):
    """Tags were shown by name; from this revision on in the order typed. Posts saved before
    it keep the order their readers saw."""
    with app.app_context():
        empty_database()
        upgrade(revision="6f3a9d2c1b7e")  # before tags had a position
        statements = [public_post(number, "diary", "일기", "본문") for number in (1, 2)]
        statements += [
            "INSERT INTO tag (id, name, key) VALUES (1, '필라테스', '필라테스'),"
            " (2, 'Diet', 'diet'), (3, '식단', '식단')",
            "INSERT INTO post_tag (post_id, tag_id) VALUES (1, 1), (1, 2), (1, 3), (2, 3), (2, 1)",
        ]
        for statement in statements:
            db.session.execute(db.text(statement))
        db.session.commit()
        upgrade()
        assert [tag.name for tag in db.session.get(DiaryEntry, 1).tags] == [
            "Diet",
            "식단",
            "필라테스",
        ]
        assert [tag.name for tag in db.session.get(DiaryEntry, 2).tags] == ["식단", "필라테스"]
        db.session.remove()


def test_key_expressions_migration_copies_what_the_glossary_reads(app):
    """Expressions saved before their copies existed get them from their posts and quotes:
    a public post's are shown to readers, a trashed one's to no one."""
    with app.app_context():
        empty_database()
        upgrade(revision="f18d3b8c5a72")  # before key expressions kept copies
        statements = [public_post(number, "commentary", "Headline", "요약") for number in (1, 2)]
        statements.append("UPDATE post SET deleted_at = '2025-02-01 09:00:00' WHERE id = 2")
        statements += [
            f"INSERT INTO commentary (id, outlet, source_url, author, lead, closing,"
            f" closing_html) VALUES ({number}, 'Reuters', 'https://example.com/a', '', '', '', '')"
            for number in (1, 2)
        ]
        statements += [
            "INSERT INTO block (id, commentary_id, position, quote, translation, opinion,"
            " opinion_html) VALUES (10, 1, 0, 'One.', '', '', ''), (11, 1, 1, 'A hefty sum.',"
            " '', '', ''), (20, 2, 0, 'An upstart.', '', '', '')",
            "INSERT INTO key_expression (id, block_id, position, expression, meaning) VALUES"
            " (1, 11, 0, 'hefty', '막대한'), (2, 20, 0, 'upstart', '신생 기업')",
        ]
        for statement in statements:
            db.session.execute(db.text(statement))
        db.session.commit()
        upgrade()
        copies = {
            row.expression: (row.post_id, row.block_position, row.visibility, row.deleted_at)
            for row in db.session.scalars(db.select(KeyExpression))
        }
        assert copies == {
            "hefty": (1, 1, Visibility.PUBLIC, None),
            "upstart": (2, 0, Visibility.PUBLIC, datetime(2025, 2, 1, 9, tzinfo=UTC)),
        }
        shown = db.select(KeyExpression.expression).where(KeyExpression.published())
        assert db.session.scalars(shown).all() == ["hefty"]
        db.session.remove()


def insert_owners(ids) -> None:
    for number in ids:
        db.session.execute(
            db.text(
                "INSERT INTO owner (id, username, password_hash, session_token, created_at)"
                " VALUES (:id, :name, 'x', :token, '2025-01-30 12:00:00')"
            ),
            {"id": number, "name": f"owner{number}", "token": f"token{number}"},
        )
    db.session.commit()


def test_one_owner_migration_gives_the_owner_the_fixed_id(app):
    with app.app_context():
        empty_database()
        upgrade(revision="bbcc0fdb8d66")  # before the one-row constraint
        insert_owners([5])
        upgrade()
        assert db.session.scalars(db.select(Owner.id)).all() == [1]
        db.session.remove()


def test_one_owner_migration_refuses_to_choose_between_two_owners(app, capfd):
    with app.app_context():
        empty_database()
        upgrade(revision="bbcc0fdb8d66")
        insert_owners([1, 2])
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade()
        assert "The owner table has 2 rows" in capfd.readouterr().err
        db.session.remove()
        assert db.session.scalar(db.select(db.func.count()).select_from(Owner)) == 2


MIGRATIONS = Path(__file__).resolve().parent.parent / "blog" / "migrations" / "versions"


def imported_modules(path: Path) -> list[str]:
    """Every module a script imports, relative imports with their leading dots."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("path", sorted(MIGRATIONS.glob("*.py")), ids=lambda path: path.name)
def test_migrations_import_nothing_from_the_application(path):
    """A migration runs the code it was written with, years later: application code it
    imported would have changed under it (the search index migration once did)."""
    application = [name for name in imported_modules(path) if name.split(".")[0] in ("blog", "")]
    assert application == []


def search_index_schema() -> list[tuple]:
    """The search index's tables, columns and indexes as the database describes them."""
    if db.engine.dialect.name == "sqlite":
        statement = (
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'search_index%'"
            " AND sql IS NOT NULL ORDER BY name"
        )
    else:
        statement = (
            "SELECT c.table_name || '.' || c.column_name, c.data_type || ' '"
            " || c.is_nullable || ' ' || coalesce(c.column_default, '')"
            " FROM information_schema.columns c WHERE c.table_name LIKE 'search_index%'"
            " UNION ALL SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename LIKE 'search_index%' ORDER BY 1"
        )
    return db.session.execute(db.text(statement)).all()


def test_upgrade_gives_the_search_index_the_application_creates(app):
    with app.app_context():
        created = search_index_schema()
        empty_database()
        upgrade()
        assert search_index_schema() == created
        db.session.remove()


def search_index_rows() -> list[tuple]:
    if db.engine.dialect.name == "sqlite":
        rows = "SELECT rowid, post_id, part, content, terms FROM search_index ORDER BY rowid"
        words = db.session.scalars(db.text("SELECT word FROM search_index_words")).all()
        return db.session.execute(db.text(rows)).all() + [tuple(sorted(words))]
    return db.session.execute(
        db.text(
            "SELECT id, post_id, part, content, CAST(terms AS TEXT) FROM search_index ORDER BY id"
        )
    ).all()


def insert_posts_before_the_search_index() -> None:
    """Two diary entries and a commentary, in the tables as revision 940341083f8e has them."""
    columns = (
        "INSERT INTO post (id, kind, title, slug, visibility, published_at, created_at,"
        " updated_at, version, body, body_html, excerpt, reading_minutes) VALUES"
    )
    statements = [
        f"{columns} (7, 'diary', '옛날 기록', 'old', 'public', '2025-01-28 12:00:00',"
        " '2025-01-28 12:00:00', '2025-01-28 12:00:00', 1, '식단 일기', '', '', 1)",
        f"{columns} (8, 'diary', '새 글', 'new', 'public', '2025-01-29 12:00:00',"
        " '2025-01-29 12:00:00', '2025-01-29 12:00:00', 1, '식단 기록. Spending grew.', '',"
        " '', 1)",
        f"{columns} (9, 'commentary', 'Capital expenditure', 'capital', 'public',"
        " '2025-01-27 12:00:00', '2025-01-27 12:00:00', '2025-01-27 12:00:00', 1, '요약', '',"
        " '', 1)",
        "INSERT INTO commentary (id, outlet, source_url, author, lead, closing,"
        " closing_html) VALUES (9, 'Reuters', 'https://example.com/a', '', '',"
        " '투자는 계속된다', '')",
        "INSERT INTO block (id, commentary_id, position, quote, translation, opinion,"
        " opinion_html) VALUES (1, 9, 0, 'Too much capital.', '자본 지출이 많다',"
        " '투자금액이 엄청났다', '')",
        "INSERT INTO tag (id, name, key) VALUES (1, '운동', '운동'), (2, '영어', '영어')",
        "INSERT INTO post_tag (post_id, tag_id) VALUES (8, 1), (8, 2)",
    ]
    for statement in statements:
        db.session.execute(db.text(statement))
    db.session.commit()


def test_search_index_migration_brings_older_rows_to_the_one_layout(app):
    """The search index migration filled the index in an older layout (on SQLite, row ids
    that do not carry the order and no term naming the post; on PostgreSQL, rows out of
    part order): a site upgraded from it is searchable in the one layout with no manual
    step."""
    with app.app_context():
        empty_database()
        upgrade(revision="940341083f8e")  # the schema before the search index
        insert_posts_before_the_search_index()
        upgrade(revision="5a1e0c7d2f3b")  # the index as its own migration filled it
        sqlite = db.engine.dialect.name == "sqlite"
        lowest_row = "SELECT min(rowid) FROM search_index" if sqlite else None
        if sqlite:
            assert db.session.scalar(db.text(lowest_row)) < 1 << 62  # the older layout
        db.session.remove()
        upgrade()
        results = search.search("식단", include_hidden=False)
        assert [(hit.post.id, hit.part) for hit in results.hits] == [(8, "body"), (7, "body")]
        assert search.search("옛날", include_hidden=False).hits[0].part == "title"
        assert [hit.post.id for hit in search.search("spend", include_hidden=False).hits] == [8]
        assert search.search("영어", include_hidden=False).hits[0].part == "tags"
        # The first part in the post's own order: the block before the closing.
        assert search.search("투자", include_hidden=False).hits[0].part == "opinion-1"
        if sqlite:
            assert db.session.scalar(db.text(lowest_row)) >= 1 << 62
        upgraded = search_index_rows()
        search.reindex()
        assert search_index_rows() == upgraded  # the very rows the application writes
        search.remove_post(7)
        assert search.search("식단", include_hidden=False).total == 1
        db.session.remove()
