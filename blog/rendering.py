"""The one path from user text to HTML: Markdown (markdown-it-py), then bleach, then Markup.

Everything a person typed reaches a page through this module. Templates never mark text
safe themselves; they use the filters registered here.
"""

import functools
import html
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from flask import g
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markupsafe import Markup, escape

from .media.names import SERVED_NAME, URL_PREFIX, PhotoName
from .study.expressions import Expression
from .study.expressions import parse as parse_expressions
from .study.expressions import spans as expression_spans
from .study.quote_check import Mismatch

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "img",
        "blockquote",
        "pre",
        "code",
        "em",
        "strong",
        "del",
        "s",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "sub",
        # Photos of this site (see _render_image): only the renderer makes these.
        "figure",
        "figcaption",
        "picture",
        "source",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "nofollow noopener"


# What the URL standard drops before reading an address: C0 controls and spaces around it,
# tabs and line ends anywhere in it.
_IGNORED_IN_URLS = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")


def leaves_site(address: str) -> bool:
    r"""Whether a browser following `address` (an attribute value, entities undecoded) leaves
    this site: an absolute http(s) address, or a protocol-relative `//host`, read as browsers
    read it, where a backslash is a slash, so `\\host` and `/\host` are `//host` too."""
    address = _IGNORED_IN_URLS.sub("", html.unescape(address)).replace("\\", "/")
    return address.startswith("//") or urlsplit(address).scheme in ("http", "https")


# The width a photo takes: the page's column (44rem less its padding), or the screen less
# the padding on a phone. Browsers choose a variant from it before the CSS is read.
PHOTO_SIZES = "(min-width: 44rem) 41.8rem, calc(100vw - 2.2rem)"
_PHOTO_ATTRIBUTES = {
    "sizes": {PHOTO_SIZES},
    "loading": {"lazy", "eager"},
    "decoding": {"async"},
    "fetchpriority": {"high"},
}


def _own_srcset(value: str) -> bool:
    """A srcset of this site's photo variants only."""
    candidates = [candidate.strip().split(" ") for candidate in value.split(",")]
    return all(
        len(parts) == 2
        and parts[0].startswith(URL_PREFIX)
        and SERVED_NAME.fullmatch(parts[0][len(URL_PREFIX) :])
        and parts[1][:-1].isdigit()
        and parts[1].endswith("w")
        for parts in candidates
    )


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title") or (name == "rel" and value == EXTERNAL_REL)
    if tag == "img":
        if name == "src":
            # Remote images only over https; own images by path, never protocol-relative.
            return value.startswith("https://") or (
                value.startswith("/") and not leaves_site(value)
            )
        if name in ("width", "height"):
            return value.isdigit()
        if name == "srcset":
            return _own_srcset(value)
        return name in ("alt", "title") or value in _PHOTO_ATTRIBUTES.get(name, ())
    if tag == "source":
        return (
            (name == "type" and value == "image/webp")
            or (name == "srcset" and _own_srcset(value))
            or (name == "sizes" and value == PHOTO_SIZES)
        )
    if tag == "figure":
        return name == "class" and value == "photo"
    if tag == "ol":
        return name == "start"
    return False


class ExternalLinkFilter(Filter):
    """Marks links to other sites nofollow/noopener; runs inside bleach's own pass."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attributes = dict(token["data"])
                if leaves_site(attributes.get((None, "href"), "")):
                    attributes[(None, "rel")] = EXTERNAL_REL
                    token = {**token, "data": attributes}
            yield token


_cleaners = threading.local()


def _cleaner() -> bleach.Cleaner:
    """This thread's Cleaner. Building one costs about as much as cleaning a paragraph, so
    each thread builds it once; bleach's Cleaner is not thread-safe, so no two share one."""
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[ExternalLinkFilter],
        )
    return cleaner


def sanitize(html: str) -> str:
    return _cleaner().clean(html)


