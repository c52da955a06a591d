"""Where a reader came from, reduced to what the owner may keep: the referring site's host,
with search engines and social sites named as one each, never the address itself.

The Referer header is the reader's browser's to send (and a bot's to forge): only its host
is read, it is checked to be a host name before it is kept, and at most MAX_NAME characters
of it."""

import functools
import re
from urllib.parse import urlsplit

DIRECT, INTERNAL, SEARCH, SOCIAL, SITE = "direct", "internal", "search", "social", "site"
KINDS = (DIRECT, INTERNAL, SEARCH, SOCIAL, SITE)
MAX_NAME = 100

# Hosts and the domains under them (search.naver.com is under naver.com), the most specific
# first where a company runs both a search engine and a social site. Names as their owners
# write them; the owner's page shows them as they are.
_KNOWN = {
    "search.naver.com": (SEARCH, "Naver"),
    "blog.naver.com": (SOCIAL, "Naver Blog"),
    "cafe.naver.com": (SOCIAL, "Naver Cafe"),
    "naver.com": (SEARCH, "Naver"),
    "search.daum.net": (SEARCH, "Daum"),
    "cafe.daum.net": (SOCIAL, "Daum Cafe"),
    "daum.net": (SEARCH, "Daum"),
    "bing.com": (SEARCH, "Bing"),
    "duckduckgo.com": (SEARCH, "DuckDuckGo"),
    "search.yahoo.com": (SEARCH, "Yahoo"),
    "search.yahoo.co.jp": (SEARCH, "Yahoo"),
    "ecosia.org": (SEARCH, "Ecosia"),
    "search.brave.com": (SEARCH, "Brave"),
    "startpage.com": (SEARCH, "Startpage"),
    "baidu.com": (SEARCH, "Baidu"),
    "yandex.ru": (SEARCH, "Yandex"),
    "yandex.com": (SEARCH, "Yandex"),
    "nate.com": (SEARCH, "Nate"),
    "zum.com": (SEARCH, "ZUM"),
    "facebook.com": (SOCIAL, "Facebook"),
    "fb.com": (SOCIAL, "Facebook"),
    "fb.me": (SOCIAL, "Facebook"),
    "t.co": (SOCIAL, "X (Twitter)"),
    "twitter.com": (SOCIAL, "X (Twitter)"),
    "x.com": (SOCIAL, "X (Twitter)"),
    "instagram.com": (SOCIAL, "Instagram"),
    "threads.net": (SOCIAL, "Threads"),
    "threads.com": (SOCIAL, "Threads"),
    "kakao.com": (SOCIAL, "Kakao"),
    "kakaocdn.net": (SOCIAL, "Kakao"),
    "band.us": (SOCIAL, "Band"),
    "linkedin.com": (SOCIAL, "LinkedIn"),
    "lnkd.in": (SOCIAL, "LinkedIn"),
    "reddit.com": (SOCIAL, "Reddit"),
    "youtube.com": (SOCIAL, "YouTube"),
    "tiktok.com": (SOCIAL, "TikTok"),
    "pinterest.com": (SOCIAL, "Pinterest"),
    "telegram.org": (SOCIAL, "Telegram"),
    "t.me": (SOCIAL, "Telegram"),
    "discord.com": (SOCIAL, "Discord"),
}
# Google searches from every country's domain: google.com, google.co.kr, google.com.au, google.de.
_GOOGLE = re.compile(r"(?:^|\.)google\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$")
# What a host name may be made of (IDNs arrive as xn--… from browsers).
_HOST = re.compile(r"[a-z0-9.-]+")
# Prefixes that name the same site.
_SAME_SITE = ("www.", "m.", "mobile.")


def source_of(referrer: str | None, own_host: str) -> tuple[str, str]:
    """(kind, name) for a Referer header sent to this site at `own_host` (without port)."""
    if not referrer:
        return DIRECT, ""
    try:
        parts = urlsplit(referrer)
        host = parts.hostname
    except ValueError:  # a bracketed host that is not an address
        return SITE, ""
    if not host:
        return DIRECT, ""
    if host == own_host.lower():
        return INTERNAL, ""
    return host_source(host)


@functools.lru_cache(maxsize=4096)
def host_source(host: str) -> tuple[str, str]:
    """A referring host, grouped (cached: readers come from a few hosts, again and again)."""
    host = host.rstrip(".")
    if not _HOST.fullmatch(host) or len(host) > MAX_NAME:
        return SITE, ""
    if _GOOGLE.search(host):
        return SEARCH, "Google"
    labels = host.split(".")
    for start in range(len(labels) - 1):
        known = _KNOWN.get(".".join(labels[start:]))
        if known:
            return known
    for prefix in _SAME_SITE:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host.removeprefix(prefix)
            break
    return SITE, host
