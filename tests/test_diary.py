"""The diary section: writing, previewing, editing, deleting, and who sees what."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from lxml import html

from blog.extensions import db
from blog.forms import TOO_LARGE
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving
from blog.site_time import FIRST_YEAR, LAST_YEAR

from .conftest import hidden_state
from .markup import (
    editor_button,
    editor_buttons,
    editor_sends_unpressed,
    errors_of,
    flashes,
    invalid_fields,
    shown,
)

SAMPLE_BODY = (
    "필라테스할때마다 느끼는거지만,\n살찌고 코어도 없는 돼지가 된것같다.\n"
    "체중계 샀는데, 진짜 잘샀다.\n왜냐면 충격적인 몸무게를 보았기 때문에...\n식단도 해야지.."
)


def entry_form(**overrides):
    data = {
        "title": "",
        "body": SAMPLE_BODY,
        "tags": "필라테스, 식단",
        "visibility": "public",
        "published_at": "",
    }
    data.update(overrides)
    return data


def test_owner_writes_an_entry_and_a_reader_reads_it(app, client, auth):
    auth.login()
    response = client.post("/diary/new", data=entry_form(title="필라테스 일기"))
    assert response.status_code == 303
    location = unquote(response.headers["Location"])
    assert location.startswith("/diary/") and location.endswith("-필라테스-일기")
    auth.logout()
    page = client.get(location)
    assert page.status_code == 200
    assert "충격적인 몸무게를 보았기 때문에" in page.text
    assert "<br>" in page.text  # the owner's line breaks are kept
    assert 'href="/tags/%ED%95%84%EB%9D%BC%ED%85%8C%EC%8A%A4"' in page.text
    assert "필라테스 일기" in client.get("/diary/").text
    assert "필라테스 일기" in client.get("/").text


def test_untitled_entry_is_headed_by_its_opening_words_and_dated_once(app, client, auth):
    auth.login()
    when = "2026-03-01T21:30"
    location = client.post("/diary/new", data=entry_form(published_at=when)).headers["Location"]
    assert unquote(location).endswith("-필라테스할때마다-느끼는거지만")
    page = html.fromstring(client.get(location).text)
    [header] = page.xpath('//header[@class="post__header"]')
    assert header.xpath("string(h1)") == "필라테스할때마다 느끼는거지만"
    assert [time.text for time in header.xpath(".//time")] == ["2026년 3월 1일"]
    assert "일요일" not in header.text_content()  # the date once, not as the heading too


def unpressed(form: dict) -> dict:
    """The form as the 임시 저장 button sends it: no visibility of its own."""
    return {key: value for key, value in form.items() if key != "visibility"}


def state_of(app, entry_id: int) -> str:
    with app.app_context():
        return db.session.get(DiaryEntry, entry_id).state


@pytest.mark.parametrize("path", ["/diary/new", "edit"])
def test_only_the_publish_button_says_public(client, auth, make_entry, path):
    auth.login()
    if path == "edit":
        path = f"/diary/{make_entry()}/edit"  # a published entry
    page = client.get(path).text
    assert "visibility" not in editor_sends_unpressed(page)
    buttons = editor_buttons(page)
    assert buttons[0][0] == "preview"  # what Enter in the title presses
    assert [value for name, value in buttons if name == "visibility"] == ["private", "public"]
    assert ("save", "y") in buttons


@pytest.mark.parametrize("pressed", [{}, {"save": "y"}])
def test_a_new_entry_saved_without_visibility_is_a_draft(app, client, auth, pressed):
    auth.login()
    response = client.post("/diary/new", data=unpressed(entry_form(title="초안", **pressed)))
    assert response.status_code == 303
    entry_id = int(re.search(r"/diary/(\d+)", response.headers["Location"]).group(1))
    assert state_of(app, entry_id) == "draft"
    assert flashes(client.get(response.headers["Location"]).text) == ["success"]
    auth.logout()
    assert client.get(response.headers["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("visibility", "published_at", "state"),
    [
        ("public", "", "public"),
        ("public", "2999-01-01T09:00", "scheduled"),
        ("private", "", "private"),
        ("draft", "", "draft"),
    ],
)
def test_the_visibility_buttons_publish_schedule_or_hide(
    app, client, auth, visibility, published_at, state
):
    auth.login()
    form = entry_form(visibility=visibility, published_at=published_at)
    location = client.post("/diary/new", data=form).headers["Location"]
    entry_id = int(re.search(r"/diary/(\d+)", location).group(1))
    assert state_of(app, entry_id) == state


@pytest.mark.parametrize("state", ["public", "scheduled", "private", "draft"])
def test_saving_without_visibility_keeps_what_the_entry_is_and_saves_the_change(
    app, client, auth, make_entry, state
):
    entry_id = make_entry(title="원래", **({} if state == "public" else hidden_state(state)))
    auth.login()
    # What the editor sends when 임시 저장 is pressed, with the text changed.
    form = unpressed(editor_sends_unpressed(client.get(f"/diary/{entry_id}/edit").text))
    response = client.post(
        f"/diary/{entry_id}/edit", data={**form, "body": "고친 본문", "save": "y"}
    )
    assert response.status_code == 303
    assert state_of(app, entry_id) == state
    with app.app_context():
        assert db.session.get(DiaryEntry, entry_id).body == "고친 본문"


@pytest.mark.parametrize(("when", "later"), [("", False), ("2999-01-01T09:00", True)])
def test_the_publish_button_says_when_it_schedules(client, auth, when, later):
    auth.login()
    page = client.post("/diary/new", data=entry_form(published_at=when, preview="y")).text
    button = editor_button(page, "visibility", "public")
    label = " ".join(button.text_content().split())
    assert label == button.get("data-label-later" if later else "data-label-now")
    assert button.get("data-label-now") != button.get("data-label-later")


def test_blank_publication_time_means_now(app, client, auth):
    auth.login()
    client.post("/diary/new", data=entry_form())
    with app.app_context():
        entry = db.session.scalar(db.select(DiaryEntry))
        assert abs(entry.published_at - utcnow()) < timedelta(seconds=30)


def test_publication_time_is_read_in_the_site_time_zone(app, client, auth):
    auth.login()
    client.post("/diary/new", data=entry_form(published_at="2026-01-02T09:00"))
    with app.app_context():
        entry = db.session.scalar(db.select(DiaryEntry))
        assert entry.published_at.isoformat() == "2026-01-02T00:00:00+00:00"  # 09:00 KST


def test_preview_renders_markdown_and_saves_nothing(app, client, auth):
    auth.login()
    response = client.post("/diary/new", data=entry_form(body="**굵게** 쓴 글", preview="y"))
    assert response.status_code == 200
    assert "<strong>굵게</strong>" in response.text
    assert "**굵게** 쓴 글</textarea>" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DiaryEntry)) == 0


def test_failed_save_keeps_everything_typed(client, auth):
    auth.login()
    response = client.post(
        "/diary/new",
        data=entry_form(title="긴 제목" * 100, body="지워지면 안 되는 글", tags="하나, 둘"),
    )
    assert response.status_code == 400
    assert "지워지면 안 되는 글</textarea>" in response.text
    assert 'value="하나, 둘"' in response.text
    assert flashes(response.text) == ["error"] and invalid_fields(response.text) == ["title"]


# 3 KB of Markdown that markdown-it pads to 700 KB of HTML (issue 11).
PADDED_TABLE = "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 1000


@pytest.mark.parametrize(("button", "status"), [("save", 400), ("preview", 200)])
def test_text_that_makes_too_large_a_page_is_refused_and_kept(app, client, auth, button, status):
    auth.login()
    body = "지워지면 안 되는 표\n\n" + PADDED_TABLE
    response = client.post("/diary/new", data=entry_form(body=body, **{button: "y"}))
    assert response.status_code == status
    assert invalid_fields(response.text) == ["body"]
    assert errors_of(response.text, "body") == [shown(app, TOO_LARGE["steps"])]
    assert body + "</textarea>" in response.text
    assert "<table>" not in response.text  # the preview shows it as plain text instead
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DiaryEntry)) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", ""),
        ("body", "   \n  "),
        ("visibility", "everyone"),
        ("published_at", "어제"),
        ("tags", ",".join(f"t{n}" for n in range(30))),
        ("tags", "가" * 51),
    ],
)
def test_bad_input_gets_a_400_with_a_message(client, auth, field, value):
    auth.login()
    response = client.post("/diary/new", data=entry_form(**{field: value}))
    assert response.status_code == 400
    assert 'class="field__errors"' in response.text


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1969-12-31T23:59", "10000-01-01T00:00"])
def test_publication_time_out_of_range_is_a_form_error_keeping_the_text(app, client, auth, when):
    auth.login()
    response = client.post("/diary/new", data=entry_form(published_at=when))
    assert response.status_code == 400
    assert 'class="field__errors"' in response.text
    assert f'value="{when}"' in response.text
    assert "식단도 해야지.." in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DiaryEntry)) == 0


def test_range_error_names_the_years_allowed(client, auth):
    auth.login()
    response = client.post("/diary/new", data=entry_form(published_at="0001-01-01T00:00"))
    [error] = errors_of(response.text, "published_at")
    assert set(re.findall(r"\d+", error)) == {str(FIRST_YEAR), str(LAST_YEAR)} == {"1970", "9999"}


@pytest.mark.parametrize(
    ("app_config", "when"),
    [
        ({}, "1970-01-01T00:00"),
        ({}, "9999-12-31T23:59"),
        ({"BABEL_DEFAULT_TIMEZONE": "America/New_York"}, "1970-01-01T00:00"),
    ],
)
def test_publication_times_at_the_edges_are_saved_and_shown(app, client, auth, when):
    auth.login()
    response = client.post("/diary/new", data=entry_form(published_at=when))
    assert response.status_code == 303
    local = datetime.fromisoformat(when)
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get(f"/archive/{local.year}/{local.month}").status_code == 200
    assert client.get("/archive/").status_code == 200


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_TIMEZONE": "America/New_York"}])
def test_a_time_past_the_last_utc_moment_is_a_form_error(client, auth):
    # 9999-12-31 23:59 in New York is in the year 10000 in UTC, which datetime cannot hold.
    auth.login()
    response = client.post("/diary/new", data=entry_form(published_at="9999-12-31T23:59"))
    assert response.status_code == 400
    assert 'value="9999-12-31T23:59"' in response.text


def test_tags_are_split_deduplicated_and_unicode_in_the_order_typed(app, client, auth):
    auth.login()
    client.post("/diary/new", data=entry_form(tags="#필라테스, 식단，필라테스 , Diet, diet"))
    with app.app_context():
        entry = db.session.scalar(db.select(DiaryEntry))
        assert [tag.name for tag in entry.tags] == ["필라테스", "식단", "Diet"]


def test_tags_keep_the_order_the_owner_types_through_edits(app, client, auth, make_entry):
    entry_id = make_entry(title="태그 순서", tags=["운동", "식단", "기록"])
    auth.login()
    page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert re.findall(r'class="tag" href="[^"]*">#([^<]+)<', page) == ["운동", "식단", "기록"]
    form = editor_sends_unpressed(client.get(f"/diary/{entry_id}/edit").text)
    assert form["tags"] == "운동, 식단, 기록"
    # The same tags in another order, one dropped and a new one in the middle.
    form["tags"] = "기록, 새 태그, 운동"
    assert client.post(f"/diary/{entry_id}/edit", data=form).status_code == 303
    with app.app_context():
        entry = db.session.get(DiaryEntry, entry_id)
        assert [tag.name for tag in entry.tags] == ["기록", "새 태그", "운동"]
        assert entry.revisions[0].data["tags"] == ["기록", "새 태그", "운동"]


def test_edit_keeps_the_url_when_the_title_changes(client, auth, make_entry):
    auth.login()
    entry_id = make_entry(title="처음 제목")
    url = f"/diary/{entry_id}-처음-제목"
    assert client.get(url).status_code == 200
    form = client.get(f"{url}/edit").text
    assert "처음 제목" in form
    response = client.post(f"{url}/edit", data=entry_form(title="바뀐 제목", version="1"))
    assert response.status_code == 303
    assert unquote(response.headers["Location"]).endswith("처음-제목")
    assert "바뀐 제목" in client.get(url).text


def test_wrong_slug_redirects_to_the_canonical_url(client, make_entry):
    entry_id = make_entry(title="제목")
    response = client.get(f"/diary/{entry_id}-엉뚱한-주소")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/diary/{entry_id}-%EC%A0%9C%EB%AA%A9")


def test_stale_edit_answers_409_and_keeps_the_typed_text(app, client, auth, make_entry):
    auth.login()
    entry_id = make_entry(title="원래", body="원래 본문")
    first = client.post(
        f"/diary/{entry_id}/edit", data=entry_form(body="다른 탭의 저장", version="1")
    )
    assert first.status_code == 303
    stale = client.post(f"/diary/{entry_id}/edit", data=entry_form(body="내가 쓴 글", version="1"))
    assert stale.status_code == 409
    assert "내가 쓴 글</textarea>" in stale.text
    assert "다른 탭의 저장" in stale.text  # the newer saved text, to compare
    with app.app_context():
        assert db.session.get(DiaryEntry, entry_id).body == "다른 탭의 저장"


def test_delete_asks_first_and_needs_a_post(app, client, auth, make_entry):
    auth.login()
    entry_id = make_entry(title="지울 글")
    confirm = client.get(f"/diary/{entry_id}/delete")
    assert confirm.status_code == 200 and '<p class="confirm__what"><strong>지울 글' in confirm.text
    assert '<form method="post" class="editor__actions">' in confirm.text  # asks first
    assert client.post(f"/diary/{entry_id}/delete").status_code == 303
    assert client.get(f"/diary/{entry_id}").status_code == 404


HIDDEN_TITLES = {"draft": "초안", "private": "비밀", "scheduled": "예약"}


def hidden_entries(make_entry):
    return {
        state: make_entry(title=title, **hidden_state(state))
        for state, title in HIDDEN_TITLES.items()
    }


@pytest.mark.parametrize("state", ["draft", "private", "scheduled"])
def test_hidden_entries_are_404_to_the_public_everywhere(client, make_entry, state):
    entry_id = hidden_entries(make_entry)[state]
    make_entry(title="공개 글", tags=["태그"])
    assert client.get(f"/diary/{entry_id}").status_code == 404
    assert client.get(f"/diary/{entry_id}/edit").status_code == 302  # to the login page
    for path in ("/", "/diary/", "/tags/태그"):
        assert HIDDEN_TITLES[state] not in client.get(path).text


def test_hidden_tag_pages_are_404(client, make_entry):
    make_entry(title="초안", visibility=Visibility.DRAFT, tags=["숨은태그"])
    assert client.get("/tags/숨은태그").status_code == 404


def test_owner_sees_hidden_entries_marked(client, auth, make_entry):
    ids = hidden_entries(make_entry)
    auth.login()
    listing = client.get("/diary/").text
    for state in ("draft", "private", "scheduled"):
        assert f'<span class="badge badge--{state}">' in listing
    for entry_id in ids.values():
        assert client.get(f"/diary/{entry_id}", follow_redirects=True).status_code == 200


def test_scheduled_entry_appears_when_its_time_comes(app, client, make_entry):
    entry_id = make_entry(title="곧 공개", published_at=utcnow() + timedelta(days=1))
    assert client.get(f"/diary/{entry_id}").status_code == 404
    with app.app_context():
        db.session.get(DiaryEntry, entry_id).published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"/diary/{entry_id}", follow_redirects=True).status_code == 200


def test_list_is_paginated_newest_first(client, make_entry):
    for day in range(12):
        make_entry(title=f"글 {day:02d}", published_at=utcnow() - timedelta(days=day))
    first = client.get("/diary/").text
    assert first.index("글 00") < first.index("글 01")
    assert "글 11" not in first and 'rel="next"' in first
    second = client.get("/diary/?page=2").text
    assert "글 11" in second and 'rel="prev"' in second
    assert client.get("/diary/?page=9").status_code == 404


def test_edit_and_new_need_the_owner(client, make_entry):
    entry_id = make_entry()
    assert client.get("/diary/new").status_code == 302
    assert client.post(f"/diary/{entry_id}/delete").status_code == 302
    assert client.get(f"/diary/{entry_id}", follow_redirects=True).status_code == 200


def test_redirect_to_the_canonical_url_keeps_the_query_and_ignores_odd_keys(client, make_entry):
    entry_id = make_entry(title="제목")
    response = client.get(f"/diary/{entry_id}?comment_on=3&slug=x&post_id=9")
    assert response.status_code == 301
    assert unquote(response.headers["Location"]) == f"/diary/{entry_id}-제목?comment_on=3"


def excerpts_shown(page: str) -> list[str]:
    """Each card's excerpt as HTML, so its line breaks show."""
    return re.findall(r'<p class="card__excerpt">(.*?)</p>', page, re.S)


