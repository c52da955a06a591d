"""The editors' formatting toolbar (markdown-toolbar.js), with Korean typed through an IME.

Chromium's DevTools protocol types as an input method does: `Input.imeSetComposition` shows
a syllable being composed (compositionstart, then input events with isComposing) and
`Input.insertText` commits it (compositionend). A two-set keyboard composes 하나 as ㅎ 하 한,
then, when ㅏ comes, commits 하 and composes 나: the ㄴ moves on to the next syllable.
"""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, Serving, build_live_app, drop_live_app

BODY = "본문"
OPINION = "내 생각"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the module: these tests type, and save nothing."""
    app = build_live_app(tmp_path_factory.mktemp("toolbar"))
    with Serving(app) as url:
        yield {"url": url}
    drop_live_app(app)


class Ime:
    """Korean typed through the browser's input method, as DevTools can drive it."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)

    def compose(self, *stages: str) -> None:
        for text in stages:
            self.cdp.send(
                "Input.imeSetComposition",
                {"text": text, "selectionStart": len(text), "selectionEnd": len(text)},
            )

    def commit(self, text: str) -> None:
        self.cdp.send("Input.insertText", {"text": text})

    def type_annyeong(self) -> None:
        self.compose("ㅇ", "아", "안")
        self.commit("안")
        self.compose("ㄴ", "녀", "녕")
        self.commit("녕")

    def type_hana(self) -> None:
        self.compose("ㅎ", "하", "한")
        self.commit("하")  # the ㄴ goes on to the next syllable
        self.compose("나")
        self.commit("나")

    def type_word(self, *syllables: tuple[str, ...]) -> None:
        """Each syllable as its stages, the last one committed."""
        for stages in syllables:
            self.compose(*stages)
            self.commit(stages[-1])

    def ctrl(self, key: str) -> None:
        """Ctrl+key as the keyboard sends it (while composing, Chromium marks it isComposing)."""
        code = {"key": key, "code": f"Key{key.upper()}", "windowsVirtualKeyCode": ord(key.upper())}
        self.cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "modifiers": 2, **code})
        self.cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "modifiers": 2, **code})


# 필라테스, syllable by syllable.
PILATES = (("ㅍ", "피", "필"), ("ㄹ", "라"), ("ㅌ", "테"), ("ㅅ", "스"))


def body(page):
    return page.get_by_label(BODY, exact=True)


def toolbar(page):
    return page.get_by_role("toolbar", name="서식", exact=True)


def press(page, name: str) -> None:
    toolbar(page).get_by_role("button", name=name, exact=True).click()


def selected(field) -> str:
    return field.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")


def test_hangul_composed_around_the_toolbar_is_kept_whole(open_editor):
    page = open_editor()
    field = body(page)
    field.click()
    ime = Ime(page)
    ime.type_annyeong()
    ime.type_hana()
    assert field.input_value() == "안녕하나"
    field.press("Enter")

    press(page, "굵게")  # an empty pair, the cursor inside: the next word is bold
    ime.type_word(*PILATES)
    field.press("End")
    ime.type_word(("ㄴ", "느", "는"))
    assert field.input_value() == "안녕하나\n**필라테스**는"

    # Ctrl+I on the selected word, then typing after it.
    field.evaluate("f => f.setSelectionRange(7, 11)")  # 필라테스, inside the bold marks
    ime.ctrl("b")  # off again: the marks come off the selection
    assert field.input_value() == "안녕하나\n필라테스는"
    assert selected(field) == "필라테스"
    ime.ctrl("i")
    assert field.input_value() == "안녕하나\n*필라테스*는"
    field.press("End")
    ime.type_hana()
    assert field.input_value() == "안녕하나\n*필라테스*는하나"


def test_nothing_happens_while_a_syllable_is_composed(open_editor):
    page = open_editor()
    field = body(page)
    field.click()
    ime = Ime(page)
    ime.compose("ㅎ", "하")
    ime.ctrl("b")  # isComposing: the shortcut is the IME's, not ours
    press(page, "굵게")  # waits for the syllable to be committed
    assert field.input_value() == "하"
    ime.compose("한")
    ime.commit("한")
    expect(field).to_have_value("한****")
    ime.type_word(("ㄱ", "그", "글"))
    assert field.input_value() == "한**글**"

    # The same with the events a phone's keyboard sends (no DevTools input method there).
    field.fill("")
    field.dispatch_event("compositionstart")
    press(page, "목록")
    field.press("Control+k")
    assert field.input_value() == ""
    field.dispatch_event("compositionend")
    expect(field).to_have_value("- ")


