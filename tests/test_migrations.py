"""Schema changes go through migrations: upgrading from empty gives the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from blog.extensions import db
from blog.models import DiaryEntry


def test_upgrade_from_empty_matches_the_models(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
            assert tables <= {"alembic_version"}


def test_commentary_migration_keeps_the_diary(app):
    with app.app_context():
        db.drop_all()
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
