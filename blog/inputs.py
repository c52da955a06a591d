"""What a request may ask for and send: ids and page numbers both databases can hold, no NUL
bytes, and the fields typed above the files of a body too large to read whole."""

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData
from werkzeug.wsgi import LimitedStream

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


def fields_before_the_files(limit: int) -> MultiDict:
    """The fields of this multipart request sent before its first file, read although the
    body as a whole was refused unread (its length is over the limit): a browser sends a
    form's fields in page order, so whatever was typed above a file field is there. At most
    `limit` bytes are read; a field still unfinished then is not returned."""
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    length = request.content_length
    if mimetype != "multipart/form-data" or not options.get("boundary") or length is None:
        return MultiDict()
    stream = LimitedStream(request.environ["wsgi.input"], min(length, limit))
    decoder = MultipartDecoder(options["boundary"].encode("latin-1"), max_form_memory_size=limit)
    fields: MultiDict = MultiDict()
    name, value = None, bytearray()
    try:
        while True:
            event = decoder.next_event()
            if isinstance(event, NeedData):
                chunk = stream.read(64 * 1024)
                if not chunk:
                    return fields
                decoder.receive_data(chunk)
            elif isinstance(event, (File, Epilogue)):
                return fields
            elif isinstance(event, Field):
                name, value = event.name, bytearray()
            elif isinstance(event, Data) and name is not None:
                value += event.data
                if not event.more_data:
                    fields.add(name, value.decode("utf-8", "replace"))
                    name = None
    except (ValueError, RequestEntityTooLarge):  # not a well-formed body, or a huge field
        return fields
