"""Discovery: feeds, sitemap, robots, tag index, archive, previous/next links, page meta."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from blog.extensions import db
from blog.models import Commentary, DiaryEntry, Visibility, utcnow

from .conftest import hidden_state
from .markup import number_in

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def commentary_id(make_commentary):
    return make_commentary(
        "AI spending",
        [{"quote": "First quote.", "translation": "첫 번역"}, {"quote": "Second quote."}],
        summary="요약 <script>alert(1)</script>",
        tags=["영어 공부"],
        published_at=utcnow() - timedelta(hours=1),
        source_url="https://example.com/news",
        outlet="Reuters",
    )


@pytest.fixture
def hidden(make_entry):
    return [
        make_entry(title="초안 글", visibility=Visibility.DRAFT, tags=["영어 공부"]),
        make_entry(title="비공개 글", visibility=Visibility.PRIVATE, published_at=utcnow()),
        make_entry(title="예약 글", published_at=utcnow() + timedelta(days=1), tags=["영어 공부"]),
    ]


def atom(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def entry_titles(feed):
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_site_feed_has_only_public_posts_newest_first(client, make_entry, commentary_id, hidden):
    make_entry(title="어제 일기", published_at=utcnow() - timedelta(days=1))
    feed = atom(client, "/feed.xml")
    assert entry_titles(feed) == ["AI spending", "어제 일기"]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/feed.xml"


def test_section_and_tag_feeds(client, make_entry, commentary_id, hidden):
    make_entry(title="일기", tags=["영어 공부"])
    assert entry_titles(atom(client, "/diary/feed.xml")) == ["일기"]
    assert entry_titles(atom(client, "/commentary/feed.xml")) == ["AI spending"]
    assert entry_titles(atom(client, "/tags/영어 공부/feed.xml")) == ["일기", "AI spending"]
    assert client.get("/tags/없는태그/feed.xml").status_code == 404


@pytest.mark.parametrize("state", ["draft", "private", "scheduled", "trashed"])
def test_tag_feed_is_404_when_the_tag_page_is(app, client, auth, make_entry, state):
    if state == "trashed":
        post_id = make_entry(title="버린 글", tags=["Hidden Tag"])
        with app.app_context():
            db.session.get(DiaryEntry, post_id).deleted_at = utcnow()
            db.session.commit()
    else:
        make_entry(title="숨은 글", tags=["Hidden Tag"], **hidden_state(state))
    assert client.get("/tags/hidden tag").status_code == 404
    response = client.get("/tags/hidden tag/feed.xml")
    assert response.status_code == 404
    assert "Hidden Tag" not in response.text  # the stored spelling stays unknown
    auth.login()  # the feed is the same for the owner: it lists published posts only
    assert client.get("/tags/hidden tag/feed.xml").status_code == 404


def test_feed_entry_is_stable_full_and_sanitised(app, client, commentary_id):
    entry = atom(client, "/commentary/feed.xml").find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text == f"http://localhost/commentary/{commentary_id}"
    content = entry.find(f"{ATOM}content").text
    assert content.index("First quote.") < content.index("Second quote.")
    assert 'id="block-1"' in content and "첫 번역" in content
    assert "<script>" not in content and "&lt;script&gt;" in content
    published = datetime.fromisoformat(entry.find(f"{ATOM}published").text)
    with app.app_context():
        assert published == db.session.get(Commentary, commentary_id).published_at
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["영어 공부"]


def test_scheduled_post_enters_the_feed_when_its_time_comes(client, make_entry, clock):
    make_entry(title="예약 글", published_at=utcnow() + timedelta(hours=1))
    assert entry_titles(atom(client, "/feed.xml")) == []
    clock.shift(timedelta(hours=1, seconds=1))
    assert entry_titles(atom(client, "/feed.xml")) == ["예약 글"]


def test_empty_feed_is_valid(client):
    feed = atom(client, "/feed.xml")
    assert feed.find(f"{ATOM}updated").text and entry_titles(feed) == []


def test_pages_announce_their_feeds(client, make_entry, commentary_id):
    home = client.get("/").text
    assert 'rel="alternate" type="application/atom+xml"' in home and 'href="/feed.xml"' in home
    assert 'href="/diary/feed.xml"' in client.get("/diary/").text
    assert (
        'href="/commentary/feed.xml"'
        in client.get(f"/commentary/{commentary_id}", follow_redirects=True).text
    )


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(client, path) -> dict:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    return {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod") for u in root}


def sitemap_pages(client) -> list[str]:
    """The sitemap pages /sitemap.xml names, as paths."""
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [s.find(f"{SITEMAP}loc").text.removeprefix("http://localhost") for s in index]


def test_sitemap_lists_public_posts_and_list_pages(client, make_entry, commentary_id, hidden):
    entry_id = make_entry(title="공개 일기")
    assert sitemap_pages(client) == ["/sitemap-1.xml"]
    urls = sitemap_urls(client, "/sitemap-1.xml")
    assert "http://localhost/" in urls and "http://localhost/commentary/" in urls
    assert f"http://localhost/diary/{entry_id}-%EA%B3%B5%EA%B0%9C-%EC%9D%BC%EA%B8%B0" in urls
    assert f"http://localhost/commentary/{commentary_id}-ai-spending" in urls
    assert len([u for u in urls if "/diary/" in u and u != "http://localhost/diary/"]) == 1
    assert all(lastmod is not None and lastmod.text for lastmod in urls.values())


@pytest.mark.parametrize("app_config", [{"SITEMAP_PAGE_SIZE": 3}])
def test_sitemap_is_an_index_of_pages_each_within_the_limit(client, make_entry, hidden):
    published = {
        make_entry(title=f"글 {n}", published_at=utcnow() - timedelta(days=n)) for n in range(7)
    }
    make_entry(title="지운 글")
    with client.application.app_context():
        from blog.models import Post

        trashed = db.session.scalar(db.select(Post).where(Post.title == "지운 글"))
        trashed.deleted_at = utcnow()
        db.session.commit()
    pages = sitemap_pages(client)
    assert pages == ["/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml"]
    listed = [sitemap_urls(client, page) for page in pages]
    assert "http://localhost/" in listed[0] and "http://localhost/" not in listed[1]
    posts = [
        int(re.search(r"/diary/(\d+)", url)[1])
        for urls in listed
        for url in urls
        if re.search(r"/diary/\d+", url)
    ]
    assert [len([u for u in urls if re.search(r"/diary/\d+", u)]) for urls in listed] == [3, 3, 1]
    assert sorted(posts) == sorted(published)  # each once; drafts, private, scheduled, trash never


@pytest.mark.parametrize(
    "path",
    ["/sitemap-2.xml", "/sitemap-0.xml", "/sitemap-x.xml", "/sitemap-99999999999999999999.xml"],
)
def test_sitemap_page_beyond_the_last_is_404(client, make_entry, path):
    make_entry(title="글")
    assert client.get(path).status_code == 404


def test_robots_points_to_the_sitemap(client):
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in robots.text
    assert "Disallow: /admin/" in robots.text


def test_tag_index_counts_only_what_the_visitor_may_see(client, auth, make_entry, hidden):
    make_entry(title="공개", tags=["영어 공부", "일상"])
    page = client.get("/tags/").text
    assert '#영어 공부 <span class="tag__count">1</span>' in page
    auth.login()
    assert '#영어 공부 <span class="tag__count">3</span>' in client.get("/tags/").text


def test_archive_groups_by_month_in_the_site_time_zone(client, make_entry, hidden):
    # 2026-03-31 20:00 UTC is 2026-04-01 05:00 in Seoul: an April post.
    make_entry(title="사월 첫날", published_at=datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    make_entry(title="삼월", published_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    index = client.get("/archive/").text
    assert "2026년" in index
    april = re.search(r'href="/archive/2026/4">4월 <span class="month__count">([^<]*)<', index)
    assert number_in(april[1]) == 1  # posts
    april = client.get("/archive/2026/4").text
    assert "사월 첫날" in april and "삼월" not in april and "2026년 4월" in april
    assert client.get("/archive/2026/5").status_code == 404
    assert client.get("/archive/2026/13").status_code == 404


def test_previous_and_next_links_stay_in_the_section_and_skip_hidden(client, make_entry, hidden):
    older = make_entry(title="그제", published_at=utcnow() - timedelta(days=2))
    middle = make_entry(title="어제", published_at=utcnow() - timedelta(days=1))
    newer = make_entry(title="오늘", published_at=utcnow() - timedelta(hours=1))
    page = client.get(f"/diary/{middle}", follow_redirects=True).text
    assert re.search(rf'rel="prev"[^>]*href="/diary/{older}-', page)
    assert re.search(rf'rel="next"[^>]*href="/diary/{newer}-', page)
    latest = client.get(f"/diary/{newer}", follow_redirects=True).text
    assert 'rel="next"' not in latest  # the scheduled post is not a neighbour yet


def test_post_page_meta(client, make_entry, commentary_id):
    entry_id = make_entry(title="몸무게 기록", body="오늘 " * 100)
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    canonical = f"http://localhost/diary/{entry_id}-%EB%AA%B8%EB%AC%B4%EA%B2%8C-%EA%B8%B0%EB%A1%9D"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert '<meta property="og:title" content="몸무게 기록">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert description.startswith("오늘 오늘") and len(description) <= 121
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "BlogPosting" and data["headline"] == "몸무게 기록"
    commentary = client.get(f"/commentary/{commentary_id}", follow_redirects=True).text
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', commentary, re.S).group(1))
    assert data["@type"] == "Article"


def test_titles_are_unique_across_pages(client, make_entry, commentary_id):
    for number in range(11):
        make_entry(title=f"글 {number}")
    paths = [
        "/",
        "/?page=2",
        "/diary/",
        "/diary/?page=2",
        "/commentary/",
        "/tags/",
        "/archive/",
        "/search",
        "/login",
        f"/commentary/{commentary_id}-ai-spending",
    ]
    titles = [re.search(r"<title>(.*?)</title>", client.get(p).text, re.S).group(1) for p in paths]
    assert len(set(titles)) == len(titles), titles


def test_list_canonical_keeps_only_the_page_number(client, make_entry):
    for number in range(11):
        make_entry(title=f"글 {number}")
    page = client.get("/diary/?page=2&utm_source=x").text
    assert '<link rel="canonical" href="http://localhost/diary/?page=2">' in page


def test_feeds_survive_control_characters_already_stored(app, client, make_entry):
    post_id = make_entry(title="제목", tags=["태그"])
    with app.app_context():
        from blog.models import Post

        post = db.session.get(Post, post_id)
        post.title, post.excerpt = "제\x0b목\x1b", "요\x08약"  # stored before imports were checked
        post.tags[0].name = "태\x0c그"
        db.session.commit()
    for path in ("/feed.xml", "/diary/feed.xml"):
        feed = atom(client, path)
        assert entry_titles(feed) == ["제목"]


def test_sitemap_of_an_empty_site_lists_the_list_pages(client):
    assert sitemap_pages(client) == ["/sitemap-1.xml"]
    assert "http://localhost/diary/" in sitemap_urls(client, "/sitemap-1.xml")
