"""The article's details from its address: the address check (no SSRF), the fetch's limits
against a local server, reading OpenGraph, JSON-LD and <meta>, and the commentary editor's
기사 정보 가져오기 (the button, and the endpoint its script asks)."""

import ipaddress
import json
import socket
import time
from datetime import date

import pytest
from lxml import html

from blog.commentary import fetching
from blog.commentary.article_page import ArticleDetails, fetch_article_details, read_details
from blog.commentary.fetching import FetchRefused, is_public_address
from blog.extensions import db
from blog.models import Post

from .article_server import ARTICLE_PAGE, ArticleServer
from .markup import errors_of, flash_texts, flashes, invalid_fields

TIMEOUT = 0.5  # seconds, for the tests (the site's default is 5)

HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending after DeepSeek stuns tech world"
LEAD = (
    "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing that "
    "shook the U.S. technology industry, the chief executives of Microsoft and Meta defended "
    "massive spending that they said was key to staying competitive in the new field."
)
SAMPLE_DETAILS = ArticleDetails(
    headline=HEADLINE,
    outlet="Reuters",
    author="Test Reporter, Sample Writer",
    published_on=date(2025, 1, 30),
    lead=LEAD,
)


@pytest.fixture
def app_config():
    return {"ARTICLE_FETCH_ALLOW_PRIVATE": True, "ARTICLE_FETCH_TIMEOUT": TIMEOUT}


@pytest.fixture
def server():
    with ArticleServer() as running:
        yield running


def details_from(app, url: str) -> ArticleDetails:
    with app.test_request_context():
        return fetch_article_details(url)


def refusal_for(app, url: str) -> FetchRefused:
    with pytest.raises(FetchRefused) as refused:
        details_from(app, url)
    return refused.value


def page_with(head: str, body: str = "<p>Text.</p>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"


def json_ld(data) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


OPEN_GRAPH = (
    '<meta property="og:title" content="OG headline">'
    '<meta property="og:site_name" content="OG Times">'
    '<meta property="og:description" content="OG lead.">'
    '<meta property="article:author" content="OG Author">'
    '<meta property="article:published_time" content="2025-03-04T09:00:00+09:00">'
)
NEWS_ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "LD headline",
    "author": {"@type": "Person", "name": "LD Author"},
    "publisher": {"@type": "Organization", "name": "LD News"},
    "datePublished": "2025-02-01",
    "description": "LD lead.",
}
FROM_OPEN_GRAPH = ArticleDetails(
    "OG headline", "OG Times", "OG Author", date(2025, 3, 4), "OG lead."
)
FROM_JSON_LD = ArticleDetails("LD headline", "LD News", "LD Author", date(2025, 2, 1), "LD lead.")


# --- the address check, without any network ----------------------------------------------


