"""The owner owns the data: export → import → export is identical; Markdown zip; backup."""

import errno
import io
import json
import os
import re
import sqlite3
import threading
import zipfile
from contextlib import contextmanager
from datetime import timedelta

import pytest
from lxml import html
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from blog.comments.moderation import owner_reply
from blog.extensions import db
from blog.media import library, names, processing
from blog.media.store import media_store
from blog.models import (
    Comment,
    Commentary,
    CommentStatus,
    DiaryEntry,
    Owner,
    Photo,
    Post,
    PostPhoto,
    Visibility,
    utcnow,
)
from blog.portability import backup, export, import_json
from blog.posts import saving
from blog.site_settings import save_settings

from . import photos as samples
from .conftest import empty_database, make_app
from .markup import flashes, text_of


def fill_site() -> None:
    """Every kind of data: Korean text, blocks, tags, comments and a reply, revisions,
    a draft, a trashed post, settings."""
    diary = DiaryEntry()
    diary.title = "필라테스 일기"
    diary.body = "몸무게를 쟀다.\n\n**식단**도 해야지.."
    diary.weight_kg, diary.exercise_kind, diary.exercise_minutes = 63.7, "필라테스", 50
    diary.meals = "그릭요거트\n연어 포케"
    diary.set_tags(["운동", "식단"])
    diary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(days=3))
    saving.save(diary)  # its new tags exist before the next post looks them up
    commentary = Commentary()
    commentary.title = "Microsoft, Meta CEOs defend hefty AI spending"
    commentary.outlet, commentary.source_url = "Reuters", "https://www.reuters.com/x"
    commentary.lead = "Days after Chinese upstart DeepSeek revealed a breakthrough…"
    commentary.replace_blocks(
        [
            {
                "quote": "Too much capital expenditure.",
                "translation": "자본 지출이 너무 많다.",
                "opinion": "*맞는 말*이다.",
            },
            {"quote": "Second quote."},
        ]
    )
    commentary.closing = "끝."
    commentary.body = "기사를 요약하자면 …"
    commentary.set_tags(["AI", "운동"])
    commentary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(days=1))
    saving.save(commentary)
    draft = DiaryEntry()
    draft.body = "아직 쓰는 중"
    draft.set_publication(Visibility.DRAFT, None)
    saving.save(draft)
    trashed = DiaryEntry()
    trashed.body = "지운 글"
    trashed.set_publication(Visibility.PRIVATE, utcnow())
    saving.save(trashed)
    saving.trash(trashed)
    commentary.replace_blocks(
        [
            {"block_id": commentary.blocks[0].id, "quote": "Edited."},
            {"block_id": commentary.blocks[1].id, "quote": "Second quote."},
        ]
    )
    saving.save(commentary)
    comment = Comment(
        post=commentary,
        block=commentary.blocks[1],
        name="독자",
        secret=True,
        status=CommentStatus.APPROVED,
        address_hash="20261129:abc",
    )
    comment.set_body("좋은 글 https://example.com/글")
    spam = Comment(post=diary, name="bot", status=CommentStatus.SPAM)
    spam.set_body("casino")
    db.session.add_all([comment, spam])
    db.session.flush()
    owner_reply(comment, "owner", "고맙습니다")
    save_settings({"blocked_words": "광고\n도박", "comment_max_links": "3"})
    db.session.commit()


def without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_export_import_export_is_identical(app, owner):
    with app.app_context():
        fill_site()
        first = export.export_document()
        text = json.dumps(first, ensure_ascii=False)
        assert "password" not in text and "address_hash" not in text
        empty_database()
        db.create_all()
        assert import_json.import_document(json.loads(text)) == 4
        db.session.commit()
        second = export.export_document()
    assert without_time(second) == {**without_time(first), "owner": None}


def test_import_keeps_ids_urls_and_renders_again(app, client):
    with app.app_context():
        fill_site()
        document = export.export_document()
        commentary_id = db.session.scalar(db.select(Commentary.id))
        empty_database()
        db.create_all()
        import_json.import_document(document)
        db.session.commit()
        # new rows continue after the imported ids
        entry = DiaryEntry()
        entry.body = "새 글"
        entry.set_publication(Visibility.DRAFT, None)
        saving.save(entry)
        db.session.commit()
        assert entry.id == 5
    page = client.get(f"/commentary/{commentary_id}-microsoft-meta-ceos-defend-hefty-ai-spending")
    assert page.status_code == 200 and "<em>맞는 말</em>" not in page.text  # edited away
    assert "Edited." in page.text
    assert "필라테스 일기" in client.get("/search?q=몸무게").text


