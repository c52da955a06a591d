"""Readers' comments: sending, holding, spam defences, and what the public sees."""

import re
from datetime import timedelta

import pytest
from flask import g
from flask_babel import get_locale
from lxml import html

from blog.comments.moderation import moderate, owner_reply
from blog.comments.spam import address_hash
from blog.comments.timer import form_token, read_form_timer
from blog.extensions import db
from blog.forms import CommentForm
from blog.models import Comment, Commentary, CommentStatus, Owner, Post, Visibility, utcnow
from blog.posts import saving
from blog.site_settings import save_settings

from .conftest import count_writes, hidden_state
from .markup import errors_of, flashes, invalid_fields, number_in, text_of


@pytest.fixture
def entry_id(make_entry):
    return make_entry(title="댓글 받을 글")


def comment_data(app, post_id, seconds_ago=10, **overrides):
    with app.app_context():
        started = form_token(post_id, issued=utcnow() - timedelta(seconds=seconds_ago))
    data = {"name": "독자", "body": "좋은 글 고맙습니다.", "website": "", "started": started}
    data.update(overrides)
    return data


def send(client, app, post_id, **overrides):
    return client.post(f"/diary/{post_id}/comments", data=comment_data(app, post_id, **overrides))


def stored(app):
    with app.app_context():
        return [(c.name, c.body, c.status.value) for c in db.session.scalars(db.select(Comment))]


def approve_all(app):
    with app.app_context():
        moderate(db.session.scalars(db.select(Comment.id)).all(), "approve")
        db.session.commit()


def test_comment_is_held_until_approved(app, client, entry_id):
    response = send(client, app, entry_id)
    assert response.status_code == 303
    # To the sender's own page for it (tests/test_comment_follow.py), not to the post.
    assert response.headers["Location"].startswith("/comments/")
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert "좋은 글 고맙습니다" not in page
    assert stored(app) == [("독자", "좋은 글 고맙습니다.", "pending")]
    approve_all(app)
    assert "좋은 글 고맙습니다" in client.get(f"/diary/{entry_id}", follow_redirects=True).text


def test_line_breaks_kept_links_linked_html_shown_as_text(app, client, entry_id):
    body = "<b>굵게?</b>\n둘째 줄 https://example.com/글에서 ![img](https://x.example/a.png)"
    send(client, app, entry_id, body=body)
    approve_all(app)
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert "&lt;b&gt;굵게?&lt;/b&gt;<br>" in page
    assert (
        '<a href="https://example.com/" rel="nofollow ugc noopener">https://example.com/</a>글에서'
        in page
    )
    assert "<img" not in page.split('id="comments"')[1]


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("https://example.com/a?b=1&c=2를 보세요", 'href="https://example.com/a?b=1&amp;c=2"'),
        ("www.example.com에서 봤어요", 'href="http://www.example.com"'),
        ("(https://example.com/x).", 'href="https://example.com/x"'),
    ],
)
def test_links_end_before_korean_and_punctuation(app, client, entry_id, text, link):
    send(client, app, entry_id, body=text)
    approve_all(app)
    assert link in client.get(f"/diary/{entry_id}", follow_redirects=True).text


def test_javascript_links_are_never_made(app, client, entry_id):
    send(client, app, entry_id, body="javascript:alert(1) <a href=javascript:alert(1)>x</a>")
    approve_all(app)
    section = client.get(f"/diary/{entry_id}", follow_redirects=True).text.split('id="comments"')[1]
    assert '<a href="javascript' not in section and "&lt;a href=javascript" in section


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "가" * 3001}, "body"),
        ({"body": " ".join(f"https://e{n}.example" for n in range(11))}, "body"),
        ({"name": ""}, "name"),
        ({"name": "\u202e\u200b\u3164"}, "name"),
        ({"name": "가" * 41}, "name"),
        ({"name": "Owner"}, "name"),
        ({"name": "주 인"}, "name"),
        ({"name": "ｏｗｎｅｒ"}, "name"),
    ],
)
def test_bad_comments_get_a_clear_message_and_keep_the_text(
    app, client, owner, entry_id, overrides, field
):
    data = {"body": "지우면 안 되는 댓글", **overrides}
    response = send(client, app, entry_id, **data)
    assert response.status_code == 400
    assert invalid_fields(response.text) == [field] and errors_of(response.text, field)
    if data["body"] == "지우면 안 되는 댓글":
        assert "지우면 안 되는 댓글</textarea>" in response.text
    assert stored(app) == []


