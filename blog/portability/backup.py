"""A consistent SQLite backup while the site runs, with the media folder copied beside it, and
writing a file so that it is either whole or not there."""

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..extensions import db
from ..media.store import media_store


class BackupRefused(ValueError):
    """This database is not one the site can back up itself; the message says what to use."""


@dataclass
class MediaCopied:
    """What a backup did with the media folder's files."""

    folder: str
    copied: int = 0
    copied_bytes: int = 0
    already: int = 0  # there from an earlier backup


def media_folder_of(path: str) -> str:
    """Where a backup at `path` keeps the photos: beside it, `PATH.media/`."""
    return f"{path}.media"


def backup_site(path: str) -> MediaCopied:
    """The database (backup_sqlite) and the media store's files, copied into
    media_folder_of(path): only the files not there yet (a file's name is a hash of what it
    holds, so one there is the same file). Files are copied before the database's snapshot
    (a photo deleted meanwhile is in the copy) and again after it (a photo uploaded until
    then), and the database's copy takes the place of `path` only once both are done."""
    _refuse_unless_sqlite()
    folder = media_folder_of(path)
    done = copy_media(folder)

    def copy_uploaded_meanwhile():
        later = copy_media(folder)
        done.copied += later.copied
        done.copied_bytes += later.copied_bytes

    backup_sqlite(path, before_replacing=copy_uploaded_meanwhile)
    return done


def copy_media(folder: str) -> MediaCopied:
    """Every file of the media store that `folder` does not have yet, copied there whole."""
    os.makedirs(folder, exist_ok=True)
    store = media_store()
    done = MediaCopied(folder)
    for name in store.names():
        target = os.path.join(folder, name)
        if os.path.exists(target):
            done.already += 1
            continue
        data = store.read(name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_replacing(target, lambda temporary, data=data: Path(temporary).write_bytes(data))
        done.copied += 1
        done.copied_bytes += len(data)
    return done


def _refuse_unless_sqlite() -> None:
    if db.engine.dialect.name != "sqlite":
        raise BackupRefused(
            "backup copies SQLite databases; for PostgreSQL use pg_dump, and copy the"
            f" photos' folder too: {media_store().describe()}"
        )


def backup_sqlite(path: str, before_replacing: Callable[[], None] = lambda: None) -> None:
    """A consistent copy of the SQLite database, taken with SQLite's online backup API while
    the site keeps reading and writing; `before_replacing()` runs once the copy is whole,
    before it becomes `path`."""
    _refuse_unless_sqlite()
    source = db.engine.raw_connection()

    def write(temporary: str) -> None:
        _copy_database(source, temporary)
        before_replacing()

    try:
        write_replacing(path, write)
    finally:
        source.close()


def _copy_database(source, path: str) -> None:
    target = sqlite3.connect(path)
    try:
        source.driver_connection.backup(target)
    finally:
        target.close()


def write_replacing(path: str, write: Callable[[str], None]) -> None:
    """`write(temporary)` fills a new file beside `path`, which then becomes `path` only once
    it is whole and on disk (fsync, then an atomic rename). On any failure (a full disk) the
    temporary file is removed and the file at `path`, if any, is left as it was."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".partial")
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    # The rename itself is on disk only once the directory is.
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