@pytest.mark.parametrize(
    "address, public",
    [
        ("10.0.0.1", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("127.8.8.8", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("2002:a9fe:a9fe::", False),  # 6to4 around 169.254.169.254
        ("::7f00:1", False),  # IPv4-compatible (deprecated) loopback
        ("64:ff9b::7f00:1", False),  # NAT64 around 127.0.0.1
        ("169.254.169.254", False),  # the cloud metadata service
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("ff02::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("255.255.255.255", False),
        ("240.0.0.1", False),  # reserved
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("fe80::1", False),
        ("fec0::1", False),  # site-local (deprecated)
        ("fc00::1", False),  # unique local
        ("2001:db8::1", False),  # documentation
        ("8.8.8.8", True),
        ("151.101.1.69", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("2002:808:808::", True),
    ],
)
def test_only_public_addresses_are_fetched(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def fake_resolver(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """getaddrinfo answering each host name with its addresses; the names asked, in order."""
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port),
            )
            for address in answers[host]
        ]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", getaddrinfo)
    return asked


def test_every_address_a_name_resolves_to_is_checked(app, monkeypatch):
    """One private address among public ones refuses the name: the connection could go to it."""
    app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] = False
    fake_resolver(monkeypatch, {"news.example": ["93.184.216.34", "10.0.0.7"]})
    assert refusal_for(app, "http://news.example/story").reason == "refused_address"


def test_the_connection_goes_to_the_address_checked(app, server, monkeypatch):
    """The name is looked up once and the checked address is the one connected to: a second
    lookup (which DNS rebinding would answer with a private address) never happens. The Host
    header still names the site."""
    server.page("/story", ARTICLE_PAGE)
    asked = fake_resolver(monkeypatch, {"news.example": ["127.0.0.1"]})
    port = server.httpd.server_port
    assert details_from(app, f"http://news.example:{port}/story") == SAMPLE_DETAILS
    assert asked == ["news.example"]
    [(_, headers)] = server.requests
    assert headers["Host"] == f"news.example:{port}"


# --- fetching from a local server ----------------------------------------------------------


@pytest.mark.parametrize(
    "head, expected",
    [
        (OPEN_GRAPH, FROM_OPEN_GRAPH),
        (json_ld(NEWS_ARTICLE), FROM_JSON_LD),
        # Both: JSON-LD wins field by field (its own date too), OpenGraph fills the rest.
        (OPEN_GRAPH + json_ld(NEWS_ARTICLE), FROM_JSON_LD),
        (
            OPEN_GRAPH + json_ld({"@type": "NewsArticle", "headline": "LD headline"}),
            ArticleDetails("LD headline", "OG Times", "OG Author", date(2025, 3, 4), "OG lead."),
        ),
        # Plain <title> and <meta name="author"> when there is nothing better.
        (
            '<title> Plain  title </title><meta name="author" content="Meta Author">',
            ArticleDetails(headline="Plain title", author="Meta Author"),
        ),
        (
            '<title>Plain title</title><meta name="author" content="Meta Author">' + OPEN_GRAPH,
            FROM_OPEN_GRAPH,
        ),
    ],
    ids=["opengraph", "json-ld", "both", "json-ld-then-opengraph", "plain-meta", "og-over-meta"],
)
def test_details_from_each_kind_of_page(app, server, head, expected):
    assert details_from(app, server.page("/article", page_with(head))) == expected


@pytest.mark.parametrize(
    "data",
    [
        # Yoast's @graph: the article refers to its publisher and author by @id.
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": "https://ld.example/a#page", "name": "Page name"},
                {
                    "@type": ["Article", "NewsArticle"],
                    "headline": "LD headline",
                    "author": {"@id": "https://ld.example/#/person/1"},
                    "publisher": {"@id": "https://ld.example/#organization"},
                    "datePublished": "2025-02-01T10:00:00+09:00",
                    "description": "LD lead.",
                },
                {
                    "@type": "Organization",
                    "@id": "https://ld.example/#organization",
                    "name": "LD News",
                },
                {"@type": "Person", "@id": "https://ld.example/#/person/1", "name": "LD Author"},
            ],
        },
        # A list of blocks, the article's type written as a full address.
        [
            {"@type": "BreadcrumbList", "itemListElement": []},
            {**NEWS_ARTICLE, "@type": "http://schema.org/ReportageNews", "author": ["LD Author"]},
        ],
        # The article as a web page's main entity.
        {"@type": "WebPage", "name": "Page name", "mainEntity": NEWS_ARTICLE},
    ],
    ids=["graph", "list", "main-entity"],
)
def test_json_ld_inside_a_graph_or_a_list(app, server, data):
    assert details_from(app, server.page("/article", page_with(json_ld(data)))) == FROM_JSON_LD


def test_several_authors_are_named_once_each_in_order(app, server):
    article = {
        **NEWS_ARTICLE,
        "author": [{"name": "Ann One"}, "Bo Two", {"@type": "Person", "name": "Ann One"}],
    }
    assert details_from(app, server.page("/a", page_with(json_ld(article)))).author == (
        "Ann One, Bo Two"
    )


def test_the_title_is_the_documents_not_a_drawings(app, server):
    body = '<svg role="img"><title>Logo</title></svg><title>Document title</title>'
    url = server.page("/a", f"<!DOCTYPE html><html><head></head><body>{body}</body></html>")
    assert details_from(app, url).headline == "Document title"