def test_a_comment_too_long_is_told_the_limit(app, client, entry_id):
    response = send(client, app, entry_id, body="가" * 3001)
    [error] = errors_of(response.text, "body")
    assert number_in(error) == app.config["COMMENT_MAX_LENGTH"] == 3000


@pytest.fixture
def owner_logging_in_as_minjikim(app, owner):
    with app.app_context():
        db.session.get(Owner, owner).username = "minjikim"
        db.session.commit()


def answer(response, client) -> tuple:
    """What a sender learns: the status, where it leads, and the message shown there."""
    page = client.get(response.headers["Location"]).text if response.status_code == 303 else ""
    flashed = re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', page + response.text, re.S)
    # Each sent comment has its own private address; what it leads to is what counts.
    location = re.sub(r"/comments/[^/?]+", "/comments/<token>", response.headers["Location"])
    return response.status_code, location, flashed


@pytest.mark.parametrize("name", ["minjikim", "MinjiKim", "ｍｉｎｊｉ．ｋｉｍ", "minji kim"])
def test_the_owners_login_name_is_a_name_like_any_other(
    app, client, entry_id, owner_logging_in_as_minjikim, name
):
    # Refusing it would tell anyone which guess is the owner's login name.
    other = answer(send(client, app, entry_id, name="독자"), client)
    assert answer(send(client, app, entry_id, name=name), client) == other
    assert [comment[0] for comment in stored(app)] == ["독자", name]


@pytest.mark.parametrize("app_config", [{"OWNER_DISPLAY_NAME": "김민지"}])
@pytest.mark.parametrize("name", ["김민지", "김 민지", "김​민지", "owner", "관리자", "주인"])
def test_the_display_name_site_name_and_reserved_words_are_kept_for_the_owner(
    app, client, entry_id, owner_logging_in_as_minjikim, name
):
    response = send(client, app, entry_id, name=name)
    assert response.status_code == 400
    assert invalid_fields(response.text) == ["name"]
    assert stored(app) == []


def test_the_site_name_is_kept_for_the_owner(app, client, entry_id):
    response = send(client, app, entry_id, name=app.config["SITE_NAME"].replace(" ", ""))
    assert response.status_code == 400 and invalid_fields(response.text) == ["name"]


def test_display_name_loses_invisible_characters(app, client, entry_id):
    send(client, app, entry_id, name="\u202e독\u200b자\u2066")
    assert stored(app)[0][0] == "독자"


def test_honeypot_is_answered_like_success_but_dropped(app, client, entry_id):
    response = send(client, app, entry_id, website="http://spam.example")
    assert response.status_code == 303
    assert stored(app) == []


@pytest.mark.parametrize("seconds_ago", [0, 2])
def test_too_fast_is_answered_like_success_but_stored_as_spam(
    app, client, entry_id, seconds_ago, clock
):
    # The clock stands still: on a loaded machine the request itself took the 2 seconds past 3.
    response = send(client, app, entry_id, seconds_ago=seconds_ago)
    assert response.status_code == 303
    assert stored(app)[0][2] == "spam"


def test_a_person_who_waits_three_seconds_is_never_refused(app, client, entry_id):
    send(client, app, entry_id, seconds_ago=3)
    assert stored(app)[0][2] == "pending"


@pytest.mark.parametrize("started", ["", "forged", "1:99999"])
def test_missing_or_forged_timer_is_spam(app, client, entry_id, started):
    send(client, app, entry_id, started=started)
    assert stored(app)[0][2] == "spam"


def test_timer_from_another_post_is_spam(app, client, entry_id, make_entry):
    other = make_entry(title="다른 글")
    with app.app_context():
        foreign = form_token(other, issued=utcnow() - timedelta(seconds=30))
    send(client, app, entry_id, started=foreign)
    assert stored(app)[0][2] == "spam"


TWELVE_HOURS = 12 * 3600


def shown_timer(html: str) -> str:
    return re.search(r'name="started" type="hidden" value="([^"]*)"', html).group(1)