def test_list_excerpts_keep_the_lines_of_the_text(client, make_entry):
    make_entry(title="식단", body="아침: 그릭요거트\n점심: 샐러드 <b>\n\n저녁: 닭가슴살")
    [shown_excerpt] = excerpts_shown(client.get("/diary/").text)
    assert shown_excerpt == "아침: 그릭요거트<br>\n점심: 샐러드 &lt;b&gt;<br>\n저녁: 닭가슴살"


MORNING = "아침: 그릭요거트\n점심: 샐러드"
EVENING = "저녁에 필라테스 50분 하고 나서 코어가 덜덜 떨렸는데 그래도 식단은 지켰다\n내일은 쉬기"
HEADINGS = {  # cut at the last space within rendering.HEADING_LENGTH characters
    MORNING: ("아침: 그릭요거트", "아침-그릭요거트"),
    EVENING: (
        "저녁에 필라테스 50분 하고 나서 코어가 덜덜…",
        "저녁에-필라테스-50분-하고-나서-코어가-덜덜",
    ),
}


def post_links(page: str) -> dict[str, str]:
    """Each link to a diary entry on the page: its address (decoded) and what it says."""
    return {
        unquote(link.get("href")): " ".join(link.text_content().split())
        for link in html.fromstring(page).xpath('//a[starts-with(@href, "/diary/")]')
    }


