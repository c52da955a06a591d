"""Reading the owner's old plain-text posts (diary text and commentaries) into drafts.

The format, as in `tests/data/plain-text-posts.txt` (the owner's real posts):

- free text before the first `기사제목:` line, or after a separator line (`---`, `***`,
  `===`) that ends a commentary, is a diary entry;
- `기사제목: <headline>` starts a commentary; the next line may repeat the headline (skipped);
- unquoted English lines right after the headline, followed by more English, are the lead;
- an English line (quoted with straight, curly or no quotes) is the quote of a new block;
- `해석:` (or `해석 :`, `해석)`, `(해석)`, `번역:`, `해석：`) gives the translation of the quote
  above;
- Korean lines after a quote or its translation are the opinion;
- `기사를 요약하자면 …`, `요약하자면 …` or `요약: …` starts the summary, which runs to the
  end of the commentary (the next `기사제목:`, a separator line, or the end of the text);
- a bare web address (or `출처: …`) is the article's address or outlet;
- a line that is only a date (`2025-01-30`, `2025. 1. 30.`, `2025년 1월 30일 목요일`, with a
  time or not) starts a new post written then: the diary text after it, or the commentary of
  the `기사제목:` line right after it; between a headline and its first quote it is that
  commentary's date.

English or Korean is decided per line by the share of Hangul among its letters. Lines that
fit nowhere are reported with their number, never dropped silently. A line that could be read
two ways is read the likelier way and asked about (`Question`): an English line standing
alone, without quote marks, a translation or an opinion, is a quote or an English summary of
the article (the owner's sample ends with one).
"""

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

import click
from flask.cli import with_appcontext
from sqlalchemy import func, or_

from ..extensions import db
from ..models import Post
from ..posts import saving, schema
from ..rendering import clean_text
from ..site_time import from_site_time

HEADLINE_MAX_LENGTH = 300  # Post.title
OUTLET_MAX_LENGTH = 200  # Commentary.outlet
URL_MAX_LENGTH = 2000  # Commentary.source_url

# A line is Korean when at least this share of its letters are Hangul: Korean opinions name
# "DeepSeek" or "AI" freely, while an English quote rarely holds a Hangul word.
HANGUL_SHARE_FOR_KOREAN = 0.2

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")

_HEADLINE = re.compile(r"^기사\s*제목\s*[:：)）]\s*(.*)$")
_TRANSLATION = re.compile(r"^[(\[（【]?\s*(?:해석|번역)\s*(?:[:：)）\]】]|-\s)\s*(.*)$")
_SUMMARY_LABEL = re.compile(r"^(?:기사\s*|한\s*줄\s*)?요약\s*[:：)）]\s*(.*)$")
_SUMMARY_PROSE = re.compile(r"^(?:기사\s*를\s*)?요약하(?:자면|면)")
# `출처: Reuters` names the outlet; English labels only count before a web address.
_SOURCE = re.compile(
    r"^(출처|원문|링크|기사\s*링크|언론사|매체|source|url|link)\s*[:：]\s*(.+)$", re.I
)
_URL = re.compile(r"^<?(https?://\S+?)>?$")
_SEPARATOR = re.compile(r"^([-=*_~#])(?:\s*\1){2,}$")
# A line that is only a date, maybe with its weekday and a time: 2025-01-30, 2025.1.30.,
# 2025/01/30 14:05, 2025년 1월 30일 (목) 오후 2시 5분, 날짜: 2025-01-30.
_DATE_LINE = re.compile(
    r"^(?:날짜\s*[:：]\s*)?(?P<year>\d{4})\s*(?:[-./]|년)\s*(?P<month>\d{1,2})\s*(?:[-./]|월)"
    r"\s*(?P<day>\d{1,2})\s*(?:일|\.)?"
    r"(?:\s*[(（]?\s*[월화수목금토일](?:요일)?\s*[)）]?)?"
    r"(?:\s*(?P<half>오전|오후)?\s*(?P<hour>\d{1,2})\s*(?::|시)\s*(?P<minute>\d{1,2})?\s*분?)?$"
)

_OPENING_QUOTES = '"“„‟«「『＂'
_CLOSING_QUOTES = '"”‟»」』＂'
_SINGLE_OPENING = "'‘"
_SINGLE_CLOSING = "'’"
_EDGE_CHARACTERS = "\ufeff\u200b\u200c\u200d\u2060"


