"""Photos in the editors (photo-upload.js): the toolbar's 사진 button through a real file
chooser, paste and drag and drop, the panel asking what each photo shows, refused files, Korean
typed through an IME meanwhile; the form's own upload with and without JavaScript; and the
published post showing the photos.

Set E2E_SCREENSHOTS=DIR to also save the editor with the panel open and a published entry with
two photos, at phone and desktop width.
"""

import base64
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import photos as samples

from .conftest import DESKTOP, PHONE, Serving, build_live_app, drop_live_app
from .test_accessibility import check
from .test_editor_toolbar import PILATES, Ime

MAX_BYTES = 1_000_000  # small, so that a file over it is quick to make
ADDRESS = r"/media/[0-9a-f]{32}-\d+x\d+\.jpg"
UPLOAD = "/admin/photos"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = build_live_app(tmp_path_factory.mktemp("photo-upload"), MEDIA_MAX_BYTES=MAX_BYTES)
    with Serving(app) as url:
        yield {"url": url}
    drop_live_app(app)


def jpeg(tmp_path, name: str, color=(200, 120, 60)) -> bytes:
    """A phone's photo (sideways, with GPS) as a file `name` in tmp_path; its bytes."""
    data = samples.phone_jpeg(1200, 900, color=color)
    (tmp_path / name).write_bytes(data)
    return data


def body(page):
    return page.get_by_label("본문", exact=True)


def status(page):
    return page.locator("[data-photo-status]")


def panel(page):
    return page.get_by_role("group", name="올린 사진", exact=True)


def alt_input(page):
    return panel(page).get_by_label("사진 설명 (대체 텍스트)", exact=True)


def caption_input(page):
    return panel(page).get_by_label("캡션", exact=True)


def panel_button(page, name: str) -> None:
    panel(page).get_by_role("button", name=name, exact=True).click()


def put_cursor(field, index: int) -> None:
    field.focus()
    field.evaluate("(f, i) => f.setSelectionRange(i, i)", index)


def uploads(page) -> list[str]:
    """The addresses of the uploads the page sends from now on."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if UPLOAD in request.url else None)
    return sent


def files_handle(page, files: list[tuple[str, str, bytes]]):
    """A DataTransfer in the page holding these (name, type, bytes) files."""
    return page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const [name, type, data] of files) {
                const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type }));
            }
            return transfer;
        }""",
        [[name, kind, base64.b64encode(data).decode()] for name, kind, data in files],
    )


def paste_files(field, files) -> None:
    transfer = files_handle(field.page, files)
    field.evaluate(
        "(f, data) => f.dispatchEvent(new ClipboardEvent('paste', "
        "{ clipboardData: data, bubbles: true, cancelable: true }))",
        transfer,
    )


def drop_files(field, files) -> None:
    transfer = files_handle(field.page, files)
    for kind in ("dragenter", "dragover", "drop"):
        field.dispatch_event(kind, {"dataTransfer": transfer})


def server_answer(page, name: str, data: bytes) -> str:
    """What the upload address says of this file (the error the page must show)."""
    token = page.locator("input[name='csrf_token']").first.input_value()
    response = page.request.post(
        UPLOAD,
        multipart={"image": {"name": name, "mimeType": "image/jpeg", "buffer": data}},
        headers={"X-CSRFToken": token},
    )
    assert response.status in (400, 413)
    return response.json()["error"]


def slow_uploads(page, bytes_per_second: int) -> None:
    """Uploads at this speed (Chromium's network throttling), to see their progress."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def publish(page):
    page.get_by_role("button", name="발행", exact=True).click()
    page.wait_for_url(re.compile(r"/diary/\d+"))


def loaded_photos(page) -> list[dict]:
    """Each photo of the post's text, scrolled to and loaded (the browser decoded a width of
    it): its alt text and caption."""
    figures = page.locator("article figure.photo")
    shown = []
    for index in range(figures.count()):
        figure = figures.nth(index)
        image = figure.locator("picture img")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        captions = figure.locator("figcaption")
        shown.append(
            {
                "alt": image.get_attribute("alt"),
                "caption": captions.inner_text() if captions.count() else None,
            }
        )
    return shown


def screenshots(page, name: str, subject) -> None:
    """The screen with `subject` in its middle, at phone and desktop width, into the folder
    E2E_SCREENSHOTS names (if any): what the owner sees, where check() saves whole pages."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for variant, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        subject.evaluate("element => element.scrollIntoView({ block: 'center' })")
        page.screenshot(path=Path(folder) / f"{name}-{variant}-screen.png")