@pytest.fixture
def one_days_untitled(make_entry):
    """Two untitled entries of one day, both tagged 식단: their ids by text."""
    day = utcnow() - timedelta(hours=5)
    return {
        text: make_entry(body=text, tags=["식단"], published_at=day + timedelta(hours=hour))
        for hour, text in enumerate((MORNING, EVENING))
    }


@pytest.mark.parametrize(
    "path", ["/diary/", "/", "/search?q=식단", "/tags/식단", "prev/next", "/admin/"]
)
def test_untitled_entries_of_one_day_are_told_apart_everywhere(
    client, auth, one_days_untitled, path
):
    if path == "/admin/":
        auth.login()
    if path == "prev/next":
        path = f"/diary/{one_days_untitled[MORNING]}-{HEADINGS[MORNING][1]}"
    links = post_links(client.get(path).text)
    for text, entry_id in one_days_untitled.items():
        heading, slug = HEADINGS[text]
        if path.startswith(f"/diary/{entry_id}-"):
            continue  # the entry's own page links the other one
        address = f"/diary/{entry_id}-{slug}"
        assert address in links and links[address].endswith(heading), (path, links)


def test_an_untitled_entrys_card_does_not_repeat_its_heading(client, one_days_untitled):
    excerpts = excerpts_shown(client.get("/diary/").text)
    assert excerpts == [
        "…떨렸는데 그래도 식단은 지켰다<br>\n내일은 쉬기",
        "점심: 샐러드",
    ]