@dataclass
class ParsedBlock:
    quote: str
    translation: str = ""
    opinion: str = ""
    line: int = 0  # where its quote starts
    marked: bool = False  # the quote is in quote marks: the owner said it is a quotation


@dataclass
class Question:
    """A line read as the quote of a block that may be an English summary of the article:
    the owner says which (`ParsedPost.answered`)."""

    number: int
    text: str
    block: int  # its block's index in the post's blocks


@dataclass
class UnclassifiedLine:
    """A line that fits nowhere; `reason` is one of the keys of REASONS."""

    number: int
    text: str
    reason: str


@dataclass
class ParsedPost:
    """A diary entry (`body`) or a commentary (headline, lead, blocks, summary)."""

    kind: str
    first_line: int
    last_line: int = 0
    body: str = ""
    headline: str = ""
    outlet: str = ""
    url: str = ""
    lead: str = ""
    blocks: list[ParsedBlock] = field(default_factory=list)
    summary: str = ""
    unclassified: list[UnclassifiedLine] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    # When it was written (site time), from a date line (`date_line`) or the owner.
    written_on: date | None = None
    written_at: time | None = None  # the time of day, if known
    date_line: int = 0

    @property
    def key(self) -> str:
        """Names the post across readings of an edited text: its kind and its headline or
        the opening of its text, so a choice made for it (its date) stays with it when
        other posts are added or changed."""
        opening = _comparable(self.headline) if self.kind == "commentary" else None
        opening = opening if opening is not None else opening_text(self.body)
        return hashlib.sha256(f"{self.kind}:{opening}".encode()).hexdigest()[:16]

    def published_at(self) -> datetime | None:
        """Its date as a publication time (midnight when no time is known), in UTC."""
        if self.written_on is None:
            return None
        return from_site_time(datetime.combine(self.written_on, self.written_at or time(0)))

    def answered(self, summaries: set[int]) -> "ParsedPost":
        """The post with the blocks of these indexes read as its summary instead (in their
        order, before the summary written after them)."""
        moved = [block.quote for index, block in enumerate(self.blocks) if index in summaries]
        if not moved:
            return self
        blocks = [block for index, block in enumerate(self.blocks) if index not in summaries]
        summary = "\n\n".join([*moved, self.summary] if self.summary else moved)
        return replace(self, blocks=blocks, summary=summary, questions=[])

    def to_dict(self) -> dict:
        """The structured reading, in the shape of `plain-text-posts.expected.json` (with
        the date, when the text gives one)."""
        when = {"date": self.written_on.isoformat()} if self.written_on else {}
        if self.written_at:
            when["time"] = self.written_at.strftime("%H:%M")
        if self.kind == "diary":
            return {"kind": "diary", "body": self.body, **when}
        article = {"headline": self.headline}
        if self.outlet:
            article["outlet"] = self.outlet
        if self.url:
            article["url"] = self.url
        return {
            "kind": "commentary",
            "article": article,
            "lead": self.lead,
            "blocks": [
                {"quote": b.quote, "translation": b.translation, "opinion": b.opinion}
                for b in self.blocks
            ],
            "summary": self.summary,
            **when,
        }


# What each kind of unclassified line means, for the command's output.
REASONS = {
    "no_headline": "a `기사제목:` line without a headline",
    "headline_too_long": f"the headline is longer than {HEADLINE_MAX_LENGTH} characters",
    "translation_without_quote": "a translation with no English quote above it",
    "second_translation": "a second translation for the same quote",
    "korean_before_quote": "Korean text before the first quote of the commentary",
    "unplaced": "a line that belongs to no quote, translation, opinion or summary",
    "date_without_post": "a date with no post after it",
}


def language(text: str) -> str:
    """'ko', 'en', or '' for a line without Hangul or Latin letters."""
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    if not hangul and not latin:
        return ""
    return "ko" if hangul / (hangul + latin) >= HANGUL_SHARE_FOR_KOREAN else "en"


def _clean_line(line: str) -> str:
    return line.strip().strip(_EDGE_CHARACTERS).strip()