def _rank_headings(state) -> None:
    """A page has one h1 (the post's title): the highest heading the text uses becomes h2,
    the next level h3, and so on without gaps, so `##` under the title is h2, not h3."""
    levels = sorted({int(t.tag[1]) for t in state.tokens if t.type == "heading_open"})
    rank = {level: f"h{min(index + 2, 6)}" for index, level in enumerate(levels)}
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = rank[int(token.tag[1])]


# --- what one post's Markdown may cost -------------------------------------------------------
#
# Markdown multiplies: a table pads every row to its header's column count and a reference
# link repeats its address at every use, so 3 KB of text can make 700 KB of HTML; and some
# texts are slow to parse at all (100,000 characters of unclosed `![` take seconds).
# The texts of one post are bounded together, as markdown-it works, before the slow parts
# run: its steps are counted while it parses (each block it starts and line it checks, each
# place in a paragraph where it tries its rules, and each token it makes: paragraphs, table
# cells, links…), and the HTML it made is measured before bleach sees it. Figures, and the
# share of each bound normal long posts use: bench/markdown_cost.py.
MAX_STEPS = 60_000
MAX_HTML = 200_000  # characters of HTML before sanitising
# Distinct texts whose rendering each worker keeps (a 100-block commentary has 102).
RENDER_CACHE_SIZE = 256
CHARACTERS_PER_STEP = 8  # reading the text (reference definitions make no tokens at all)
LINK_STEPS = 4


class TooLargeToRender(ValueError):
    """Markdown that would make too large a page, or too slow a save: `kind` is "steps" or
    "html", `limit` the bound it passed. Raised before bleach runs; nothing is rendered.
    Forms turn it into a field error; anything else rendering stored text must expect it."""

    def __init__(self, kind: str, limit: int):
        super().__init__(f"more than {limit} {kind}")
        self.kind = kind
        self.limit = limit


@dataclass
class RenderBudget:
    """What the texts of one post may still cost together; each rendering spends from it."""

    steps: int = MAX_STEPS
    html: int = MAX_HTML

    def spend_steps(self, count: int, unpaid_tokens: int = 0) -> None:
        """Spend `count` steps; refuse if the tokens made but not paid for yet (the blocks'
        once all blocks are found, a paragraph's once it is parsed) would not fit either."""
        self.steps -= count
        if self.steps < unpaid_tokens:
            raise TooLargeToRender("steps", MAX_STEPS)

    def spend_html(self, html: str) -> None:
        self.html -= len(html)
        if self.html < 0:
            raise TooLargeToRender("html", MAX_HTML)


def _block_step(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Never matches. The first block rule, and a terminator of paragraphs, tables, lists and
    quotes, so markdown-it takes this step at every block and every line it checks: a table
    padding thousands of rows stops as soon as the tokens made so far pass the budget."""
    state.env["budget"].spend_steps(1, unpaid_tokens=len(state.tokens))
    return False


def _inline_step(state, silent: bool) -> bool:
    """Never matches; the first inline rule, so markdown-it takes this step wherever it tries
    its rules in a paragraph. Trying a link or an image (scanning its label, address and
    title, then looking them up) costs several steps."""
    steps = LINK_STEPS if state.src.startswith(("[", "!["), state.pos) else 1
    state.env["budget"].spend_steps(steps, unpaid_tokens=len(state.tokens))
    return False


def _inline_within_budget(state) -> None:
    """markdown-it's core `inline` rule, spending a step for each token, block then inline."""
    budget = state.env["budget"]
    budget.spend_steps(len(state.tokens))
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)
            budget.spend_steps(len(token.children))


# The blocks of a page's opening text that a phone's first screen shows, below the title:
# a photo after a short paragraph or two is still on it.
OPENING_BLOCKS = 3