@pytest.mark.parametrize(
    ("app_config", "seconds_ago"),
    [
        ({}, TWELVE_HOURS + 1),
        ({}, 30 * 24 * 3600),
        ({"COMMENT_FORM_LIFETIME": timedelta(hours=1)}, 3601),
    ],
)
def test_a_timer_past_its_lifetime_shows_the_form_again_with_a_new_one(
    app, client, entry_id, seconds_ago
):
    # A bot replaying one old timer forever gets nothing stored; a person who left the tab
    # open overnight gets the form back with the text and a new timer, not the spam folder.
    data = comment_data(app, entry_id, seconds_ago=seconds_ago, body="밤새 쓴 댓글")
    response = client.post(f"/diary/{entry_id}/comments", data=data)
    assert response.status_code == 400
    assert invalid_fields(response.text) == ["body"]  # check it and send it again
    assert "밤새 쓴 댓글</textarea>" in response.text
    assert shown_timer(response.text) not in ("", data["started"])
    assert stored(app) == []


def test_after_a_renewal_the_comment_is_received_once_the_short_wait_is_over(
    app, client, entry_id, clock
):
    data = comment_data(app, entry_id, seconds_ago=TWELVE_HOURS + 1)
    data["started"] = shown_timer(client.post(f"/diary/{entry_id}/comments", data=data).text)
    # Sent again at once: shown again (a person in a hurry is not taken for a bot)...
    again = client.post(f"/diary/{entry_id}/comments", data=data)
    assert again.status_code == 400 and invalid_fields(again.text) == ["body"]
    assert stored(app) == []
    # ...and received as any comment once COMMENT_MIN_SECONDS have passed.
    data["started"] = shown_timer(again.text)
    clock.shift(timedelta(seconds=3))
    assert client.post(f"/diary/{entry_id}/comments", data=data).status_code == 303
    assert stored(app) == [("독자", "좋은 글 고맙습니다.", "pending")]


def test_a_timer_within_its_lifetime_is_received(app, client, entry_id):
    send(client, app, entry_id, seconds_ago=TWELVE_HOURS - 60)
    assert stored(app)[0][2] == "pending"


def test_the_page_cache_fills_timers_with_the_secret_key_it_is_given(app):
    token = form_token(7, utcnow(), app.secret_key)  # outside any request, as pagecache.py does
    with app.app_context():
        assert 0 <= read_form_timer(token, 7, utcnow()).seconds < 5


def test_making_a_comment_form_leaves_the_request_alone(app, entry_id):
    """Its timer reaches the page cache through the post page's own call, not through g."""
    with app.test_request_context(f"/diary/{entry_id}"):
        get_locale()  # Flask-Babel keeps the request's locale in g once it is asked
        before = dict(vars(g))
        form = CommentForm(db.session.get(Post, entry_id))
        assert read_form_timer(form.started.data, entry_id, utcnow()) is not None
        assert dict(vars(g)) == before


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("‮⁦txt.exe⁩‬ 파일", "txt.exe 파일"),
        ("왼쪽‏오른쪽‎؜끝", "왼쪽오른쪽끝"),
        ("첫 줄\n\n둘째 문단 한글 그대로", "첫 줄\n\n둘째 문단 한글 그대로"),
        ("가족 👨‍👩‍👧 이모지", "가족 👨‍👩‍👧 이모지"),
    ],
)
def test_comment_bodies_lose_the_characters_that_reorder_text(app, client, entry_id, body, kept):
    send(client, app, entry_id, body=body)
    assert stored(app)[0][1] == kept