def _ends_with_closing(text: str, closing: str) -> int:
    """Where the closing quote ends the line (allowing `".` and `",`), or -1."""
    if text and text[-1] in closing:
        return len(text) - 1
    if len(text) >= 2 and text[-1] in ".,;:!?" and text[-2] in closing:
        return len(text) - 2
    return -1


def _without_closing(text: str, at: int) -> str:
    return (text[:at] + text[at + 1 :]).strip()


def _unquote(text: str) -> tuple[str, bool, bool]:
    """(text without its surrounding quotes, was it quoted, does the quote go on)."""
    if text[:1] in _OPENING_QUOTES:
        rest = text[1:].strip()
        at = _ends_with_closing(rest, _CLOSING_QUOTES)
        if at >= 0:
            return _without_closing(rest, at), True, False
        straight = text.count('"') + text.count("＂")
        curly_open = sum(text.count(c) for c in "“„‟«「『")
        curly_close = sum(text.count(c) for c in "”»」』")
        if straight % 2 or curly_open > curly_close:
            return rest, True, True  # the quote goes on over the next lines
        return text, True, False  # `"…," he said.`: quoted, but not only a quotation
    if text[:1] in _SINGLE_OPENING:
        at = _ends_with_closing(text[1:], _SINGLE_CLOSING)
        if at >= 0:
            return _without_closing(text[1:], at), True, False
    return text, False, False


def _strip_pair(text: str) -> str:
    """`"번역문"` → `번역문` when the quotes wrap the whole line and nothing else is quoted."""
    quotes = _OPENING_QUOTES + _CLOSING_QUOTES + _SINGLE_OPENING + _SINGLE_CLOSING
    if len(text) >= 2 and text[0] in quotes and text[-1] in quotes:
        inner = text[1:-1]
        if not any(c in quotes for c in inner):
            return inner.strip()
    return text


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in text if c not in _OPENING_QUOTES + _CLOSING_QUOTES + "'‘’")
    return " ".join(text.split()).rstrip(".!?…:;, ")


# Diary entries are told apart by their opening: this many characters, spaces evened out.
OPENING_CHARACTERS = 60


def opening_text(text: str) -> str:
    """The opening of a text as compared with another's (case, quotes and spacing aside)."""
    return _comparable(text)[:OPENING_CHARACTERS]


def date_line(text: str) -> tuple[date, time | None] | None:
    """The date (and time, if it says one) of a line that is only a date; None otherwise."""
    found = _DATE_LINE.match(text)
    if not found:
        return None
    try:
        day = date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return None  # 2025-02-30 is no date: the line is read as text
    if found["hour"] is None:
        return day, None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["half"] == "오후" and hour < 12:
        hour += 12
    elif found["half"] == "오전" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return day, time(hour, minute)


def _append(existing: str, line: str) -> str:
    return f"{existing}\n{line}" if existing else line


