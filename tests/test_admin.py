"""The owner's desk: posts with their states, the moderation queue, replies, settings."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from lxml import html

from blog.extensions import db
from blog.media import library
from blog.media.store import media_store
from blog.models import (
    Comment,
    CommentStatus,
    DiaryEntry,
    Photo,
    Post,
    Setting,
    Visibility,
    utcnow,
)
from blog.posts import saving

from . import photos as samples
from .markup import flashes, number_in
from .test_queries import counting


@pytest.fixture
def comments(app, make_entry):
    """Three pending comments on one public entry; returns (post id, comment ids)."""
    post_id = make_entry(title="댓글 많은 글")
    with app.app_context():
        ids = []
        for number in range(3):
            comment = Comment(
                post_id=post_id,
                name=f"독자{number}",
                address_hash=f"20261129:{number:032d}",
                created_at=utcnow() - timedelta(minutes=10 - number),
            )
            comment.set_body(f"댓글 {number}")
            db.session.add(comment)
            db.session.flush()
            ids.append(comment.id)
        db.session.commit()
    return post_id, ids


def desk_items(page: str) -> dict[str, str]:
    """The markup of each post on the desk, by the post's title."""
    items = page.split('<li class="desk-item">')[1:]
    return {re.search(r'class="desk-item__title"[^>]*>([^<]*)<', item)[1]: item for item in items}


def statuses(app):
    with app.app_context():
        return {c.id: c.status.value for c in db.session.scalars(db.select(Comment))}


