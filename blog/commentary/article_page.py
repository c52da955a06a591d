"""An article's details (headline, outlet, author, date, lead) read from its page: JSON-LD,
OpenGraph and plain <meta>, parsed with lxml and cleaned as typed text is."""

import html
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

import lxml.html
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from lxml import etree

from ..rendering import clean_text
from ..site_time import site_timezone
from .fetching import FetchRefused, fetch_page
from .forms import MAX_HEADLINE, MAX_NAME, MAX_TEXT

# schema.org's article types a news page uses (NewsArticle and its kinds), by their last name:
# `NewsArticle`, `schema:NewsArticle` and `https://schema.org/NewsArticle` are one type.
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNews",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
    }
)
# How deep JSON-LD is searched for the article: inside @graph, a list, a page's mainEntity.
_JSON_LD_DEPTH = 4
# <meta charset> in the page's first bytes, when the Content-Type header names none.
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})", re.I)


@dataclass(frozen=True)
class ArticleDetails:
    """What a page says of its article, each value as the editor's field of that name would
    hold it once typed: blank (or None) when the page does not say."""

    headline: str = ""
    outlet: str = ""
    author: str = ""
    published_on: date | None = None
    lead: str = ""

    def as_text(self) -> dict[str, str]:
        """Each value as its field shows it (a date as YYYY-MM-DD), by field name."""
        return {
            name: value.isoformat() if isinstance(value, date) else value or ""
            for name, value in asdict(self).items()
        }


def fetch_article_details(url: str) -> ArticleDetails:
    """The details of the article at `url`; FetchRefused says why there are none."""
    config = current_app.config
    page = fetch_page(
        url,
        user_agent=f"blog-article-details (+{_printable(request.host_url)})",
        timeout=config["ARTICLE_FETCH_TIMEOUT"],
        allow_private=config["ARTICLE_FETCH_ALLOW_PRIVATE"],
    )
    details = read_details(page.body, page.charset)
    if details == ArticleDetails():
        raise FetchRefused(
            "no_details",
            _l(
                "The page at this address names no article (no headline, outlet, author or "
                "date): fill in the details yourself."
            ),
        )
    return details


def read_details(body: bytes, charset: str | None) -> ArticleDetails:
    document = _parsed(body, charset)
    if document is None:
        return ArticleDetails()
    # Where several say the same thing, the most exact wins, field by field. JSON-LD is what
    # publishers write for search engines' news results: typed fields, each author by name,
    # the publisher, an exact time. OpenGraph is written for link previews: its title is
    # often rewritten for sharing and article:author is often a profile's address. <title>
    # usually ends with the site's name. So: JSON-LD, then OpenGraph, then <meta> and <title>.
    sources = (_json_ld(document), _open_graph(document), _plain_meta(document))
    limits = {"headline": MAX_HEADLINE, "outlet": MAX_NAME, "author": MAX_NAME, "lead": MAX_TEXT}
    found = {}
    for field in fields(ArticleDetails):
        for source in sources:
            raw = source.get(field.name, "")
            if field.name == "published_on":
                value = _date(raw)
            else:
                value = _cleaned(raw, limits[field.name])
            if value:
                found[field.name] = value
                break
    return ArticleDetails(**found)