class _Parser:
    def __init__(self, text: str):
        text = clean_text(text).lstrip("\ufeff")
        self.lines = [_clean_line(line) for line in text.split("\n")]
        self.posts: list[ParsedPost] = []
        self.unclassified: list[UnclassifiedLine] = []
        self.diary: list[tuple[int, str]] = []
        self.post: ParsedPost | None = None  # the commentary being read
        self.part = ""  # start, lead, quote, translation, opinion, summary
        self.expect_headline = False
        self.check_repeat = False
        self.open_quote = False
        self.index = self.number = 0
        # A date line's (number, date, time), until the post it starts takes it.
        self.pending_date: tuple[int, date, time | None] | None = None

    # --- the main loop ----------------------------------------------------------------

    def run(self) -> list[ParsedPost]:
        for index, text in enumerate(self.lines):
            self.index, self.number = index, index + 1
            number = self.number
            headline = _HEADLINE.match(text)
            when = date_line(text) if text else None
            if headline:
                self.finish(number - 1)
                self.start_commentary(number, _strip_pair(headline.group(1).strip()))
            elif _SEPARATOR.match(text):
                self.finish(number - 1)
                self.drop_pending_date()
            elif when and self.post is not None and self.part == "start" and not self.dated():
                self.post.written_on, self.post.written_at = when
                self.post.date_line = number
            elif when:
                self.finish(number - 1)
                self.drop_pending_date()
                self.pending_date = (number, *when)
            elif self.post is None:
                self.diary.append((number, text))
            elif text:
                self.commentary_line(text)
        self.finish(len(self.lines))
        self.drop_pending_date()
        return self.posts

    def dated(self) -> bool:
        return self.post.written_on is not None

    def take_pending_date(self, post: ParsedPost) -> None:
        if self.pending_date:
            post.date_line, post.written_on, post.written_at = self.pending_date
            self.pending_date = None

    def drop_pending_date(self) -> None:
        """A date line that no post followed."""
        if self.pending_date:
            number = self.pending_date[0]
            self.report(number, self.lines[number - 1], "date_without_post")
            self.pending_date = None

    def start_commentary(self, number: int, headline: str) -> None:
        self.post = ParsedPost(kind="commentary", first_line=number)
        self.take_pending_date(self.post)
        self.part = "start"
        self.open_quote = False
        self.expect_headline = not headline
        self.check_repeat = bool(headline)
        if headline:
            self.set_headline(number, headline)

    def set_headline(self, number: int, headline: str) -> None:
        if len(headline) > HEADLINE_MAX_LENGTH:
            self.report(number, headline, "headline_too_long")
            headline = headline[:HEADLINE_MAX_LENGTH].rstrip()
        self.post.headline = headline

    def report(self, number: int, text: str, reason: str) -> None:
        line = UnclassifiedLine(number, text, reason)
        self.unclassified.append(line)
        if self.post is not None:
            self.post.unclassified.append(line)

    # --- finishing a post -------------------------------------------------------------

    def finish(self, last_line: int) -> None:
        if self.post is not None:
            self.finish_commentary(last_line)
        else:
            self.finish_diary()

    def finish_diary(self) -> None:
        kept: list[tuple[int, str]] = []
        for number, text in self.diary:
            if text or (kept and kept[-1][1]):  # runs of blank lines become one
                kept.append((number, text))
        while kept and not kept[-1][1]:
            kept.pop()
        if kept:
            body = "\n".join(text for _, text in kept)
            post = ParsedPost(kind="diary", first_line=kept[0][0], last_line=kept[-1][0], body=body)
            self.take_pending_date(post)
            post.first_line = min(post.first_line, post.date_line or post.first_line)
            self.posts.append(post)
        self.diary = []

    def finish_commentary(self, last_line: int) -> None:
        post, self.post = self.post, None
        while last_line > post.first_line and not self.lines[last_line - 1]:
            last_line -= 1
        post.last_line = last_line
        has_content = post.lead or post.blocks or post.summary or post.url or post.outlet
        if not post.headline:
            line = UnclassifiedLine(post.first_line, self.lines[post.first_line - 1], "no_headline")
            self.unclassified.append(line)
            post.unclassified.insert(0, line)
        post.questions = [
            Question(block.line, block.quote, index)
            for index, block in enumerate(post.blocks)
            if not (block.marked or block.translation or block.opinion)
        ]
        if post.headline or has_content:
            self.posts.append(post)

    # --- a commentary's lines ---------------------------------------------------------

    def commentary_line(self, text: str) -> None:
        post, number = self.post, self.number
        if self.expect_headline:
            self.expect_headline = False
            if not (_TRANSLATION.match(text) or _SUMMARY_LABEL.match(text)):
                self.check_repeat = True
                self.set_headline(number, _strip_pair(text))
                return
        if self.check_repeat:
            self.check_repeat = False
            if _comparable(text) == _comparable(post.headline):
                return
        if self.part == "summary":
            post.summary = _append(post.summary, text)
            return
        if self.open_quote:
            if self.continue_quote(text):
                return
        if self.summary_start(text):
            return
        translation = _TRANSLATION.match(text)
        if translation:
            self.translation(text, _strip_pair(translation.group(1).strip()))
            return
        if self.part == "translation_pending" and language(text) != "en":
            post.blocks[-1].translation = _strip_pair(text)
            self.part = "translation"
            return
        if self.source(text):
            return
        kind = language(text)
        if kind == "en":
            self.english(text)
        elif kind == "ko":
            if self.part in ("quote", "translation", "translation_pending", "opinion"):
                post.blocks[-1].opinion = _append(post.blocks[-1].opinion, text)
                self.part = "opinion"
            else:
                self.report(number, text, "korean_before_quote")
        elif self.part in ("translation", "opinion"):
            post.blocks[-1].opinion = _append(post.blocks[-1].opinion, text)
            self.part = "opinion"
        elif self.part == "lead":
            post.lead = _append(post.lead, text)
        else:
            self.report(number, text, "unplaced")

    def continue_quote(self, text: str) -> bool:
        """Add a line to a quote opened on an earlier line; False when it is not one."""
        if text[:1] in _OPENING_QUOTES or language(text) != "en" or _TRANSLATION.match(text):
            self.open_quote = False
            return False
        block = self.post.blocks[-1]
        at = _ends_with_closing(text, _CLOSING_QUOTES)
        if at >= 0:
            text = _without_closing(text, at)
            self.open_quote = False
        block.quote = f"{block.quote} {text}"
        return True

    def summary_start(self, text: str) -> bool:
        label = _SUMMARY_LABEL.match(text)
        if label:
            self.part = "summary"
            self.post.summary = label.group(1).strip()
            return True
        if _SUMMARY_PROSE.match(text):
            self.part = "summary"
            self.post.summary = text
            return True
        return False

    def translation(self, line: str, text: str) -> None:
        blocks = self.post.blocks
        if not blocks:
            self.report(self.number, line, "translation_without_quote")
        elif blocks[-1].translation or blocks[-1].opinion or self.part != "quote":
            self.report(self.number, line, "second_translation")
        else:
            blocks[-1].translation = text
            self.part = "translation" if text else "translation_pending"

    def source(self, text: str) -> bool:
        """A web address or a `출처:` line: the article's address or outlet, once each."""
        post = self.post
        labelled = _SOURCE.match(text)
        value = labelled.group(2).strip() if labelled else text
        url = _URL.match(value)
        if labelled and not url and language(labelled.group(1)) == "en":
            return False  # `Source: the company said…` may well be a quote
        if url and len(url.group(1)) <= URL_MAX_LENGTH and not post.url:
            post.url = url.group(1)
            return True
        if labelled and not url and not post.outlet and len(value) <= OUTLET_MAX_LENGTH:
            post.outlet = value
            return True
        if url and self.part in ("translation", "opinion"):
            post.blocks[-1].opinion = _append(post.blocks[-1].opinion, text)
            self.part = "opinion"
            return True
        if url or labelled:
            self.report(self.number, text, "unplaced")
            return True
        return False

    def english(self, text: str) -> None:
        post = self.post
        quote, quoted, goes_on = _unquote(text)
        if not post.blocks and not quoted and self.next_is_english():
            post.lead = _append(post.lead, text)
            self.part = "lead"
            return
        post.blocks.append(ParsedBlock(quote=quote, line=self.number, marked=quoted))
        self.part = "quote"
        self.open_quote = goes_on

    def next_is_english(self) -> bool:
        """Is the next line with text an English line (not a translation, summary, …)?"""
        for text in self.lines[self.index + 1 :]:
            if not text or _URL.match(text) or _SOURCE.match(text):
                continue
            if _HEADLINE.match(text) or _SEPARATOR.match(text) or _TRANSLATION.match(text):
                return False
            if _SUMMARY_LABEL.match(text) or _SUMMARY_PROSE.match(text):
                return False
            return language(text) == "en"
        return False