@pytest.mark.parametrize("path", ["/admin/", "/admin/comments", "/admin/settings"])
def test_desk_is_owner_only(client, owner, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_moderation_actions_need_the_owner(app, client, comments):
    _, ids = comments
    response = client.post(
        "/admin/comments",
        data={"ids": ids, "action": "approve"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 401  # the resubmit page, nothing changed
    assert set(statuses(app).values()) == {"pending"}


def test_desk_lists_every_post_with_its_state(client, auth, make_entry, comments):
    make_entry(title="초안 글", visibility=Visibility.DRAFT)
    make_entry(title="예약 글", published_at=utcnow() + timedelta(days=3))
    make_entry(title="비공개 글", visibility=Visibility.PRIVATE, published_at=utcnow())
    auth.login()
    page = client.get("/admin/").text
    items = desk_items(page)
    for title in ("초안 글", "예약 글", "비공개 글", "댓글 많은 글"):
        assert title in items
    assert '<span class="badge badge--scheduled">' in items["예약 글"]
    waiting = re.search(
        r'<a href="/admin/comments" class="badge [^"]*">([^<]*)</a>', items["댓글 많은 글"]
    )
    assert number_in(waiting[1]) == 3
    only_drafts = client.get("/admin/?state=draft").text
    assert "초안 글" in only_drafts and "예약 글" not in only_drafts
    scheduled = client.get("/admin/?state=scheduled&section=diary").text
    assert "예약 글" in scheduled and "초안 글" not in scheduled
    assert "댓글 많은 글" not in client.get("/admin/?section=commentary").text


def quick_actions(item: str) -> list[str]:
    """The desk's quick actions offered for one post (their buttons' addresses)."""
    return re.findall(r'action="/admin/posts/\d+/([\w-]+)"', item)


def test_drafts_show_their_last_change_and_only_what_applies_to_a_draft(
    app, client, auth, make_entry, make_commentary
):
    make_entry(title="초안 글", visibility=Visibility.DRAFT)
    make_commentary("Quoteless draft", [], visibility=Visibility.DRAFT)
    make_entry(title="공개 글")
    with app.app_context():
        changed = db.session.scalar(db.select(Post.updated_at).where(Post.title == "초안 글"))
    auth.login()
    items = desk_items(client.get("/admin/").text)
    assert f'<time datetime="{changed.isoformat()}">' in items["초안 글"]
    assert quick_actions(items["초안 글"]) == ["publish"]
    assert quick_actions(items["Quoteless draft"]) == []  # nothing to publish yet
    assert quick_actions(items["공개 글"]) == ["private", "comments-off"]
    for item in items.values():
        assert "/edit" in item and "/delete" in item


def test_a_commentary_without_a_quote_is_not_published_from_the_desk(
    app, client, auth, make_commentary
):
    post_id = make_commentary("Quoteless draft", [], visibility=Visibility.DRAFT)
    auth.login()
    response = client.post(f"/admin/posts/{post_id}/publish", follow_redirects=True)
    assert flashes(response.text) == ["error"]
    with app.app_context():
        assert db.session.get(Post, post_id).state == "draft"


def test_publish_now_and_make_private(app, client, auth, make_entry):
    post_id = make_entry(title="초안", visibility=Visibility.DRAFT)
    auth.login()
    assert client.post(f"/admin/posts/{post_id}/publish").status_code == 303
    client.post("/logout")
    assert client.get(f"/diary/{post_id}", follow_redirects=True).status_code == 200
    auth.login()
    client.post(f"/admin/posts/{post_id}/private")
    client.post("/logout")
    assert client.get(f"/diary/{post_id}", follow_redirects=True).status_code == 404


def test_post_actions_are_post_only(client, auth, make_entry):
    post_id = make_entry()
    auth.login()
    assert client.get(f"/admin/posts/{post_id}/publish").status_code == 405
    assert client.post(f"/admin/posts/{post_id}/explode").status_code == 404


def test_comments_switch_per_post(app, client, auth, make_entry):
    post_id = make_entry()
    auth.login()
    client.post(f"/admin/posts/{post_id}/comments-off")
    with app.app_context():
        assert db.session.get(Post, post_id).comments_enabled is False
    client.post(f"/admin/posts/{post_id}/comments-on")
    with app.app_context():
        assert db.session.get(Post, post_id).comments_enabled is True


def test_queue_tabs_and_counts(client, auth, comments):
    auth.login()
    page = client.get("/admin/comments").text
    assert page.count('name="ids"') == 3
    assert "댓글 많은 글" in page
    pending_tab = (
        r'href="/admin/comments\?status=pending" aria-current="page">[^<]*<span class="count">3<'
    )
    assert re.search(pending_tab, page)
    assert client.get("/admin/comments?status=spam").text.count('name="ids"') == 0
    assert client.get("/admin/comments?status=nonsense").status_code == 404


@pytest.mark.parametrize(("action", "expected"), [("approve", "approved"), ("spam", "spam")])
def test_bulk_actions(app, client, auth, comments, action, expected):
    _, ids = comments
    auth.login()
    response = client.post("/admin/comments", data={"ids": ids[:2], "action": action})
    assert response.status_code == 303
    assert statuses(app) == {ids[0]: expected, ids[1]: expected, ids[2]: "pending"}


def test_bulk_delete_and_row_shortcut(app, client, auth, comments):
    _, ids = comments
    auth.login()
    client.post("/admin/comments", data={"ids": ids[:2], "action": "delete"})
    assert statuses(app) == {ids[2]: "pending"}
    client.post("/admin/comments", data={"one": f"approve:{ids[2]}", "ids": ids[:1]})
    assert statuses(app) == {ids[2]: "approved"}


def test_block_sender_marks_spam_and_remembers_the_hash(app, client, auth, comments):
    _, ids = comments
    auth.login()
    client.post("/admin/comments", data={"ids": [ids[0]], "action": "block"})
    assert statuses(app)[ids[0]] == "spam"
    with app.app_context():
        assert db.session.get(Setting, "blocked_addresses").value == f"20261129:{0:032d}"


def test_bad_bulk_request_is_a_message_not_an_error(app, client, auth, comments):
    auth.login()
    response = client.post("/admin/comments", data={"action": "approve"}, follow_redirects=True)
    assert response.request.path == "/admin/comments" and flashes(response.text) == ["error"]
    assert set(statuses(app).values()) == {"pending"}


def test_pending_count_in_the_owner_navigation(client, auth, comments):
    auth.login()
    desk_link = r'href="/admin/">[^<]*<span class="count" title="[^"]+">3</span></a>'
    assert re.search(desk_link, client.get("/").text)


def test_owner_reply_approves_and_is_marked(app, client, auth, comments):
    post_id, ids = comments
    auth.login()
    response = client.post(f"/admin/comments/{ids[0]}/reply", data={"body": "고맙습니다!"})
    assert response.status_code == 303
    client.post("/logout")
    page = client.get(f"/diary/{post_id}", follow_redirects=True).text
    assert "댓글 0" in page and "고맙습니다!" in page
    assert 'class="comment comment--owner"' in page
    assert "댓글 1" not in page  # still pending


def test_reply_to_a_secret_comment_stays_secret(app, client, auth, comments):
    post_id, ids = comments
    with app.app_context():
        db.session.get(Comment, ids[0]).secret = True
        db.session.commit()
    auth.login()
    client.post(f"/admin/comments/{ids[0]}/reply", data={"body": "비밀 답장"})
    client.post("/logout")
    assert "비밀 답장" not in client.get(f"/diary/{post_id}", follow_redirects=True).text


def test_settings_are_saved_and_validated(app, client, auth):
    auth.login()
    data = {
        "blocked_words": "광고\n도박",
        "blocked_hosts": "spam.example",
        "blocked_addresses": "",
        "comment_max_links": "3",
        "comments_close_after_days": "90",
    }
    assert client.post("/admin/settings", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Setting, "blocked_words").value == "광고\n도박"
    bad = client.post("/admin/settings", data={**data, "comment_max_links": "-1"})
    assert bad.status_code == 400 and "광고\n도박</textarea>" in bad.text


def test_moderation_never_leaks_pending_or_spam(app, client, comments):
    post_id, ids = comments
    with app.app_context():
        db.session.get(Comment, ids[1]).status = CommentStatus.SPAM
        db.session.get(Comment, ids[2]).status = CommentStatus.APPROVED
        db.session.commit()
    page = client.get(f"/diary/{post_id}", follow_redirects=True).text
    assert "댓글 2" in page and "댓글 0" not in page and "댓글 1" not in page
    assert '<span class="comments__count">1</span>' in page


def test_replies_are_signed_without_the_login_name(app, client, auth, comments):
    post_id, ids = comments
    auth.login()
    client.post(f"/admin/comments/{ids[0]}/reply", data={"body": "답장"})
    with app.app_context():
        reply = db.session.scalar(db.select(Comment).where(Comment.by_owner.is_(True)))
        assert reply.name == "주인" != "owner"


def test_publish_now_puts_the_post_first_in_search(app, client, auth, make_entry):
    make_entry(title="새 일기", body="필라테스 기록")
    old_draft = make_entry(title="오래된 초안", body="필라테스 메모", visibility=Visibility.DRAFT)
    auth.login()
    client.post(f"/admin/posts/{old_draft}/publish")
    client.post("/logout")
    page = client.get("/search?q=필라테스").text
    assert page.index("오래된 초안") < page.index("새 일기")


HUGE = "99999999999999999999"  # more than any integer column holds


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/admin/?page={HUGE}"),
        ("GET", "/admin/?page=0"),
        ("GET", f"/admin/comments?page={HUGE}"),
        ("GET", "/admin/comments?page=x"),
        ("GET", f"/admin/posts/{HUGE}/revisions"),
        ("GET", "/admin/posts/2147483648/revisions"),
        ("GET", f"/admin/comments/{HUGE}/reply"),
        ("POST", f"/admin/comments/{HUGE}/reply"),
        ("POST", f"/admin/posts/{HUGE}/publish"),
        ("POST", "/admin/posts/2147483648/comments-off"),
        ("POST", f"/admin/trash/{HUGE}/restore"),
        ("POST", f"/admin/trash/{HUGE}/delete"),
        ("POST", f"/admin/media/{HUGE}/delete"),
        ("POST", "/admin/media/2147483648/delete"),
        ("GET", f"/admin/media?page={HUGE}"),
        ("POST", "/admin/posts/{post}/revisions/" + HUGE + "/restore"),
        ("POST", f"/admin/posts/{HUGE}/revisions/1/restore"),
        ("GET", f"/diary/{HUGE}/edit"),
        ("POST", "/diary/2147483648/delete"),
        ("GET", f"/commentary/{HUGE}-x/edit"),
        ("GET", f"/?page={HUGE}"),
        ("GET", f"/search?q=댓글&page={HUGE}"),
        ("GET", "/admin/?section=%00"),
    ],
)
def test_malformed_owner_addresses_are_404_never_500(client, auth, comments, method, path):
    auth.login()
    response = client.open(path.format(post=comments[0]), method=method)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "form",
    [
        {"one": f"approve:{HUGE}"},
        {"one": "approve:²"},
        {"one": "approve:2147483648"},
        {"action": "approve", "ids": HUGE},
        {"action": "approve", "ids": "²"},
        {"action": "approve", "ids": "2147483648"},
    ],
)
def test_moderation_ignores_ids_no_comment_can_have(app, client, auth, comments, form):
    auth.login()
    response = client.post("/admin/comments", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/admin/comments" and flashes(response.text) == ["error"]
    assert set(statuses(app).values()) == {"pending"}


@pytest.mark.parametrize(
    "back", ["/admin/\r\nX-Evil: 1", "/admin/\x00", "https://evil.example/admin/"]
)
def test_post_action_goes_back_only_to_a_safe_desk_address(client, auth, make_entry, back):
    post_id = make_entry()
    auth.login()
    response = client.post(f"/admin/posts/{post_id}/comments-off", data={"back": back})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"


def test_publishing_from_the_desk_is_a_save_with_its_own_version(app, client, auth, make_entry):
    draft_id = make_entry(title="초안", visibility=Visibility.DRAFT)
    auth.login()
    client.post(f"/admin/posts/{draft_id}/publish", data={"back": "/admin/"})
    with app.app_context():
        post = db.session.get(Post, draft_id)
        kept = [(revision.version, revision.data["visibility"]) for revision in post.revisions]
        assert (post.version, kept) == (2, [(2, "public"), (1, "draft")])


# --- 관리 → 사진 --------------------------------------------------------------------------------


@pytest.fixture
def photo_library(app, make_entry):
    """Photos by their role: one an entry shows, one that entry showed before an edit, one a
    trashed entry shows, one never shown; and the entries' ids."""
    with app.app_context():
        made = {
            "shown": library.add_photo(samples.png(1200, 800)),
            "dropped": library.add_photo(samples.png(800, 600)),
            "trashed": library.add_photo(samples.png(640, 480, mode="L")),
            "never": library.add_photo(samples.png(300, 200, mode="RGBA")),
        }
        db.session.commit()
        photos = {role: (photo.id, photo.name) for role, photo in made.items()}
    shown, dropped, trashed = (photos[role][1].address for role in ("shown", "dropped", "trashed"))
    entry = make_entry(title="사진 일기", body=f"![창밖]({shown})\n\n![노을]({dropped})")
    other = make_entry(title="지운 일기", body=f"![버린 사진]({trashed})")
    with app.app_context():
        post = db.session.get(DiaryEntry, entry)
        post.body = f"![창밖]({shown})"
        saving.save(post)
        saving.trash(db.session.get(DiaryEntry, other))
        db.session.commit()
    return photos, entry, other


def media_items(client) -> dict[int, html.HtmlElement]:
    page = html.fromstring(client.get("/admin/media").data)
    return {int(item.get("id").removeprefix("photo-")): item for item in page.xpath("//li[@id]")}


def test_the_photo_page_shows_each_photo_with_where_it_is_used(app, client, auth, photo_library):
    photos, entry, other = photo_library
    auth.login()
    items = media_items(client)
    # The unused first, the soonest removed first; then the newest upload first.
    assert list(items) == [photos[role][0] for role in ("never", "dropped", "trashed", "shown")]
    for photo_id, name in photos.values():
        [thumb] = items[photo_id].xpath(".//img")
        width = name.widths()[0]
        assert thumb.get("src") == name.variant(width, "jpg")
        assert (thumb.get("width"), thumb.get("height")) == (str(width), str(name.height_at(width)))
    with app.app_context():
        edit = f"/diary/{entry}-{quote(db.session.get(DiaryEntry, entry).slug)}/edit"
        dropped = db.session.get(Photo, photos["dropped"][0])
        removed_on = (dropped.unused_since + timedelta(days=saving.TRASH_DAYS)).isoformat()
    shown = items[photos["shown"][0]]
    assert shown.xpath(".//ul[@class='media-item__posts']//a/@href") == [edit]
    assert not shown.xpath(".//form") and not shown.xpath(".//*[@class='media-item__unused']")
    trashed = items[photos["trashed"][0]]
    assert trashed.xpath(".//ul[@class='media-item__posts']//a/@href") == ["/admin/trash"]
    assert not trashed.xpath(".//form")
    unused = items[photos["dropped"][0]]
    assert unused.xpath(".//*[@class='media-item__last-post']/a/@href") == [edit]
    assert unused.xpath(".//*[@class='media-item__removal']/time/@datetime") == [removed_on]
    assert unused.xpath(".//form/@action") == [f"/admin/media/{photos['dropped'][0]}/delete"]
    never = items[photos["never"][0]]
    assert never.xpath(".//*[@class='media-item__last-post']") and not never.xpath(
        ".//*[@class='media-item__last-post']/a"
    )
    assert never.xpath(".//form")


def test_the_owner_deletes_a_photo_no_post_shows(app, client, auth, photo_library):
    photos, _, _ = photo_library
    photo_id, name = photos["dropped"]
    auth.login()
    response = client.post(f"/admin/media/{photo_id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/media"
    assert flashes(client.get("/admin/media").text) == ["success"]
    assert photo_id not in media_items(client)
    with app.app_context():
        assert db.session.get(Photo, photo_id) is None
        assert not [n for n in media_store().names() if name.digest in n]
    assert client.get(name.variant(480, "jpg")).status_code == 404


@pytest.mark.parametrize("role", ["shown", "trashed"])
def test_a_photo_a_post_shows_is_not_deleted(app, client, auth, photo_library, role):
    photos, _, _ = photo_library
    photo_id, name = photos[role]
    auth.login()
    response = client.post(f"/admin/media/{photo_id}/delete")
    assert response.status_code == 409 and flashes(response.text) == ["error"]
    assert photo_id in {
        int(i.removeprefix("photo-")) for i in html.fromstring(response.data).xpath("//li/@id")
    }
    with app.app_context():
        assert db.session.get(Photo, photo_id) is not None
        assert media_store().exists(f"{name.digest}-{name.widths()[0]}.jpg")


def test_the_photo_page_and_its_deletion_are_the_owners(app, client, owner, photo_library):
    photos, _, _ = photo_library
    photo_id, _ = photos["never"]
    response = client.get("/admin/media")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    refused = client.post(f"/admin/media/{photo_id}/delete")
    assert refused.status_code in (302, 401)
    with app.app_context():
        assert db.session.get(Photo, photo_id) is not None


def test_deleting_a_photo_needs_the_forms_csrf_token(app, client, auth, photo_library):
    photos, _, _ = photo_library
    photo_id, _ = photos["never"]
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    page = html.fromstring(client.get("/admin/media").data)
    [token] = page.xpath(f"//li[@id='photo-{photo_id}']//form/input[@name='csrf_token']/@value")
    assert client.post(f"/admin/media/{photo_id}/delete").status_code in (400, 403)
    with app.app_context():
        assert db.session.get(Photo, photo_id) is not None
    sent = client.post(f"/admin/media/{photo_id}/delete", data={"csrf_token": token})
    assert sent.status_code == 303


def test_the_desk_navigation_leads_to_the_photos(client, auth):
    auth.login()
    nav = html.fromstring(client.get("/admin/").data).xpath("//nav[@class='tabs']//a/@href")
    assert "/admin/media" in nav
    page = html.fromstring(client.get("/admin/media").data)
    assert page.xpath("//nav[@class='tabs']//a[@aria-current='page']/@href") == ["/admin/media"]
    assert page.xpath("//*[@class='empty']")


# --- This day in earlier years (N년 전 오늘) -----------------------------------------------


def on_this_day(page: str) -> list[tuple[int, str, str]]:
    """(years ago, heading, first line) of each entry the desk's N년 전 오늘 lists."""
    items = html.fromstring(page).xpath("//section[@class='earlier-years']//li")
    return [
        (
            number_in(item.xpath("string(.//time)")),
            item.xpath("string(.//a[@class='earlier-years__entry'])").strip(),
            item.xpath("string(.//p[@class='earlier-years__line'])"),
        )
        for item in items
    ]


def seoul_noon(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)  # 12:00 in Seoul


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        # Not a leap year: the 28th also has the 29ths of earlier leap years.
        ("2027-02-28", [(1, "2026-02-28"), (3, "2024-02-29"), (3, "2024-02-28")]),
        # A leap year: the 28th has the 28ths, the 29th the 29ths of earlier leap years.
        ("2028-02-28", [(1, "2027-02-28"), (2, "2026-02-28"), (4, "2024-02-28")]),
        ("2028-02-29", [(4, "2024-02-29")]),
        ("2028-03-01", [(1, "2027-03-01"), (4, "2024-03-01")]),
        ("2027-03-01", [(3, "2024-03-01")]),
    ],
)
def test_this_day_in_earlier_years_around_29_february(client, auth, make_entry, today, shown):
    for day in ("2024-02-28", "2024-02-29", "2024-03-01", "2026-02-28", "2027-02-28", "2027-03-01"):
        make_entry(title=f"{day} 일기", published_at=seoul_noon(day))
    with time_machine.travel(seoul_noon(today), tick=False):
        auth.login()  # a login lasts a month: made on the day
        page = client.get("/admin/").text
    assert [(ago, heading) for ago, heading, _ in on_this_day(page)] == [
        (ago, f"{day} 일기") for ago, day in shown
    ]