def test_the_photo_button_uploads_chosen_photos_and_asks_what_each_shows(open_editor, tmp_path):
    jpeg(tmp_path, "IMG_0001.jpg")
    (tmp_path / "IMG_0002.jpg").write_bytes(samples.noisy_jpeg(700, 500))  # 330 kB
    page = open_editor()
    slow_uploads(page, 150_000)  # about 2 s for the noisy photo: its progress is seen
    page.get_by_label("제목 (선택)", exact=True).fill("사진 일기")
    field = body(page)
    field.fill("아침: 그릭요거트\n점심: 샐러드")
    put_cursor(field, len("아침: 그릭요거트"))

    with page.expect_file_chooser() as chooser:
        page.get_by_role("toolbar", name="서식").get_by_role(
            "button", name="사진", exact=True
        ).click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([tmp_path / "IMG_0001.jpg", tmp_path / "IMG_0002.jpg"])

    line = status(page)
    assert line.get_attribute("role") == "status" and line.get_attribute("aria-live") == "polite"
    expect(line).to_have_text(re.compile(r"사진 올리는 중… [12]/2 · \d+%"))
    # The first photo's panel, while the second one uploads: its alt text is asked for, empty.
    expect(alt_input(page)).to_be_focused()
    expect(alt_input(page)).to_have_value("")
    expect(panel(page).locator("img")).to_have_attribute("src", re.compile(r"/media/.+-480\.jpg"))
    expect(line).to_have_text(re.compile(r"사진 올리는 중… 2/2 · \d+%"))
    screenshots(page, "editor-uploading", line)
    alt_input(page).fill("오늘의 [아침] *요거트*")
    caption_input(page).fill('그릭요거트에 "꿀" 한 숟갈')
    alt_input(page).press("Enter")  # 넣기, not the form's first button

    expect(alt_input(page)).to_be_focused()  # the second photo's panel
    expect(alt_input(page)).to_have_value("")
    expect(line).to_have_text("")  # both uploaded
    alt_input(page).fill("점심 샐러드")
    panel_button(page, "넣기")
    expect(panel(page)).to_have_count(0)
    expect(field).to_be_focused()

    text = field.input_value()
    assert re.fullmatch(
        r"아침: 그릭요거트\n\n"
        rf'!\[오늘의 \\\[아침\\\] \\\*요거트\\\*\]\({ADDRESS} "그릭요거트에 \\"꿀\\" 한 숟갈"\)\n\n'
        rf"!\[점심 샐러드\]\({ADDRESS}\)\n\n"
        r"점심: 샐러드",
        text,
    ), text
    assert "IMG_000" not in text

    publish(page)
    assert loaded_photos(page) == [
        {"alt": "오늘의 [아침] *요거트*", "caption": '그릭요거트에 "꿀" 한 숟갈'},
        {"alt": "점심 샐러드", "caption": None},
    ]
    for variant in ("phone", "desktop"):  # and its screenshots, when asked for
        assert check(page, "entry-with-photos", variant) == []