def test_an_untitled_entry_saved_before_keeps_its_address_then_gets_a_readable_one(
    app, client, runner, make_entry
):
    entry_id = make_entry(body=MORNING)
    with app.app_context():
        db.session.get(DiaryEntry, entry_id).slug = ""  # as saved before untitled entries had one
        db.session.commit()
    assert client.get(f"/diary/{entry_id}").status_code == 200
    assert runner.invoke(args=["rerender"]).exit_code == 0
    response = client.get(f"/diary/{entry_id}")
    assert response.status_code == 301
    assert unquote(response.headers["Location"]) == f"/diary/{entry_id}-아침-그릭요거트"


@pytest.mark.parametrize("field", ["title", "body"])
def test_the_address_follows_the_words_until_the_entry_leaves_the_drafts(client, auth, field):
    auth.login()

    def save(url: str, words: str, visibility: str, version: str = "") -> str:
        if field == "body":
            words += "\n둘째 줄"  # the opening line heads it
        data = entry_form(visibility=visibility, version=version, **{field: words})
        response = client.post(url, data=data)
        assert response.status_code == 303, response.text
        return unquote(response.headers["Location"])

    address = save("/diary/new", "처음 쓴 말", "draft")
    assert address.endswith("-처음-쓴-말")
    entry = address.removeprefix("/diary/").split("-")[0]
    assert save(f"/diary/{entry}/edit", "고쳐 쓴 말", "draft", "1").endswith("-고쳐-쓴-말")
    published = save(f"/diary/{entry}/edit", "발행하며 쓴 말", "public", "2")
    assert published.endswith("-발행하며-쓴-말")  # the save that publishes still chooses it
    assert save(f"/diary/{entry}/edit", "나중에 고친 말", "public", "3") == published


