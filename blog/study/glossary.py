"""The glossary (단어장): every key expression a visitor may see, as a page, a CSV and an Anki deck.

The page and both downloads read one query (`chosen`), so they always hold the same
rows: a reader sees the commentaries of public, published posts not in the trash; the owner,
as on every list of the site, everything but the trash.
"""

import csv
import io
import itertools
import re
import sqlite3
import zipfile
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

import genanki
from flask import Response, abort, current_app, request, url_for
from markupsafe import Markup, escape

from .. import rendering
from ..extensions import db
from ..inputs import page_number
from ..models import Block, Commentary, KeyExpression, utcnow
from ..posts.queries import owner_signed_in
from . import expressions

ORDERS = ("az", "post")  # A→Z, or by post newest first (`?order=post`)


@dataclass(frozen=True)
class Entry:
    """One key expression with the quote it is marked in and the commentary it belongs to."""

    id: int
    expression: str
    meaning: str
    block_id: int
    block_position: int
    quote: str
    translation: str
    post_id: int
    slug: str
    headline: str
    published_at: datetime | None
    updated_at: datetime

    @property
    def block_number(self) -> int:
        """The quote's number on the page (`#block-N`, from 1)."""
        return self.block_position + 1

    @property
    def sentence(self) -> str:
        return sentence_around(self.quote, self.expression)

    @property
    def marked_sentence(self) -> Markup:
        return rendering.render_quote(self.sentence, [expressions.Expression(self.expression)])

    @property
    def guid(self) -> str:
        """The note's id in Anki, from what survives edits and the site's export and import:
        the post, its quote (a block keeps its row when moved) and the expression's key (its
        case, spaces and quote marks aside). So a download after the owner changes a meaning,
        a translation or the headline updates the reader's note (its review history kept);
        an expression retyped with other words is another note; the position of either
        never counts."""
        return genanki.guid_for("key-expression", self.post_id, self.block_id, self.key)

    @property
    def key(self) -> str:
        return expressions.key(self.expression)

    def url(self, external: bool = False) -> str:
        """The quote holding the expression, on its commentary's page."""
        return url_for(
            "commentary.detail",
            post_id=self.post_id,
            slug=self.slug,
            _anchor=f"block-{self.block_number}",
            _external=external,
        )


_COLUMNS = (
    KeyExpression.id,
    KeyExpression.expression,
    KeyExpression.meaning,
    Block.id.label("block_id"),
    Block.position.label("block_position"),
    Block.quote,
    Block.translation,
    Commentary.id.label("post_id"),
    Commentary.slug,
    Commentary.title.label("headline"),
    Commentary.published_at,
    Commentary.updated_at,
)


def chosen(order: str = "az", post_id: int | None = None):
    """The ids of the glossary's expressions the current visitor may see, in order, as a
    select of the expressions alone (their copies of their posts' publication: KeyExpression):
    A→Z (case aside; then the newest post first), or by post, newest first, in the order of
    its quotes. With `post_id`, that commentary's only."""
    owner = owner_signed_in()
    query = db.select(KeyExpression.id).where(KeyExpression.visible_to(owner))
    if post_id is not None:
        query = query.where(KeyExpression.post_id == post_id)
    newest = KeyExpression.published_at.desc()
    # The owner's drafts have no publication time yet: they come first, as the newest. A
    # reader's rows all have one, and order as the indexes do (SQLite puts none last).
    newest_post_first = (newest.nulls_first() if owner else newest, KeyExpression.post_id.desc())
    if order == "post":
        return query.order_by(
            *newest_post_first, KeyExpression.block_position, KeyExpression.position
        )
    return query.order_by(
        db.func.lower(KeyExpression.expression),
        KeyExpression.expression,
        *newest_post_first,
        KeyExpression.id,
    )


