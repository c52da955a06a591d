"""The archive's calendar: the days with posts in the site's time zone (for the owner also the
days with exercise), the year and day pages, and their cost in queries."""

from datetime import UTC, datetime, timedelta

import pytest
from lxml import html

from blog.extensions import db
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving
from blog.site_time import from_site_time

from .conftest import hidden_state
from .markup import number_in
from .test_queries import counting

# 15:00 UTC is midnight in Seoul: the second before is still the 1st of December there.
LAST_SECOND_OF_DEC_1 = datetime(2025, 12, 1, 14, 59, 59, tzinfo=UTC)
FIRST_SECOND_OF_DEC_2 = datetime(2025, 12, 1, 15, 0, 0, tzinfo=UTC)


@pytest.fixture
def make_diary(app):
    """A diary entry saved through the save path, with any of its fields (numbers too)."""

    def make(published_at, title="일기", visibility=Visibility.PUBLIC, trashed=False, **fields):
        with app.app_context():
            entry = DiaryEntry(**fields)
            entry.title, entry.body = title, f"{title}의 본문"
            entry.set_publication(visibility, published_at)
            saving.save(entry)
            if trashed:
                saving.trash(entry)
            db.session.commit()
            return entry.id

    return make


def marked_days(page: str) -> dict[str, dict]:
    """The calendar's marked days by month/day: each link's (or mark's) label, read as
    (day, post count, says exercise), its address and whether it has the exercise mark."""
    days = {}
    tree = html.fromstring(page)
    for table in tree.xpath("//table[contains(@class, 'calendar')]"):
        month = table.xpath("string(caption)").strip().rstrip("월")
        for mark in table.xpath(".//*[contains(@class, 'calendar__day')]"):
            day = mark.xpath("string(*[@class='calendar__number'])")
            days[f"{month}/{day}"] = {
                "label": label_parts(mark.get("aria-label")),
                "href": mark.get("href"),
                "exercise": "calendar__day--exercise" in mark.get("class"),
            }
    return days


def label_parts(label: str | None) -> tuple | None:
    """ "12월 2일 · 글 2편 · 운동" as ("12월 2일", 2, True): the day (babel's), the count, and
    whether a third part (exercise) follows."""
    if label is None:
        return None
    day, count, *exercise = label.split(" · ")
    assert len(exercise) <= 1, label
    return day, number_in(count), bool(exercise)


def test_a_day_is_the_site_day_on_both_sides_of_midnight_in_seoul(client, make_diary):
    make_diary(LAST_SECOND_OF_DEC_1, title="첫날 밤")
    make_diary(FIRST_SECOND_OF_DEC_2, title="둘째 날 새벽")
    make_diary(FIRST_SECOND_OF_DEC_2 + timedelta(hours=3), title="둘째 날 아침")
    days = marked_days(client.get("/archive/2025/").text)
    assert days == {
        "12/1": {"label": ("12월 1일", 1, False), "href": "/archive/2025/12/1", "exercise": False},
        "12/2": {"label": ("12월 2일", 2, False), "href": "/archive/2025/12/2", "exercise": False},
    }
    first, second = client.get("/archive/2025/12/1").text, client.get("/archive/2025/12/2").text
    assert "첫날 밤" in first and "둘째 날" not in first
    assert "둘째 날 새벽" in second and "둘째 날 아침" in second and "첫날 밤" not in second
    assert client.get("/archive/2025/12/3").status_code == 404
    way_back = html.fromstring(first).xpath("//p[@class='post__section']/a/@href")
    assert way_back == ["/archive/", "/archive/2025/", "/archive/2025/12"]


@pytest.mark.parametrize("state", ["draft", "private", "scheduled", "trash"])
def test_readers_see_no_day_of_a_post_hidden_from_them(client, auth, make_diary, state):
    make_diary(datetime(2024, 5, 5, 3, 0, tzinfo=UTC), title="공개 글")  # the year exists
    when = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
    if state == "trash":
        make_diary(when, title="숨은 글", trashed=True)
    elif state == "scheduled":
        # Published at a time still to come, in the same year as the public post.
        make_diary(utcnow() + timedelta(days=1), title="숨은 글")
        when = utcnow() + timedelta(days=1)
    else:
        make_diary(when, title="숨은 글", visibility=hidden_state(state)["visibility"])
    local = when + timedelta(hours=9)
    hidden_day = f"{local.month}/{local.day}"
    year_page = f"/archive/{local.year}/"
    day_page = f"/archive/{local.year}/{local.month}/{local.day}"

    reader_days = marked_days(client.get("/archive/2024/").text)
    assert list(reader_days) == ["5/5"]
    if local.year != 2024:
        assert client.get(year_page).status_code == 404
    assert client.get(day_page).status_code == 404
    assert "숨은 글" not in client.get("/archive/").text

    auth.login()
    owner_days = marked_days(client.get(year_page).text)
    if state == "trash":
        assert hidden_day not in owner_days
        assert client.get(day_page).status_code == 404
    else:
        assert owner_days[hidden_day]["href"] == day_page
        assert "숨은 글" in client.get(day_page).text