def test_import_is_refused_into_a_site_with_posts(app):
    with app.app_context():
        fill_site()
        document = export.export_document()
        with pytest.raises(import_json.ImportRefused, match="already has posts"):
            import_json.import_document(document)
        with pytest.raises(import_json.ImportRefused, match="not an export"):
            import_json.import_document({"posts": []})


def test_markdown_zip_has_one_file_per_post_with_front_matter(app):
    with app.app_context():
        fill_site()
        archive = zipfile.ZipFile(io.BytesIO(export.markdown_zip()))
    names = sorted(archive.namelist())
    assert len(names) == 3  # the trashed post stays out
    commentary = archive.read(next(n for n in names if n.startswith("commentary/"))).decode()
    assert commentary.startswith('---\ntitle: "Microsoft, Meta CEOs')
    assert "> Edited." in commentary and "## 요약" in commentary
    diary = archive.read(next(n for n in names if "필라테스" in n)).decode()
    assert 'tags: ["운동", "식단"]' in diary and "몸무게를 쟀다." in diary
    # The owner's file carries the day's numbers; an entry without them lists none.
    assert 'weight_kg: 63.7\nexercise_kind: "필라테스"\nexercise_minutes: 50\n' in diary
    assert 'meals: "그릭요거트\\n연어 포케"\n' in diary
    draft = archive.read(next(n for n in names if "아직" in n)).decode()
    assert "weight_kg" not in draft and "metrics_public" not in draft


def test_owner_downloads_exports(app, client, auth):
    with app.app_context():
        fill_site()
    auth.login()
    assert "JSON" in client.get("/admin/export").text
    response = client.get("/admin/export/site.json")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="blog-')
    assert response.json["format"] == "blog-export" and len(response.json["posts"]) == 4
    assert client.get("/admin/export/markdown.zip").mimetype == "application/zip"
    client.post("/logout")
    assert client.get("/admin/export/site.json").status_code == 302


def test_backup_while_the_site_writes(app, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            with pytest.raises(backup.BackupRefused, match="pg_dump"):
                backup.backup_sqlite(str(tmp_path / "x.sqlite3"))
            return
    with app.app_context():
        fill_site()
    stop, started = threading.Event(), threading.Event()

    def keep_writing():
        with app.app_context():
            for written in range(10_000):
                if stop.is_set():
                    break
                if written == 5:
                    started.set()
                entry = DiaryEntry()
                entry.body = "쓰는 중"
                entry.set_publication(Visibility.DRAFT, None)
                saving.save(entry)
                db.session.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    started.wait(timeout=30)
    try:
        with app.app_context():
            path = tmp_path / "backup.sqlite3"
            backup.backup_sqlite(str(path))
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT COUNT(*) FROM post").fetchone()[0]
    copy.close()
    with app.app_context():
        assert 4 + 5 <= copied <= db.session.scalar(db.select(db.func.count()).select_from(Post))


def test_restoring_a_revision_survives_export(app):
    with app.app_context():
        fill_site()
        commentary = db.session.scalar(db.select(Commentary))
        first = min(commentary.revisions, key=lambda r: r.version)
        saving.restore_revision(commentary, first)
        db.session.commit()
        exported = export.export_document()
    data = next(p for p in exported["posts"] if p["kind"] == "commentary")
    assert [r["version"] for r in data["revisions"]] == [1, 2, 3]
    assert data["blocks"][0]["quote"] == "Too much capital expenditure."
    assert Owner  # the owner row is never exported beyond its name


def test_commands_export_import_and_backup(app, runner, tmp_path):
    with app.app_context():
        fill_site()
    path = tmp_path / "site.json"
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0 and "Exported 4 posts" in result.output
    refused = runner.invoke(args=["import", str(path)])
    assert refused.exit_code != 0 and "already has posts" in refused.output
    with app.app_context():
        empty_database()
        db.create_all()
    imported = runner.invoke(args=["import", str(path)])
    assert imported.exit_code == 0 and "Imported 4 posts." in imported.output
    assert "set-owner" in imported.output
    again = tmp_path / "again.json"
    runner.invoke(args=["export", str(again)])
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (path, again))
    assert without_time(second) == {**without_time(first), "owner": None}
    backup = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    assert (backup.exit_code == 0) == sqlite
    assert ("Backed up" if sqlite else "pg_dump") in backup.output