def test_a_profile_address_is_not_an_author(app, server):
    head = (
        '<meta property="og:title" content="Headline">'
        '<meta property="article:author" content="https://www.facebook.com/some.reporter">'
        '<meta name="author" content="Some Reporter">'
    )
    assert details_from(app, server.page("/a", page_with(head))).author == "Some Reporter"


@pytest.mark.parametrize(
    "published, expected",
    [
        ("2025-01-30T20:00:00Z", date(2025, 1, 31)),  # 05:00 the next day in Seoul
        ("2025-01-30T20:00:00-05:00", date(2025, 1, 31)),
        ("2025-01-30T08:00:00+09:00", date(2025, 1, 30)),
        ("2025-01-30", date(2025, 1, 30)),
        ("2025-01-30T20:00:00", date(2025, 1, 30)),  # no zone: as written
        ("January 30, 2025", None),
        ("2025-13-45", None),
        ("", None),
    ],
)
def test_the_date_is_the_day_in_the_sites_time_zone(app, published, expected):
    published_time = f'<meta property="article:published_time" content="{published}">'
    body = page_with('<meta property="og:title" content="T">' + published_time)
    with app.app_context():
        assert read_details(body.encode(), "utf-8").published_on == expected


def test_the_local_copy_of_an_article_page(app, server):
    """The owner's sample article, as its outlet's page has it (tests/data/article-page.html)."""
    assert details_from(app, server.page("/technology/ai-spending", ARTICLE_PAGE)) == SAMPLE_DETAILS


def test_redirects_are_followed_and_no_cookie_is_sent_or_kept(app, server):
    server.page("/story", ARTICLE_PAGE, headers={"Set-Cookie": "visitor=1; Path=/"})
    first = server.redirect("/s/abc", "/amp/story", status=301, headers={"Set-Cookie": "id=7"})
    server.redirect("/amp/story", server.url("/story"), status=307)
    assert details_from(app, first) == SAMPLE_DETAILS
    assert server.paths_asked() == ["/s/abc", "/amp/story", "/story"]
    for _, headers in server.requests:
        assert "Cookie" not in headers
        assert headers["Accept"].startswith("text/html")
        assert "localhost" in headers["User-Agent"]  # the site's address names who is asking
        assert headers["Accept-Encoding"] == "identity"  # nothing to inflate


def test_an_address_with_korean_in_its_path(app, server):
    server.page("/%EA%B8%B0%EC%82%AC/1?q=%EC%98%81%EC%96%B4%20%EA%B3%B5%EB%B6%80", ARTICLE_PAGE)
    assert details_from(app, server.url("/기사/1?q=영어 공부")) == SAMPLE_DETAILS


def test_a_private_address_is_refused_before_connecting(app, server):
    app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] = False
    url = server.page("/article", ARTICLE_PAGE)
    assert refusal_for(app, url).reason == "refused_address"
    assert refusal_for(app, url.replace("127.0.0.1", "[::ffff:127.0.0.1]")).reason == (
        "refused_address"
    )
    assert refusal_for(app, url.replace("127.0.0.1", "2130706433")).reason == "refused_address"
    assert server.requests == []


def test_a_redirect_to_a_private_address_is_refused(app, server, monkeypatch):
    """A public site (here a server on 127.0.0.2, taken as public) that redirects to
    127.0.0.1: the new address is checked like the first, and never asked."""
    app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] = False
    really_public = fetching.is_public_address
    monkeypatch.setattr(
        fetching,
        "is_public_address",
        lambda address: str(address) == "127.0.0.2" or really_public(address),
    )
    with ArticleServer("127.0.0.2") as public_site:
        server.page("/admin", ARTICLE_PAGE)
        public_site.page("/article", ARTICLE_PAGE)
        assert details_from(app, public_site.url("/article")) == SAMPLE_DETAILS
        start = public_site.redirect("/go", server.url("/admin"))
        assert refusal_for(app, start).reason == "refused_address"
        assert public_site.paths_asked() == ["/article", "/go"]
    assert server.requests == []


