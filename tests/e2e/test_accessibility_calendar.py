"""axe-core finds no violations on the archive's calendar (the archive, a year, a day), the
desk's N년 전 오늘 and an entry's link to the year before, for a reader and the owner, at phone
and desktop width, light and dark; every day with posts is a touch target on a phone.

The same checks as test_accessibility.py (and E2E_SCREENSHOTS=DIR saves every page checked,
and each calendar page also at desktop width in the dark).
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blog.extensions import db
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving
from blog.site_time import site_today

from .conftest import DESKTOP, PHONE, Serving, build_live_app, drop_live_app
from .test_accessibility import check_every_variant

LAST_YEAR_TITLE = "작년 오늘: 필라테스 첫 수업"


def seed(app) -> dict[str, str]:
    """A year and a half of entries, every few days, some with exercise; a private entry and
    a draft with exercise (only the owner sees them), and one on today's date last year."""
    with app.app_context():
        now = utcnow()
        start = now - timedelta(days=540)
        for number in range(0, 540, 3):
            entry = DiaryEntry(
                exercise_kind="필라테스" if number % 2 else "",
                exercise_minutes=50 if number % 2 else None,
            )
            entry.title = f"{number // 3 + 1}번째 기록"
            entry.body = "오늘도 필라테스를 했다. 코어가 조금 생긴 것 같다.\n식단은 아직이다."
            visibility = Visibility.PRIVATE if number % 9 == 0 else Visibility.PUBLIC
            entry.set_publication(visibility, start + timedelta(days=number))
            saving.save(entry)
        draft = DiaryEntry(exercise_kind="걷기", created_at=now - timedelta(days=10))
        draft.body = "걷기만 했다."
        draft.set_publication(Visibility.DRAFT, None)
        saving.save(draft)
        today = site_today()
        last_year = datetime(today.year - 1, today.month, today.day, 3, 0, tzinfo=UTC)
        remembered = DiaryEntry()
        remembered.title = LAST_YEAR_TITLE
        remembered.body = "처음으로 필라테스 수업에 갔다. 다리가 후들거렸다."
        remembered.set_publication(Visibility.PUBLIC, last_year)
        saving.save(remembered)
        latest = DiaryEntry()
        latest.title = "오늘의 일기"
        latest.body = "일 년 전 오늘은 필라테스를 처음 한 날이었다."
        latest.set_publication(Visibility.PUBLIC, now - timedelta(minutes=5))
        saving.save(latest)
        db.session.commit()
        local = remembered.published_at + timedelta(hours=9)
        return {
            "year": f"/archive/{local.year}/",
            "day": f"/archive/{local.year}/{local.month}/{local.day}",
            "entry": f"/diary/{latest.id}-{latest.slug}",
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the module: these tests only read."""
    app = build_live_app(tmp_path_factory.mktemp("a11y-calendar"))
    paths = seed(app)
    with Serving(app) as url:
        yield {"url": url, **paths}
    drop_live_app(app)


def open_archive(page, site):
    response = page.goto("/archive/")
    assert page.locator("table.calendar").count() == 12
    return response


def open_year(page, site):
    response = page.goto(site["year"])
    assert page.locator("table.calendar").count() == 12
    return response


def open_desk(page, site):
    response = page.goto("/admin/")
    assert page.get_by_role("region", name="N년 전 오늘").get_by_role("link").count() == 1
    return response


def open_entry(page, site):
    response = page.goto(site["entry"])
    assert page.locator(".year-before a").inner_text().endswith(LAST_YEAR_TITLE)
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "archive": (False, open_archive, 200),
    "archive-year": (False, open_year, 200),
    "archive-day": (False, lambda page, site: page.goto(site["day"]), 200),
    "owner-archive": (True, open_archive, 200),
    "owner-archive-year": (True, open_year, 200),
    "desk-earlier-years": (True, open_desk, 200),
    "entry-year-before": (False, open_entry, 200),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)


# Each day link's size, and each month's place: (width, height) and (left, top).
DAY_BOXES = """all => all.map(e => { const box = e.getBoundingClientRect();
    return [box.width, box.height]; })"""
MONTH_PLACES = """all => all.map(e => { const box = e.getBoundingClientRect();
    return [Math.round(box.left), Math.round(box.top)]; })"""


@pytest.mark.parametrize(
    ("viewport", "months_a_row"), [(PHONE, 2), (DESKTOP, 3)], ids=["phone", "desktop"]
)
def test_days_are_touch_targets_and_months_share_a_row(
    new_context, site, owner_state, viewport, months_a_row
):
    page = new_context(base_url=site["url"], storage_state=owner_state, viewport=viewport)
    page = page.new_page()
    open_year(page, site)
    boxes = page.locator("a.calendar__day").evaluate_all(DAY_BOXES)
    assert len(boxes) > 50
    assert min(min(width, height) for width, height in boxes) >= 24, boxes
    places = page.locator("table.calendar").evaluate_all(MONTH_PLACES)
    first_row = [left for left, top in places if top == places[0][1]]
    assert len(first_row) == months_a_row, places


@pytest.mark.skipif(not os.environ.get("E2E_SCREENSHOTS"), reason="E2E_SCREENSHOTS not set")
@pytest.mark.parametrize("name", ["archive", "archive-year", "owner-archive-year"])
def test_screenshots_at_desktop_width_in_the_dark(new_context, site, owner_state, name):
    as_owner, go, _ = PAGES[name]
    context = new_context(
        base_url=site["url"],
        storage_state=owner_state if as_owner else None,
        viewport=DESKTOP,
        color_scheme="dark",
    )
    page = context.new_page()
    go(page, site)
    folder = Path(os.environ["E2E_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}-desktop-dark.png", full_page=True)