def test_import_text_command_is_registered(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("오늘은 필라테스를 했다.\n", encoding="utf-8")
    result = runner.invoke(args=["import-text", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(Post.visibility)) == Visibility.DRAFT


def exported_site(app) -> dict:
    """The export of fill_site's data, then an empty site to import it into."""
    with app.app_context():
        fill_site()
        document = export.export_document()
        empty_database()
        db.create_all()
    return document


def first_post(document: dict, kind: str) -> dict:
    return next(post for post in document["posts"] if post["kind"] == kind)


def hostile_url(document):
    first_post(document, "commentary")["source_url"] = "javascript:alert(document.cookie)"


def climbing_slug(document):
    first_post(document, "diary")["slug"] = "../../../../tmp/x"


def unknown_visibility(document):
    first_post(document, "diary")["visibility"] = "everyone"


def overlong_title(document):
    first_post(document, "commentary")["title"] = "x" * 301


def title_not_text(document):
    first_post(document, "diary")["title"] = ["필라테스"]


def hostile_revision(document):
    first_post(document, "commentary")["revisions"][0]["data"]["source_url"] = "javascript:x"


def weight_as_text(document):
    first_post(document, "diary")["weight_kg"] = "63.7 kg"


def weight_out_of_range(document):
    first_post(document, "diary")["weight_kg"] = 637


def shown_to_readers_as_text(document):
    first_post(document, "diary")["metrics_public"] = "yes"


def naive_time(document):
    first_post(document, "diary")["created_at"] = "2026-01-01T09:00:00"


@pytest.mark.parametrize(
    "spoil, named",
    [
        (hostile_url, "Article address (URL)"),
        (climbing_slug, "slug"),
        (unknown_visibility, "Visibility"),
        (overlong_title, "Headline"),
        (title_not_text, "title"),
        (hostile_revision, "revision 1"),
        (naive_time, "created_at"),
        (weight_as_text, "weight_kg"),
        (weight_out_of_range, "Weight (kg)"),
        (shown_to_readers_as_text, "metrics_public"),
    ],
)
def test_import_refuses_what_the_editor_refuses(app, runner, tmp_path, spoil, named):
    document = exported_site(app)
    spoil(document)
    path = tmp_path / "site.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith("Error: Nothing was imported: post ")
    assert named in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_import_cleans_like_the_editor(app, client):
    document = exported_site(app)
    diary = first_post(document, "diary")
    diary["title"] = "필라테스\x0b 일기\x1b "
    diary["published_at"] = None  # public: the editor's blank time means now
    with app.app_context():
        import_json.import_document(document)
        db.session.commit()
        entry = db.session.get(DiaryEntry, diary["id"])
        assert entry.title == "필라테스 일기" and entry.published_at is not None
    assert client.get("/feed.xml").status_code == 200
    assert client.get(f"/diary/{diary['id']}-{diary['slug']}").status_code == 200


def test_markdown_zip_names_never_leave_their_folder(app):
    with app.app_context():
        fill_site()
        entry = db.session.scalar(db.select(DiaryEntry).where(DiaryEntry.title != ""))
        entry.slug = "../../../../tmp/x"  # stored before imports were checked
        db.session.commit()
        names = zipfile.ZipFile(io.BytesIO(export.markdown_zip())).namelist()
    assert all(".." not in name and name.count("/") == 1 for name in names), names


def test_export_reads_one_snapshot_while_a_save_commits(app, runner, tmp_path):
    """A save committed between the export's reads (here: after it read the posts, before
    it read a commentary's blocks) is either wholly in the export or wholly out."""
    with app.app_context():
        fill_site()
        commentary = db.session.scalar(db.select(Commentary))
        commentary_id, version = commentary.id, commentary.version
        block_id, quote = commentary.blocks[0].id, commentary.blocks[0].quote
        engine = db.engine
    saved = []

    def save_elsewhere(conn, cursor, statement, *args):
        if saved or not re.search(r"FROM block\s+WHERE", statement):
            return
        saved.append(True)
        with engine.begin() as other:  # another connection: a save from a request
            other.execute(
                text("UPDATE block SET quote = 'Later.' WHERE id = :id"), {"id": block_id}
            )
            other.execute(
                text("UPDATE post SET version = version + 1 WHERE id = :id"), {"id": commentary_id}
            )

    event.listen(engine, "before_cursor_execute", save_elsewhere)
    try:
        result = runner.invoke(args=["export", str(tmp_path / "site.json")])
    finally:
        event.remove(engine, "before_cursor_execute", save_elsewhere)
    assert result.exit_code == 0 and saved
    exported = json.loads((tmp_path / "site.json").read_text(encoding="utf-8"))
    post = next(p for p in exported["posts"] if p["id"] == commentary_id)
    assert (post["version"], post["blocks"][0]["quote"]) == (version, quote)


def _full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_export_on_a_full_disk_keeps_the_previous_export(app, runner, tmp_path, monkeypatch):
    with app.app_context():
        fill_site()
    path = tmp_path / "site.json"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    good = path.read_bytes()

    def dump_until_full(document, target, **options):
        target.write('{"format": "blog-export", "posts": [')
        raise _full_disk()

    monkeypatch.setattr(json, "dump", dump_until_full)
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Nothing was exported") and "No space" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == good
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_backup_on_a_full_disk_keeps_the_previous_backup(app, runner, tmp_path, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("backup copies SQLite databases")
        fill_site()
    path = tmp_path / "copy.sqlite3"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    good = path.read_bytes()
    connect = sqlite3.connect

    def small_disk(target, *args, **kwargs):
        connection = connect(target, *args, **kwargs)
        connection.execute("PRAGMA max_page_count = 2")  # SQLite's own "disk is full"
        return connection

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No backup was written") and "full" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == good
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def _duplicate_post_id(document):
    document["posts"][1]["id"] = document["posts"][0]["id"]


def _duplicate_block_id(document):
    blocks = first_post(document, "commentary")["blocks"]
    blocks[1]["id"] = blocks[0]["id"]


def _unknown_kind(document):
    document["posts"][0]["kind"] = "photo"


def _posts_not_a_list(document):
    document["posts"] = "x"


def _reply_to_nothing(document):
    first_post(document, "commentary")["comments"][0]["parent_id"] = 999


@pytest.mark.parametrize(
    "spoil, said",
    [
        (lambda document: [document], "not an export"),
        (_posts_not_a_list, '"posts" is not a list'),
        (_duplicate_post_id, "appears twice"),
        (_duplicate_block_id, "block id"),
        (_unknown_kind, "kind 'photo'"),
        (_reply_to_nothing, "comment 999"),
    ],
)
def test_import_refuses_a_bad_document_in_one_line(app, runner, tmp_path, spoil, said):
    document = exported_site(app)
    document = spoil(document) or document
    path = tmp_path / "site.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit), result.output
    assert result.output.startswith("Error: Nothing was imported: ") and said in result.output
    assert len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


@pytest.mark.parametrize(
    "content, said",
    [(None, "No such file"), (b'{"format": ', "Expecting value"), (b"\xff\xfe", "codec")],
)
def test_import_refuses_an_unreadable_file_in_one_line(app, runner, tmp_path, content, said):
    path = tmp_path / "site.json"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and said in result.output
    assert result.output.startswith("Error: Nothing was imported: ")
    assert len(result.output.strip().splitlines()) == 1


def test_import_on_a_full_disk_imports_nothing(app, runner, tmp_path):
    document = exported_site(app)
    path = tmp_path / "site.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    def disk_full(connection):
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", disk_full)
    try:
        result = runner.invoke(args=["import", str(path)])
    finally:
        event.remove(engine, "commit", disk_full)
    assert result.exit_code == 1 and "disk is full" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


# --- photos in the owner's data -----------------------------------------------------------------


def fill_photos() -> dict[str, Photo]:
    """Three photos: one a diary entry shows, one it showed before an edit, one never shown."""
    shown = library.add_photo(samples.phone_jpeg(1200, 900))
    dropped = library.add_photo(samples.png(800, 600))
    never = library.add_photo(samples.png(300, 200, mode="RGBA"))
    entry = DiaryEntry()
    entry.title = "사진 일기"
    entry.body = f'![창밖]({shown.name.address})\n\n![노을]({dropped.name.address} "반포")'
    entry.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=2))
    saving.save(entry)
    db.session.commit()
    entry.body = f"![창밖]({shown.name.address})"
    saving.save(entry)
    db.session.commit()
    return {"shown": shown, "dropped": dropped, "never": never}


def fetched(client, address: str) -> tuple[int, bytes]:
    """GET `address`: its status and body, the file behind it closed."""
    response = client.get(address)
    data = response.get_data()
    response.close()
    return response.status_code, data


def every_photo_file(app) -> dict[str, bytes]:
    """Every address of every photo as readers get it, and every original as the store has it."""
    files = {}
    client = app.test_client()
    with app.app_context():
        photos = db.session.scalars(db.select(Photo)).all()
        store = media_store()
        for photo in photos:
            for name in library.served_files(photo):
                files[f"/media/{name}"] = fetched(client, f"/media/{name}")
            files[photo.name.address] = fetched(client, photo.name.address)
            original = names.original_name(photo.digest, photo.original_extension)
            files[original] = store.read(original)
    return files


@contextmanager
def another_site(tmp_path):
    """A second, empty site: its own instance folder and media folder (and, on SQLite, its
    own database; on PostgreSQL the same one, emptied)."""
    other = make_app(tmp_path / "other")
    with other.app_context():
        empty_database()
        db.create_all()
    try:
        yield other
    finally:
        with other.app_context():
            empty_database()
            db.engine.dispose()


def site_zip_entries(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_document_lists_every_photo(app):
    with app.app_context():
        photos = fill_photos()
        document = export.export_document()
        entry_id = db.session.scalar(db.select(DiaryEntry.id))
        listed = {photo["digest"]: photo for photo in document["photos"]}
        assert set(listed) == {photo.digest for photo in photos.values()}
        dropped = listed[photos["dropped"].digest]
        assert dropped == {
            "digest": photos["dropped"].digest,
            "width": 800,
            "height": 600,
            "original_extension": "png",
            "original_bytes": len(samples.png(800, 600)),
            "created_at": photos["dropped"].created_at.isoformat(),
            "unused_since": photos["dropped"].unused_since.isoformat(),
            "last_post_id": entry_id,
        }
        assert listed[photos["shown"].digest]["unused_since"] is None
        assert listed[photos["never"].digest]["last_post_id"] is None


def zipped_originals(photos) -> dict[str, bytes]:
    """Each photo's original as the zip export names it, with its stored bytes."""
    return {
        f"media/originals/{photo.digest}.{photo.original_extension}": media_store().read(
            names.original_name(photo.digest, photo.original_extension)
        )
        for photo in photos
    }


def test_export_zip_holds_the_document_and_every_original(app, runner, tmp_path):
    with app.app_context():
        fill_site()
        photos = fill_photos()
        originals = zipped_originals(photos.values())
        document = export.export_document()
    path = tmp_path / "site.zip"
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0, result.output
    assert "Exported 5 posts and 3 photos (" in result.output
    entries = site_zip_entries(path)
    assert set(entries) == {"site.json", *originals}
    assert all(entries[name] == data for name, data in originals.items())
    assert without_time(json.loads(entries["site.json"])) == without_time(document)


def test_a_json_export_says_which_photo_files_it_leaves_out(app, runner, tmp_path):
    with app.app_context():
        fill_photos()
        size = db.session.scalar(db.select(db.func.sum(Photo.original_bytes)))
    path = tmp_path / "site.json"
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0
    assert f"3 photos ({size / 1_000_000:.1f} MB)" in result.output
    assert "export site.zip" in result.output
    assert len(json.loads(path.read_text(encoding="utf-8"))["photos"]) == 3


def test_the_zip_export_is_made_in_pieces_of_at_most_one_chunk(app, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_BYTES", 4096)
    with app.app_context():
        photos = fill_photos()
        largest = max(photo.original_bytes for photo in photos.values())
        assert largest > 3 * 4096
        pieces = list(export.site_zip(export.export_document()))
    # Zip headers and the document come on top of a chunk, but never a whole photo at once.
    assert max(len(piece) for piece in pieces[1:]) < 4096 + 200
    assert len(pieces) > largest // 4096
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as archive:
        assert archive.testzip() is None and len(archive.namelist()) == 4


def test_the_zip_export_refuses_when_an_original_file_is_gone(app, runner, tmp_path):
    with app.app_context():
        photos = fill_photos()
        lost = photos["never"].digest
        media_store().delete(names.original_name(lost, photos["never"].original_extension))
    result = runner.invoke(args=["export", str(tmp_path / "site.zip")])
    assert result.exit_code == 1 and lost in result.output
    assert result.output.startswith("Error: Nothing was exported")
    assert not list(tmp_path.glob("*.zip"))


def test_a_site_zip_brings_back_every_photo_byte_for_byte(app, runner, tmp_path):
    with app.app_context():
        fill_site()
        fill_photos()
        first = export.export_document()
    before = every_photo_file(app)
    # Each photo's original, address, and variants: 2 widths each of 900 × 1200 and
    # 800 × 600, 1 of 300 × 200, in WebP and JPEG.
    assert len(before) == 3 + 3 + (2 + 2 + 1) * 2
    assert all(status == 200 for status, _ in (v for v in before.values() if isinstance(v, tuple)))
    path = tmp_path / "site.zip"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    with app.app_context():
        db.engine.dispose()
    with another_site(tmp_path) as fresh:
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
        assert "Imported 5 posts and 3 photos." in result.output
        assert every_photo_file(fresh) == before
        with fresh.app_context():
            again = export.export_document()
            entry = db.session.scalar(db.select(DiaryEntry).where(DiaryEntry.title == "사진 일기"))
            shown = db.session.scalar(db.select(PostPhoto.photo_id))
            assert entry.cover_photo != "" and shown is not None
            unused = db.session.scalars(db.select(Photo).where(Photo.unused_since.is_not(None)))
            assert {photo.digest for photo in unused} == {
                item["digest"] for item in first["photos"][1:]
            }
    assert without_time(again) == {**without_time(first), "owner": None}


def a_site_zip(app, tmp_path) -> tuple[dict[str, bytes], dict]:
    """The zip export of a site with posts and photos, as entries, and its document."""
    with app.app_context():
        fill_site()
        fill_photos()
    path = tmp_path / "site.zip"
    assert app.test_cli_runner().invoke(args=["export", str(path)]).exit_code == 0
    entries = site_zip_entries(path)
    with app.app_context():
        db.engine.dispose()
    return entries, json.loads(entries["site.json"])


def written_zip(path, entries: dict[str, bytes], **options):
    with zipfile.ZipFile(path, "w", **options) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def originals_of(entries):
    return sorted(name for name in entries if name.startswith("media/"))


def _climbing_name(entries, document):
    entries["media/originals/../../../instance/config.py"] = b"SECRET_KEY = 'x'"


def _absolute_name(entries, document):
    entries["/etc/cron.d/x"] = b"* * * * * root sh"


def _another_folder(entries, document):
    entries["media/480/x.webp"] = b"RIFF"


def _file_swapped(entries, document):
    first, second = originals_of(entries)[:2]
    entries[second] = entries[first]


def _file_missing(entries, document):
    del entries[originals_of(entries)[0]]


def _file_not_listed(entries, document):
    document["photos"].pop()


def _no_document(entries, document):
    del entries["site.json"]


def _document_not_json(entries, document):
    entries["site.json"] = b'{"format": '


def _not_a_photo(entries, document):
    notes = b"just some notes, not a photo\n" * 20
    digest = processing.digest_of(notes)
    item = document["photos"][-1]  # the others are stored already: their files go again
    del entries[f"media/originals/{item['digest']}.{item['original_extension']}"]
    entries[f"media/originals/{digest}.jpg"] = notes
    item.update(digest=digest, original_extension="jpg", original_bytes=len(notes))


def _another_size(entries, document):
    document["photos"][0]["width"] += 1


def _last_post_unknown(entries, document):
    document["photos"][-1]["last_post_id"] = 999


@pytest.mark.parametrize(
    "spoil, said",
    [
        (_climbing_name, "is not a file of a zip export"),
        (_absolute_name, '"/etc/cron.d/x" is not a file'),
        (_another_folder, "is not a file of a zip export"),
        (_file_swapped, "SHA-256"),
        (_file_missing, "is missing from the zip"),
        (_file_not_listed, "is not a photo site.json lists"),
        (_no_document, "no site.json"),
        (_document_not_json, "site.json: Expecting value"),
        (_not_a_photo, str(processing.NOT_AN_IMAGE)),
        (_another_size, "is a 900x1200 jpg photo, not 901x1200 jpg as the document says"),
        (_last_post_unknown, "last_post_id 999"),
    ],
)
def test_import_refuses_a_bad_site_zip_and_adds_nothing(app, tmp_path, spoil, said):
    entries, document = a_site_zip(app, tmp_path)
    exported = entries["site.json"]
    spoil(entries, document)
    if entries.get("site.json") == exported:  # the spoiled document, unless site.json itself is
        entries["site.json"] = json.dumps(document, ensure_ascii=False).encode()
    path = written_zip(tmp_path / "spoiled.zip", entries)
    with another_site(tmp_path) as fresh:
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: Nothing was imported: ") and said in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        with fresh.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0
            assert db.session.scalar(db.select(db.func.count()).select_from(Photo)) == 0
            assert list(media_store().names()) == []


def test_import_refuses_a_photo_over_the_limit_before_reading_it(app, tmp_path, monkeypatch):
    entries, document = a_site_zip(app, tmp_path)
    path = written_zip(tmp_path / "site.zip", entries)
    largest = max(item["original_bytes"] for item in document["photos"])
    read, read_entry = [], import_json._read_entry

    def recorded(archive, info, limit):
        read.append(info.filename)
        return read_entry(archive, info, limit)

    monkeypatch.setattr(import_json, "_read_entry", recorded)
    with another_site(tmp_path) as fresh:
        fresh.config["MEDIA_MAX_BYTES"] = largest - 1
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 1 and f"over the limit of {largest - 1} bytes" in result.output
    assert read == ["site.json"]  # no photo


def test_import_refuses_a_zip_bomb_by_the_sizes_it_claims(app, tmp_path):
    entries, document = a_site_zip(app, tmp_path)
    zeros = b"\0" * 5_000_000  # a valid-looking name, 5 MB claimed, 5 kB in the zip
    digest = processing.digest_of(zeros)
    entries[f"media/originals/{digest}.png"] = zeros
    document["photos"].append(
        {**document["photos"][0], "digest": digest, "original_extension": "png"}
    )
    entries["site.json"] = json.dumps(document).encode()
    path = written_zip(tmp_path / "bomb.zip", entries, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 200_000
    with another_site(tmp_path) as fresh:
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
        assert result.exit_code == 1 and "zip bomb" in result.output
        with fresh.app_context():
            assert list(media_store().names()) == []


def test_import_reads_a_file_only_within_its_limit(app, tmp_path, monkeypatch):
    entries, document = a_site_zip(app, tmp_path)
    monkeypatch.setattr(import_json, "DOCUMENT_MAX_BYTES", 1000)
    path = written_zip(tmp_path / "site.zip", entries)
    with another_site(tmp_path) as fresh:
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "site.json is over the limit of 1000 bytes" in result.output
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("site.json")
        with pytest.raises(import_json.ImportRefused, match="site.json: over the limit of 5 "):
            import_json._read_entry(archive, info, 5)
        info.file_size = 10  # a header that lies about the size is refused too
        with pytest.raises(import_json.ImportRefused, match="site.json cannot be read"):
            import_json._read_entry(archive, info, 1000)


def test_a_json_import_with_photos_imports_the_posts_and_names_the_missing_photos(
    app, runner, tmp_path
):
    with app.app_context():
        fill_photos()
        digests = [photo["digest"] for photo in export.export_document()["photos"]]
    path = tmp_path / "site.json"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    with another_site(tmp_path) as fresh:
        result = fresh.test_cli_runner().invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
        assert "Imported 1 posts." in result.output
        assert f"Not imported: the 3 photos the document lists ({', '.join(digests)})" in (
            result.output
        )
        with fresh.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Photo)) == 0
            assert db.session.scalar(db.select(DiaryEntry.cover_photo)) == ""


def test_backup_copies_the_media_folder_beside_it_then_only_new_files(app, runner, tmp_path):
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        first = library.add_photo(samples.png(800, 600))
        db.session.commit()
        folder = media_store().describe()
        first_files = library.all_files(first)
    path = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(path)])
    if not sqlite:
        assert result.exit_code == 1 and "pg_dump" in result.output and folder in result.output
        return
    assert result.exit_code == 0, result.output
    copy = tmp_path / "backup.sqlite3.media"
    assert "copied 5 new files" in result.output
    assert folder in result.output and f"{copy}/" in result.output
    with app.app_context():
        store = media_store()
        assert {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()} == set(
            first_files
        )
        assert all((copy / name).read_bytes() == store.read(name) for name in first_files)
        second = library.add_photo(samples.png(300, 200))
        db.session.commit()
        second_files = library.all_files(second)
    kept = {name: (copy / name).stat().st_ino for name in first_files}
    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code == 0 and "copied 3 new files" in again.output
    assert "(5 were there from an earlier backup)" in again.output
    assert {name: (copy / name).stat().st_ino for name in first_files} == kept
    assert all((copy / name).is_file() for name in second_files)
    with sqlite3.connect(path) as backed_up:
        assert backed_up.execute("SELECT COUNT(*) FROM photo").fetchone() == (2,)
    backed_up.close()