def test_exercise_days_are_the_owners_alone(client, auth, make_diary, app):
    make_diary(datetime(2025, 3, 2, 1, 0, tzinfo=UTC), title="필라테스", exercise_kind="필라테스")
    make_diary(datetime(2025, 3, 3, 1, 0, tzinfo=UTC), title="걷기", exercise_minutes=40)
    make_diary(datetime(2025, 3, 4, 1, 0, tzinfo=UTC), title="쉰 날", exercise_minutes=0)
    make_diary(
        datetime(2025, 3, 5, 1, 0, tzinfo=UTC),
        title="비공개 운동",
        visibility=Visibility.PRIVATE,
        exercise_kind="헬스",
        metrics_public=True,
    )
    make_diary(
        datetime(2025, 3, 6, 1, 0, tzinfo=UTC), title="버린 운동", trashed=True, exercise_minutes=30
    )
    # A draft saved without a time is dated by when it was written: its exercise counts there.
    with app.app_context():
        draft = DiaryEntry(exercise_kind="요가", created_at=datetime(2025, 3, 7, 1, 0, tzinfo=UTC))
        draft.set_publication(Visibility.DRAFT, None)
        saving.save(draft)
        db.session.commit()

    reader_page = client.get("/archive/2025/").text
    reader_days = marked_days(reader_page)
    assert sorted(reader_days) == ["3/2", "3/3", "3/4"]
    assert not any(day["exercise"] for day in reader_days.values())
    assert all(not mark["label"][2] for mark in reader_days.values())
    assert "calendar-legend__mark--exercise" not in reader_page

    auth.login()
    owner_page = client.get("/archive/2025/").text
    owner_days = marked_days(owner_page)
    exercised = {day: mark["exercise"] for day, mark in owner_days.items()}
    assert exercised == {"3/2": True, "3/3": True, "3/4": False, "3/5": True, "3/7": True}
    assert owner_days["3/2"]["label"] == ("3월 2일", 1, True)
    assert owner_days["3/4"]["label"] == ("3월 4일", 1, False)
    assert owner_days["3/7"]["href"] is None  # a draft's day has no page: only the mark
    assert "calendar-legend__mark--exercise" in owner_page


def test_weeks_start_on_the_languages_first_day(client, make_diary):
    make_diary(datetime(2025, 1, 10, 3, 0, tzinfo=UTC))
    tree = html.fromstring(client.get("/archive/2025/").text)
    january = tree.xpath("//table[contains(@class, 'calendar')]")[0]
    assert january.xpath("string(caption)").strip() == "1월"
    header = [th.xpath("string(span[@aria-hidden])") for th in january.xpath(".//thead//th")]
    assert header == ["일", "월", "화", "수", "목", "금", "토"]
    assert january.xpath("string(.//thead//th[1]/span[@class='visually-hidden'])") == "일요일"
    first_week = [td.text_content() for td in january.xpath(".//tbody/tr[1]/td")]
    assert first_week == ["", "", "", "1", "2", "3", "4"]  # 1 January 2025 was a Wednesday

    client.post("/language", data={"lang": "en", "next": "/"})
    english = html.fromstring(client.get("/archive/2025/").text)
    header = english.xpath("(//table[contains(@class, 'calendar')])[1]//thead//th/span[1]/text()")
    assert header == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]


def test_the_archive_shows_the_latest_year_and_links_every_year(client, make_diary):
    make_diary(datetime(2023, 7, 1, 3, 0, tzinfo=UTC), title="2023년 글")
    make_diary(datetime(2025, 2, 1, 3, 0, tzinfo=UTC), title="2025년 글")
    page = client.get("/archive/").text
    tree = html.fromstring(page)
    calendar = tree.xpath("//section[@class='archive-calendar']")[0]
    assert calendar.xpath("string(h2)").strip() == "2025년"
    assert list(marked_days(page)) == ["2/1"]
    years = tree.xpath("//section[@class='archive-year']/h3/a/@href")
    assert years == ["/archive/2025/", "/archive/2023/"]
    for year in years:
        assert client.get(year).status_code == 200
    assert client.get("/archive/2024/").status_code == 404