def _photo_figures(state) -> None:
    """A paragraph of nothing but photos (each on its own line, as the editor inserts them)
    shows them as figures, with their captions, instead of inline in a paragraph. In a text
    that opens its page (a diary entry's), a photo among its first blocks is on the first
    screen, likely its largest part: it loads at once and first, the rest when scrolled to."""
    tokens = state.tokens
    blocks_before = -1
    opening = state.env.get("opens_page", False)
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting >= 0:
            blocks_before += 1
        if token.type != "inline" or not token.children:
            continue
        photos = [child for child in token.children if child.type == "image"]
        alone = (
            index > 0
            and tokens[index - 1].type == "paragraph_open"
            and all(
                child.type == "image"
                or child.type in ("softbreak", "hardbreak")
                or (child.type == "text" and not child.content.strip())
                for child in token.children
            )
        )
        if photos and alone:
            tokens[index - 1].hidden = tokens[index + 1].hidden = True
            for photo in photos:
                photo.meta["figure"] = True
        if opening and photos and blocks_before < OPENING_BLOCKS:
            photos[0].meta["first"] = True
            opening = False


def _render_image(self, tokens, idx, options, env) -> str:
    """This site's photos as a <picture>: WebP with a JPEG fallback, every width in srcset,
    the size the right way up so nothing shifts, lazily loaded below the first screen, a tap
    away from the largest. Other images as markdown-it renders them."""
    token = tokens[idx]
    photo = PhotoName.from_address(token.attrGet("src") or "")
    if photo is None:
        return RendererHTML.image(self, tokens, idx, options, env)
    alt = html.escape(self.renderInlineAsText(token.children, options, env))
    caption = html.escape(token.attrGet("title") or "")
    width, height = photo.largest, photo.height_at(photo.largest)
    loading = (
        'loading="eager" fetchpriority="high"' if token.meta.get("first") else 'loading="lazy"'
    )
    # In a figure the caption is shown below; inline, it is the photo's title.
    title = f' title="{caption}"' if caption and not token.meta.get("figure") else ""
    fallback = photo.widths()[min(1, len(photo.widths()) - 1)]  # 960 where there is one
    picture = (
        f'<a href="{photo.variant(width, "jpg")}"><picture>'
        f'<source type="image/webp" srcset="{photo.srcset("webp")}" sizes="{PHOTO_SIZES}">'
        f'<img src="{photo.variant(fallback, "jpg")}" srcset="{photo.srcset("jpg")}" '
        f'sizes="{PHOTO_SIZES}" width="{width}" height="{height}" alt="{alt}"{title} '
        f'{loading} decoding="async"></picture></a>'
    )
    if not token.meta.get("figure"):
        return picture
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="photo">{picture}{figcaption}</figure>\n'


def photo_thumbnail(key: str) -> Markup:
    """A post's first photo (Post.cover_photo) as a list's thumbnail: its smallest variant,
    decorative (the card's heading says what the post is), lazily loaded. Built from the
    photo's name alone, which holds only hex digits and numbers."""
    photo = PhotoName.from_key(key)
    if photo is None:
        return Markup("")
    width = photo.widths()[0]
    webp, jpeg = photo.variant(width, "webp"), photo.variant(width, "jpg")
    return Markup(
        f'<picture class="card__photo"><source type="image/webp" srcset="{webp}">'
        f'<img src="{jpeg}" width="{width}" height="{photo.height_at(width)}" '
        'alt="" loading="lazy" decoding="async"></picture>'
    )


_MEDIA_IN_ATTRIBUTE = re.compile(r'(\s(?:src|href|srcset)=")([^"]*)"')
_MEDIA_PATH = re.compile(r"(^|,\s*)" + re.escape(URL_PREFIX))


def absolute_media(html: str, root: str) -> Markup:
    """Stored HTML with this site's photos addressed absolutely from `root` (the site's
    address, ending in /): a feed is read away from the site. Only attribute values change;
    the text cannot hold a quoted /media/ address (markdown-it escapes quotes in text)."""

    def absolute(match: re.Match) -> str:
        value = _MEDIA_PATH.sub(lambda path: path.group(1) + root + URL_PREFIX[1:], match.group(2))
        return f'{match.group(1)}{value}"'

    return Markup(_MEDIA_IN_ATTRIBUTE.sub(absolute, str(html)))


