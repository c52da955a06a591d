"""axe-core finds no violations on the owner's trends (/diary/metrics): its periods, a refused
period and the page before any number, at phone and desktop width, light and dark; nothing
scrolls sideways on a phone, and the charts take their colours from the scheme.

The same checks as test_accessibility.py (and E2E_SCREENSHOTS=DIR saves every page checked,
in all four variants: `E2E_SCREENSHOTS=/tmp/shots/16metrics`).
"""

import math
from datetime import timedelta

import pytest

from blog.extensions import db
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving

from . import test_accessibility
from .conftest import (
    DESKTOP,
    PHONE,
    Serving,
    build_live_app,
    drop_live_app,
    log_in,
    open_owner_menu,
)
from .test_accessibility import check_every_variant

# The owner's days: weighed on most of them, a little less as the weeks go; pilates twice a
# week, the gym or a walk on some others, now and then something else.
DAYS = 120
KINDS = {1: ("필라테스", 50), 3: ("헬스", 40), 4: ("필라테스", 50), 6: ("걷기", 30)}


def seed_numbers(app) -> None:
    with app.app_context():
        now = utcnow()
        for days_ago in range(DAYS, -1, -1):
            when = now - timedelta(days=days_ago, hours=2)
            if days_ago % 9 == 4:
                continue  # a day without an entry
            entry = DiaryEntry()
            entry.body = "" if days_ago % 3 else f"{days_ago}일 전의 일기. 오늘도 기록했다."
            entry.weight_kg = round(71.0 + days_ago * 0.02 + 0.5 * math.sin(days_ago / 5), 1)
            kind, minutes = KINDS.get(when.weekday(), ("", None))
            if days_ago % 17 == 0:
                kind, minutes = "수영", 45
            entry.exercise_kind, entry.exercise_minutes = kind, minutes
            entry.meals = "아침: 그릭요거트\n점심: 샐러드" if days_ago % 2 else ""
            entry.set_publication(Visibility.PRIVATE, when)
            saving.save(entry)
        db.session.commit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app with four months of numbers, one without any."""
    app = build_live_app(tmp_path_factory.mktemp("a11y-metrics"))
    seed_numbers(app)
    with Serving(app) as url:
        yield {"url": url}
    drop_live_app(app)


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    app = build_live_app(tmp_path_factory.mktemp("a11y-metrics-empty"))
    with Serving(app) as url:
        yield {"url": url}
    drop_live_app(app)


def open_metrics(query: str = ""):
    def opening(page, site):
        response = page.goto(f"/diary/metrics{query}")
        assert page.locator("svg.chart[role=img]").count() == 2
        return response

    return opening


def open_tables(opening):
    """The page with the tables under its charts unfolded: axe checks them too."""

    def unfolded(page, site):
        response = opening(page, site)
        for summary in page.locator("details.metrics-table > summary").all():
            summary.click()
        return response

    return unfolded


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "metrics": (True, open_metrics(), 200),
    "metrics-4w": (True, open_metrics("?period=4w"), 200),
    "metrics-year-tables": (True, open_tables(open_metrics("?period=1y")), 200),
    "metrics-refused": (True, lambda page, site: page.goto("/diary/metrics?from=2026-02-31"), 400),
}
EMPTY_PAGES = {"metrics-empty": (True, lambda page, site: page.goto("/diary/metrics"), 200)}


@pytest.fixture(autouse=True)
def desktop_dark_too(monkeypatch):
    """The trends are checked (and photographed) in the dark at desktop width as well."""
    monkeypatch.setitem(
        test_accessibility.VARIANTS, "desktop-dark", {"viewport": DESKTOP, "color_scheme": "dark"}
    )


@pytest.fixture(scope="module")
def empty_owner_state(browser, browser_context_args, empty_site):
    context = browser.new_context(**browser_context_args, base_url=empty_site["url"])
    log_in(context.new_page())
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)


def test_no_axe_violations_before_any_number(new_context, empty_site, empty_owner_state):
    check_every_variant(new_context, empty_site, empty_owner_state, EMPTY_PAGES, "metrics-empty")


def test_the_charts_follow_the_colour_scheme(new_context, site, owner_state):
    context = new_context(base_url=site["url"], storage_state=owner_state)
    page = context.new_page()
    page.goto("/diary/metrics")
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours[scheme] = page.evaluate(
            """() => [".chart__line", ".chart__average", ".chart__label", ".chart__bar--0"]
                .map(selector => document.querySelector(selector))
                .map(element => getComputedStyle(element))
                .map(style => [style.stroke, style.fill])"""
        )
    assert colours["light"] != colours["dark"]
    # Each chart is as wide as the column and as tall as its shape says, before and after.
    box = page.locator("#weight-chart").bounding_box()
    assert box["height"] == pytest.approx(box["width"] / 2, rel=0.02)


def test_the_owner_reaches_the_trends_from_the_menu(new_context, site, owner_state):
    page = new_context(base_url=site["url"], storage_state=owner_state, viewport=PHONE).new_page()
    page.goto("/")
    open_owner_menu(page).get_by_role("link", name="기록 추이").click()
    page.wait_for_url("**/diary/metrics")
    assert page.get_by_role("heading", level=1).inner_text() == "기록 추이"
    # The period links and the form work without a script: a click is a plain GET.
    page.get_by_role("navigation", name="기간").get_by_role("link", name="1년").click()
    page.wait_for_url("**/diary/metrics?period=1y")
    assert page.get_by_role("link", name="1년").get_attribute("aria-current") == "page"