@pytest.mark.parametrize(("path", "label"), [("/diary/new", "본문"), ("/commentary/new", "요약")])
def test_a_pasted_photo_goes_in_at_the_cursor_and_a_text_paste_stays_a_text_paste(
    open_editor, tmp_path, path, label
):
    photo = samples.png()
    page = open_editor(path, viewport=DESKTOP)
    sent = uploads(page)
    field = page.get_by_label(label, exact=True)
    field.fill("첫 문단\n\n둘째 문단")
    put_cursor(field, len("첫 문단"))
    paste_files(field, [("image.png", "image/png", photo)])
    alt_input(page).fill("스트레칭하는 고양이")
    panel_button(page, "넣기")
    assert re.fullmatch(
        rf"첫 문단\n\n!\[스트레칭하는 고양이\]\({ADDRESS}\)\n\n둘째 문단", field.input_value()
    )
    assert len(sent) == 1

    # Text from the clipboard is pasted as text, by the browser, where the cursor is.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("navigator.clipboard.writeText('붙여 넣은 글 ')")
    put_cursor(field, 0)
    page.keyboard.press("Control+v")
    expect(field).to_have_value(re.compile(r"^붙여 넣은 글 첫 문단\n\n!\["))
    assert len(sent) == 1
    expect(panel(page)).to_have_count(0)


def test_a_dropped_photo_is_uploaded_and_refused_files_leave_the_text_alone(open_editor, tmp_path):
    photo = jpeg(tmp_path, "drop.jpg")
    page = open_editor()
    sent = uploads(page)
    field = body(page)
    field.fill("필라테스 60분")
    put_cursor(field, len("필라테스 60분"))
    drop_files(field, [("drop.jpg", "image/jpeg", photo)])
    expect(alt_input(page)).to_be_focused()
    panel_button(page, "설명 없이 넣기")  # empty brackets: publishing asks for them
    assert re.fullmatch(rf"필라테스 60분\n\n!\[\]\({ADDRESS}\)\n\n", field.input_value())
    expect(field).to_be_focused()
    assert len(sent) == 1

    # A text file named .jpg, chosen through the file chooser: the server says why not.
    written = field.input_value()
    notes = b"just some notes, not a photo\n" * 20
    (tmp_path / "notes.jpg").write_bytes(notes)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="사진", exact=True).click()
    chooser.value.set_files(tmp_path / "notes.jpg")
    expect(status(page)).to_have_text(f"notes.jpg: {server_answer(page, 'notes.jpg', notes)}")
    # A file over the limit: said before sending it, in the server's words.
    big = photo + b"\0" * (MAX_BYTES + 1 - len(photo))
    drop_files(field, [("big.jpg", "image/jpeg", big)])
    expect(status(page)).to_contain_text(f"big.jpg: {server_answer(page, 'big.jpg', big)}")
    assert len(sent) == 2  # the photo and the notes: the large file was never sent
    expect(panel(page)).to_have_count(0)
    assert field.input_value() == written


def test_the_panel_is_a_labelled_form_escape_leaves_the_photo_out_and_axe_finds_nothing(
    open_editor, tmp_path
):
    photo = jpeg(tmp_path, "reformer.jpg")
    page = open_editor()
    field = body(page)
    field.fill("오늘은 리포머를 했다.")
    put_cursor(field, 3)
    paste_files(field, [("image.jpg", "image/jpeg", photo)])
    alt = alt_input(page)
    expect(alt).to_be_focused()
    assert alt.get_attribute("required") is not None
    expect(alt).to_have_accessible_description("사진을 볼 수 없는 독자에게 읽어 줄 설명")
    # 넣기 without a description: asked for at the input, nothing inserted.
    panel_button(page, "넣기")
    expect(alt).to_have_attribute("aria-invalid", "true")
    expect(alt).to_be_focused()
    assert field.input_value() == "오늘은 리포머를 했다."
    # The keyboard goes through the panel: caption, then its buttons.
    page.keyboard.press("Tab")
    expect(caption_input(page)).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel(page).get_by_role("button", name="넣기", exact=True)).to_be_focused()

    screenshots(page, "editor-photo-panel", panel(page))
    problems = [
        problem
        for variant in ("phone", "desktop", "phone-dark")
        for problem in check(page, "editor-photo-panel", variant)
    ]
    assert not problems, "\n\n".join(problems)

    page.keyboard.press("Escape")
    expect(panel(page)).to_have_count(0)
    expect(field).to_be_focused()
    assert field.evaluate("f => [f.value, f.selectionStart]") == ["오늘은 리포머를 했다.", 3]