@pytest.mark.parametrize("app_config", [{"COMMENT_RATE_LIMIT": 2}])
def test_rate_limit_per_address_keeps_the_text(app, client, entry_id):
    for _ in range(2):
        assert send(client, app, entry_id).status_code == 303
    response = send(client, app, entry_id, body="세 번째 댓글")
    assert response.status_code == 429
    assert "세 번째 댓글</textarea>" in response.text
    other_address = client.post(
        f"/diary/{entry_id}/comments",
        data=comment_data(app, entry_id),
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other_address.status_code == 303


def test_address_is_stored_hashed_and_dropped_after_30_days(app, client, entry_id):
    send(client, app, entry_id)
    with app.app_context():
        comment = db.session.scalar(db.select(Comment))
        assert comment.address_hash == address_hash("127.0.0.1", utcnow().date())
        assert "127.0.0.1" not in comment.address_hash
        comment.created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    send(client, app, entry_id)
    with app.app_context():
        old, new = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
        assert old.address_hash is None and new.address_hash is not None


def test_a_comment_received_writes_only_itself_while_no_address_is_due(app, client, entry_id):
    send(client, app, entry_id)  # an address kept from today: 30 days to go
    writes = count_writes(app)
    assert send(client, app, entry_id, body="두 번째 댓글").status_code == 303
    assert [statement.split()[:3] for statement in writes] == [["INSERT", "INTO", "comment"]]


def test_daily_salt_changes_the_hash(app):
    with app.app_context():
        today = utcnow().date()
        assert address_hash("1.2.3.4", today) != address_hash("1.2.3.4", today - timedelta(1))


@pytest.mark.parametrize(
    ("setting", "value", "body"),
    [
        ("blocked_words", "광고", "최고의 광고를 보세요"),  # a particle attached
        ("blocked_words", "CASINO", "best casino here"),
        ("blocked_hosts", "spam.example", "보세요 https://www.spam.example/x"),
        ("comment_max_links", "1", "https://a.example https://b.example"),
    ],
)
def test_block_lists_and_link_count_send_to_spam(app, client, entry_id, setting, value, body):
    with app.app_context():
        save_settings({setting: value})
        db.session.commit()
    assert send(client, app, entry_id, body=body).status_code == 303
    assert stored(app)[0][2] == "spam"


def test_blocked_address_goes_to_spam(app, client, entry_id):
    with app.app_context():
        save_settings({"blocked_addresses": address_hash("127.0.0.1", utcnow().date())})
        db.session.commit()
    send(client, app, entry_id)
    assert stored(app)[0][2] == "spam"


def test_secret_comments_are_never_public(app, client, entry_id, auth):
    send(client, app, entry_id, body="주인만 보세요", secret="y")
    approve_all(app)
    assert "주인만 보세요" not in client.get(f"/diary/{entry_id}", follow_redirects=True).text
    auth.login()
    owner_page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert "주인만 보세요" in owner_page and '<span class="badge badge--private">' in owner_page


def test_comment_on_a_block_shows_which_quote(app, client, auth):
    with app.app_context():
        commentary = Commentary()
        commentary.title = "Headline"
        commentary.replace_blocks([{"quote": "First."}, {"quote": "Second."}])
        commentary.body = "요약"
        commentary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=1))
        saving.save(commentary)
        db.session.commit()
        post_id, second_block = commentary.id, commentary.blocks[1].id
    page = client.get(f"/commentary/{post_id}", follow_redirects=True).text
    assert f"comment_on={second_block}#comment-form" in page
    preselected = client.get(
        f"/commentary/{post_id}?comment_on={second_block}", follow_redirects=True
    )
    assert f'<option selected value="{second_block}">' in preselected.text
    data = comment_data(app, post_id, block=str(second_block), body="두 번째 인용에 대해")
    assert client.post(f"/commentary/{post_id}/comments", data=data).status_code == 303
    approve_all(app)
    page = client.get(f"/commentary/{post_id}", follow_redirects=True).text
    assert '<p class="comment__about"><a href="#block-2">' in page


def quote_comment_links(page: str) -> dict[int, tuple[int, str]]:
    """{quote number: (the count its comments link says, where it points)} for each quote
    that shows one."""
    links = {}
    for block in html.fromstring(page).xpath('//section[@class="block"]'):
        for link in block.xpath('.//a[contains(@class, "block__comment-count")]'):
            links[int(block.get("id").removeprefix("block-"))] = (
                number_in(link.text_content()),
                link.get("href"),
            )
    return links


def test_quotes_with_approved_comments_show_how_many_and_link_to_the_first(app, client, auth):
    with app.app_context():
        commentary = Commentary()
        commentary.title = "Headline"
        commentary.replace_blocks([{"quote": f"Quote {n}."} for n in range(1, 5)])
        commentary.body = "요약"
        commentary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=1))
        saving.save(commentary)
        first, second, third, _ = (block.id for block in commentary.blocks)

        def comment(block_id, minutes_ago, status=CommentStatus.APPROVED, secret=False):
            made = Comment(
                post=commentary,
                block_id=block_id,
                name="독자",
                status=status,
                secret=secret,
                created_at=utcnow() - timedelta(minutes=minutes_ago),
            )
            made.set_body("댓글")
            db.session.add(made)
            db.session.flush()
            return made

        earliest_on_second = comment(second, 50)
        owner_reply(earliest_on_second, "owner", "답글")
        comment(second, 40)
        comment(None, 45)  # on the whole post
        comment(third, 30, status=CommentStatus.PENDING)
        comment(third, 20, status=CommentStatus.SPAM)
        secret_on_first = comment(first, 10, secret=True)
        db.session.commit()
        path = f"/commentary/{commentary.id}-{commentary.slug}"
        on_second, on_first = earliest_on_second.id, secret_on_first.id

    page = client.get(path).text
    assert quote_comment_links(page) == {2: (2, f"#comment-{on_second}")}
    assert f'id="comment-{on_second}"' in page
    auth.login()
    page = client.get(path).text  # the owner also sees the approved secret one
    assert quote_comment_links(page) == {
        1: (1, f"#comment-{on_first}"),
        2: (2, f"#comment-{on_second}"),
    }


