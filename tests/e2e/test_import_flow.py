"""The import page in Chromium, without JavaScript of its own: the owner's real post from an
old CP949 file with its dates and the answer to the parser's question; a file too large
keeps what was typed; axe finds nothing on the preview, with and without refusals."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog.extensions import db
from blog.models import Post, Visibility

from .conftest import Serving, build_live_app, drop_live_app, log_in
from .content import add_commentary
from .test_accessibility import check_every_variant, submit

SAMPLE = (Path(__file__).parent.parent / "data" / "plain-text-posts.txt").read_text("utf-8")
HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending after DeepSeek stuns tech world"
TEXT_BOX = "글 붙여넣기"


@pytest.fixture
def old_file(tmp_path):
    """The owner's real post, as an old Korean Windows editor saved it."""
    path = tmp_path / "블로그 글.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("cp949"))
    return path


def preview_file(page, path):
    page.goto("/admin/import")
    page.locator("input[name=file]").set_input_files(path)
    return submit(page, "미리보기")


def test_the_owners_post_imports_from_an_old_file_with_its_dates(
    new_context, live_server, live_app, old_file
):
    page = new_context(base_url=live_server, java_script_enabled=False).new_page()
    log_in(page)
    assert preview_file(page, old_file).status == 200
    assert "CP949" in page.get_by_role("status").inner_text()
    assert page.get_by_label(TEXT_BOX).input_value() == SAMPLE  # its CRLF lines read as lines
    posts = page.locator(".import-choices")
    posts.nth(0).get_by_label("쓴 날짜").fill("2025-01-29")
    posts.nth(1).get_by_label("쓴 날짜").fill("2025-01-30")
    posts.nth(1).get_by_label("시각 (선택)").fill("08:30")

    # Saving as read would pass the one-line English summary off as a quote: it waits.
    assert submit(page, "모두 임시 저장").status == 400
    question = page.get_by_role("group", name="요약인가요, 인용인가요?")
    assert question.get_by_role("radio", checked=True).count() == 0
    assert posts.nth(1).get_by_label("쓴 날짜").input_value() == "2025-01-30"  # kept
    question.get_by_label("요약", exact=True).check()
    assert submit(page, "모두 임시 저장").status == 303
    assert page.url.endswith("/admin/?state=draft")

    with live_app.app_context():
        diary, commentary = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        assert [(p.visibility, p.published_at) for p in (diary, commentary)] == [
            (Visibility.DRAFT, datetime(2025, 1, 28, 15, 0, tzinfo=UTC)),
            (Visibility.DRAFT, datetime(2025, 1, 29, 23, 30, tzinfo=UTC)),
        ]
        assert len(commentary.blocks) == 3
        assert commentary.body.startswith("U.S. tech giants Microsoft and Meta defend")


def test_a_file_too_large_keeps_the_typed_text(new_context, live_server, live_app, tmp_path):
    live_app.config["MAX_CONTENT_LENGTH"] = 200_000
    big = tmp_path / "big.txt"
    big.write_bytes("가나다라 ".encode("cp949") * 60_000)
    page = new_context(base_url=live_server).new_page()
    log_in(page)
    page.goto("/admin/import")
    page.get_by_label(TEXT_BOX).fill("붙여 넣은 일기\n둘째 줄")
    page.locator("input[name=file]").set_input_files(big)
    assert submit(page, "미리보기").status == 413
    assert page.get_by_label(TEXT_BOX).input_value() == "붙여 넣은 일기\n둘째 줄"
    assert page.get_by_label("또는 텍스트 파일").get_attribute("aria-invalid") == "true"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A commentary the sample looks like, so the preview warns of it; nothing is saved."""
    folder = tmp_path_factory.mktemp("a11y-import")
    app = build_live_app(folder)
    add_commentary(app, headline=HEADLINE)
    path = folder / "old.txt"
    path.write_bytes(SAMPLE.encode("cp949"))
    with Serving(app) as url:
        yield {"url": url, "file": path}
    drop_live_app(app)


def open_preview(page, site):
    response = preview_file(page, site["file"])
    assert page.locator(".import-choices__twin").count() == 1
    assert page.locator(".import-question").count() == 1
    return response


def open_refused_save(page, site):
    open_preview(page, site)
    response = submit(page, "모두 임시 저장")
    assert page.locator(".import-choices .field__errors").count() == 2
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "import": (True, lambda page, site: page.goto("/admin/import"), 200),
    "import-preview": (True, open_preview, 200),
    "import-refused": (True, open_refused_save, 400),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)
