"""Each post type's shape, declared once.

A shape lists the parts the owner writes for one type of post, in the order the editor shows
them, and says for each how it is named in the editor, labelled in a comparison of versions,
searched and written into the Markdown zip. Everything that handles a post as data follows
from it: the revisions (`snapshot`, `restore`, `lines`), the export and its import, the search
index (`search_parts`), the Markdown zip (`markdown`) and the editor forms (forms.PostForm).
A new field is added to the model, to the shape here and to the form (and the template shows
it); nothing else changes.

Post data is plain JSON-ready values: text, a calendar date as ISO text, a time as ISO text
with its UTC offset, a list of rows. A part missing from older data (a revision kept before
the part existed) is blank: old revisions can still be compared and brought back. Every
type shares the title, the tags and the publication; the stored HTML, excerpt and reading
time are derived from the data by the model (`Post.derive`, run by the save path) and are
never part of it.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import rendering
from ..models import Commentary, DiaryEntry, Post, Visibility


@dataclass(frozen=True)
class Part:
    """One thing the owner writes: `key` names it in post data and on the model."""

    key: str
    label: str
    # The editor's field for it, where its name is not the key (it is the same for new parts;
    # older names stay for the scripts that post them, see INTERFACE.md).
    field: str = ""
    multiline: bool = False
    # Written in Markdown: searched by its words (a photo's by its alt text and caption).
    markdown: bool = False
    # What post data holds for it: text (str), a calendar date as ISO text (date), a number
    # (float, int, or None when there is none) or a yes/no (bool).
    value_type: type = str
    # Its name among a search result's parts, if it is searched.
    search_as: str | None = None
    # In the Markdown zip: in the front matter, or as text (with a heading of its own, if any)
    # or as a block quote; neither is "not in it".
    front_matter: bool = False
    as_text: bool = False
    as_quote: bool = False
    heading: str = ""
    # The owner's alone: kept by the revisions and the export (and its import), but never
    # shown to a reader, so never searched, never in the Markdown zip, and only counted (not
    # quoted) in a comparison of versions.
    private: bool = False
    # Left out where it is blank (most posts have none): a comparison of versions made before
    # the part existed stays as it was, and the Markdown zip's front matter lists only what
    # an entry has.
    optional: bool = False

    def __post_init__(self):
        if self.private and (self.search_as or self.front_matter or self.as_text or self.as_quote):
            raise ValueError(f"{self.key} is private: it can be neither searched nor shown")

    @property
    def form_field(self) -> str:
        return self.field or self.key

    @property
    def is_date(self) -> bool:
        return self.value_type is date

    @property
    def is_text(self) -> bool:
        return self.value_type is str

    @property
    def blank(self) -> str | bool | None:
        """Its value when nothing is written (or the data is older than the part)."""
        if self.value_type is bool:
            return False
        return "" if self.is_text else None

    def is_blank(self, value) -> bool:
        return value is None or value == "" or value is False

    def read(self, row) -> str | float | bool | None:
        value = getattr(row, self.key)
        if self.is_date:
            return value.isoformat() if value else None
        return value

    def write(self, row, value) -> None:
        if self.is_date:
            value = date.fromisoformat(value) if value else None
        setattr(row, self.key, value)


@dataclass(frozen=True)
class RowList:
    """An ordered list of rows of parts (a commentary's blocks). A row keeps its id in post
    data that needs it (the editor, an export), so that saving keeps the row that comments
    point at; `replace` makes the model's rows exactly the given items."""

    key: str
    label: str  # of one row, with its %(number)s
    parts: tuple[Part, ...]
    replace: object  # (post, items) -> None
    id_field: str = "block_id"

    def read(self, post, with_ids: bool) -> list[dict]:
        rows = []
        for row in getattr(post, self.key):
            item = {part.key: part.read(row) for part in self.parts}
            if with_ids:
                item["id"] = row.id
            rows.append(item)
        return rows

    def keeps(self, item: dict) -> bool:
        """A row with nothing written in it is dropped, as the editor drops a blank block."""
        return any((item.get(part.key) or "").strip() for part in self.parts)


@dataclass(frozen=True)
class Shape:
    kind: str
    model: type[Post]
    parts: tuple[Part | RowList, ...]

    @property
    def lists(self) -> list[RowList]:
        return [part for part in self.parts if isinstance(part, RowList)]


DIARY = Shape(
    "diary",
    DiaryEntry,
    (
        Part("title", _l("Title"), search_as="title", front_matter=True),
        Part("body", _l("Text"), multiline=True, markdown=True, search_as="body", as_text=True),
        # The day's numbers: the owner's unless the entry's metrics_public says otherwise, so
        # never searched; the Markdown zip, the owner's own, carries them.
        *(
            Part(key, label, value_type=value_type, front_matter=True, optional=True)
            for key, label, value_type in (
                ("weight_kg", _l("Weight (kg)"), float),
                ("exercise_kind", _l("Exercise"), str),
                ("exercise_minutes", _l("Exercise minutes"), int),
            )
        ),
        Part("meals", _l("Meals"), multiline=True, front_matter=True, optional=True),
        Part(
            "metrics_public",
            _l("Readers see these numbers"),
            value_type=bool,
            front_matter=True,
            optional=True,
        ),
    ),
)

COMMENTARY = Shape(
    "commentary",
    Commentary,
    (
        Part("title", _l("Title"), field="headline", search_as="title", front_matter=True),
        Part("outlet", _l("Outlet"), front_matter=True),
        Part("source_url", _l("Article address (URL)"), field="url", front_matter=True),
        Part("author", _l("Author"), front_matter=True),
        Part("published_on", _l("Article date"), value_type=date, front_matter=True),
        Part("lead", _l("Lead"), multiline=True, search_as="lead", as_text=True),
        # The article's own text, to check the quotes against: its publisher's, not ours to
        # publish anywhere (blog/study/quote_check.py).
        Part("article_text", _l("Article text (never published)"), multiline=True, private=True),
        RowList(
            "blocks",
            _l("Quote %(number)s"),
            (
                Part("quote", "", multiline=True, search_as="quote", as_quote=True),
                Part(
                    "translation",
                    _l("Translation"),
                    multiline=True,
                    search_as="translation",
                    as_text=True,
                ),
                # Rows of their own on the model (KeyExpression), lines of text here.
                Part(
                    "expressions",
                    _l("Key expressions"),
                    multiline=True,
                    search_as="expressions",
                    as_text=True,
                ),
                Part(
                    "opinion",
                    _l("My opinion"),
                    multiline=True,
                    markdown=True,
                    search_as="opinion",
                    as_text=True,
                ),
            ),
            replace=Commentary.replace_blocks,
        ),
        Part(
            "body",
            _l("Summary"),
            field="summary",
            multiline=True,
            markdown=True,
            search_as="summary",
            as_text=True,
            heading="요약",
        ),
        Part(
            "closing",
            _l("Closing thoughts"),
            multiline=True,
            markdown=True,
            search_as="closing",
            as_text=True,
        ),
    ),
)

SHAPES = {shape.kind: shape for shape in (DIARY, COMMENTARY)}


def shape_of(kind: str) -> Shape:
    return SHAPES[kind]


# --- a post as data, and back -------------------------------------------------------------


def snapshot(post: Post, with_ids: bool = False) -> dict:
    """Everything the owner wrote and chose, as plain data: what a revision keeps (without
    row ids) and what the export and the editor carry (with them)."""
    data = {"kind": post.kind}
    for part in shape_of(post.kind).parts:
        if isinstance(part, RowList):
            data[part.key] = part.read(post, with_ids)
        else:
            data[part.key] = part.read(post)
    data["tags"] = [tag.name for tag in post.tags]
    data["visibility"] = post.visibility.value
    data["published_at"] = post.published_at.isoformat() if post.published_at else None
    return data


def restore(post: Post, data: dict) -> None:
    """Make the post what `data` describes, in any order of its parts: what is derived from
    them is derived once, when the post is saved, its address too (Post.choose_address)."""
    for part in shape_of(post.kind).parts:
        if isinstance(part, RowList):
            part.replace(post, data.get(part.key, []))
        else:
            part.write(post, data.get(part.key, part.blank))
    post.set_tags(data["tags"])
    published_at = data["published_at"]
    post.set_publication(
        Visibility(data["visibility"]),
        datetime.fromisoformat(published_at) if published_at else None,
    )


def new_post(data: dict) -> Post:
    """A new, unsaved post of `data["kind"]`, made what `data` describes."""
    post = shape_of(data["kind"]).model()
    restore(post, data)
    return post


# --- what follows from the shape ----------------------------------------------------------


def _text_lines(label: str, value: str | None) -> list[str]:
    return [f"{label}:", *(value or "").splitlines()]


def lines(data: dict) -> list[str]:
    """Post data as labelled lines of text, in the order the editor shows them: what the
    comparison of two versions compares."""
    result = []
    for part in shape_of(data["kind"]).parts:
        if isinstance(part, RowList):
            for number, item in enumerate(data.get(part.key) or [], start=1):
                result.append(f"— {_(part.label, number=number)}")
                for row_part in part.parts:
                    if row_part.label:
                        result += _text_lines(_(row_part.label), item.get(row_part.key))
                    else:
                        result += (item.get(row_part.key) or "").splitlines()
        elif (part.private or part.optional) and part.is_blank(data.get(part.key)):
            continue  # most posts have none: their comparisons stay as they were
        elif part.private:
            result.append(f"{_(part.label)}: {_counted(data[part.key])}")
        elif part.value_type is bool:
            answer = _("yes") if data[part.key] else _("no")
            result.append(f"{_(part.label)}: {answer}")
        elif part.multiline:
            result += _text_lines(_(part.label), data.get(part.key))
        else:
            value = data.get(part.key)
            result.append(f"{_(part.label)}: {'' if value is None else value}")
    result.append(f"{_('Tags')}: {', '.join(data['tags'])}")
    result.append(f"{_('Visibility')}: {data['visibility']} {data['published_at'] or ''}")
    return result


def _counted(value: str) -> str:
    return _(
        "%(lines)d lines, %(words)d words", lines=len(value.splitlines()), words=len(value.split())
    )


def texts(data: dict) -> list[str]:
    """Every text of post data a page may show, in the order of its shape (the page's order,
    roughly)."""
    result = [data.get("title") or ""]
    for part in shape_of(data["kind"]).parts:
        if isinstance(part, RowList):
            for item in data.get(part.key) or []:
                result += [item.get(row_part.key) or "" for row_part in part.parts]
        elif part.is_text and not part.private:
            result.append(data.get(part.key) or "")
    return result


def search_parts(data: dict) -> list[tuple[str, str]]:
    """(part, text) pairs for the search index, from post data (a saved post's snapshot, or
    a bulk loader's rows): `part` names where a hit was (title, tags, body, quote-3, …)."""
    parts = [("title", data["title"]), ("tags", " ".join(data["tags"]))]
    for part in shape_of(data["kind"]).parts:
        if isinstance(part, RowList):
            for number, item in enumerate(data.get(part.key) or [], start=1):
                parts += [
                    (f"{row_part.search_as}-{number}", _searched(row_part, item.get(row_part.key)))
                    for row_part in part.parts
                    if row_part.search_as
                ]
        elif part.search_as and part.key != "title":
            parts.append((part.search_as, _searched(part, data.get(part.key))))
    return [(part, value) for part, value in parts if value and value.strip()]


def _searched(part: Part, value: str | None) -> str | None:
    """What a reader reads of a part: Markdown as its words, so a result's snippet shows no
    marks or addresses and a photo is found by what its alt text and caption say."""
    return rendering.plain_text(value) if part.markdown and value else value


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def markdown(data: dict, date_shown: str) -> str:
    """Post data as a Markdown file with front matter, for reading elsewhere."""
    shape = shape_of(data["kind"])
    front = [f"title: {_json(data['title'])}", f"kind: {shape.kind}", f"date: {date_shown}"]
    front += [f"visibility: {data['visibility']}", f"tags: {_json(data['tags'])}"]
    body: list[str] = []
    for part in shape.parts:
        if isinstance(part, RowList):
            for number, item in enumerate(data[part.key], start=1):
                body += [f"## {number}", ""]
                for row_part in part.parts:
                    body += _markdown_part(row_part, item[row_part.key])
        elif part.optional and part.is_blank(data.get(part.key)):
            continue
        elif part.front_matter and part.key != "title":
            value = data[part.key]
            front.append(f"{part.key}: {_json(value or '' if part.is_text else value)}")
        elif part.private:
            continue  # a file made to be read elsewhere: an article's text is its publisher's
        else:
            body += _markdown_part(part, data[part.key])
    return "\n".join(["---", *front, "---", "", *body])


def _markdown_part(part: Part, value: str | None) -> list[str]:
    if not value:
        return []
    if part.as_quote:
        return ["> " + line for line in value.splitlines()] + [""]
    heading = [f"## {part.heading}", ""] if part.heading else []
    return [*heading, value, ""] if part.as_text else []