def test_comments_switched_off_hide_the_form_and_refuse(app, client, entry_id):
    with app.app_context():
        from blog.models import Post

        db.session.get(Post, entry_id).comments_enabled = False
        db.session.commit()
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert 'id="comment-form"' not in page and text_of(page, "comments-closed")
    assert send(client, app, entry_id).status_code == 403


def test_comments_close_after_n_days(app, client, make_entry):
    old = make_entry(title="오래된 글", published_at=utcnow() - timedelta(days=40))
    with app.app_context():
        save_settings({"comments_close_after_days": "30"})
        db.session.commit()
    assert send(client, app, old).status_code == 403


@pytest.mark.parametrize("state", ["draft", "private", "scheduled"])
def test_no_comments_on_hidden_posts(app, client, make_entry, state):
    hidden = hidden_state(state)
    post_id = make_entry(**hidden)
    assert send(client, app, post_id).status_code == 404
    assert stored(app) == []


def test_deleting_a_post_for_good_deletes_its_comments(app, client, auth, entry_id):
    send(client, app, entry_id)
    auth.login()
    client.post(f"/diary/{entry_id}/delete")
    assert len(stored(app)) == 1  # in the trash, the post keeps its comments
    client.post(f"/admin/trash/{entry_id}/delete")
    assert stored(app) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
    ],
)
def test_a_comment_sent_from_another_site_is_refused(app, client, entry_id, headers):
    app.config["WTF_CSRF_ENABLED"] = True
    data = comment_data(app, entry_id, body="다른 사이트에서 보낸 댓글")
    response = client.post(f"/diary/{entry_id}/comments", data=data, headers=headers)
    assert response.status_code == 403
    assert stored(app) == []


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {}]
)
def test_a_comment_from_the_post_page_needs_no_session_token(app, client, entry_id, headers):
    app.config["WTF_CSRF_ENABLED"] = True
    data = comment_data(app, entry_id, body="우리 페이지에서 보낸 댓글")
    response = client.post(f"/diary/{entry_id}/comments", data=data, headers=headers)
    assert response.status_code == 303
    assert [body for _, body, _ in stored(app)] == ["우리 페이지에서 보낸 댓글"]


def comment_form(page: str):
    [form] = html.fromstring(page).xpath('//form[@id="comment-form"]')
    return form


def test_the_comment_form_brings_its_sender_back_to_itself(client, entry_id):
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert comment_form(page).get("action").endswith("/comments#comment-form")


@pytest.mark.parametrize(
    ("overrides", "status"),
    [({"body": ""}, 400), ({"body": "가" * 3001}, 400), ({"name": ""}, 400)],
)
def test_a_failed_comment_answers_with_the_form_its_message_inside(
    app, client, entry_id, overrides, status
):
    response = send(client, app, entry_id, **overrides)
    assert response.status_code == status
    form = comment_form(response.text)
    # The browser keeps the action's fragment: the answer opens at the form, not the top.
    assert form.get("action").endswith("#comment-form")
    [message] = form.xpath('.//*[contains(@class, "flash--error")]')
    assert message.get("role") == "alert" and form.index(message) < len(form) - 1
    assert flashes(response.text) == ["error"]  # there and nowhere else (not at the top)
    assert form.xpath('.//*[@aria-invalid="true"]')


@pytest.mark.parametrize("app_config", [{"COMMENT_RATE_LIMIT": 1}])
def test_a_comment_held_back_by_the_rate_limit_is_told_at_the_form(app, client, entry_id):
    send(client, app, entry_id)
    response = send(client, app, entry_id, body="두 번째")
    assert response.status_code == 429
    assert comment_form(response.text).xpath('.//*[contains(@class, "flash--error")]')


def test_a_sent_comment_is_told_it_is_sent_on_the_senders_own_page(app, client, entry_id):
    location = send(client, app, entry_id, body="새 댓글").headers["Location"]
    tree = html.fromstring(client.get(location).text)
    [sent] = tree.xpath('//*[contains(@class, "flash--success")]')
    assert sent.get("role") == "status"
    assert tree.xpath('//*[@id="comment-state"]')
