"""The day's numbers on a diary entry: typed in the editor, kept by every save, and private
unless the owner lets readers see them."""

import json
import re
from urllib.parse import unquote

import pytest
from lxml import html

from blog.diary.forms import DiaryForm
from blog.extensions import db
from blog.forms import submitted
from blog.models import DiaryEntry, Revision, Visibility
from blog.posts import schema

from .markup import errors_of, invalid_fields

# Values no other text of these tests has, so that finding one on a page means it leaked.
NUMBERS = dict(weight_kg=63.7, exercise_kind="아쿠아로빅", exercise_minutes=47, meals="연어 포케")
TYPED = {"weight_kg": "63,7", "exercise_kind": "아쿠아로빅", "exercise_minutes": "47"}
TYPED_MEALS = {"meals": "연어 포케\n그릭요거트"}
SHOWN = ("63.7", "아쿠아로빅", "연어 포케")


def entry_form(**overrides):
    data = {"title": "", "body": "필라테스 다녀왔다.", "tags": "", "published_at": ""}
    data.update(overrides)
    return data


def saved_entry(app, location: str) -> DiaryEntry:
    post_id = int(re.match(r"/diary/(\d+)", unquote(location))[1])
    with app.app_context():
        entry = db.session.get(DiaryEntry, post_id)
        db.session.expunge(entry)
        return entry


@pytest.mark.parametrize(
    "typed, weight",
    [
        ("72.5", 72.5),
        ("72,5", 72.5),
        ("７２．５", 72.5),
        (" 72 ", 72.0),
        ("72.50", 72.5),
        ("", None),
    ],
)
def test_a_weight_is_typed_as_people_type_it(app, client, auth, typed, weight):
    auth.login()
    response = client.post("/diary/new", data=entry_form(weight_kg=typed, visibility="private"))
    assert response.status_code == 303
    assert saved_entry(app, response.headers["Location"]).weight_kg == weight


@pytest.mark.parametrize(
    "field, typed",
    [
        ("weight_kg", "19.9"),
        ("weight_kg", "300.1"),
        ("weight_kg", "72.55"),
        ("weight_kg", "칠십"),
        ("weight_kg", "NaN"),
        ("exercise_minutes", "601"),
        ("exercise_minutes", "-1"),
        ("exercise_minutes", "45.5"),
        ("exercise_minutes", "한 시간"),
        ("exercise_kind", "필" * 41),
    ],
)
def test_a_number_out_of_range_is_refused_with_everything_kept(app, client, auth, field, typed):
    auth.login()
    form = entry_form(**TYPED, **TYPED_MEALS, visibility="private")
    form[field] = typed
    response = client.post("/diary/new", data=form)
    assert response.status_code == 400
    assert invalid_fields(response.text) == [field]
    assert errors_of(response.text, field)
    page = html.fromstring(response.text)
    assert page.xpath(f'string(//input[@name="{field}"]/@value)') == typed  # as typed
    assert page.xpath('string(//textarea[@name="body"])').strip() == "필라테스 다녀왔다."
    assert page.xpath('string(//textarea[@name="meals"])').strip() == TYPED_MEALS["meals"]
    assert page.xpath("//details[@id='record']/@open")  # the refusal is not folded away
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DiaryEntry)) == 0


def test_zero_minutes_is_a_number_and_blank_is_none(app, client, auth):
    auth.login()
    saved = client.post(
        "/diary/new", data=entry_form(exercise_minutes="0", weight_kg="", visibility="private")
    )
    entry = saved_entry(app, saved.headers["Location"])
    assert (entry.exercise_minutes, entry.weight_kg) == (0, None)


def test_a_weigh_in_alone_is_an_entry_but_nothing_at_all_is_not(app, client, auth):
    auth.login()
    weigh_in = client.post(
        "/diary/new", data=entry_form(body="", weight_kg="63.7", visibility="private")
    )
    assert weigh_in.status_code == 303
    entry = saved_entry(app, weigh_in.headers["Location"])
    assert (entry.body, entry.weight_kg, entry.state) == ("", 63.7, "private")
    for visibility in ("private", "public"):
        nothing = client.post("/diary/new", data=entry_form(body="  ", visibility=visibility))
        assert nothing.status_code == 400
        assert invalid_fields(nothing.text) == ["body"]
        assert len(errors_of(nothing.text, "body")) == 1  # said once, not twice


def test_numbers_alone_are_published_only_when_readers_may_see_them(app, client, auth):
    auth.login()
    hidden = client.post(
        "/diary/new", data=entry_form(body="", weight_kg="63.7", visibility="public")
    )
    assert hidden.status_code == 400  # readers would find an empty page
    assert invalid_fields(hidden.text) == ["body"]
    shown = client.post(
        "/diary/new",
        data=entry_form(body="", weight_kg="63.7", metrics_public="y", visibility="public"),
    )
    assert shown.status_code == 303
    auth.logout()
    assert "63.7" in client.get(shown.headers["Location"]).text


def test_the_record_part_is_folded_until_wanted(app, client, auth, make_entry):
    auth.login()
    new = html.fromstring(client.get("/diary/new").text)
    assert new.xpath("//details[@id='record']") and not new.xpath("//details[@id='record']/@open")
    recording = html.fromstring(client.get("/diary/new?record").text)
    assert recording.xpath("//details[@id='record']/@open")
    entry_id = make_entry(**NUMBERS)
    editing = html.fromstring(client.get(f"/diary/{entry_id}/edit").text)
    assert editing.xpath("//details[@id='record']/@open")
    assert editing.xpath('string(//input[@name="weight_kg"]/@value)') == "63.7"
    assert editing.xpath('string(//input[@name="exercise_minutes"]/@value)') == "47"