@pytest.mark.parametrize(
    ("text", "selection", "button", "result", "selected_after"),
    [
        ("오늘의 다짐", (0, 0), "소제목", "## 오늘의 다짐", ""),
        ("## 오늘의 다짐", (5, 5), "소제목", "오늘의 다짐", ""),
        ("식단\n운동\n물", (0, 7), "목록", "- 식단\n- 운동\n- 물", "- 식단\n- 운동\n- 물"),
        ("- 식단\n- 운동", (0, 9), "목록", "식단\n운동", "식단\n운동"),
        ("천 리 길도\n한 걸음부터", (3, 10), "인용", "> 천 리 길도\n> 한 걸음부터", None),
        ("충격적인 몸무게", (5, 8), "굵게", "충격적인 **몸무게**", "몸무게"),
        # A double-tap on a phone selects the word with its space: the marks hug the word.
        ("충격적인 몸무게", (0, 5), "기울임", "*충격적인* 몸무게", "충격적인"),
        ("참고한 글", (0, 5), "링크", "[참고한 글](https://)", "https://"),
        ("https://example.com/", (0, 20), "링크", "[](https://example.com/)", ""),
        ("", (0, 0), "링크", "[](https://)", ""),
    ],
)
def test_each_button_writes_its_markdown(
    open_editor, text, selection, button, result, selected_after
):
    page = open_editor(viewport=DESKTOP)
    field = body(page)
    field.fill(text)
    field.evaluate("(f, [start, end]) => f.setSelectionRange(start, end)", list(selection))
    press(page, button)
    assert field.input_value() == result
    if selected_after is not None:
        assert selected(field) == selected_after
    expect(field).to_be_focused()  # the press kept the field's focus, for typing on
    page.keyboard.press("Control+z")  # the edit is in the field's undo history
    assert field.input_value() == text


def stays_put_when_focused(field) -> None:
    """Clicked, `field` gets the toolbar above it and does not move on the screen."""
    field.scroll_into_view_if_needed()
    before = field.bounding_box()["y"]
    field.click()
    expect(field).to_be_focused()
    assert field.bounding_box()["y"] == pytest.approx(before, abs=1)


def test_toolbar_follows_the_markdown_field_of_a_commentary(open_editor):
    page = open_editor("/commentary/new")
    bar = toolbar(page)
    opinion = page.locator("#edit-block-0").get_by_label(OPINION, exact=True)
    expect(bar).to_be_visible()
    # Plain-text fields (the quote, the translation) get no Markdown.
    page.locator("#edit-block-0").get_by_label("번역", exact=True).click()
    page.keyboard.press("Control+b")
    expect(page.locator("#edit-block-0").get_by_label("번역", exact=True)).to_have_value("")

    summary = page.get_by_label("요약", exact=True)
    stays_put_when_focused(summary)
    press(page, "목록")
    assert summary.input_value() == "- "
    assert bar.evaluate("bar => bar.nextElementSibling.id") == "summary"

    page.get_by_role("button", name="블록 추가", exact=True).click()  # a block added in place
    added = page.locator("#edit-block-1").get_by_label(OPINION, exact=True)
    stays_put_when_focused(added)  # the toolbar moves up, above it
    assert bar.evaluate("bar => bar.nextElementSibling.id") == "blocks-1-opinion"
    Ime(page).type_annyeong()
    page.keyboard.press("Control+b")
    assert added.input_value() == "안녕****"
    assert opinion.input_value() == ""
    assert summary.input_value() == "- "


def test_buttons_are_a_toolbar_with_one_tab_stop(open_editor):
    page = open_editor()
    buttons = toolbar(page).get_by_role("button")
    names = [buttons.nth(i).get_attribute("aria-label") for i in range(buttons.count())]
    assert names == ["굵게", "기울임", "소제목", "인용", "목록", "링크", "사진"]
    assert buttons.evaluate_all("all => all.map(b => b.type)") == ["button"] * 7
    body(page).click()
    page.keyboard.press("Shift+Tab")  # from the text back to the toolbar: its first button
    expect(buttons.nth(0)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(buttons.nth(6)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(buttons.nth(5)).to_be_focused()
    page.keyboard.press("Enter")  # a link at the cursor of the field it acts on
    assert body(page).input_value() == "[](https://)"
    # On a phone the seven buttons fit on one line.
    tops = buttons.evaluate_all("all => all.map(b => b.getBoundingClientRect().top)")
    assert len(set(tops)) == 1


def test_without_javascript_there_is_no_toolbar(open_editor):
    page = open_editor(javascript=False)
    expect(page.locator("[data-markdown-toolbar]")).to_be_hidden()
    assert page.get_by_role("toolbar").count() == 0
    body(page).fill("**굵게** 직접 쓴 마크다운")
    assert body(page).input_value() == "**굵게** 직접 쓴 마크다운"