# --- 1년 전 오늘의 일기 ------------------------------------------------------------------


def year_before_link(page: str) -> str | None:
    """Where the entry page's "a year ago today" link goes, if it has one."""
    found = html.fromstring(page).xpath("//p[@class='year-before']/a/@href")
    return unquote(found[0]) if found else None


def seoul_noon(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)  # 12:00 in Seoul


@pytest.mark.parametrize(
    ("state", "reader_sees_it"),
    [("public", True), ("private", False), ("draft", False), ("trash", False)],
)
def test_an_entry_links_the_entry_of_a_year_before_to_whoever_may_see_it(
    app, client, auth, make_entry, state, reader_sees_it
):
    visibility = Visibility.PUBLIC if state in ("public", "trash") else Visibility(state)
    before = make_entry(
        title="작년 오늘", visibility=visibility, published_at=seoul_noon("2024-06-05")
    )
    if state == "trash":
        with app.app_context():
            saving.trash(db.session.get(DiaryEntry, before))
            db.session.commit()
    make_entry(title="그 다음 날", published_at=seoul_noon("2024-06-06"))
    entry = make_entry(title="오늘", published_at=seoul_noon("2025-06-05"))
    expected = f"/diary/{before}-작년-오늘"
    page = client.get(f"/diary/{entry}-오늘").text
    assert year_before_link(page) == (expected if reader_sees_it else None)
    auth.login()
    page = client.get(f"/diary/{entry}-오늘").text
    assert year_before_link(page) == (None if state == "trash" else expected)