def test_a_redirect_loop_stops_after_five_redirects(app, server):
    loop = server.redirect("/loop", "/loop")
    assert refusal_for(app, loop).reason == "too_many_redirects"
    assert server.paths_asked() == ["/loop"] * 6  # the address, then five redirects


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/article.html",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "//127.0.0.1/article",
        "http://",
        "http://[::1/article",
        "http://127.0.0.1:99999/",
        "",
    ],
)
def test_only_web_addresses_are_fetched(app, url):
    assert refusal_for(app, url).reason == "not_web"


def test_a_redirect_to_another_scheme_is_refused(app, server):
    assert refusal_for(app, server.redirect("/r", "file:///etc/passwd")).reason == "not_web"


def test_a_large_page_is_read_up_to_two_megabytes(app, server):
    """A 10 MB page: its head is read and used, what lies past 2 MB is never read."""
    head = '<meta property="og:title" content="Big page">'
    late = '<meta property="og:site_name" content="Too late">'  # at 3 MB
    padding = "<p>" + "x" * 1000 + "</p>"
    body = page_with(head, padding * 3000 + late + padding * 7000)
    assert len(body) > 10_000_000
    started = time.monotonic()
    details = details_from(app, server.page("/big", body))
    assert details == ArticleDetails(headline="Big page")
    assert time.monotonic() - started < 2


def test_a_server_that_does_not_answer_times_out(app, server):
    url = server.page("/slow", ARTICLE_PAGE, delay=10)
    started = time.monotonic()
    assert refusal_for(app, url).reason == "timed_out"
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 0.5


def test_the_time_limit_covers_the_whole_answer(app, server):
    """A server sending a byte every tenth of a second never lets one read wait long: the
    limit is for the whole fetch, not for each read."""
    url = server.page("/drip", ARTICLE_PAGE, drip=0.1)
    started = time.monotonic()
    assert refusal_for(app, url).reason == "timed_out"
    assert time.monotonic() - started < TIMEOUT + 0.5


def test_no_server_at_the_address(app, server):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert refusal_for(app, f"http://127.0.0.1:{port}/").reason == "no_answer"


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json", "text/plain"]
)
def test_what_is_not_a_web_page_is_refused(app, server, content_type):
    url = server.page("/file", ARTICLE_PAGE, content_type=content_type)
    assert refusal_for(app, url).reason == "not_html"


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_page_is_refused(app, server, status):
    url = server.page("/gone", ARTICLE_PAGE, status=status)
    assert refusal_for(app, url).reason == "error_status"


def test_a_page_without_article_details_is_refused(app, server):
    url = server.page("/empty", page_with("", "<p>Just text, no title.</p>"))
    assert refusal_for(app, url).reason == "no_details"


def test_a_hostile_page_is_cleaned_like_typed_text(app, server):
    head = (
        '<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;Real\x07 '
        'headline\u0085">'
        f'<meta property="og:site_name" content="{"S" * 10_000}">'
        '<meta property="article:author" content="  Anna \n\t Writer\x1b\x9b31m ">'
    )
    details = details_from(app, server.page("/hostile", page_with(head)))
    # Plain text (the editor and the page escape it), without control characters.
    assert details.headline == "<script>alert(1)</script>Real headline"
    assert details.outlet == "S" * 200  # the form's limit
    assert details.author == "Anna Writer31m"
    long_title = page_with(f"<title>{'T' * 10_000}</title>")
    assert details_from(app, server.page("/long", long_title)).headline == "T" * 300


def test_broken_json_ld_is_passed_over(app, server):
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        f'<script type="application/ld+json">{"[" * 100_000}</script>'
        '<script type="application/ld+json">"just a string"</script>'
        + json_ld({"@type": "NewsArticle", "headline": 42, "author": {"name": ["x"]}})
        + OPEN_GRAPH
    )
    assert details_from(app, server.page("/broken", page_with(head))) == FROM_OPEN_GRAPH


