"""schema.org descriptions of posts, for the page's application/ld+json block."""

from .media.views import shared_photo
from .models import Commentary, DiaryEntry, Post
from .posts.urls import post_url


def _dated_and_pictured(data: dict, post: Post) -> dict:
    """The publication time and the post's first photo (as og:image shows it), if it has them."""
    if post.published_at:
        data["datePublished"] = post.published_at.isoformat()
    photo = shared_photo(post)
    if photo:
        data["image"] = {
            "@type": "ImageObject",
            "url": photo.url,
            "width": photo.width,
            "height": photo.height,
        }
    return data


def commentary_article(commentary: Commentary) -> dict:
    """An Article about a news article, citing it, with each quote as a Quotation."""
    source = {"@type": "NewsArticle", "headline": commentary.title}
    if commentary.source_url:
        source["url"] = commentary.source_url
    if commentary.outlet:
        source["publisher"] = {"@type": "Organization", "name": commentary.outlet}
    if commentary.author:
        source["author"] = {"@type": "Person", "name": commentary.author}
    if commentary.published_on:
        source["datePublished"] = commentary.published_on.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": commentary.title[:110],
        "inLanguage": "ko",
        "url": post_url(commentary, _external=True),
        "description": commentary.excerpt,
        "dateModified": commentary.updated_at.isoformat(),
        "citation": source,
        "hasPart": [
            {"@type": "Quotation", "text": block.quote, "inLanguage": "en", "isBasedOn": source}
            for block in commentary.blocks
        ],
        "keywords": [tag.name for tag in commentary.tags],
    }
    return _dated_and_pictured(data, commentary)


def diary_posting(entry: DiaryEntry) -> dict:
    """A BlogPosting for a diary entry."""
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": entry.heading[:110],
        "inLanguage": "ko",
        "url": post_url(entry, _external=True),
        "description": entry.excerpt,
        "dateModified": entry.updated_at.isoformat(),
        "keywords": [tag.name for tag in entry.tags],
    }
    return _dated_and_pictured(data, entry)
