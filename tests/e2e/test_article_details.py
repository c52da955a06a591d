"""기사 정보 가져오기 with JavaScript: the commentary editor fills the article's empty fields in
place from a local copy of the article's page, keeps what the owner typed, and says so.

Set E2E_SCREENSHOTS=DIR to also save the filled article fields at phone and desktop width.
"""

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.article_server import ARTICLE_PAGE, ArticleServer

from .conftest import DESKTOP, PHONE, log_in

HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending after DeepSeek stuns tech world"
LEAD_START = "Days after Chinese upstart DeepSeek revealed a breakthrough"
MY_AUTHOR = "Typed by the owner"


def test_the_button_fills_the_article_fields_in_place(new_context, live_server, live_app):
    live_app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] = True  # the article's server is local
    with ArticleServer() as article_site:
        url = article_site.page("/technology/ai-spending", ARTICLE_PAGE)
        page = new_context(base_url=live_server, viewport=PHONE).new_page()
        log_in(page)
        page.goto("/commentary/new")
        article = page.get_by_role("group", name="기사 정보", exact=True)
        article.get_by_label("기사 주소 (URL)", exact=True).fill(url)
        article.get_by_label("기자", exact=True).fill(MY_AUTHOR)
        article.get_by_role("button", name="기사 정보 가져오기", exact=True).click()

        status = article.locator("[data-article-status]")
        expect(status).to_contain_text("Test Reporter, Sample Writer")  # the page's, not kept
        expect(article.get_by_label("기사 제목", exact=True)).to_have_value(HEADLINE)
        expect(article.get_by_label("언론사", exact=True)).to_have_value("Reuters")
        expect(article.get_by_label("기사 날짜", exact=True)).to_have_value("2025-01-30")
        lead = article.get_by_label("기사 첫 문단 (선택)", exact=True)
        expect(lead).to_have_value(re.compile(f"^{re.escape(LEAD_START)}"))
        expect(article.get_by_label("기자", exact=True)).to_have_value(MY_AUTHOR)
        assert page.url == f"{live_server}/commentary/new"  # filled in place, not sent
        assert article_site.paths_asked() == ["/technology/ai-spending"]

        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            results = Axe().run(page, context="[data-article-fields]")
            assert results.violations_count == 0, results.generate_report()
            folder = os.environ.get("E2E_SCREENSHOTS")
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                shot = Path(folder) / f"article-details-{viewport['width']}.png"
                article.screenshot(path=shot)

        # A refusal is said in the status line and leaves every field as it was.
        article.get_by_label("기사 주소 (URL)", exact=True).fill("ftp://127.0.0.1/article")
        article.get_by_role("button", name="기사 정보 가져오기", exact=True).click()
        expect(status).to_have_class("article-address__status article-address__status--error")
        expect(article.get_by_label("기사 제목", exact=True)).to_have_value(HEADLINE)

        # What was filled in is sent like typed text.
        article.get_by_label("기사 주소 (URL)", exact=True).fill(url)
        page.get_by_role("button", name="임시 저장", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
        expect(page.get_by_text("Reuters", exact=False).first).to_be_visible()
