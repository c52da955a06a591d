"""The owner's site settings (block lists, comment rules), kept in the database as key/value
rows with defaults in code; edited at /admin/settings. Deployment settings are config.py's."""

from . import pagecache
from .extensions import db
from .models import Setting

DEFAULTS = {
    "blocked_words": "",
    "blocked_hosts": "",
    "blocked_addresses": "",
    "comment_max_links": "2",
    "comments_close_after_days": "0",
    # Mail about comments waiting: "0" one for each, else a digest every so many minutes.
    "comment_mail_every": "0",
}


def get_settings() -> dict[str, str]:
    stored = {row.key: row.value for row in db.session.scalars(db.select(Setting))}
    return {**DEFAULTS, **{key: value for key, value in stored.items() if key in DEFAULTS}}


def save_settings(values: dict[str, str]) -> None:
    """Store the settings given; pages show some of them (comments open or closed)."""
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value = value
        db.session.add(row)
    pagecache.content_changed()


def setting_lines(value: str) -> list[str]:
    """A block list setting as its non-empty lines (one word, host or address a line)."""
    return [line.strip() for line in value.splitlines() if line.strip()]