# --- the public functions -------------------------------------------------------------


@dataclass
class ParseResult:
    """The posts read from a text, and every line that fit nowhere (in line order)."""

    posts: list[ParsedPost]
    unclassified: list[UnclassifiedLine]

    @property
    def diary_count(self) -> int:
        return sum(post.kind == "diary" for post in self.posts)

    @property
    def commentary_count(self) -> int:
        return sum(post.kind == "commentary" for post in self.posts)

    @property
    def block_count(self) -> int:
        return sum(len(post.blocks) for post in self.posts)

    @property
    def questions(self) -> list[Question]:
        return [question for post in self.posts for question in post.questions]

    def to_dict(self) -> dict:
        return {"posts": [post.to_dict() for post in self.posts]}


def parse_text(text: str) -> ParseResult:
    """Split the owner's plain text into posts, reporting the lines that fit nowhere."""
    parser = _Parser(text)
    posts = parser.run()
    return ParseResult(posts, sorted(parser.unclassified, key=lambda line: line.number))


def parse(text: str) -> list[ParsedPost]:
    """The posts of a text; each keeps the unclassified lines found inside it."""
    return parse_text(text).posts


# Bound parameters per query when looking for posts like the imported ones, or loading them
# (SQLite allows 32,766; an import may hold thousands of short posts).
_WORDS_PER_QUERY = 500
# What is read of each candidate diary entry: enough for OPENING_CHARACTERS once its spaces
# and quote marks are evened out.
_OPENING_READ = 4 * OPENING_CHARACTERS


