"""Translations: the Korean catalog is complete and its compiled form is current."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parent.parent / "blog/translations/ko/LC_MESSAGES"


def test_every_message_has_a_korean_translation():
    with open(CATALOG / "messages.po", "rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_compiled_catalog_matches_the_source():
    with open(CATALOG / "messages.po", "rb") as po_file:
        source = {m.id: m.string for m in read_po(po_file) if m.id}
    with open(CATALOG / "messages.mo", "rb") as mo_file:
        compiled = {m.id: m.string for m in read_mo(mo_file) if m.id}
    assert compiled == source
