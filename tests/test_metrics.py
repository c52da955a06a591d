"""The owner's trends page (/diary/metrics) and its CSV: the figures against ones computed by
hand, the period asked for, who may see them, the site's days, and what the page costs."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from lxml import html

from blog.diary import charts, numbers
from blog.extensions import db
from blog.models import DiaryEntry, Owner, Visibility
from blog.posts import saving
from blog.posts.urls import post_url

from .conftest import (
    OWNER_NAME,
    OWNER_PASSWORD,
    OWNER_PASSWORD_HASH,
    TEST_DATABASE_URL,
    empty_database,
    make_app,
)
from .markup import text_of
from .test_queries import counting

# A Wednesday, noon in Seoul (the site's time zone by default).
NOW = datetime(2026, 3, 18, 3, 0, tzinfo=UTC)
TODAY = date(2026, 3, 18)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def seoul_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)


@pytest.fixture
def record(app, clock):
    """An entry with numbers, dated `when` (noon in Seoul of a day, or an exact UTC time);
    private unless told, as most entries with numbers are. Returns its id."""

    def make(
        when,
        weight=None,
        kind="",
        minutes=None,
        meals="",
        visibility=Visibility.PRIVATE,
        body="",
        title="",
        public_numbers=False,
        deleted=False,
    ):
        moment = when if isinstance(when, datetime) else seoul_noon(when)
        with app.app_context():
            entry = DiaryEntry(
                weight_kg=weight,
                exercise_kind=kind,
                exercise_minutes=minutes,
                meals=meals,
                metrics_public=public_numbers,
            )
            entry.title, entry.body = title, body
            entry.set_publication(visibility, None if visibility == Visibility.DRAFT else moment)
            if visibility == Visibility.DRAFT:
                entry.created_at = moment
            saving.save(entry)
            if deleted:
                saving.trash(entry)
            db.session.commit()
            return entry.id

    return make


@pytest.fixture
def owner_client(client, auth, clock):
    auth.login()
    return client


def in_app(app, function, *args):
    with app.test_request_context():
        return function(*args)


def period(first: date | None, last: date = TODAY, name: str = "") -> numbers.Period:
    return numbers.Period(first, last, name)


# --- who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/diary/metrics", "/diary/metrics?period=all", "/diary/metrics.csv"]
)
def test_only_the_owner_sees_the_numbers_everyone_else_finds_nothing(
    app, client, auth, record, path
):
    record(TODAY, weight=72.5, kind="필라테스", minutes=50)
    assert client.get(path).status_code == 404  # not a redirect to the login
    auth.login()
    owned = client.get(path)
    assert owned.status_code == 200
    assert owned.headers["Cache-Control"] == "no-store"
    auth.logout()
    # Nothing the owner saw is kept for the next visitor.
    assert client.get(path).status_code == 404
    assert app.test_client().get(path).status_code == 404


def test_the_owner_menu_links_the_trends(owner_client, clock):
    page = html.fromstring(owner_client.get("/").get_data(as_text=True))
    assert page.xpath('//nav[contains(@class, "owner-nav")]//a[@href="/diary/metrics"]')


# --- the period -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("4w", date(2026, 2, 19)),
        ("3m", date(2025, 12, 19)),
        ("1y", date(2025, 3, 19)),
        ("all", None),
    ],
)
def test_a_preset_period_ends_today_and_starts_that_long_before(name, first):
    assert numbers.preset_period(name, TODAY) == numbers.Period(first, TODAY, name)


@pytest.mark.parametrize(
    ("today", "first"),
    [(date(2026, 5, 31), date(2026, 3, 1)), (date(2026, 3, 31), date(2026, 1, 1))],
)
def test_three_months_from_a_month_s_end_start_after_the_shorter_month_s_end(today, first):
    assert numbers.preset_period("3m", today).first == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, numbers.Period(date(2025, 12, 19), TODAY, "3m")),
        ({"period": "4w"}, numbers.Period(date(2026, 2, 19), TODAY, "4w")),
        ({"from": "2026-01-05", "to": "2026-02-01"}, period(date(2026, 1, 5), date(2026, 2, 1))),
        ({"from": "2026-01-05", "to": "2027-12-31"}, period(date(2026, 1, 5), date(2027, 12, 31))),
        ({"from": "2026-01-05", "to": "2026-01-05"}, period(date(2026, 1, 5), date(2026, 1, 5))),
        ({"from": "2026-01-05", "to": ""}, period(date(2026, 1, 5))),
        ({"from": "", "to": "2026-02-01"}, period(None, date(2026, 2, 1))),
        ({"from": " 2026-01-05 "}, period(date(2026, 1, 5))),
    ],
)
def test_the_period_asked_for(query, expected):
    assert numbers.requested_period(query, TODAY) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"period": "5y"},
        {"period": ""},
        {"from": "2026-13-01"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "yesterday"},
        {"to": "20260301"},
        {"to": "2026-W10-1"},
        {"from": "2026-03-02", "to": "2026-03-01"},
    ],
)
def test_a_period_that_is_none_is_refused(query):
    with pytest.raises(numbers.PeriodError):
        numbers.requested_period(query, TODAY)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?period=4w",
        "?period=3m",
        "?period=1y",
        "?period=all",
        "?from=2026-01-01&to=2026-02-01",
        "?from=2026-01-01&to=2030-12-31",
        "?from=&to=",
        "?from=0001-01-01&to=9999-12-31",
        "?from=2020-01-01",
    ],
)
def test_every_period_that_is_one_is_shown(owner_client, record, query):
    record(TODAY - timedelta(days=3), weight=70.1, kind="걷기", minutes=30)
    response = owner_client.get(f"/diary/metrics{query}")
    assert response.status_code == 200
    page = html.fromstring(response.get_data(as_text=True))
    assert not page.xpath('//*[@role="alert"]')
    assert page.xpath('//input[@type="date" and @name="from"]')


@pytest.mark.parametrize(
    "query",
    [
        "?period=forever",
        "?from=2026-02-31",
        "?from=03/01/2026",
        "?from=2026-03-01&to=2026-02-01",
        "?from=9999-99-99",
    ],
)
def test_a_bad_or_reversed_period_is_a_clear_400(owner_client, record, query):
    record(TODAY, weight=70.1)
    response = owner_client.get(f"/diary/metrics{query}")
    assert response.status_code == 400
    page = html.fromstring(response.get_data(as_text=True))
    [alert] = page.xpath('//*[@role="alert"]')
    assert alert.text_content().strip()
    # The form is there to choose again, with what was typed.
    assert page.xpath('//form//input[@name="from"]')
    assert not page.xpath("//svg")


def test_the_chosen_preset_is_marked(owner_client, record):
    record(TODAY, weight=70.1)
    page = html.fromstring(owner_client.get("/diary/metrics?period=1y").get_data(as_text=True))
    [current] = page.xpath('//a[@aria-current="page" and contains(@href, "period=")]')
    assert current.get("href") == "/diary/metrics?period=1y"


# --- weight -----------------------------------------------------------------------------------

# Seven weigh-ins before the 4 weeks up to TODAY (from 19 February), two in them.
BEFORE = [(date(2026, 2, 12) + timedelta(days=n), 70.0 + 0.2 * n) for n in range(7)]
INSIDE = [(date(2026, 2, 19), 71.4), (date(2026, 2, 20), 71.0)]


def test_the_moving_average_counts_the_weigh_ins_before_the_period(app, record):
    for day, weight in BEFORE + INSIDE:
        record(day, weight=weight)
    points = in_app(app, numbers.weight_points, numbers.preset_period("4w", TODAY))
    assert [(point.day, point.weight) for point in points] == INSIDE
    # 13–19 February: 70.2 … 71.4, and 14–20 February: 70.4 … 71.2 and 71.0.
    assert points[0].average == pytest.approx(70.8)
    assert points[1].average == pytest.approx((70.4 + 70.6 + 70.8 + 71.0 + 71.2 + 71.4 + 71.0) / 7)


def test_with_fewer_weigh_ins_before_the_average_is_of_those_there_are(app, record):
    record(date(2026, 2, 10), weight=70.0)
    record(date(2026, 2, 25), weight=72.0)
    record(date(2026, 2, 26), weight=73.0)
    points = in_app(app, numbers.weight_points, numbers.preset_period("4w", TODAY))
    assert [point.average for point in points] == pytest.approx([71.0, 71.66666])


def test_the_summary_has_the_first_and_last_weight_and_the_change(app, record):
    for day, weight in BEFORE + INSIDE:
        record(day, weight=weight)
    summary = in_app(app, numbers.weight_summary, numbers.preset_period("4w", TODAY))
    assert (summary.count, summary.first, summary.last) == (2, 71.4, 71.0)
    assert summary.change == -0.4


def test_the_page_shows_the_change_and_links_every_point(app, owner_client, record):
    for day, weight in BEFORE + INSIDE:
        record(day, weight=weight)
    ids = [record(date(2026, 3, 1), weight=70.2, body="마지막 날")]
    page = owner_client.get("/diary/metrics?period=4w").get_data(as_text=True)
    assert "−1.2 kg" in text_of(page, "weight-summary")
    tree = html.fromstring(page)
    # The links are a layer over the image, for the mouse: the table has them too.
    [layer] = tree.xpath('//svg[@id="weight-chart"]/following-sibling::svg[1]')
    assert layer.get("aria-hidden") == "true"
    dots = layer.xpath(".//a/@href")
    assert {a.get("tabindex") for a in layer.xpath(".//a")} == {"-1"}
    rows = tree.xpath('//table[.//th[@scope="row"]]//th[@scope="row"]/a/@href')
    assert len(dots) == 3 and dots == rows[:3]
    with app.test_request_context():
        assert dots[-1] == post_url(db.session.get(DiaryEntry, ids[0]))


def test_deleted_entries_count_for_nothing(app, owner_client, record):
    record(date(2026, 3, 1), weight=70.0, kind="필라테스", minutes=50)
    record(date(2026, 3, 2), weight=99.0, kind="필라테스", minutes=500, deleted=True)
    found = in_app(app, numbers.trends, numbers.preset_period("4w", TODAY), TODAY)
    assert found.weight.count == 1 and [p.weight for p in found.weights] == [70.0]
    assert found.exercise_totals == numbers.ExerciseTotals(minutes=50, days=1)
    csv_rows = read_csv(owner_client.get("/diary/metrics.csv"))
    assert [row["weight_kg"] for row in csv_rows] == ["70.0"]


@pytest.mark.parametrize("visibility", [Visibility.DRAFT, Visibility.PRIVATE, Visibility.PUBLIC])
def test_every_visibility_counts(app, record, visibility):
    record(date(2026, 3, 1), weight=70.0, visibility=visibility, body="본문")
    assert in_app(app, numbers.weight_summary, numbers.preset_period("4w", TODAY)).count == 1


@pytest.mark.parametrize(
    ("points", "days", "unit"),
    [
        (200, 400, None),
        (201, 200, "day"),
        (201, 201, "week"),
        (2000, 1400, "week"),
        (2000, 1408, "month"),
    ],
)
def test_too_many_weigh_ins_for_a_chart_are_grouped(points, days, unit):
    first = date(2026, 1, 1)
    assert numbers.grouping_unit(first, first + timedelta(days=days - 1), points) == unit


def test_grouped_weigh_ins_are_each_week_s_mean_with_the_average_at_its_last(
    app, record, monkeypatch
):
    monkeypatch.setattr(numbers, "MAX_POINTS", 6)
    # Monday 2 March to Sunday 15 March: two weeks, weighed every day but the 8th.
    weights = {date(2026, 3, 2) + timedelta(days=n): 70.0 + n / 10 for n in range(14) if n != 6}
    ids = {day: record(day, weight=weight) for day, weight in weights.items()}
    found = in_app(app, numbers.trends, period(date(2026, 3, 2), date(2026, 3, 15)), TODAY)
    assert found.weight_unit == "week"
    first_week, second_week = found.weights
    assert (first_week.day, first_week.entries) == (date(2026, 3, 2), 6)
    assert first_week.weight == pytest.approx((70.0 + 70.1 + 70.2 + 70.3 + 70.4 + 70.5) / 6)
    # Its last entry (7 March) has only six weigh-ins up to it.
    assert first_week.average == pytest.approx(first_week.weight)
    assert first_week.entry_id == ids[date(2026, 3, 7)]
    assert (second_week.day, second_week.entries) == (date(2026, 3, 9), 7)
    assert second_week.weight == pytest.approx(sum(70.0 + n / 10 for n in range(7, 14)) / 7)
    # 15 March: the seven weigh-ins 9–15 March.
    assert second_week.average == pytest.approx(second_week.weight)
    assert second_week.entry_id == ids[date(2026, 3, 15)]


def test_grouped_by_day_several_weigh_ins_a_day_are_that_day_s_mean(app, record, monkeypatch):
    monkeypatch.setattr(numbers, "MAX_POINTS", 3)
    for hour, weight in ((0, 70.0), (1, 71.0), (2, 72.0)):
        record(datetime(2026, 3, 16, hour, tzinfo=UTC), weight=weight)
        record(datetime(2026, 3, 17, hour, tzinfo=UTC), weight=weight + 1)
    found = in_app(app, numbers.trends, period(date(2026, 3, 16), date(2026, 3, 17)), TODAY)
    assert found.weight_unit == "day"
    assert [(p.day, p.weight, p.entries) for p in found.weights] == [
        (date(2026, 3, 16), pytest.approx(71.0), 3),
        (date(2026, 3, 17), pytest.approx(72.0), 3),
    ]
    # At the 17th's last weigh-in: its three and the 16th's three, and no more.
    assert found.weights[1].average == pytest.approx((70 + 71 + 72 + 71 + 72 + 73) / 6)


# --- exercise ---------------------------------------------------------------------------------

# Four weeks from Monday 2 February to Sunday 1 March 2026.
FEBRUARY = period(date(2026, 2, 2), date(2026, 3, 1))


def test_minutes_are_summed_by_week_and_kind_with_weeks_of_none_as_zero(app, record):
    record(date(2026, 2, 2), kind="필라테스", minutes=50)
    record(date(2026, 2, 2), kind="헬스", minutes=30)
    record(date(2026, 2, 4), kind="필라테스", minutes=40)
    # 9–15 February: none.
    record(date(2026, 2, 16), kind="필라테스", minutes=60)
    record(date(2026, 2, 17), kind="걷기", minutes=45)
    record(date(2026, 2, 18), kind="요가", minutes=20)
    record(date(2026, 2, 19), kind="수영", minutes=10)
    record(date(2026, 2, 23), kind="필라테스")  # a class, minutes not written down
    record(date(2026, 2, 24), minutes=15)  # minutes of no kind
    record(date(2026, 2, 25), weight=70.0)  # no exercise
    trend = in_app(app, numbers.exercise_trend, FEBRUARY, FEBRUARY.first, FEBRUARY.last)
    other = in_app(app, str, numbers.OTHER_KINDS)
    assert trend.unit == "week"
    # The three kinds with most minutes, then the rest (yoga, swimming, of no kind) as one.
    assert trend.kinds == ["필라테스", "걷기", "헬스", other]
    assert [(bucket.start, bucket.minutes) for bucket in trend.buckets] == [
        (date(2026, 2, 2), {"필라테스": 90, "헬스": 30}),
        (date(2026, 2, 9), {}),
        (date(2026, 2, 16), {"필라테스": 60, "걷기": 45, other: 30}),
        (date(2026, 2, 23), {other: 15}),
    ]
    totals = in_app(app, numbers.exercise_totals, FEBRUARY)
    assert totals == numbers.ExerciseTotals(minutes=270, days=8)


def test_the_exercise_table_has_a_row_a_week(owner_client, record):
    record(date(2026, 2, 2), kind="필라테스", minutes=50)
    record(date(2026, 2, 16), kind="헬스", minutes=30)
    page = owner_client.get("/diary/metrics?from=2026-02-02&to=2026-03-01").get_data(as_text=True)
    [table] = html.fromstring(page).xpath('//section[@aria-labelledby="exercise-heading"]//table')
    rows = [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in table.xpath(".//tbody/tr")
    ]
    assert rows == [["50", "0", "50"], ["0", "0", "0"], ["0", "30", "30"], ["0", "0", "0"]]
    assert [th.text_content() for th in table.xpath(".//thead/tr/th")][1:3] == ["필라테스", "헬스"]


def test_a_long_period_has_a_bar_a_month(app, record):
    record(date(2025, 1, 15), kind="걷기", minutes=30)
    record(date(2026, 3, 1), kind="걷기", minutes=20)
    trend = in_app(app, numbers.exercise_trend, period(None), date(2025, 1, 15), TODAY)
    assert trend.unit == "month" and len(trend.buckets) == 15
    assert trend.buckets[0].minutes == {"걷기": 30} and trend.buckets[-1].minutes == {"걷기": 20}


@pytest.mark.parametrize(
    ("days", "streak"),
    [
        ([date(2026, 3, 16), date(2026, 3, 17), date(2026, 3, 18)], 3),  # up to today
        ([date(2026, 3, 15), date(2026, 3, 16), date(2026, 3, 17)], 3),  # up to yesterday
        ([date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16)], 0),  # broken
        ([date(2026, 3, 10), date(2026, 3, 11), *(date(2026, 3, d) for d in range(13, 19))], 6),
        ([date(2026, 3, 18), date(2026, 3, 18)], 1),  # two entries, one day
        ([], 0),
    ],
)
def test_the_streak_is_of_days_in_a_row_up_to_today_or_yesterday(app, record, days, streak):
    for day in days:
        record(day, kind="필라테스", minutes=50)
    assert in_app(app, numbers.exercise_streak, TODAY) == streak


def test_the_streak_counts_kind_only_days_but_not_zero_minutes_or_the_trash(app, record):
    record(date(2026, 3, 18), kind="필라테스")
    record(date(2026, 3, 17), minutes=20, visibility=Visibility.DRAFT)
    record(date(2026, 3, 16), minutes=0)
    record(date(2026, 3, 15), kind="걷기", minutes=30)
    assert in_app(app, numbers.exercise_streak, TODAY) == 2
    record(date(2026, 3, 16), kind="걷기", minutes=30, deleted=True)
    assert in_app(app, numbers.exercise_streak, TODAY) == 2


def test_a_future_entry_does_not_make_today_a_streak(app, record):
    record(date(2026, 3, 20), kind="필라테스", minutes=50, visibility=Visibility.PUBLIC)
    assert in_app(app, numbers.exercise_streak, TODAY) == 0


# --- the site's days, either side of midnight in Seoul --------------------------------------

BEFORE_MIDNIGHT = datetime(2026, 3, 15, 14, 59, 59, tzinfo=UTC)  # Sunday 23:59:59 in Seoul
MIDNIGHT = datetime(2026, 3, 15, 15, 0, 0, tzinfo=UTC)  # Monday 16 March, 00:00


@pytest.mark.parametrize(
    ("moment", "week"), [(BEFORE_MIDNIGHT, date(2026, 3, 9)), (MIDNIGHT, date(2026, 3, 16))]
)
def test_an_entry_belongs_to_its_day_and_week_in_seoul(app, record, moment, week):
    record(moment, kind="헬스", minutes=40, weight=70.0)
    march = period(date(2026, 3, 9), date(2026, 3, 22))
    trend = in_app(app, numbers.exercise_trend, march, march.first, march.last)
    assert [bucket.start for bucket in trend.buckets if bucket.total] == [week]
    [point] = in_app(app, numbers.weight_points, march)
    assert point.day == week + timedelta(days=6 if moment == BEFORE_MIDNIGHT else 0)
    # A period ending on the Sunday has the entry before midnight, not the one at it.
    sunday = period(date(2026, 3, 9), date(2026, 3, 15))
    assert in_app(app, numbers.weight_summary, sunday).count == (moment == BEFORE_MIDNIGHT)


@pytest.mark.parametrize(("moment", "streak"), [(BEFORE_MIDNIGHT, 2), (MIDNIGHT, 1)])
def test_the_streak_s_days_are_seoul_s(app, record, clock, moment, streak):
    clock.move_to(datetime(2026, 3, 16, 3, 0, tzinfo=UTC))  # Monday noon in Seoul
    record(datetime(2026, 3, 14, 3, 0, tzinfo=UTC), kind="헬스", minutes=30)  # Saturday
    record(moment, kind="헬스", minutes=30)
    assert in_app(app, numbers.exercise_streak, date(2026, 3, 16)) == streak


# --- the CSV ----------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_csv_holds_every_entry_with_a_number(app, owner_client, record):
    weighed = record(
        BEFORE_MIDNIGHT,
        weight=72.5,
        title="체중계 샀다",
        visibility=Visibility.PUBLIC,
        body="충격적인 몸무게",
        public_numbers=True,
    )
    moved = record(
        MIDNIGHT,
        kind="필라테스",
        minutes=50,
        meals="아침: 그릭요거트\n\n점심: 샐러드, 닭가슴살",
        body="필라테스 다녀옴. 코어가 없다",
    )
    eaten = record(date(2020, 1, 2), meals="=HYPERLINK(1)")
    record(date(2026, 3, 1), body="숫자 없는 일기")
    record(date(2026, 3, 2), weight=80.0, deleted=True)
    response = owner_client.get("/diary/metrics.csv")
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"]
        == "attachment; filename=diary-numbers-2026-03-18.csv"
    )
    assert response.headers["Cache-Control"] == "no-store"
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert (
        header.split(",")
        == list(numbers.CSV_HEADER)
        == [
            "date",
            "time",
            "entry_id",
            "url",
            "title",
            "weight_kg",
            "exercise_kind",
            "exercise_minutes",
            "meals",
            "metrics_public",
        ]
    )
    rows = read_csv(response)
    assert [row["entry_id"] for row in rows] == [str(eaten), str(weighed), str(moved)]
    with app.test_request_context():
        address = post_url(db.session.get(DiaryEntry, weighed), _external=True)
    assert rows[1] == {
        "date": "2026-03-15",
        "time": "23:59",
        "entry_id": str(weighed),
        "url": address,
        "title": "체중계 샀다",
        "weight_kg": "72.5",
        "exercise_kind": "",
        "exercise_minutes": "",
        "meals": "",
        "metrics_public": "true",
    }
    assert rows[2]["date"] == "2026-03-16" and rows[2]["time"] == "00:00"
    assert rows[2]["title"] == "필라테스 다녀옴. 코어가 없다"  # untitled: its opening words
    assert (rows[2]["exercise_kind"], rows[2]["exercise_minutes"]) == ("필라테스", "50")
    assert rows[2]["meals"] == "아침: 그릭요거트 / 점심: 샐러드, 닭가슴살"
    assert rows[2]["metrics_public"] == "false"
    assert rows[0]["meals"] == "'=HYPERLINK(1)"  # text to a spreadsheet, never a formula


def test_the_csv_streams_in_batches(app, owner_client, record, monkeypatch):
    monkeypatch.setattr(numbers, "CSV_BATCH", 2)
    ids = [record(date(2026, 3, day), weight=70.0 + day / 10) for day in range(1, 6)]
    response = owner_client.get("/diary/metrics.csv")
    assert response.is_streamed
    assert [row["entry_id"] for row in read_csv(response)] == [str(i) for i in ids]


# --- the page -----------------------------------------------------------------------------------


def test_with_no_numbers_yet_the_page_says_where_to_record_them(owner_client, record):
    record(TODAY, body="숫자 없는 일기", visibility=Visibility.PUBLIC)
    page = html.fromstring(owner_client.get("/diary/metrics").get_data(as_text=True))
    assert not page.xpath("//svg")
    assert page.xpath('//main//a[@href="/diary/new?record="]')


def test_a_period_without_numbers_shows_none_but_the_streak_is_there(owner_client, record):
    record(TODAY, kind="걷기", minutes=20)
    page = owner_client.get("/diary/metrics?from=2025-01-01&to=2025-01-31").get_data(as_text=True)
    assert "<svg" not in page
    assert text_of(page, "streak") and "1" in text_of(page, "streak")


def test_the_charts_are_images_with_names_and_the_same_figures_as_tables(owner_client, record):
    for n in range(10):
        record(
            TODAY - timedelta(days=n),
            weight=70 + n / 10,
            kind=("<b>필라테스</b>", "헬스")[n % 2],
            minutes=30 + n,
        )
    body = owner_client.get("/diary/metrics").get_data(as_text=True)
    page = html.fromstring(body)
    svgs = page.xpath('//svg[@role="img"]')
    assert [svg.get("id") for svg in svgs] == ["weight-chart", "exercise-chart"]
    for svg in svgs:
        assert svg.get("role") == "img"
        title, desc = svg.get("aria-labelledby").split()
        assert svg.xpath(f'./title[@id="{title}"]/text()') and svg.xpath(
            f'./desc[@id="{desc}"]/text()'
        )
        # (lxml reads HTML's attribute names in lower case)
        assert svg.get("viewbox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
        # The figures are in a table after the chart, folded.
        assert svg.xpath("following::details[1]//table")
    # No inline style anywhere (the CSP refuses them) and the kind typed is text.
    assert not page.xpath("//*[@style]") and "<style" not in body
    assert "&lt;b&gt;필라테스&lt;/b&gt;" in body and "<b>필라테스" not in body
    # A dot for each weight, each a link to its entry.
    assert len(page.xpath('//svg[@aria-hidden]//a//circle[contains(@class, "chart__dot")]')) == 10


# --- what it costs ------------------------------------------------------------------------------


def queries_for(app, owner_client, entries: int) -> dict[str, int]:
    with app.app_context():
        for n in range(entries):
            entry = DiaryEntry(
                weight_kg=60 + n % 20,
                exercise_kind=("필라테스", "헬스", "걷기", "")[n % 4],
                exercise_minutes=n % 90,
            )
            entry.set_publication(Visibility.PRIVATE, NOW - timedelta(days=n % 400, hours=n))
            saving.save(entry)
        db.session.commit()
        engine = db.engine
    counts = {}
    for query in ("?period=4w", "?period=3m", "?period=1y", "?period=all", ".csv"):
        with counting(engine) as statements:
            assert owner_client.get(f"/diary/metrics{query}").status_code == 200
        counts[query] = len(statements)
    return counts


def test_the_page_costs_the_same_queries_with_5_or_50_entries(tmp_path, clock):
    counts = []
    for entries in (5, 50):
        app = make_app(tmp_path / str(entries))
        with app.app_context():
            empty_database()
            db.create_all()
            db.session.add(Owner(username=OWNER_NAME, password_hash=OWNER_PASSWORD_HASH))
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": OWNER_NAME, "password": OWNER_PASSWORD})
        counts.append(queries_for(app, client, entries))
        with app.app_context():
            empty_database()
            db.engine.dispose()
    assert counts[0] == counts[1]


READ_BY_INDEX = (
    r"SEARCH post USING (INDEX ix_post_(weighed|exercised) \(kind=\?|INTEGER PRIMARY KEY)"
)


@pytest.mark.parametrize(
    ("query", "max_points"),
    [
        ("?period=4w", 3),  # grouped by day
        ("?period=all", 3),
        ("?from=2026-03-02&to=2026-03-15", 3),
        ("?period=4w", 200),  # each weight, with its moving average
    ],
)
def test_the_page_reads_weights_and_exercise_from_their_indexes_alone(
    app, owner_client, record, monkeypatch, statements_with_parameters, query, max_points
):
    """No query of the page reads every post (at 100,000 entries, 80 ms a scan): each reads
    a part of ix_post_weighed or ix_post_exercised, or a post by its id. (SQLite's plans: the
    bench has PostgreSQL's.)"""
    if TEST_DATABASE_URL:
        pytest.skip("SQLite's query plans")
    monkeypatch.setattr(numbers, "MAX_POINTS", max_points)
    for day in range(2, 16):
        record(date(2026, 3, day), weight=70 + day / 10, kind="걷기", minutes=30)
    statements_with_parameters.clear()
    assert owner_client.get(f"/diary/metrics{query}").status_code == 200
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            plans = {
                statement: [
                    row[-1]
                    for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                for statement, parameters in statements_with_parameters
                if re.search(r"\bpost\b", statement)
            }
        finally:
            connection.close()
    assert len(plans) >= 5
    for statement, plan in plans.items():
        reads = [step for step in plan if re.match(r"(SCAN|SEARCH) post\b", step)]
        assert reads, statement
        for step in reads:
            assert re.match(READ_BY_INDEX, step), (step, statement)


# --- the charts' geometry -----------------------------------------------------------------------


def test_a_scale_maps_its_domain_onto_its_range_and_may_turn_it_over():
    scale = charts.Scale(70, 80, 200, 0)
    assert (scale(70), scale(75), scale(80)) == (200, 100, 0)
    assert charts.Scale(5, 5, 0, 100)(5) == 50


@pytest.mark.parametrize(
    ("low", "high", "smallest", "ticks"),
    [
        (71.3, 72.8, 0.5, [71.0, 71.5, 72.0, 72.5, 73.0]),
        (60.2, 79.9, 0.5, [60, 65, 70, 75, 80]),
        (72.4, 72.6, 0.5, [72.0, 72.5, 73.0]),
        (72.5, 72.5, 0.5, [72.5, 73.0]),
        (0, 230, 10, [0, 100, 200, 300]),
        (0, 10, 10, [0, 10]),
        (0, 95, 10, [0, 50, 100]),
        (0, 600, 10, [0, 200, 400, 600]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, smallest, ticks):
    assert charts.nice_ticks(low, high, smallest=smallest) == ticks


def test_a_path_goes_through_its_points_in_order():
    assert charts.path([(1, 2), (3.25, 4.04), (5, 6)]) == "M1.0 2.0 L3.2 4.0 L5.0 6.0"
    assert charts.path([]) == ""


def weight(day, value, average):
    return SimpleNamespace(day=day, weight=value, average=average, url=f"/diary/{day.day}")


def test_the_weight_chart_places_each_point_by_its_day_and_weight(app):
    points = [weight(date(2026, 3, 1), 71.0, 71.0), weight(date(2026, 3, 11), 72.0, 71.5)]
    with app.test_request_context():
        chart = charts.weight_chart(points, date(2026, 3, 1), date(2026, 3, 11))
    plot = chart.plot
    first, last = chart.dots
    assert (first.x, last.x) == (plot.left, plot.right)
    # The axis runs from 71 to 72 kg: 71 at the bottom, 72 at the top.
    assert [tick.label for tick in chart.y_ticks] == ["71", "71.5", "72"]
    assert (first.y, last.y) == (plot.bottom, plot.top)
    assert chart.line == f"M{plot.left:.1f} {plot.bottom:.1f} L{plot.right:.1f} {plot.top:.1f}"
    middle = (plot.top + plot.bottom) / 2
    assert chart.average == f"M{plot.left:.1f} {plot.bottom:.1f} L{plot.right:.1f} {middle:.1f}"


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (date(2026, 3, 16), date(2026, 3, 18), ["3월 16일", "3월 17일", "3월 18일"]),
        # Four weeks: the Mondays.
        (date(2026, 2, 19), date(2026, 3, 18), ["2월 23일", "3월 2일", "3월 9일", "3월 16일"]),
        # Eight weeks: every second Monday.
        (date(2026, 1, 21), date(2026, 3, 18), ["1월 26일", "2월 9일", "2월 23일", "3월 9일"]),
        (date(2025, 12, 19), date(2026, 3, 18), ["2026년 1월", "2026년 2월", "2026년 3월"]),
        (date(2026, 1, 1), date(2026, 12, 31), ["1월", "4월", "7월", "10월"]),
        (date(2019, 5, 1), date(2026, 3, 18), ["2020년", "2022년", "2024년", "2026년"]),
    ],
)
def test_date_ticks_fall_on_round_days_of_the_calendar(app, first, last, labels):
    scale = charts.Scale(first.toordinal(), last.toordinal(), 0, 100)
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        ticks = charts.date_ticks(first, last, scale)
    assert [tick.label for tick in ticks] == labels
    assert all(0 <= tick.at <= 100 for tick in ticks)


def test_bars_stack_the_kinds_from_the_bottom_in_the_legend_s_order(app):
    buckets = [
        numbers.ExerciseBucket(date(2026, 3, 2), {"필라테스": 50, "헬스": 30}),
        numbers.ExerciseBucket(date(2026, 3, 9), {}),
        numbers.ExerciseBucket(date(2026, 3, 16), {"헬스": 100}),
    ]
    with app.test_request_context():
        chart = charts.exercise_chart(["필라테스", "헬스"], buckets, "week")
    plot = chart.plot
    assert [tick.label for tick in chart.y_ticks][-1] == "100"
    first, empty, last = chart.bars
    assert empty.segments == []
    pilates, gym = first.segments
    assert (pilates.series, gym.series) == (0, 1)
    assert pilates.y + pilates.height == pytest.approx(plot.bottom)
    assert gym.y + gym.height == pytest.approx(pilates.y)
    assert gym.y == pytest.approx(plot.bottom - plot.height * 0.8)
    assert last.segments[0].y == pytest.approx(plot.top)
    # Equal slots, each bar in the middle of its own.
    assert last.x - empty.x == pytest.approx(empty.x - first.x) == pytest.approx(plot.width / 3)
    assert first.x > plot.left and last.x + last.width < plot.right


@pytest.mark.parametrize(("language", "unit"), [("ko", "분"), ("en", "min")])
def test_the_exercise_chart_names_its_unit_in_the_reader_s_language(
    owner_client, record, language, unit
):
    record(TODAY, kind="필라테스", minutes=50)
    owner_client.set_cookie("lang", language)
    page = html.fromstring(owner_client.get("/diary/metrics").get_data(as_text=True))
    assert page.xpath('//*[@id="exercise-chart"]//*[contains(@class, "chart__unit")]/text()') == [
        unit
    ]