def _markdown() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, not passed on to the sanitiser.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )
    md.block.ruler.before(
        "table",
        "budget_step",
        _block_step,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("text", "budget_step", _inline_step)
    md.core.ruler.at("inline", _inline_within_budget)
    md.core.ruler.push("rank_headings", _rank_headings)
    md.core.ruler.push("photo_figures", _photo_figures)
    md.add_render_rule("image", _render_image)
    return md


_md = _markdown()


def _parse(source: str, budget: RenderBudget | None, opens_page: bool = False) -> tuple[list, dict]:
    env = {"budget": budget or RenderBudget(), "opens_page": opens_page}
    env["budget"].spend_steps(len(source) // CHARACTERS_PER_STEP)
    return _md.parse(source, env), env


def _unsanitised_html(tokens, env: dict) -> str:
    html = _md.renderer.render(tokens, _md.options, env)
    env["budget"].spend_html(html)
    return html


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str | None) -> str:
    """Normalise typed text at the boundary, before it is stored.

    NFC so that Hangul typed as separate jamo matches composed syllables; lone surrogates
    (a broken paste) become U+FFFD because databases refuse them; NUL and other control
    characters are dropped (bleach would turn them into '?'); line ends become '\\n'.
    """
    if not value:
        return ""
    value = _SURROGATES.sub("\ufffd", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_CHARACTERS.sub("", value)
    return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class _Rendering:
    html: str  # before sanitising
    words: str  # what a reader reads (excerpts, reading time)
    searched: str  # that and what its photos' alt texts and captions say (search)
    steps: int  # what parsing it spent from a budget


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _rendering(source: str, opens_page: bool = False) -> _Rendering:
    """One parse of `source`, bounded as if it were a whole post, kept for the next use.

    A post's texts are checked when the form is validated and rendered when it is saved, and
    an edit changes one block of thirty: so each distinct text is parsed once per worker,
    not once per use. The result depends on the text alone (the rules are fixed while the
    site runs); what it costs is charged to each budget it is used under (`_measured`).
    `opens_page`: the text comes first on its page (see _photo_figures)."""
    budget = RenderBudget()
    tokens, env = _parse(source, budget, opens_page)
    return _Rendering(
        _unsanitised_html(tokens, env),
        _words(tokens, with_photos=False),
        _words(tokens, with_photos=True),
        MAX_STEPS - budget.steps,
    )


def _measured(source: str, budget: RenderBudget | None, opens_page: bool = False) -> _Rendering:
    rendering = _rendering(source, opens_page)
    if budget is not None:
        budget.spend_steps(rendering.steps)
        budget.spend_html(rendering.html)
    return rendering


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _sanitized(html: str) -> Markup:
    return Markup(sanitize(html))


def render_markdown(source: str, budget: RenderBudget | None = None) -> Markup:
    """The owner's Markdown as sanitised HTML. The owner's text is treated as untrusted too.
    Raises TooLargeToRender past the budget (a whole post's, unless one is passed)."""
    return _sanitized(_measured(source, budget).html)


def render_markdown_with_text(
    source: str, budget: RenderBudget | None = None, opens_page: bool = False
) -> tuple[Markup, str]:
    """`render_markdown(source)` and the words a reader reads in it (as `plain_text`, less
    what images' alt texts and captions say: an excerpt beside a thumbnail need not describe
    it), for a save that stores the HTML and derives excerpts and reading times.
    `opens_page`: the text comes first on its page, so its first photo loads at once."""
    rendering = _measured(source, budget, opens_page)
    return _sanitized(rendering.html), rendering.words


def check_markdown(source: str, budget: RenderBudget) -> None:
    """Spend from `budget` what rendering `source` would, without the slow sanitising:
    raises TooLargeToRender where `render_markdown(source, budget)` would."""
    _measured(source, budget)


def preview_markdown(source: str) -> Markup:
    """The `markdown` filter, for text not saved yet (the editors' and the importer's
    previews). The previews of one page share one post's budget; text past it is shown as
    plain paragraphs (the form says why) instead of an error page."""
    budget = g.setdefault("preview_budget", RenderBudget())
    try:
        return render_markdown(source, budget)
    except TooLargeToRender:
        return render_plain(source)


def _paragraphs(text: str, render_line) -> Markup:
    """Blank lines separate paragraphs, single line ends are kept; each line through
    `render_line`, which must escape. Fixed tags around escaped text: safe by construction,
    and cheap enough to run on every view."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup(
        "".join(
            "<p>" + "<br>\n".join(render_line(line) for line in p.strip().split("\n")) + "</p>"
            for p in paragraphs
        )
    )


def render_plain(text: str) -> Markup:
    """Plain text (quotes, translations, leads) as paragraphs with their line breaks."""
    return _paragraphs(text, escape)


def _marked(line: str, found: list[Expression], anchor: str = "") -> str:
    """A line of a quote, escaped, each key expression in it marked (<mark>); with `anchor`,
    each mark links to `#<anchor>-K`, where the page says the K-th expression's meaning."""
    html, position = [], 0
    for start, end, index in expression_spans(line, found):
        mark = f"<mark>{escape(line[start:end])}</mark>"
        if anchor:
            mark = f'<a class="expression" href="#{escape(anchor)}-{index + 1}">{mark}</a>'
        html += [escape(line[position:start]), mark]
        position = end
    html.append(escape(line[position:]))
    return "".join(html)


def render_quote(quote: str, found: list[Expression], anchor: str = "") -> Markup:
    """A quote as paragraphs, each key expression in it marked (see _marked)."""
    return _paragraphs(quote, lambda line: _marked(line, found, anchor))


def render_card_quote(quote: str, expression: Expression) -> Markup:
    """A quote for a flashcard (an Anki field is HTML): escaped, `expression` marked, its
    lines kept as <br> and no other markup."""
    lines = [line.strip() for line in quote.strip().split("\n")]
    return Markup("<br>").join(Markup(_marked(line, [expression])) for line in lines)


def link(href: str, text: str) -> Markup:
    """A plain link, for HTML made outside a template (a flashcard's link to its post)."""
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def render_quote_difference(mismatch: Mismatch) -> Markup:
    """A quote's closest passage of the article as the article writes it, the quote's
    differences marked in it: <del> what only the quote has, <ins> what only the article has
    (a changed word is both)."""
    html = []
    for stretch in mismatch.differences:
        html.append(escape(stretch.space))
        if stretch.kind == "same":
            html.append(escape(stretch.article))
            continue
        if stretch.quote:
            html.append(f"<del>{escape(stretch.quote)}</del>")
        if stretch.article:
            html.append(f"<ins>{escape(stretch.article)}</ins>")
    return Markup("".join(html))


# A URL is ASCII: it ends at the first space, quote, angle bracket or non-ASCII character,
# so a Korean particle written right after it (`https://example.com/글에서`, `...?c=2를`)
# stays outside the link. Non-ASCII paths must be percent-encoded to be linked. One
# character class, no nesting: linear time on any input.
_URL = re.compile(r"(?:https?://|www\.)[!#-;=?-~]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*"
COMMENT_LINK_REL = "nofollow ugc noopener"


def _trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL."""
    while url and (
        url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))
    ):
        url = url[:-1]
    return url


def find_links(text: str) -> list[str]:
    """The web addresses a comment's text will link, in order."""
    return [url for url in (_trim_url(m.group()) for m in _URL.finditer(text)) if "." in url]


def _linkify_line(line: str) -> str:
    html, position = [], 0
    for match in _URL.finditer(line):
        url = _trim_url(match.group())
        if "." not in url:
            continue
        href = url if url.lower().startswith("http") else "http://" + url
        html.append(escape(line[position : match.start()]))
        html.append(f'<a href="{escape(href)}" rel="{COMMENT_LINK_REL}">{escape(url)}</a>')
        position = match.start() + len(url)
    html.append(escape(line[position:]))
    return "".join(html)


def render_comment(text: str) -> Markup:
    """A reader's plain text: no HTML or Markdown at all; line breaks kept; links linked."""
    return _paragraphs(text, _linkify_line)


# Where a sentence ends: a line end, or a full stop (question mark, …) and the space after it.
_SENTENCE_BREAK = re.compile(r"\s*\n\s*|(?<=[.!?…。])\s+")


def _found_words(words: list[str]) -> re.Pattern | None:
    """What a search's words look like in a text: in any case, longest first, and an English
    word with the rest of the word it begins (the index finds `spend` in `spending`)."""
    alternatives = [
        re.escape(word) + ("[a-z0-9]*" if word[-1].isascii() and word[-1].isalnum() else "")
        for word in sorted((word for word in words if word), key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def mark(text: str, words: list[str]) -> Markup:
    """`text`, escaped, with every place a search's words are found in it marked."""
    pattern = _found_words(words)
    html, position = [], 0
    for match in pattern.finditer(text) if pattern else ():
        html += [escape(text[position : match.start()]), Markup("<mark>")]
        html += [escape(match.group()), Markup("</mark>")]
        position = match.end()
    html.append(escape(text[position:]))
    return Markup("").join(html)


def highlight(text: str, words: list[str], width: int = 70) -> Markup:
    """The sentence of `text` (a line, or up to a full stop) where most of a search's words
    are found, the first such (the first sentence if none is), with every hit marked. A
    sentence longer than `2 * width` characters is cut around its first hit, from about
    `width // 2` before it, at spaces where there are some near.

    Measured in characters, so a Korean snippet is as long to read as an English one.
    """
    pattern = _found_words(words)

    def words_found(sentence: str) -> int:
        return len({hit.group().casefold() for hit in pattern.finditer(sentence)}) if pattern else 0

    sentences = [" ".join(sentence.split()) for sentence in _SENTENCE_BREAK.split(text)]
    sentence = max([sentence for sentence in sentences if sentence] or [""], key=words_found)
    if len(sentence) <= 2 * width:
        return mark(sentence, words)
    hit = pattern.search(sentence) if pattern else None
    begin = max(0, (hit.start() if hit else 0) - width // 2)
    end = begin + 2 * width
    # At a space, when one is within a few characters and leaves the hit in.
    space = sentence.find(" ", begin, min(begin + 10, hit.start() if hit else begin + 10))
    begin = space + 1 if begin and space != -1 else begin
    space = sentence.rfind(" ", max(end - 10, hit.end() if hit else 0), end)
    end = space if end < len(sentence) and space != -1 else end
    return Markup("").join(
        ["…" if begin else "", mark(sentence[begin:end], words), "…" if end < len(sentence) else ""]
    )


def stored_html(value: str | None) -> Markup:
    """HTML that this module produced at save time (the *_html columns), for templates."""
    return Markup(value or "")


def plain_text(source: str) -> str:
    """The words of a Markdown text without markup, for search: a line for each line a reader
    sees (a line break, a paragraph, a heading, a list item, a line of code), and what each
    image's alt text and caption say; blank lines and runs of spaces dropped. Raises
    TooLargeToRender as `render_markdown` does."""
    return _rendering(source).searched


def _words(tokens, with_photos: bool) -> str:
    lines: list[str] = []
    for token in tokens:
        if token.type == "inline":
            line: list[str] = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    line.append(child.content)
                elif child.type == "image" and with_photos:  # what it shows, as read aloud
                    line.append(" ".join(filter(None, [child.content, child.attrGet("title")])))
                elif child.type in ("softbreak", "hardbreak"):
                    lines.append("".join(line))
                    line = []
            lines.append("".join(line))
        elif token.type in ("code_block", "fence"):
            lines += token.content.split("\n")
    return "\n".join(line for line in (" ".join(line.split()) for line in lines) if line)


EXCERPT_LENGTH = 120
# A diary of short lines ("아침: 그릭요거트", "점심: 샐러드") keeps them in its excerpt, up to
# this many, so a card stays short on a phone.
EXCERPT_LINES = 4


def excerpt(text: str, limit: int = EXCERPT_LENGTH, max_lines: int = EXCERPT_LINES) -> str:
    """The opening of a text, for lists: at most `limit` characters on at most `max_lines`
    lines, its line breaks kept, the last line cut at a space when one is near its end.

    Korean is measured in characters, not words: a 120-character Korean excerpt reads about
    as long as a 25-word English one, and a Korean sentence may have few spaces. Stored with
    its line breaks; templates show them with the `line_breaks` filter.
    """
    lines = [line for line in (" ".join(line.split()) for line in text.split("\n")) if line]
    kept: list[str] = []
    room = limit
    for line in lines[:max_lines]:
        if len(line) > room:
            kept.append(_cut(line, room))
            break
        kept.append(line)
        room -= len(line)
    kept = [line for line in kept if line]
    shown = "\n".join(kept)
    # One mark for what is left out, not "때문에...…".
    return shown.rstrip(" ,.;:·…") + "…" if kept != lines else shown


def _cut(line: str, length: int) -> str:
    """`line` cut to `length` characters, at a space when one is near the end."""
    cut = line[:length]
    space = cut.rfind(" ")
    if space > length * 0.8:
        cut = cut[:space]
    return cut.rstrip(" ,.;:·")


HEADING_LENGTH = 30  # at most two lines of a card heading on a phone
_HEADING_END = " ,;:·"


def opening_words(text: str, limit: int = HEADING_LENGTH) -> tuple[str, str]:
    """An untitled text's heading and what follows it, from its excerpt. The heading is the
    first line, cut to `limit` characters as an excerpt is (Hangul-aware: at a space near the
    end), without the comma or colon it stops at; the rest is the other lines, after what is
    left of a cut first line."""
    first, _, others = text.partition("\n")
    if len(first) <= limit:
        return first.rstrip(_HEADING_END), others
    words = _cut(first, limit)
    rest = "…" + first[len(words) :].lstrip(_HEADING_END)
    return words + "…", "\n".join([rest, others]) if others else rest


def line_breaks(text: str) -> Markup:
    """Stored plain text with line breaks (an excerpt) for a page: each line escaped, a
    `<br>` between lines."""
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

HANGUL_CHARACTERS_PER_MINUTE = 500
ENGLISH_WORDS_PER_MINUTE = 200


def reading_minutes(text: str) -> int:
    """Minutes to read: Hangul counted by characters, English by words; at least one."""
    hangul = len(_HANGUL.findall(text))
    words = len(_LATIN_WORD.findall(text))
    minutes = hangul / HANGUL_CHARACTERS_PER_MINUTE + words / ENGLISH_WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))


def register(app) -> None:
    app.jinja_env.filters["stored_html"] = stored_html
    app.jinja_env.filters["markdown"] = preview_markdown
    app.jinja_env.filters["plain"] = render_plain
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.filters["mark"] = mark
    app.jinja_env.filters["line_breaks"] = line_breaks
    app.jinja_env.filters["thumbnail"] = photo_thumbnail
    app.jinja_env.globals["render_quote"] = render_quote
    app.jinja_env.globals["render_quote_difference"] = render_quote_difference
    app.jinja_env.globals["parse_expressions"] = parse_expressions