def test_the_editor_suggests_the_exercise_written_before(app, client, auth, make_entry):
    make_entry(exercise_kind="아쿠아로빅", visibility=Visibility.PRIVATE)
    auth.login()
    page = html.fromstring(client.get("/diary/new").text)
    [field] = page.xpath('//input[@name="exercise_kind"]')
    suggestions = page.xpath(f'//datalist[@id="{field.get("list")}"]/option/@value')
    assert suggestions[0] == "아쿠아로빅" and len(suggestions) == len(set(suggestions)) > 1


def reader_pages(client, entry_url: str) -> dict[str, str]:
    """Every public page a number of this entry could leak to."""
    pages = {
        address: client.get(address).text
        for address in (
            entry_url,
            "/",
            "/diary/",
            "/feed.xml",
            "/diary/feed.xml",
            "/sitemap.xml",
            "/archive/",
            "/tags/필라테스",
        )
    }
    for word in ("아쿠아로빅", "연어", "63.7"):
        pages[f"search {word}"] = found_by_search(client, word)
    return pages


def found_by_search(client, word: str) -> str:
    """The results of a search (without the words searched for, which the page repeats)."""
    page = html.fromstring(client.get("/search", query_string={"q": word}).text)
    return " ".join(result.text_content() for result in page.find_class("search-result"))


def test_numbers_on_a_public_entry_are_the_owners_alone(app, client, auth, make_entry):
    entry_id = make_entry(body="필라테스 다녀왔다.", tags=["필라테스"], **NUMBERS)
    entry_url = client.get(f"/diary/{entry_id}").headers["Location"]
    for address, page in reader_pages(client, entry_url).items():
        assert not [value for value in SHOWN if value in page], address
    structured = html.fromstring(client.get(entry_url).text).xpath(
        '//script[@type="application/ld+json"]/text()'
    )
    assert not [value for value in SHOWN if value in json.dumps(structured, ensure_ascii=False)]
    auth.login()
    owners = client.get(entry_url).text
    assert all(value in owners for value in SHOWN)
    assert "47" in owners and "63.7" in client.get("/diary/").text
    # Not even the owner's search finds them: they are numbers of a day, not words of a post.
    assert not found_by_search(client, "아쿠아로빅")


def test_readers_see_the_numbers_the_owner_lets_them_see(app, client, make_entry):
    entry_id = make_entry(body="필라테스 다녀왔다.", metrics_public=True, **NUMBERS)
    entry_url = client.get(f"/diary/{entry_id}").headers["Location"]
    page = client.get(entry_url).text
    assert all(value in page for value in SHOWN)
    assert "63.7" in client.get("/diary/").text
    # Still a page's and a list's only: feeds, search and structured data carry text.
    for address in ("/feed.xml", "/diary/feed.xml"):
        assert "아쿠아로빅" not in client.get(address).text, address
    assert not found_by_search(client, "아쿠아로빅")


def test_every_save_keeps_the_numbers_and_a_version_brings_them_back(app, client, auth):
    auth.login()
    location = client.post("/diary/new", data=entry_form(**TYPED, visibility="private")).headers[
        "Location"
    ]
    entry = saved_entry(app, location)
    edited = entry_form(weight_kg="62.9", exercise_kind="", exercise_minutes="", version="1")
    assert client.post(f"/diary/{entry.id}/edit", data=edited).status_code == 303
    with app.app_context():
        first, second = db.session.scalars(
            db.select(Revision).where(Revision.post_id == entry.id).order_by(Revision.version)
        )
        assert (first.data["weight_kg"], first.data["exercise_minutes"]) == (63.7, 47)
        assert (second.data["weight_kg"], second.data["exercise_kind"]) == (62.9, "")
        first_id = first.id
    compared = client.get(f"/admin/posts/{entry.id}/revisions").text
    assert re.search(r'diff__line--removed">.*</span>[^<:]+: 63\.7</li>', compared)
    assert re.search(r'diff__line--added">.*</span>[^<:]+: 62\.9</li>', compared)
    assert client.post(f"/admin/posts/{entry.id}/revisions/{first_id}/restore").status_code == 303
    restored = saved_entry(app, location)
    assert (restored.weight_kg, restored.exercise_kind, restored.exercise_minutes) == (
        63.7,
        "아쿠아로빅",
        47,
    )


def test_a_version_kept_before_the_numbers_existed_compares_as_it_did(app, make_entry):
    entry_id = make_entry(body="옛 글")
    with app.app_context():
        data = db.session.get(DiaryEntry, entry_id).revisions[0].data
        older = {key: value for key, value in data.items() if key not in dict(NUMBERS)}
        older.pop("metrics_public")
        assert schema.lines(older) == schema.lines(data)


def test_post_data_goes_through_the_editor_and_back(app):
    data = {
        "kind": "diary",
        "title": "",
        "body": "",
        "weight_kg": 63.7,
        "exercise_kind": "아쿠아로빅",
        "exercise_minutes": 0,
        "meals": "연어 포케",
        "metrics_public": True,
        "tags": [],
        "visibility": "private",
        "published_at": None,
    }
    with app.test_request_context():
        checked = submitted(DiaryForm, DiaryForm.formdata_for(data))
        assert checked.errors == {}
        assert checked.cleaned() == data
