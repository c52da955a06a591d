"""What an address may ask for: ids and page numbers both databases can hold, and no NUL."""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL's `integer`, the type of every id column there, holds at most 2**31 - 1 (SQLite's
# holds more): a larger number names nothing, and must not reach either database as a parameter.
LARGEST_ID = 2**31 - 1


def parse_bounded_int(text: str | None, low: int = 1, high: int = LARGEST_ID) -> int | None:
    """A whole number from `low` to `high` written in ASCII digits, or None. (`int()` alone
    also takes '١', ' 7', '+7' and '1_000', raises on '²' although '²'.isdigit() is true, and
    has no upper bound.)"""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits from 1 to LARGEST_ID, anything else a 404."""

    regex = r"[0-9]+"

    def __init__(self, map, **options):
        super().__init__(map, **{"min": 1, "max": LARGEST_ID, **options})


def requested_page() -> int | None:
    """The list page `?page=` asks for (1 without one); None when it names no page."""
    raw = request.args.get("page")
    return 1 if raw is None else parse_bounded_int(raw)


def page_number() -> int:
    """The page of a list, search result or desk table to show; 404 for one that cannot exist."""
    page = requested_page()
    if page is None:
        abort(404)
    return page


def refuse_nul_bytes() -> None:
    """No address of this site has a NUL byte, and PostgreSQL refuses one in any text
    parameter: stop it here (404 in the path, 400 in the query) instead of in the database."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400)


def register(app: Flask) -> None:
    """Before the blueprints: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