def test_a_year_page_links_the_nearest_years_with_posts(client, make_diary):
    for year in (2019, 2022, 2025):
        make_diary(datetime(year, 6, 1, 3, 0, tzinfo=UTC))
    tree = html.fromstring(client.get("/archive/2022/").text)
    assert tree.xpath("//nav[@class='year-nav']/a/@href") == ["/archive/2019/", "/archive/2025/"]
    months = tree.xpath("//table[contains(@class, 'calendar')]/caption")
    assert len(months) == 12
    assert [caption.xpath("string(a/@href)") for caption in months if caption.xpath("a")] == [
        "/archive/2022/6"
    ]


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_TIMEZONE": "America/New_York"}])
def test_days_as_long_as_summer_time_makes_them(client, make_diary):
    # New York's 9 March 2025 has 23 hours (from 05:00 UTC), its 2 November 25 (from 04:00).
    for moment in (
        datetime(2025, 3, 9, 4, 59, 59, tzinfo=UTC),  # 8 March, 23:59:59 EST
        datetime(2025, 3, 9, 5, 0, tzinfo=UTC),  # 9 March, 00:00 EST
        datetime(2025, 3, 10, 3, 59, 59, tzinfo=UTC),  # 9 March, 23:59:59 EDT
        datetime(2025, 11, 2, 3, 59, 59, tzinfo=UTC),  # 1 November, 23:59:59 EDT
        datetime(2025, 11, 2, 4, 0, tzinfo=UTC),  # 2 November, 00:00 EDT
        datetime(2025, 11, 3, 4, 59, 59, tzinfo=UTC),  # 2 November, 23:59:59 EST
    ):
        make_diary(moment)
    counts = {
        day: mark["label"][1]
        for day, mark in marked_days(client.get("/archive/2025/").text).items()
    }
    assert counts == {"3/8": 1, "3/9": 2, "11/1": 1, "11/2": 2}


@pytest.mark.parametrize(
    "path",
    [
        "/archive/2025/2/29",  # not a leap year
        "/archive/2025/2/30",
        "/archive/2025/4/31",
        "/archive/2025/13/1",
        "/archive/2025/0/1",
        "/archive/2025/1/0",
        "/archive/2025/1/32",
        "/archive/1969/12/31",
        "/archive/10000/1/1",
        "/archive/99999999999999999999/1/1",
        "/archive/2025/99999999999999999999/1",
        "/archive/2025/1/99999999999999999999",
        "/archive/2025/6/2",  # a day without posts
        "/archive/1969/",
        "/archive/10000/",
        "/archive/99999999999999999999/",
        "/archive/2024/",  # a year without posts
    ],
)
def test_days_and_years_that_cannot_be_or_have_nothing_are_not_found(client, make_diary, path):
    make_diary(datetime(2025, 6, 1, 3, 0, tzinfo=UTC))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("app_config", "local"),
    [
        ({}, datetime(1970, 1, 1, 0, 0)),
        ({}, datetime(9999, 12, 31, 23, 59)),
        ({"BABEL_DEFAULT_TIMEZONE": "America/New_York"}, datetime(1970, 1, 1, 0, 0)),
        ({"BABEL_DEFAULT_TIMEZONE": "America/New_York"}, datetime(9999, 12, 31, 18, 0)),
    ],
)
def test_the_first_and_last_days_there_can_be_have_their_pages(
    app, client, auth, make_diary, local
):
    with app.app_context():
        published_at = from_site_time(local)
    make_diary(published_at, title="끝의 글")
    auth.login()  # the year 9999 is yet to come: only the owner sees its post
    assert list(marked_days(client.get(f"/archive/{local.year}/").text)) == [
        f"{local.month}/{local.day}"
    ]
    assert "끝의 글" in client.get(f"/archive/{local.year}/{local.month}/{local.day}").text


def test_the_day_page_pages_its_posts(client, make_diary):
    for minute in range(12):  # POSTS_PER_PAGE is 10
        make_diary(datetime(2025, 8, 8, 1, minute, tzinfo=UTC), title=f"글 {minute}")
    first = html.fromstring(client.get("/archive/2025/8/8").text)
    assert len(first.xpath("//article")) == 10
    assert first.xpath("//a[@rel='next']/@href") == ["/archive/2025/8/8?page=2"]
    second = html.fromstring(client.get("/archive/2025/8/8?page=2").text)
    assert len(second.xpath("//article")) == 2
    assert client.get("/archive/2025/8/8?page=3").status_code == 404


def queries_of(client, engine, path: str) -> int:
    client.get(path)  # what a first request after a save or a login reads once is not counted
    with counting(engine) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SIZE": 0}])
def test_calendar_pages_cost_the_same_queries_for_5_and_50_posts(app, client, auth, make_diary):
    with app.app_context():
        engine = db.engine
    paths = ["/archive/", "/archive/2025/", "/archive/2025/1/1"]
    made, counts = 0, []
    for total in (5, 50):
        for number in range(made, total):  # a post a week from 1 January, every other one exercise
            first_of_january = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)
            when = first_of_january + timedelta(days=7 * number)
            make_diary(when, exercise_minutes=30 if number % 2 else None)
        made = total
        reader = {path: queries_of(client, engine, path) for path in paths}
        auth.login()
        owner = {path: queries_of(client, engine, path) for path in paths}
        auth.logout()
        counts.append((reader, owner))
    assert counts[0] == counts[1]
