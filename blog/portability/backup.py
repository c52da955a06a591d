"""A consistent SQLite backup while the site runs, and writing a file so that it is either
whole or not there."""

import os
import sqlite3
import tempfile
from collections.abc import Callable

from ..extensions import db


class BackupRefused(ValueError):
    """This database is not one the site can back up itself; the message says what to use."""


def backup_sqlite(path: str) -> None:
    """A consistent copy of the SQLite database, taken with SQLite's online backup API while
    the site keeps reading and writing."""
    if db.engine.dialect.name != "sqlite":
        raise BackupRefused("backup copies SQLite databases; for PostgreSQL use pg_dump")
    source = db.engine.raw_connection()
    try:
        write_replacing(path, lambda temporary: _copy_database(source, temporary))
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