def test_korean_typed_through_an_ime_stays_whole_while_a_photo_arrives_and_is_described(
    open_editor, tmp_path
):
    (tmp_path / "noise.jpg").write_bytes(samples.noisy_jpeg(700, 500))
    page = open_editor()
    slow_uploads(page, 200_000)  # over a second: time to be composing when it arrives
    field = body(page)
    field.click()
    ime = Ime(page)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="사진", exact=True).click()
    chooser.value.set_files(tmp_path / "noise.jpg")
    # A syllable being composed in the text when the upload ends: the panel waits for it.
    field.focus()
    ime.compose("ㅎ", "하")
    with page.expect_response(lambda response: UPLOAD in response.url):
        pass
    page.wait_for_timeout(300)  # time for the script to have acted, had it not waited
    expect(panel(page)).to_have_count(0)
    expect(field).to_be_focused()
    ime.compose("한")
    ime.commit("한")
    expect(alt_input(page)).to_be_focused()
    assert field.input_value() == "한"

    # In the panel: Enter and Escape that end a composition are the IME's, not the panel's.
    ime.compose(*PILATES[0])
    for key, code in (("Enter", 13), ("Escape", 27)):
        event = {"key": key, "code": key, "windowsVirtualKeyCode": code}
        ime.cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **event})
        ime.cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **event})
    expect(panel(page)).to_have_count(1)
    ime.commit(PILATES[0][-1])
    ime.type_word(*PILATES[1:])
    expect(alt_input(page)).to_have_value("필라테스")
    alt_input(page).press("Enter")
    # Where the cursor was when the upload began, before what was typed since.
    assert re.fullmatch(rf"!\[필라테스\]\({ADDRESS}\)\n\n한", field.input_value())


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_the_forms_own_upload_inserts_at_the_end_and_keeps_everything_typed(
    open_editor, tmp_path, javascript
):
    jpeg(tmp_path, "IMG_2041.jpg")
    page = open_editor(javascript=javascript)
    page.get_by_label("제목 (선택)", exact=True).fill("사진 올리기")
    body(page).fill("아침: 그릭요거트\n\n점심: 샐러드")
    page.get_by_label("태그", exact=True).fill("식단, 사진")
    page.locator("input[name='image']").set_input_files(tmp_path / "IMG_2041.jpg")
    page.locator("[name='upload_image']").click()
    page.wait_for_load_state()

    text = body(page).input_value()
    assert re.fullmatch(rf"아침: 그릭요거트\n\n점심: 샐러드\n\n!\[\]\(({ADDRESS})\)\n", text)
    expect(page.get_by_label("제목 (선택)", exact=True)).to_have_value("사진 올리기")
    expect(page.get_by_label("태그", exact=True)).to_have_value("식단, 사진")

    body(page).fill(text.replace("![]", "![그릭요거트와 샐러드]"))
    publish(page)
    assert loaded_photos(page) == [{"alt": "그릭요거트와 샐러드", "caption": None}]


def test_a_photo_whose_commentary_block_was_removed_meanwhile_still_gets_its_panel(
    open_editor, tmp_path
):
    page = open_editor("/commentary/new", viewport=DESKTOP)
    slow_uploads(page, 150_000)
    opinion = page.locator("#edit-block-0").get_by_label("내 생각", exact=True)
    opinion.fill("지우게 될 블록")
    put_cursor(opinion, 0)
    paste_files(opinion, [("slow.jpg", "image/jpeg", samples.noisy_jpeg(700, 500))])
    expect(status(page)).to_have_text(re.compile(r"사진 올리는 중… 1/1"))
    page.locator("#edit-block-0").get_by_role("button", name="삭제", exact=True).click()

    expect(alt_input(page)).to_be_focused()  # in the editor still, not in the removed block
    alt_input(page).fill("기사 사진")
    panel_button(page, "넣기")
    field = page.locator("#edit-block-0").get_by_label("내 생각", exact=True)  # the new block
    assert re.fullmatch(rf"!\[기사 사진\]\({ADDRESS}\)\n\n", field.input_value())