def _parsed(body: bytes, charset: str | None):
    """The page's document; None for a page with nothing in it."""
    try:
        # Given as UTF-8 with the parser told so: neither a <meta charset> nor an XML
        # declaration in the page can make lxml read it otherwise.
        return lxml.html.document_fromstring(
            _decoded(body, charset).encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except etree.ParserError:  # "Document is empty"
        return None


def _decoded(body: bytes, charset: str | None) -> str:
    """The page's text, decoded as the Content-Type header says, else as its own <meta
    charset> says, else as UTF-8 (a character cut at MAX_BYTES becomes U+FFFD)."""
    for encoding in (charset, _meta_charset(body)):
        if encoding:
            try:
                return body.decode(encoding, errors="replace")
            except LookupError:  # no such encoding, or none of text ("base64")
                continue
    return body.decode("utf-8", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match[1].decode("ascii") if match else None


def _json_ld(document) -> dict[str, str]:
    """The first article of the page's JSON-LD blocks."""
    for script in document.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # broken JSON, or nested past Python's stack
            continue
        named = dict(_with_ids(data))
        for article in _articles(data, _JSON_LD_DEPTH):
            return {
                "headline": _ld_text(article.get("headline") or article.get("name")),
                "outlet": ", ".join(_ld_names(article.get("publisher"), named)),
                "author": ", ".join(_ld_names(article.get("author"), named)),
                "published_on": _ld_text(article.get("datePublished")),
                "lead": _ld_text(article.get("description")),
            }
    return {}


def _articles(data, depth: int):
    if depth < 0:
        return
    if isinstance(data, list):
        for item in data:
            yield from _articles(item, depth - 1)
    elif isinstance(data, dict):
        types = data.get("@type")
        for kind in types if isinstance(types, list) else [types]:
            if isinstance(kind, str) and re.split(r"[/:]", kind)[-1] in ARTICLE_TYPES:
                yield data
                break
        for key in ("@graph", "mainEntity"):
            yield from _articles(data.get(key), depth - 1)


def _with_ids(data, depth: int = _JSON_LD_DEPTH):
    """(id, node) of each node with an @id: an article may name its author or publisher by
    reference only, as {"@id": …} (Yoast's @graph does)."""
    if depth < 0:
        return
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict):
            if isinstance(item.get("@id"), str):
                yield item["@id"], item
            yield from _with_ids(item.get("@graph"), depth - 1)


def _ld_text(value) -> str:
    # Many publishers write HTML entities into their JSON-LD ("Meta&#8217;s"): read them
    # once. What comes out is plain text, escaped wherever it is shown.
    return html.unescape(value) if isinstance(value, str) else ""


def _ld_names(value, named: dict) -> list[str]:
    """The names in an author or publisher: a name, a thing with a name (or a reference to
    one) or a list of these; each once, in order."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = named.get(item["@id"], item)
        name = _ld_text(item.get("name") if isinstance(item, dict) else item)
        name = " ".join(name.split())
        if name and name not in names:
            names.append(name)
    return names


def _meta(document) -> dict[str, list[str]]:
    """Each <meta> by its property or name (lowercase), with every content given for it."""
    found: dict[str, list[str]] = {}
    for meta in document.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content:
            found.setdefault(key, []).append(content)
    return found


def _open_graph(document) -> dict[str, str]:
    meta = _meta(document)
    authors = [a for a in meta.get("article:author", []) if not _is_address(a)]
    return {
        "headline": _first(meta, "og:title"),
        "outlet": _first(meta, "og:site_name"),
        "author": ", ".join(dict.fromkeys(" ".join(a.split()) for a in authors)),
        "published_on": _first(meta, "article:published_time"),
        "lead": _first(meta, "og:description"),
    }


def _plain_meta(document) -> dict[str, str]:
    meta = _meta(document)
    # The document's title as a browser takes it: the first <title> that is not a drawing's.
    titles = document.xpath("//title[not(ancestor::svg)]")
    return {
        "headline": titles[0].text_content() if titles else "",
        "author": _first(meta, "author"),
    }


def _first(meta: dict[str, list[str]], key: str) -> str:
    return meta.get(key, [""])[0]


def _is_address(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://", "//"))


def _printable(text: str) -> str:
    """For a request header: printable ASCII only."""
    return "".join(character for character in text if " " < character < "\x7f")


def _cleaned(value: str, limit: int) -> str:
    """As a typed one-line field keeps text (rendering.clean_text), in one line, without any
    control character, cut to the field's length."""
    text = " ".join(clean_text(value).split())
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    return text[:limit].rstrip()


def _date(value: str) -> date | None:
    """The day of an ISO 8601 date or time, in the site's time zone (where the owner reads
    the article); None for anything else."""
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(site_timezone())
    except (ValueError, OverflowError):
        return None
    return moment.date()