def look_alikes(parsed_posts: list[ParsedPost]) -> list[Post | None]:
    """For each parsed post, a post of the site (outside the trash) it looks like: a
    commentary with the same headline, or a diary entry that opens with the same text; None
    when there is none. Only posts that start with the same word are read, in a few queries
    whatever the size of the site or of the import."""
    found: dict[tuple[str, str], int] = {}
    for kind, column in (("commentary", Post.title), ("diary", Post.body)):
        wanted = [_opening_of(post) for post in parsed_posts if post.kind == kind]
        words = sorted({word for word in map(_first_word, wanted) if word})
        for start in range(0, len(words), _WORDS_PER_QUERY):
            chunk = words[start : start + _WORDS_PER_QUERY]
            rows = db.session.execute(
                db.select(Post.id, func.substr(column, 1, _OPENING_READ))
                .where(Post.kind == kind, Post.deleted_at.is_(None))
                .where(or_(*(_starts_with(column, word) for word in chunk)))
                .order_by(Post.id)
            )
            for post_id, text in rows:
                found.setdefault((kind, _opening(kind, text or "")), post_id)
    ids = [found.get((parsed.kind, _opening_of(parsed))) for parsed in parsed_posts]
    wanted_ids = sorted({post_id for post_id in ids if post_id})
    posts: dict[int, Post] = {}
    for start in range(0, len(wanted_ids), _WORDS_PER_QUERY):
        chunk = wanted_ids[start : start + _WORDS_PER_QUERY]
        posts.update(
            (post.id, post)
            for post in db.session.scalars(db.select(Post).where(Post.id.in_(chunk)))
        )
    return [posts.get(post_id) for post_id in ids]


def _opening(kind: str, text: str) -> str:
    """What two posts of a kind must share to look alike: a commentary's whole headline, a
    diary entry's opening text."""
    return _comparable(text) if kind == "commentary" else opening_text(text)


def _opening_of(post: ParsedPost) -> str:
    return _opening(post.kind, post.headline if post.kind == "commentary" else post.body)


def _first_word(opening: str) -> str:
    """The letters and digits a look-alike's text starts with (quote marks were dropped
    from the opening; a stored text may still have them, and is then not found)."""
    word = re.match(r"\w+", opening)
    return word.group() if word else ""


def _starts_with(column, word: str):
    """`column` starts with `word` (lower case, as openings are compared)."""
    return func.lower(column).startswith(word, autoescape=True)


def save_as_drafts(parsed_posts: list[ParsedPost]) -> list[Post]:
    """Create one draft per parsed post, as the editors would save it, dated when it was
    written if that is known (a draft keeps its publication time until it is published);
    the caller commits."""
    saved: list[Post] = []
    for parsed in parsed_posts:
        post = schema.new_post(_post_data(parsed))
        saving.save(post)
        saved.append(post)
    return saved


def _post_data(parsed: ParsedPost) -> dict:
    """A parsed post as post data (posts.schema): an untitled diary entry (the site shows it
    by its date) or a commentary, as a draft without tags."""
    published_at = parsed.published_at()
    data = {
        "kind": parsed.kind,
        "tags": [],
        "visibility": "draft",
        "published_at": published_at.isoformat() if published_at else None,
    }
    if parsed.kind == "diary":
        return {**data, "title": "", "body": parsed.body}
    blocks = [
        {"quote": b.quote, "translation": b.translation, "opinion": b.opinion}
        for b in parsed.blocks
    ]
    return {
        **data,
        "title": parsed.headline,
        "outlet": parsed.outlet,
        "source_url": parsed.url,
        "author": "",
        "published_on": None,
        "lead": parsed.lead,
        "blocks": blocks,
        "body": parsed.summary,
        "closing": "",
    }


# --- the command --------------------------------------------------------------------------


class DecodedText(NamedTuple):
    text: str
    encoding: str  # a key of ENCODINGS, or the encoding the caller named


