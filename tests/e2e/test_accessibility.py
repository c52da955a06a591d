"""axe-core finds no violations on any kind of page, at phone and desktop width, light and dark.

At phone width nothing scrolls sideways, even with a long URL and a table in the text.
Set E2E_SCREENSHOTS=DIR to also save a full-page screenshot of every page checked.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from blog.extensions import db
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving

from .conftest import DESKTOP, PHONE, Serving, build_live_app, drop_live_app, owner_nav

RICH_TITLE = "필라테스 일기: 코어가 없는 돼지가 된 것 같은 날"
RICH_BODY = """필라테스할때마다 느끼는거지만, 살찌고 **코어도 없는** 돼지가 된것같다.
체중계 샀는데, 진짜 잘샀다. 왜냐면 *충격적인* 몸무게를 보았기 때문에...

# 오늘의 다짐

- 식단도 해야지..
- 일주일에 세 번 필라테스
- 물 2리터 마시기

> 천 리 길도 한 걸음부터.

참고한 글: https://example.com/articles/2026/03/01/a-very-long-address-that-must-wrap-on-phones-without-scrolling

| 요일 | 운동 | 몸무게 |
| --- | --- | --- |
| 월요일 | 필라테스 60분 | 61.2kg |
| 수요일 | 걷기 40분 | 60.9kg |

`체중계` 기록은 [여기](https://example.com/)에 모은다.
"""
PREVIEW_BODY = "미리보기로 **굵은 글씨**와 목록을 확인한다.\n\n- 하나\n- 둘\n"

AXE = Axe()
# Once axe-core is in the page, later runs on the same document need not send its 500 kB again.
AXE_AGAIN = Axe(axe_script="undefined")

VARIANTS = {
    "phone": {"viewport": PHONE, "color_scheme": "light"},
    "desktop": {"viewport": DESKTOP, "color_scheme": "light"},
    "phone-dark": {"viewport": PHONE, "color_scheme": "dark"},
}


def seed(app) -> dict[str, str]:
    """A page of entries and then some (so there are page links), a rich one, and a draft."""
    with app.app_context():
        now = utcnow()
        for number in range(11):
            older = DiaryEntry()
            older.title = "" if number % 3 == 0 else f"{number + 1}번째 일기"
            older.body = f"{number + 1}번째 날의 짧은 일기. 오늘도 필라테스를 했다."
            older.set_publication(Visibility.PUBLIC, now - timedelta(days=number + 2))
            saving.save(older)
        rich = DiaryEntry()
        rich.title = RICH_TITLE
        rich.body = RICH_BODY
        rich.set_tags(["필라테스", "식단", "아주긴태그이름도잘보여야한다"])
        rich.set_publication(Visibility.PUBLIC, now - timedelta(hours=1))
        saving.save(rich)
        draft = DiaryEntry()
        draft.title = "아직 쓰는 중인 초안"
        draft.body = "초안 본문"
        draft.set_publication(Visibility.DRAFT, None)
        saving.save(draft)
        db.session.commit()
        return {
            "entry": f"/diary/{rich.id}-{rich.slug}",
            "draft": f"/diary/{draft.id}-{draft.slug}",
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the whole module: these tests only read (or preview, or fail)."""
    app = build_live_app(tmp_path_factory.mktemp("a11y"))
    paths = seed(app)
    with Serving(app) as url:
        yield {"url": url, **paths}
    drop_live_app(app)


def open_home(page, site):
    response = page.goto("/")
    assert page.get_by_role("article").count() == 10  # a full page of posts
    return response


def open_editor(page, site):
    return page.goto("/diary/new")


def submit(page, button: str):
    """Press a submit button; the response to the POST."""
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return posted.value


def open_editor_with_error(page, site):
    page.goto("/diary/new")
    page.get_by_label("제목 (선택)", exact=True).fill("본문 없는 제목")
    response = submit(page, "발행")
    assert page.get_by_label("본문", exact=True).get_attribute("aria-invalid") == "true"
    return response


def open_editor_with_preview(page, site):
    page.goto("/diary/new")
    page.get_by_label("제목 (선택)", exact=True).fill("미리보기 제목")
    page.get_by_label("본문", exact=True).fill(PREVIEW_BODY)
    response = submit(page, "미리보기")
    assert page.get_by_role("region", name="미리보기").locator("strong").inner_text() == "굵은 글씨"
    return response


def open_refused_comment(page, site):
    page.goto(site["entry"])
    response = submit(page, "댓글 보내기")  # nothing written
    assert page.locator("#comment-form [role=alert]").count() == 1
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "home": (False, open_home, 200),
    "diary": (False, lambda page, site: page.goto("/diary/"), 200),
    "entry": (False, lambda page, site: page.goto(site["entry"]), 200),
    "login": (False, lambda page, site: page.goto("/login"), 200),
    "owner-entry": (True, lambda page, site: page.goto(site["draft"]), 200),
    "editor": (True, open_editor, 200),
    "editor-error": (True, open_editor_with_error, 400),
    "editor-preview": (True, open_editor_with_preview, 200),
    "search": (False, lambda page, site: page.goto("/search?q=필라테스"), 200),
    "search-empty": (False, lambda page, site: page.goto("/search?q=필라테스 capital"), 200),
    "comment-refused": (False, open_refused_comment, 400),
}


def check(page, name: str, variant: str) -> list[str]:
    """Problems of the page as now shown: axe violations, and sideways scrolling on a phone."""
    settings = VARIANTS[variant]
    page.set_viewport_size(settings["viewport"])
    page.emulate_media(color_scheme=settings["color_scheme"])
    problems = []
    results = (AXE_AGAIN if page.evaluate("'axe' in window") else AXE).run(page)
    if results.violations_count:
        problems.append(f"{name} ({variant}): {results.generate_report()}")
    if settings["viewport"] == PHONE:
        scroll_width, width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > width:
            problems.append(f"{name} ({variant}) scrolls sideways: {scroll_width} > {width}px")
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}-{variant}.png", full_page=True)
    return problems


def check_every_variant(new_context, site, owner_state, pages, name) -> None:
    """Open page `name` of `pages` as the visitor or owner it needs; no problem in any variant."""
    as_owner, go, status = pages[name]
    context = new_context(
        base_url=site["url"], storage_state=owner_state if as_owner else None, viewport=PHONE
    )
    page = context.new_page()
    assert go(page, site).status == status
    # The page is the one meant, in the state meant (the owner's pages need the login).
    assert owner_nav(page).count() == (1 if as_owner else 0)
    assert page.get_by_role("main").count() == 1

    problems = [problem for variant in VARIANTS for problem in check(page, name, variant)]
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)