@pytest.mark.parametrize(
    ("entry_day", "linked_day"),
    [
        ("2028-02-29", "2027-02-28"),  # a leap day: the 28th of the year before
        ("2029-02-28", "2028-02-28"),  # one day: not the 29th as well
        ("2025-03-01", "2024-03-01"),
    ],
)
def test_the_year_before_of_29_february_is_the_28th(
    client, auth, make_entry, entry_day, linked_day
):
    for day in ("2027-02-28", "2027-03-01", "2028-02-28", "2028-02-29", "2024-02-29", "2024-03-01"):
        make_entry(title=f"{day} 일기", published_at=seoul_noon(day))
    entry = make_entry(title="이 일기", published_at=seoul_noon(entry_day))
    auth.login()  # some are yet to come: the owner sees them
    page = client.get(f"/diary/{entry}-이-일기").text
    assert year_before_link(page).endswith(f"-{linked_day}-일기")


def test_the_year_before_is_the_site_day_on_both_sides_of_midnight(client, make_entry):
    # 15:00 UTC is midnight in Seoul: 14:59:59 is still the day before there.
    make_entry(title="전날 밤", published_at=datetime(2024, 6, 4, 14, 59, 59, tzinfo=UTC))
    just_after = make_entry(title="자정", published_at=datetime(2024, 6, 4, 15, 0, tzinfo=UTC))
    entry = make_entry(title="오늘", published_at=seoul_noon("2025-06-05"))
    page = client.get(f"/diary/{entry}-오늘").text
    assert year_before_link(page) == f"/diary/{just_after}-자정"
    lone = make_entry(title="혼자", published_at=seoul_noon("2025-07-07"))
    assert year_before_link(client.get(f"/diary/{lone}-혼자").text) is None
