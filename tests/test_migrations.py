"""Schema changes go through migrations: upgrading from empty gives the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from blog.extensions import db
from blog.models import Commentary, DiaryEntry, Owner

from .conftest import empty_database


def search_index_excluded(name, type_, parent_names):
    return not (type_ == "table" and name.startswith("search_index"))


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
        db.session.execute(
            db.text(
                "INSERT INTO post (id, kind, title, slug, visibility, published_at, created_at,"
                " updated_at, version, body, body_html, excerpt, reading_minutes) VALUES"
                " (7, 'diary', '필라테스', '필라테스', 'public', '2025-01-30 12:00:00',"
                " '2025-01-30 12:00:00', '2025-01-30 12:00:00', 1, '몸무게를 쟀다',"
                " '<p>몸무게를 쟀다</p>', '몸무게를 쟀다', 1)"
            )
        )
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
            "INSERT INTO post (id, kind, title, slug, visibility, published_at, created_at,"
            " updated_at, version, body, body_html, excerpt, reading_minutes) VALUES"
            " (3, 'commentary', 'Headline', 'headline', 'public', '2025-01-30 12:00:00',"
            " '2025-01-30 12:00:00', '2025-01-30 12:00:00', 1, '요약', '<p>요약</p>', '요약', 1)",
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