@pytest.mark.parametrize(
    "content_type, encoding",
    [
        ("text/html; charset=euc-kr", "euc-kr"),
        ("text/html", "euc-kr"),
        ("text/html", "utf-8"),
        ("text/html; charset=no-such-thing", "utf-8"),
        ("text/html; charset=base64", "utf-8"),  # a codec, but not of text
    ],
)
def test_the_pages_encoding(app, server, content_type, encoding):
    """From the Content-Type header, else the page's own <meta charset>, else UTF-8."""
    meta = f'<meta charset="{encoding}">' if "charset" not in content_type else ""
    body = f'<html><head>{meta}<meta property="og:title" content="한국어 기사"></head></html>'
    url = server.page("/ko", body.encode(encoding), content_type=content_type)
    assert details_from(app, url).headline == "한국어 기사"


# --- the commentary editor -----------------------------------------------------------------


@pytest.fixture
def owner_client(client, auth):
    auth.login()
    return client


def editor_form(url: str, **overrides) -> dict[str, str]:
    data = {
        "headline": "",
        "outlet": "",
        "url": url,
        "author": "",
        "published_on": "",
        "lead": "",
        "blocks-0-quote": "Microsoft said it would spend $80 billion on AI.",
        "blocks-0-translation": "마이크로소프트는 AI에 800억 달러를 쓴다고 했다.",
        "blocks-0-opinion": "엄청난 금액이다.",
        "summary": "요약.",
        "closing": "",
        "tags": "AI",
        "published_at": "",
    }
    data.update(overrides)
    return data


def field_values(page: str) -> dict[str, str]:
    """What each field of the editor holds as a browser shows it (a browser drops the line
    break that starts a <textarea>'s text; lxml keeps it)."""
    [form] = html.fromstring(page).xpath("//form[@data-autosave]")
    return {name: value.removeprefix("\n") for name, value in form.form_values()}


def test_the_button_fills_the_empty_fields_and_keeps_what_was_typed(app, owner_client, server):
    url = server.page("/article", ARTICLE_PAGE)
    typed = editor_form(url, author="My own author", headline="", lead="")
    response = owner_client.post("/commentary/new", data={**typed, "fetch_article": "y"})
    assert response.status_code == 200
    shown = field_values(response.text)
    assert shown["headline"] == HEADLINE
    assert shown["outlet"] == "Reuters"
    assert shown["published_on"] == "2025-01-30"
    assert shown["lead"] == LEAD
    assert shown["author"] == "My own author"  # typed: kept
    for name in ("url", "blocks-0-quote", "blocks-0-translation", "blocks-0-opinion", "summary"):
        assert shown[name] == typed[name]
    # A message, but not "saved": nothing is, and the browser's copy must stay.
    assert flashes(response.text) == ["success"]
    [message] = flash_texts(response.text)
    assert "Test Reporter, Sample Writer" in message  # what the page has for the kept field
    assert invalid_fields(response.text) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_the_button_on_an_edited_commentary(owner_client, server):
    url = server.page("/article", ARTICLE_PAGE)
    created = owner_client.post("/commentary/new", data=editor_form(url, headline="Mine"))
    edit_page = created.headers["Location"] + "/edit"
    loaded = field_values(owner_client.get(edit_page).text)
    answer = owner_client.post(edit_page, data={**loaded, "fetch_article": "y"})
    assert answer.status_code == 200
    shown = field_values(answer.text)
    assert shown["headline"] == "Mine" and shown["outlet"] == "Reuters"
    assert shown["version"] == loaded["version"]


def test_the_button_renders_page_text_as_text(owner_client, server):
    url = server.page(
        "/x", page_with('<meta property="og:title" content="&lt;img src=x onerror=alert(1)&gt;">')
    )
    response = owner_client.post("/commentary/new", data={**editor_form(url), "fetch_article": "y"})
    assert field_values(response.text)["headline"] == "<img src=x onerror=alert(1)>"
    assert html.fromstring(response.text).xpath("//img[@onerror]") == []


