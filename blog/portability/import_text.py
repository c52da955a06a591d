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
- a bare web address (or `출처: …`) is the article's address or outlet.

English or Korean is decided per line by the share of Hangul among its letters. Lines that
fit nowhere are reported with their number, never dropped silently.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..models import Post
from ..posts import saving, schema
from ..rendering import clean_text

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

    def to_dict(self) -> dict:
        """The structured reading, in the shape of `plain-text-posts.expected.json`."""
        if self.kind == "diary":
            return {"kind": "diary", "body": self.body}
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
        }


# What each kind of unclassified line means, for the command's output.
REASONS = {
    "no_headline": "a `기사제목:` line without a headline",
    "headline_too_long": f"the headline is longer than {HEADLINE_MAX_LENGTH} characters",
    "translation_without_quote": "a translation with no English quote above it",
    "second_translation": "a second translation for the same quote",
    "korean_before_quote": "Korean text before the first quote of the commentary",
    "unplaced": "a line that belongs to no quote, translation, opinion or summary",
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

    # --- the main loop ----------------------------------------------------------------

    def run(self) -> list[ParsedPost]:
        for index, text in enumerate(self.lines):
            self.index, self.number = index, index + 1
            number = self.number
            headline = _HEADLINE.match(text)
            if headline:
                self.finish(number - 1)
                self.start_commentary(number, _strip_pair(headline.group(1).strip()))
            elif _SEPARATOR.match(text):
                self.finish(number - 1)
            elif self.post is None:
                self.diary.append((number, text))
            elif text:
                self.commentary_line(text)
        self.finish(len(self.lines))
        return self.posts

    def start_commentary(self, number: int, headline: str) -> None:
        self.post = ParsedPost(kind="commentary", first_line=number)
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
            self.posts.append(
                ParsedPost(kind="diary", first_line=kept[0][0], last_line=kept[-1][0], body=body)
            )
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
        post.blocks.append(ParsedBlock(quote=quote))
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


def save_as_drafts(parsed_posts: list[ParsedPost]) -> list[Post]:
    """Create one draft per parsed post, as the editors would save it; the caller commits."""
    saved: list[Post] = []
    for parsed in parsed_posts:
        post = schema.new_post(_post_data(parsed))
        saving.save(post)
        saved.append(post)
    return saved


def _post_data(parsed: ParsedPost) -> dict:
    """A parsed post as post data (posts.schema): an untitled diary entry (the site shows it
    by its date) or a commentary, as a draft without tags."""
    data = {"kind": parsed.kind, "tags": [], "visibility": "draft", "published_at": None}
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


def read_text_file(path: Path, encoding: str | None = None) -> str:
    """The file's text: UTF-8 with or without a BOM, UTF-16 with a BOM, or `encoding`."""
    data = path.read_bytes()
    if encoding:
        return data.decode(encoding)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


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
    help="The file's encoding when it is not UTF-8 (e.g. cp949 for old Korean Windows files).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
def import_text_command(path: Path, encoding: str | None, dry_run: bool) -> None:
    """Read plain-text posts in the owner's old format (diary text, 기사제목: …) into drafts."""
    if not path.is_file():
        raise click.ClickException(f"No such file: {path}")
    try:
        text = read_text_file(path, encoding)
    except UnicodeDecodeError:
        raise click.ClickException(
            f"{path} is not UTF-8 text. Give its encoding, e.g. --encoding cp949."
        ) from None
    except LookupError:
        raise click.ClickException(f"Unknown encoding: {encoding}") from None
    result = parse_text(text)
    for line in result.unclassified:
        click.echo(f"Line {line.number} not imported ({REASONS[line.reason]}): {line.text}")
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
