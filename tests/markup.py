"""A page read by its markup (flash kinds, fields marked invalid, their errors, the numbers it
shows), so that a test checks what happened rather than the wording of a translation."""

import re

from lxml import html


def _elements(page: str, xpath: str) -> list:
    return html.fromstring(page).xpath(xpath)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def texts_of(page: str, class_name: str) -> list[str]:
    """What each element of this class says, in page order."""
    return [_text(element) for element in _elements(page, f"//*[{_has_class(class_name)}]")]


def text_of(page: str, element_id: str) -> str | None:
    """What the element with this id says; None when the page has no such element."""
    found = _elements(page, f'//*[@id="{element_id}"]')
    return _text(found[0]) if found else None


def flashes(page: str) -> list[str]:
    """The kind of each flash message on the page, in page order ("error", "success", …)."""
    return [
        next(word.removeprefix("flash--") for word in p.get("class").split() if "--" in word)
        for p in _elements(page, f"//*[{_has_class('flash')}]")
    ]


def flash_texts(page: str, kind: str | None = None) -> list[str]:
    """What each flash message (of one kind, if given) on the page says, in page order."""
    return [
        text
        for text, its_kind in zip(texts_of(page, "flash"), flashes(page), strict=True)
        if kind in (None, its_kind)
    ]


def invalid_fields(page: str) -> list[str]:
    """The ids of the fields marked aria-invalid, in page order."""
    return [element.get("id") for element in _elements(page, '//*[@aria-invalid="true"]')]


def errors_of(page: str, field_id: str) -> list[str]:
    """The error messages shown for one field (its `<id>-errors` list); [] when there are none."""
    return [_text(item) for item in _elements(page, f'//*[@id="{field_id}-errors"]/li')]


def chosen(page: str, select_name: str) -> list[str]:
    """The values selected in the <select> of this name."""
    options = _elements(page, f'//select[@name="{select_name}"]/option[@selected]')
    return [option.get("value") for option in options]


def number_in(text: str) -> int:
    """The one number in a piece of text ("댓글 3개" → 3), whatever the words around it."""
    [number] = re.findall(r"\d[\d,]*", text)
    return int(number.replace(",", ""))


def shown(app, message) -> str:
    """A message of the code (a lazy string) as a page in the site's default language says it,
    spaced as the readers above give it."""
    with app.app_context():
        return " ".join(str(message).split())


def _editor_form(page: str):
    [form] = _elements(page, "//form[@data-autosave]")
    return form


def editor_buttons(page: str) -> list[tuple[str, str]]:
    """(name, value) of each submit button of the post editor, in page order."""
    return [
        (button.get("name"), button.get("value"))
        for button in _editor_form(page).xpath(".//button[@name] | .//input[@type='submit']")
    ]


def editor_button(page: str, name: str, value: str):
    """The editor's one button that posts `name=value` (an lxml element)."""
    [button] = _editor_form(page).xpath(f".//button[@name='{name}' and @value='{value}']")
    return button


def editor_sends_unpressed(page: str) -> dict[str, str]:
    """What the post editor sends as loaded, before any of its buttons says more."""
    return dict(_editor_form(page).form_values())
