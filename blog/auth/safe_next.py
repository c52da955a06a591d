"""Accepting a `next` address after login only when it stays on this site."""

import re

# One leading slash, then not a second slash or a backslash; no whitespace or controls
# anywhere (Werkzeug strips tabs and spaces, so `/\t/evil.example` would become
# `//evil.example` in the Location header it sends).
_SAFE_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f\\]*")


def safe_next_path(value: str | None) -> str | None:
    if not value or not _SAFE_PATH.fullmatch(value):
        return None
    return value.removesuffix("?") or None