# The encodings a file is read in without being told, by what they are called.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "cp949": "CP949 (EUC-KR)",
}
# Control characters no text file holds (a DOS file may end with ^Z, \x1a): they mean a
# picture, a document, an archive…
_BINARY = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f]")
# Read as CP949, most letters beyond ASCII of a Korean text are Hangul; bytes of another
# encoding that happen to decode give mostly hanja and symbols.
HANGUL_SHARE_FOR_CP949 = 0.5


class NotText(ValueError):
    """Bytes that are no text in an encoding we read: `reason` is "binary" or "encoding"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def decode_text(data: bytes, encoding: str | None = None) -> DecodedText:
    """A file's text and the encoding it was read in: UTF-8 with or without a BOM, UTF-16
    with a BOM, else CP949 (which includes EUC-KR: the encoding of older Korean Windows
    files), or `encoding` when the caller names one. Raises NotText for a binary file or
    bytes in none of these (LookupError for an unknown `encoding`)."""
    if encoding:
        decoded = DecodedText(_decoded(data, encoding), encoding)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = DecodedText(_decoded(data, "utf-16"), "utf-16")
    elif data.startswith(codecs.BOM_UTF8):
        decoded = DecodedText(_decoded(data, "utf-8-sig"), "utf-8-sig")
    elif b"\x00" in data:
        raise NotText("binary")  # before guessing: random bytes may well decode as CP949
    else:
        try:
            decoded = DecodedText(_decoded(data, "utf-8"), "utf-8")
        except NotText:
            decoded = DecodedText(_decoded(data, "cp949"), "cp949")
            if not _looks_korean(decoded.text):
                raise NotText("encoding") from None
    if _BINARY.search(decoded.text):
        raise NotText("binary")
    return decoded


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise NotText("encoding") from None


def _looks_korean(text: str) -> bool:
    beyond_ascii = [c for c in text if ord(c) > 0x7F]
    if not beyond_ascii:
        return True
    hangul = sum(bool(_HANGUL.match(c)) for c in beyond_ascii)
    return hangul / len(beyond_ascii) >= HANGUL_SHARE_FOR_CP949


def describe(result: ParseResult) -> str:
    return (
        f"{result.diary_count} diary entries, {result.commentary_count} commentaries"
        f" ({result.block_count} blocks)"
    )


@click.command("import-text")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--encoding",
    default=None,
    help="The file's encoding, when it is none of UTF-8, UTF-16 (with a BOM) and CP949.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
def import_text_command(path: Path, encoding: str | None, dry_run: bool) -> None:
    """Read plain-text posts in the owner's old format (diary text, 기사제목: …) into drafts."""
    if not path.is_file():
        raise click.ClickException(f"No such file: {path}")
    try:
        text, read_as = decode_text(path.read_bytes(), encoding)
    except NotText as refusal:
        if refusal.reason == "binary":
            raise click.ClickException(f"{path} is not a text file.") from None
        raise click.ClickException(
            f"{path} is not UTF-8, UTF-16 or CP949 text. Give its encoding, e.g. --encoding euc-jp."
        ) from None
    except LookupError:
        raise click.ClickException(f"Unknown encoding: {encoding}") from None
    click.echo(f"Read {path} as {ENCODINGS.get(read_as, read_as)}.")
    result = parse_text(text)
    for line in result.unclassified:
        click.echo(f"Line {line.number} not imported ({REASONS[line.reason]}): {line.text}")
    for post in result.posts:
        if post.written_on:
            click.echo(f"Line {post.date_line}: the post is dated {post.written_on}.")
    for question in result.questions:
        click.echo(
            f"Line {question.number} imported as a quote; it may be the summary instead "
            f"(check it in the editor): {question.text}"
        )
    if not result.posts:
        raise click.ClickException(f"Nothing in {path} could be read as a post.")
    if dry_run:
        click.echo(f"Would import {describe(result)}; nothing saved (--dry-run).")
        return
    posts = save_as_drafts(result.posts)
    db.session.commit()
    click.echo(
        f"Imported {describe(result)} as drafts: post ids {', '.join(str(p.id) for p in posts)}."
    )
    if result.unclassified:
        click.echo(
            f"{len(result.unclassified)} lines were not imported (listed above): "
            "add them in the editor."
        )