def entries_query(order: str = "az", post_id: int | None = None):
    """The rows of `chosen`, each with its quote and commentary."""
    return (
        chosen(order, post_id)
        .with_only_columns(*_COLUMNS)
        .join_from(KeyExpression, Block, Block.id == KeyExpression.block_id)
        .join(Commentary, Commentary.id == Block.commentary_id)
    )


def entries(query) -> list[Entry]:
    return [Entry(**row._mapping) for row in db.session.execute(query)]


def requested_order() -> str:
    order = request.args.get("order", "az")
    if order not in ORDERS:
        abort(404)  # as a page number that cannot exist
    return order


def paginate(order: str):
    """One page of the glossary in `order` (`GLOSSARY_PER_PAGE`) and the pagination for the
    page links: the page's ids are paged in SQL from one index (db.paginate, which counts
    them too), then the page's rows are read."""
    page = db.paginate(
        chosen(order), page=page_number(), per_page=current_app.config["GLOSSARY_PER_PAGE"]
    )
    return page, entries(entries_query(order).where(KeyExpression.id.in_(page.items)))


# Where a sentence ends: a line end, or a full stop, question or exclamation mark (closing
# quotes and brackets after it) and spaces, before what starts a sentence.
_SENTENCE_BREAK = re.compile(r"\s*\n\s*|(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# A full stop after these is not the end of a sentence ("Mr. Nadella", "Meta Inc. said").
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "inc", "co", "corp", "ltd", "vs"}


def _ends_sentence(quote: str, match: re.Match) -> bool:
    """Whether a break `_SENTENCE_BREAK` found ends a sentence: not after initials ("the
    U.S. economy", "J. Powell") or a title ("Mr. Nadella")."""
    if "\n" in match.group():
        return True
    word = quote[: match.start()].rsplit(None, 1)[-1]
    if not word.endswith("."):
        return True
    stem = word.rstrip(".").casefold()
    return not (stem in _ABBREVIATIONS or len(stem) == 1 or re.fullmatch(r"(?:\w\.)+\w", stem))


def sentence_around(quote: str, expression: str) -> str:
    """The sentence of `quote` where `expression` first occurs (the whole quote, on one line,
    if it is not found): a quote may hold several sentences, a glossary shows the one."""
    found = expressions.pattern(expression).search(quote)
    if found is None:
        return " ".join(quote.split())
    start, end = 0, len(quote)
    for match in _SENTENCE_BREAK.finditer(quote):
        if not _ends_sentence(quote, match):
            continue
        if match.end() <= found.start():
            start = match.end()
        elif match.start() >= found.end():
            end = match.start()
            break
    return " ".join(quote[start:end].split())


def grouped_by_post(found: list[Entry]) -> list[list[Entry]]:
    """Runs of entries of one post, in order (the page by post: a heading for each)."""
    return [list(run) for _, run in itertools.groupby(found, key=lambda entry: entry.post_id)]


def download_name(post: Commentary, extension: str) -> str:
    return f"{'-'.join(filter(None, [str(post.id), post.slug]))}-expressions.{extension}"


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """A file to save, cached as a page is (pagecache: the ETag, 304s, the reader cache).
    The owner's holds drafts and private posts too: never kept by a browser or a proxy."""
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    if owner_signed_in():
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


# --- CSV ---------------------------------------------------------------------------------