def test_backup_copies_the_files_of_a_photo_uploaded_while_it_runs(app, tmp_path, monkeypatch):
    """A photo uploaded after the first copy of the files, before the database's snapshot:
    the copy of the database names it, so its files are in the backup too."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("backup copies SQLite databases")
    copy_database, uploaded = backup._copy_database, []

    def upload_first(source, target):
        with app.app_context():
            uploaded.extend(library.all_files(library.add_photo(samples.png(300, 200))))
            db.session.commit()
        copy_database(source, target)

    monkeypatch.setattr(backup, "_copy_database", upload_first)
    path = tmp_path / "backup.sqlite3"
    with app.app_context():
        backup.backup_site(str(path))
    with sqlite3.connect(path) as backed_up:
        assert backed_up.execute("SELECT COUNT(*) FROM photo").fetchone() == (1,)
    backed_up.close()
    assert uploaded and all((tmp_path / "backup.sqlite3.media" / n).is_file() for n in uploaded)


def test_the_owner_downloads_everything_with_the_photos_as_one_streamed_zip(app, client, auth):
    with app.app_context():
        fill_site()
        photos = fill_photos()
        originals = zipped_originals(photos.values())
        size = sum(len(data) for data in originals.values())
    auth.login()
    page = client.get("/admin/export").text
    assert re.findall(r"\d+(?:\.\d+)?", text_of(page, "photo-totals")) == [
        "3",
        f"{size / 1_000_000:.1f}",
    ]
    assert html.fromstring(page).xpath("//a[contains(@class, 'button--primary')]/@href") == [
        "/admin/export/site.zip"
    ]
    response = client.get("/admin/export/site.zip")
    assert response.status_code == 200 and response.is_streamed
    assert (
        response.mimetype == "application/zip" and response.headers["Cache-Control"] == "no-store"
    )
    assert re.fullmatch(
        r'attachment; filename="blog-site-\d{8}-\d{4}\.zip"',
        response.headers["Content-Disposition"],
    )
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert set(archive.namelist()) == {"site.json", *originals}
        assert all(archive.read(name) == data for name, data in originals.items())
        assert len(json.loads(archive.read("site.json"))["posts"]) == 5
    client.post("/logout")
    assert client.get("/admin/export/site.zip").status_code == 302


def test_the_zip_download_says_which_photo_files_are_gone(app, client, auth):
    with app.app_context():
        photo = fill_photos()["never"]
        lost = photo.digest
        media_store().delete(names.original_name(lost, photo.original_extension))
    auth.login()
    response = client.get("/admin/export/site.zip")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/export"
    page = client.get("/admin/export").text
    assert flashes(page) == ["error"] and lost in page