@pytest.mark.parametrize(
    "url, status",
    [
        ("ftp://127.0.0.1/article", 400),
        ("", 400),
        ("/missing", 502),
        ("/pdf", 502),
        ("/slow", 504),
        ("/private", 400),
    ],
)
def test_a_refusal_is_said_at_the_address_and_keeps_everything(
    app, owner_client, server, url, status
):
    server.page("/article", ARTICLE_PAGE)
    server.page("/pdf", b"%PDF-1.7", content_type="application/pdf")
    server.page("/slow", ARTICLE_PAGE, delay=10)
    if url == "/private":
        app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] = False
    if url.startswith("/"):
        url = server.url(url.replace("/private", "/article"))
    typed = editor_form(url, headline="Typed headline", author="Typed author")
    response = owner_client.post("/commentary/new", data={**typed, "fetch_article": "y"})
    assert response.status_code == status
    assert invalid_fields(response.text) == ["url"]
    assert len(errors_of(response.text, "url")) == 1
    # The page opens at the address (on a phone it is below the first screen).
    assert html.fromstring(response.text).xpath("//*[@autofocus]/@id") == ["url"]
    shown = field_values(response.text)
    assert {name: shown[name] for name in typed} == typed
    assert "success" not in flashes(response.text)


def test_enter_in_a_field_still_previews(owner_client):
    page = owner_client.get("/commentary/new").text
    [form] = html.fromstring(page).xpath("//form[@data-autosave]")
    buttons = form.xpath(".//button[@name] | .//input[@type='submit']")
    assert buttons[0].get("name") == "preview"
    assert "fetch_article" in [button.get("name") for button in buttons[1:]]


# --- the JSON endpoint the editor's script uses --------------------------------------------

ENDPOINT = "/commentary/article-details"


def test_the_endpoint_answers_the_fields_to_fill(owner_client, server):
    url = server.page("/article", ARTICLE_PAGE)
    answer = owner_client.post(ENDPOINT, data={"url": url, "headline": "", "author": "Mine"})
    assert answer.status_code == 200
    assert answer.json["fields"] == {
        "headline": HEADLINE,
        "outlet": "Reuters",
        "published_on": "2025-01-30",
        "lead": LEAD,
    }
    assert "Test Reporter, Sample Writer" in answer.json["message"]


@pytest.mark.parametrize("url, status", [("file:///etc/passwd", 400), ("/missing", 502)])
def test_the_endpoint_says_what_went_wrong(owner_client, server, url, status):
    url = server.url(url) if url.startswith("/") else url
    answer = owner_client.post(ENDPOINT, data={"url": url})
    assert answer.status_code == status
    assert answer.json["error"]
    assert "fields" not in answer.json


@pytest.mark.parametrize("headers", [{}, {"Sec-Fetch-Site": "same-origin"}])
def test_only_the_owner_may_use_the_endpoint(client, owner, server, headers):
    url = server.page("/article", ARTICLE_PAGE)
    answer = client.post(ENDPOINT, data={"url": url}, headers=headers)
    assert answer.status_code in (302, 401, 403)
    assert "fields" not in (answer.get_json(silent=True) or {})
    assert server.requests == []


def test_the_endpoint_needs_the_forms_csrf_token(app, owner_client, server):
    url = server.page("/article", ARTICLE_PAGE)
    app.config["WTF_CSRF_ENABLED"] = True
    page = owner_client.get("/commentary/new").text
    [token] = html.fromstring(page).xpath(
        "//form[@data-autosave]//input[@name='csrf_token']/@value"
    )
    own_page = {"Sec-Fetch-Site": "same-origin"}
    assert owner_client.post(ENDPOINT, data={"url": url}, headers=own_page).status_code == 400
    assert server.requests == []
    answer = owner_client.post(
        ENDPOINT, data={"url": url}, headers={**own_page, "X-CSRFToken": token}
    )
    assert answer.status_code == 200 and answer.json["fields"]["outlet"] == "Reuters"


def test_the_editor_gives_the_script_its_words(owner_client):
    """The script's own messages come from the page, in the page's language."""
    page = owner_client.get("/commentary/new").text
    [button] = html.fromstring(page).xpath("//*[@name='fetch_article']")
    assert button.get("data-endpoint") == ENDPOINT
    assert button.get("data-fetching") and button.get("data-failed")
    [status] = html.fromstring(page).xpath("//*[@data-article-status]")
    assert status.get("role") == "status"
    assert '<script src="/static/js/article-details.js' in page