def test_this_day_in_earlier_years_is_the_site_day_of_any_entry_not_in_the_trash(
    app, client, auth, make_entry, make_commentary
):
    # 15:00 UTC is midnight in Seoul.
    make_entry(
        title="자정", body="첫 줄\n둘째 줄", published_at=datetime(2025, 12, 1, 15, 0, tzinfo=UTC)
    )
    make_entry(title="자정 전", published_at=datetime(2025, 12, 1, 14, 59, 59, tzinfo=UTC))
    make_entry(
        title="비공개",
        visibility=Visibility.PRIVATE,
        published_at=datetime(2024, 12, 2, 3, 0, tzinfo=UTC),
    )
    trashed = make_entry(title="휴지통", published_at=datetime(2023, 12, 2, 3, 0, tzinfo=UTC))
    make_commentary(
        "Not a diary entry", [{"quote": "Quote."}], published_at=seoul_noon("2023-12-02")
    )
    with app.app_context():
        saving.trash(db.session.get(Post, trashed))
        db.session.commit()
    with time_machine.travel(seoul_noon("2022-12-02"), tick=False):
        make_entry(title="", body="날짜 없이 쓴 초안의 첫 줄", visibility=Visibility.DRAFT)
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, 1, tzinfo=UTC), tick=False):
        auth.login()
        page = client.get("/admin/").text
    assert on_this_day(page) == [
        (1, "자정", "첫 줄"),
        (2, "비공개", "본문"),
        (4, "날짜 없이 쓴 초안의 첫 줄", ""),  # untitled: its opening words are its heading
    ]
    [state] = html.fromstring(page).xpath("//section[@class='earlier-years']//li[2]//span/@class")
    assert "badge--private" in state.split()


def test_this_day_in_earlier_years_says_nothing_when_there_is_nothing(client, auth, make_entry):
    make_entry(title="어제", published_at=utcnow() - timedelta(days=1))
    make_entry(title="오늘", published_at=utcnow() - timedelta(minutes=1))
    auth.login()
    assert 'class="earlier-years"' not in client.get("/admin/").text


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SIZE": 0}])
def test_this_day_in_earlier_years_costs_the_same_queries_for_5_and_50_entries(
    app, client, auth, make_entry
):
    with app.app_context():
        engine = db.engine
    counts, made = [], 0
    with time_machine.travel(seoul_noon("2026-06-05"), tick=False):
        auth.login()
        for total in (5, 50):
            for number in range(made, total):  # on this date over the years, and other days
                year, other_day = 2025 - number % 25, number % 2
                make_entry(
                    title=f"{number}", published_at=seoul_noon(f"{year}-06-0{5 + other_day}")
                )
            made = total
            client.get("/admin/")
            with counting(engine) as statements:
                page = client.get("/admin/").text
            counts.append(len(statements))
            assert on_this_day(page)
    assert counts[0] == counts[1]