CSV_HEADER = ("expression", "meaning", "quote", "translation", "headline", "url")
# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`):
# such a cell gets a leading apostrophe, which makes it text (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(found: Iterable[Entry]) -> bytes:
    """The entries as CSV (a header row, then a row each): UTF-8 with a BOM, without which
    Excel reads the file in the computer's own encoding and breaks the Hangul."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_HEADER)
    for entry in found:
        values = (entry.expression, entry.meaning, entry.quote, entry.translation, entry.headline)
        writer.writerow([*map(spreadsheet_cell, values), entry.url(external=True)])
    return text.getvalue().encode("utf-8-sig")


# --- Anki --------------------------------------------------------------------------------

# Anki knows a note type and a deck by their ids. Fixed ones (drawn at random once, as
# genanki advises) make every download of this site, the whole glossary's or one post's,
# land in the same deck with the same note type, so its notes are updated in place. A new
# MODEL_ID only with other fields: Anki would then keep the old note type beside it.
MODEL_ID = 1_607_392_416
DECK_ID = 2_059_400_317
CARD_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.5;
        text-align: left; max-width: 40em; margin: 0 auto; }
.expression { font-size: 1.4em; font-weight: 700; margin-bottom: 0.6em; }
.quote mark { background: #fff0a8; color: #1f2328; padding: 0 0.1em; }
.meaning { font-size: 1.2em; font-weight: 700; }
.translation { margin-top: 0.6em; color: #57606a; }
.nightMode .translation { color: #b0b8c1; }
.article { margin-top: 1em; font-size: 0.8em; }
"""
MODEL = genanki.Model(
    MODEL_ID,
    "Key expression (기사 해설)",
    fields=[
        {"name": "Expression"},
        {"name": "Quote"},
        {"name": "Meaning"},
        {"name": "Translation"},
        {"name": "Article"},
    ],
    templates=[
        {
            "name": "Expression in its quote",
            "qfmt": '<div class="expression" lang="en">{{Expression}}</div>\n'
            '<div class="quote" lang="en">{{Quote}}</div>',
            "afmt": '{{FrontSide}}\n<hr id="answer">\n'
            '<div class="meaning" lang="ko">{{Meaning}}</div>\n'
            '<div class="translation" lang="ko">{{Translation}}</div>\n'
            '<div class="article">{{Article}}</div>',
        }
    ],
    css=CARD_CSS,
    sort_field_index=0,  # the browser lists the notes by expression
)


def _note(entry: Entry) -> genanki.Note:
    """An Anki note's fields are HTML: every text escaped, the only markup our own."""
    fields = [
        escape(entry.expression),
        rendering.render_card_quote(entry.quote, expressions.Expression(entry.expression)),
        escape(entry.meaning),
        rendering.line_breaks(entry.translation.strip()),
        rendering.link(entry.url(external=True), entry.headline),
    ]
    # A tag has no spaces (Anki splits tags at them): `commentary::7-slug`, under one parent.
    tag = "commentary::" + "-".join(filter(None, [str(entry.post_id), entry.slug]))
    return genanki.Note(
        model=MODEL, fields=[str(field) for field in fields], tags=[tag], guid=entry.guid
    )


def deck_bytes(found: Iterable[Entry]) -> bytes:
    """An Anki package (.apkg) of the entries, a note each.

    Anki updates a note it has (by its guid) only from a package whose note is newer, so the
    package is dated by the newest save of its posts: any edit after a download makes the
    next download newer. (genanki dates a package in whole seconds: a second edit within the
    same second as the one a reader downloaded would not update the note.)

    genanki's Package.write_to_file writes the collection to a temporary file it never
    removes (one left behind per download): the collection is written by its write_to_db
    into an in-memory SQLite database instead, and zipped as write_to_file zips it."""
    found = list(found)
    deck = genanki.Deck(DECK_ID, current_app.config["SITE_NAME"])
    deck.add_model(MODEL)
    for entry in found:
        deck.add_note(_note(entry))
    newest = max((entry.updated_at for entry in found), default=None) or utcnow()
    timestamp = newest.timestamp()
    with closing(sqlite3.connect(":memory:")) as database:
        ids = itertools.count(int(timestamp * 1000))
        genanki.Package(deck).write_to_db(database.cursor(), timestamp, ids)
        database.commit()
        collection = database.serialize()
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", "{}")  # no pictures or sounds
    return package.getvalue()


def csv_download(found: Iterable[Entry], filename: str) -> Response:
    return download(csv_bytes(found), "text/csv", filename)


def deck_download(found: Iterable[Entry], filename: str) -> Response:
    return download(deck_bytes(found), "application/apkg", filename)
