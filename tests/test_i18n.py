"""Translations: the Korean catalog is complete and current, pages are Korean unless the reader
chooses English, and the messages other tests recognise by their markup are translated."""

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import gettext

from blog.errors import MESSAGES, NOT_SAVED
from blog.forms import TOO_LARGE
from blog.public.views import QUERY_PROBLEMS

CATALOG = Path(__file__).resolve().parent.parent / "blog/translations/ko/LC_MESSAGES"
HANGUL = re.compile("[가-힣]")


def _hashable(value):
    """A message's id or text: a plural's (its forms) comes as a list from the .mo file."""
    return tuple(value) if isinstance(value, list | tuple) else value


def korean_catalog() -> dict[str, str]:
    with open(CATALOG / "messages.po", "rb") as po_file:
        return {_hashable(m.id): _hashable(m.string) for m in read_po(po_file) if m.id}


def test_every_message_has_a_korean_translation():
    with open(CATALOG / "messages.po", "rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_the_lead_is_named_in_words_a_reader_knows():
    """ "리드" is newsroom jargon: the article's opening paragraph is "기사 첫 문단"."""
    catalog = korean_catalog()
    assert catalog["Lead"] == "기사 첫 문단"
    assert not [text for text in catalog.values() if "리드" in text]


def test_compiled_catalog_matches_the_source():
    source = korean_catalog()
    with open(CATALOG / "messages.mo", "rb") as mo_file:
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(mo_file) if m.id}
    assert compiled == source


def test_pages_are_korean_first(client):
    page = client.get("/")
    assert '<html lang="ko">' in page.text
    assert "본문으로 건너뛰기" in page.text
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"


def test_english_is_a_remembered_choice(client):
    response = client.post("/language", data={"lang": "en", "next": "/diary/"})
    assert response.status_code == 303 and response.headers["Location"] == "/diary/"
    page = client.get("/diary/")
    assert '<html lang="en">' in page.text and "No diary entries yet." in page.text


def in_both_languages(app, say) -> tuple[str, str]:
    """What `say()` gives in a request in the default language, then in one asking for English."""
    with app.test_request_context():
        korean = say()
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        english = say()
    return korean, english


# The flash messages the behaviour tests know by their kind (flash--error…), their status and
# where they lead, with example values for their placeholders.
FLASHED = [
    ("Wrong name or password.", {}),
    ("Too many failed attempts. Try again in %(minutes)d minutes.", {"minutes": 5}),
    ("Enter your password again to continue.", {}),
    ("Choose comments and an action.", {}),
    ("Nothing was saved: please fix the marked fields.", {}),
    (
        "Nothing changed: version %(version)d breaks the editor's rules (%(problems)s).",
        {"version": 2, "problems": "title"},
    ),
    (
        "This post is too long: at most %(limit)s characters in all, and it has %(count)s. "
        "Shorten it or split it into two posts.",
        {"limit": "200,000", "count": "200,100"},
    ),
    ("Saved.", {}),
    ("Saved as a draft: only you can see it.", {}),
    ("Saved as private: only you can see it.", {}),
    ("Scheduled: readers will see it from %(time)s.", {"time": "2030. 1. 2. 오전 9:00"}),
    ("Published: readers can see it now.", {}),
]


@pytest.mark.parametrize(("msgid", "values"), FLASHED)
def test_flash_messages_are_korean_by_default_and_english_on_request(app, msgid, values):
    korean, english = in_both_languages(app, lambda: gettext(msgid, **values))
    assert korean == korean_catalog()[msgid] % values
    assert english == msgid % values != korean


# Messages the behaviour tests compare with the code's own (forms.TOO_LARGE…).
NAMED = {
    **{f"TOO_LARGE[{kind!r}]": message for kind, message in TOO_LARGE.items()},
    "NOT_SAVED": NOT_SAVED,
    "MESSAGES[404]": MESSAGES[404],
    **{f"QUERY_PROBLEMS[{key!r}]": message for key, message in QUERY_PROBLEMS.items()},
}


@pytest.mark.parametrize("message", NAMED.values(), ids=NAMED.keys())
def test_named_messages_are_korean_by_default_and_english_on_request(app, message):
    korean, english = in_both_languages(app, lambda: str(message))
    assert HANGUL.search(korean) and not HANGUL.search(english)
