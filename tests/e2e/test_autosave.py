"""Autosave in the browser: text typed and lost (crash, closed tab) comes back on reopening."""

from playwright.sync_api import expect

from .conftest import log_in


def test_unsaved_diary_text_is_offered_back_and_dropped_after_saving(new_context, live_server):
    page = new_context(base_url=live_server).new_page()
    log_in(page)
    page.goto("/diary/new")
    page.get_by_label("본문", exact=True).fill("브라우저가 꺼지기 전에 쓴 일기")
    page.get_by_label("제목 (선택)", exact=True).fill("사라질 뻔한 글")
    page.wait_for_timeout(600)  # the copy is kept a moment after typing stops

    page.goto("/diary/new")  # as after a crash: the server has nothing
    banner = page.get_by_role("alert")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("이 브라우저에 저장되지 않은 글이 있습니다")
    assert page.get_by_label("본문", exact=True).input_value() == ""
    banner.get_by_role("button", name="되살리기", exact=True).click()
    expect(banner).to_be_hidden()
    assert page.get_by_label("본문", exact=True).input_value() == "브라우저가 꺼지기 전에 쓴 일기"
    assert page.get_by_label("제목 (선택)", exact=True).input_value() == "사라질 뻔한 글"

    page.get_by_role("button", name="임시 저장", exact=True).click()
    expect(page.get_by_text("임시 저장했습니다. 아직 나만 볼 수 있습니다.")).to_be_visible()
    page.goto("/diary/new")
    expect(page.locator("#autosave-banner")).to_be_hidden()


def test_a_commentary_copy_brings_back_its_blocks(new_context, live_server):
    page = new_context(base_url=live_server).new_page()
    log_in(page)
    page.goto("/commentary/new")
    page.get_by_label("기사 제목", exact=True).fill("Headline kept")
    page.locator("[name='blocks-0-quote']").fill("First quote.")
    page.get_by_role("button", name="블록 추가").click()
    page.locator("[name='blocks-1-quote']").fill("Second quote.")
    page.locator("[name='blocks-1-translation']").fill("두 번째 번역")
    page.wait_for_timeout(600)

    page.goto("/commentary/new")
    page.get_by_role("button", name="되살리기", exact=True).click()
    assert page.locator("[name='blocks-1-quote']").input_value() == "Second quote."
    assert page.locator("[name='blocks-1-translation']").input_value() == "두 번째 번역"
    assert page.get_by_label("기사 제목", exact=True).input_value() == "Headline kept"


def test_discarding_the_copy_forgets_it(new_context, live_server):
    page = new_context(base_url=live_server).new_page()
    log_in(page)
    page.goto("/diary/new")
    page.get_by_label("본문", exact=True).fill("버릴 글")
    page.wait_for_timeout(600)
    page.goto("/diary/new")
    page.get_by_role("button", name="버리기").click()
    page.goto("/diary/new")
    expect(page.locator("#autosave-banner")).to_be_hidden()


def test_a_refused_save_brings_the_faulty_block_into_view(new_context, live_server):
    page = new_context(base_url=live_server, viewport={"width": 390, "height": 844}).new_page()
    log_in(page)
    page.goto("/commentary/new")
    page.get_by_label("기사 제목", exact=True).fill("Headline")
    for index in range(5):
        if index:
            page.get_by_role("button", name="블록 추가").click()
        page.locator(f"[name='blocks-{index}-quote']").fill(f"Quote {index}.")
    page.locator("[name='blocks-4-quote']").fill("")
    page.locator("[name='blocks-4-translation']").fill("인용문 없는 번역")
    page.get_by_role("button", name="발행", exact=True).click()
    page.wait_for_load_state()
    faulty = page.locator("[name='blocks-4-quote']")
    expect(faulty).to_be_focused()
    expect(faulty).to_be_in_viewport()


def test_no_error_page_drops_the_copy(new_context, live_app, live_server):
    """A save refused as too large (413) lands on an error page: the copy must stay."""
    # The editor's body may hold photos besides the text: with room for none, its limit is
    # the text's (MAX_CONTENT_LENGTH, 2.7 MB).
    live_app.config["MEDIA_MAX_FILES_PER_UPLOAD"] = 0
    page = new_context(base_url=live_server).new_page()
    log_in(page)
    page.goto("/diary/new")
    body = page.get_by_label("본문", exact=True)
    body.fill("너무 길어서 거절될 일기")
    page.wait_for_timeout(600)
    body.evaluate("(el) => { el.value += 'ㄱ'.repeat(1000000); }")  # 3 MB in a multipart body
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="발행", exact=True).click()
    page.wait_for_load_state()
    assert sent.value.status == 413  # the site's page for it, with what was typed to send again

    page.goto("/diary/new")
    page.get_by_role("button", name="되살리기", exact=True).click()
    assert page.get_by_label("본문", exact=True).input_value().startswith("너무 길어서 거절될")


def test_a_file_chosen_for_upload_is_not_kept_in_the_copy(new_context, live_server, tmp_path):
    page = new_context(base_url=live_server).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error.message))
    log_in(page)
    page.goto("/diary/new")
    (tmp_path / "IMG_2041.jpg").write_bytes(b"a photo's bytes")
    page.locator("input[name='image']").set_input_files(tmp_path / "IMG_2041.jpg")
    page.get_by_label("본문", exact=True).fill("사진을 고르고 쓴 글")
    page.wait_for_timeout(600)

    page.goto("/diary/new")
    banner = page.get_by_role("alert")
    banner.get_by_role("button", name="되살리기", exact=True).click()
    expect(banner).to_be_hidden()
    assert page.get_by_label("본문", exact=True).input_value() == "사진을 고르고 쓴 글"
    assert errors == []  # a file input takes no value but its user's choice
