"""Where photo files live: one small interface, so a store shared by several machines (a
network folder, an object store) can replace the folder. The rest of the site only saves,
reads, lists and deletes files by name through `media_store()`; serving goes through the
store too, which for the folder is Flask's `send_from_directory` (nginx serves the same
folder in production, see the README)."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Response, current_app, send_from_directory

MIMETYPES = {"jpg": "image/jpeg", "webp": "image/webp"}
# A year: every name is a hash of what it holds, so a file at a name never changes.
IMMUTABLE = 365 * 24 * 3600


class MediaStore(Protocol):
    def save(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...

    def names(self) -> Iterator[str]: ...

    def response(self, name: str) -> Response: ...

    def describe(self) -> str: ...


class FolderStore:
    """Files in a folder (MEDIA_FOLDER, by default instance/media): originals in
    `originals/`, the served variants beside it."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"not a media name: {name!r}")
        return path

    def save(self, name: str, data: bytes) -> None:
        """Written whole or not at all: to a temporary file, synced, then renamed into place,
        so a crash or a full disk never leaves half a photo at its name."""
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith(".upload-"):
                yield path.relative_to(self.root).as_posix()

    def response(self, name: str) -> Response:
        response = send_from_directory(
            self.root,
            name,
            mimetype=MIMETYPES[name.rsplit(".", 1)[-1]],
            max_age=IMMUTABLE,
            conditional=True,
            etag=True,
        )
        response.cache_control.immutable = True
        response.cache_control.public = True
        return response

    def describe(self) -> str:
        return str(self.root.resolve())


def media_store() -> MediaStore:
    return current_app.extensions["media_store"]


def init_app(app) -> None:
    folder = app.config.get("MEDIA_FOLDER") or os.path.join(app.instance_path, "media")
    app.config["MEDIA_FOLDER"] = folder
    app.extensions.setdefault("media_store", FolderStore(folder))
