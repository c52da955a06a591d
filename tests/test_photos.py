"""Photos: processing an upload (Pillow), storing and serving its variants, the editor's upload
without JavaScript and the script's upload endpoint, the renderer's <picture>, and which posts
use which photo."""

import io
import json
import re
import time
from datetime import timedelta

import pytest
from lxml import etree, html
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from blog.extensions import db
from blog.media import processing
from blog.media.library import too_large_message
from blog.media.names import PhotoName, photos_in
from blog.media.store import media_store
from blog.models import DiaryEntry, Photo, PostPhoto
from blog.posts import saving

from . import photos as samples
from .markup import errors_of, flash_texts


def said(app, message) -> str:
    """A message as a reader of the default (Korean) interface gets it."""
    with app.test_request_context():
        return str(message)


def upload(client, data: bytes, filename="IMG_2041.JPG", **fields):
    return client.post(
        "/admin/photos",
        data={"image": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def uploaded(client, data: bytes) -> PhotoName:
    response = upload(client, data)
    assert response.status_code == 201, response.get_json()
    return PhotoName.from_address(response.get_json()["address"])


def fetch(client, address: str, **options):
    """GET `address`, its body read and the file behind it closed."""
    response = client.get(address, **options)
    response.get_data()
    response.close()
    return response


def served_files(client, photo: PhotoName) -> dict[str, bytes]:
    files = {}
    for width in photo.widths():
        for format in ("webp", "jpg"):
            response = fetch(client, photo.variant(width, format))
            assert response.status_code == 200
            files[f"{width}.{format}"] = response.data
    return files


# --- what readers get -------------------------------------------------------------------------


def test_served_files_carry_no_exif_gps_or_serial_and_stand_upright(client, auth):
    auth.login()
    photo = uploaded(client, samples.phone_jpeg(4032, 3024, orientation=6))
    # Stored sideways, turned upright: taller than wide.
    assert (photo.width, photo.height) == (3024, 4032)
    assert photo.widths() == [480, 960, 1600]
    auth.logout()
    for name, data in served_files(client, photo).items():
        image = samples.served_image(data)
        assert not image.getexif(), name
        assert "exif" not in image.info and "xmp" not in image.info, name
        assert samples.SECRET_SERIAL.encode() not in data and b"PhoneMaker" not in data, name
        assert b"Exif\x00\x00" not in data and b"http://ns.adobe.com/xap" not in data, name
        width = int(name.split(".")[0])
        assert image.size == (width, photo.height_at(width)), name
        # The black mark of the stored top-left corner is now top-right.
        rgb = image.convert("RGB")
        assert max(rgb.getpixel((image.width - 3, 3))) < 60, name
        assert min(rgb.getpixel((3, 3))) > 50, name
    assert samples.served_image(fetch(client, photo.address).data).size == (1600, 2133)


def test_served_names_are_content_hashes_never_the_file_name(client, auth):
    auth.login()
    response = upload(client, samples.phone_jpeg(), filename="김민지_2026-12-01_집.jpg")
    address = response.get_json()["address"]
    assert "김민지" not in address and "2026" not in address
    assert re.fullmatch(r"/media/[0-9a-f]{32}-3024x4032\.jpg", address)


def test_the_same_photo_uploaded_twice_is_one_photo(client, auth, app):
    auth.login()
    data = samples.phone_jpeg()
    assert uploaded(client, data) == uploaded(client, data)
    with app.app_context():
        assert db.session.query(Photo).count() == 1


def test_media_answers_with_type_nosniff_immutable_caching_and_304(client, auth):
    auth.login()
    photo = uploaded(client, samples.png(1200, 800))
    auth.logout()
    webp = fetch(client, photo.variant(960, "webp"))
    assert webp.mimetype == "image/webp"
    assert webp.headers["X-Content-Type-Options"] == "nosniff"
    cache = webp.headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
    assert "Set-Cookie" not in webp.headers
    again = fetch(
        client, photo.variant(960, "webp"), headers={"If-None-Match": webp.headers["ETag"]}
    )
    assert again.status_code == 304
    assert fetch(client, photo.variant(960, "jpg")).mimetype == "image/jpeg"


def test_originals_and_unknown_names_are_not_served(client, auth, app):
    auth.login()
    photo = uploaded(client, samples.phone_jpeg())
    with app.app_context():
        assert any(name.startswith("originals/") for name in media_store().names())
    for address in (
        f"/media/originals/{photo.digest}.jpg",
        f"/media/originals%2F{photo.digest}.jpg",
        f"/media/{photo.digest}.jpg",
        f"/media/{photo.digest}-2000.jpg",  # a width it was not made in
        f"/media/{'0' * 32}-480.jpg",
        "/media/../instance/config.py",
    ):
        assert fetch(client, address).status_code == 404, address


# --- what the owner may upload ----------------------------------------------------------------

BAD_FILES = {
    "text named .jpg": (b"just some notes, not a photo\n" * 20, processing.NOT_AN_IMAGE),
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        processing.SVG,
    ),
    "svg without a prolog": (b"<svg onload=alert(1)></svg>", processing.SVG),
    "animated gif": (samples.animated_gif(), processing.ANIMATED),
    "truncated jpeg": (samples.noisy_jpeg()[:-20_000], processing.DAMAGED),
    "empty file": (b"", processing.NOT_AN_IMAGE),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_file_that_is_no_photo_is_refused_with_what_it_is(client, auth, app, kind):
    data, message = BAD_FILES[kind]
    auth.login()
    response = upload(client, data, filename="photo.jpg")
    assert response.status_code == 400
    assert response.get_json()["error"] == said(app, message)
    with app.app_context():
        assert db.session.query(Photo).count() == 0
        assert list(media_store().names()) == []


def test_a_decompression_bomb_is_refused_before_decoding(client, auth, app):
    bomb = samples.decompression_bomb(30_000)
    assert len(bomb) < 2000
    auth.login()
    started = time.perf_counter()
    response = upload(client, bomb, filename="bomb.png")
    assert time.perf_counter() - started < 1
    assert response.status_code == 400
    assert (
        "50 megapixels" in response.get_json()["error"] or "50메가" in response.get_json()["error"]
    )


def test_more_pixels_than_the_setting_are_refused(client, auth, app):
    app.config["MEDIA_MAX_PIXELS"] = 1_000_000
    auth.login()
    response = upload(client, samples.png(1200, 900))
    assert response.status_code == 400
    assert response.get_json()["error"] == said(app, processing.too_many_pixels(1_000_000))


@pytest.mark.parametrize(
    "make",
    [
        samples.cmyk_jpeg,
        lambda: samples.png(mode="I;16"),
        lambda: samples.png(mode="RGBA"),
        samples.heic,
    ],
    ids=["cmyk", "16-bit grey", "transparent png", "heic"],
)
def test_cmyk_16_bit_transparent_and_heic_are_converted(client, auth, make):
    auth.login()
    photo = uploaded(client, make())
    for name, data in served_files(client, photo).items():
        assert samples.served_image(data).mode == "RGB", name


def test_16_bit_grey_is_scaled_not_clipped_to_white(client, auth):
    auth.login()
    photo = uploaded(client, samples.png(400, 300, mode="I;16"))  # 40000 of 65535: 61 %
    value = samples.served_image(fetch(client, photo.variant(400, "jpg")).data).getpixel((10, 10))
    assert 140 < value[0] < 170


def test_a_file_over_the_limit_is_a_413_that_says_the_limit(client, auth, app):
    app.config["MEDIA_MAX_BYTES"] = 50_000
    auth.login()
    response = upload(client, samples.phone_jpeg(4032, 3024) + b"\0" * 60_000)
    assert response.status_code == 413
    assert response.get_json()["error"] == said(app, too_large_message(50_000))


def test_only_the_owner_uploads(client, app):
    response = upload(client, samples.png())
    assert response.status_code in (302, 401)
    with app.app_context():
        assert db.session.query(Photo).count() == 0


# --- the editor without JavaScript ------------------------------------------------------------


def textarea(page, name: str) -> str:
    """A text area's text as a browser reads it (the newline after <textarea> is not text)."""
    text = page.xpath(f"string(//textarea[@name='{name}'])")
    return text[1:] if text.startswith("\n") else text


def editor_upload(client, path, files, **fields):
    data = {"title": "", "body": "오늘 필라테스.", "tags": "필라테스", "published_at": ""}
    data.update(fields)
    data["image"] = [(io.BytesIO(content), name) for name, content in files]
    data["upload_image"] = "사진 올리기"
    return client.post(
        path,
        data=data,
        content_type="multipart/form-data",
        headers={"Sec-Fetch-Site": "same-origin"},  # as the browser says of its own page's form
    )


def test_the_editor_uploads_without_javascript_and_keeps_everything_typed(client, auth, app):
    auth.login()
    response = editor_upload(
        client,
        "/diary/new",
        [("a.jpg", samples.phone_jpeg()), ("b.png", samples.png())],
        title="첫 사진 일기",
        body="아침: 그릭요거트\n점심: 샐러드",
    )
    assert response.status_code == 200
    page = html.fromstring(response.data)
    assert page.xpath("string(//input[@name='title']/@value)") == "첫 사진 일기"
    body = textarea(page, "body")
    assert body.startswith("아침: 그릭요거트\n점심: 샐러드\n\n![](/media/")
    assert len(photos_in(body)) == 2
    assert page.xpath("string(//input[@name='tags']/@value)") == "필라테스"
    # Said, but not as a save: the browser's copy of the text (autosave.js) stays.
    assert any("2" in text for text in flash_texts(response.get_data(as_text=True), "success"))
    assert "data-autosave-saved" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(DiaryEntry).count() == 0  # nothing saved: only the photos


def test_the_commentary_editor_inserts_photos_into_the_summary(client, auth):
    auth.login()
    response = editor_upload(
        client,
        "/commentary/new",
        [("c.jpg", samples.phone_jpeg(1000, 800, orientation=1))],
        headline="Microsoft, Meta CEOs defend hefty AI spending",
        summary="투자가 계속된다.",
        **{"blocks-0-quote": "For AI right now", "blocks-0-translation": "지금 AI에는"},
    )
    assert response.status_code == 200
    page = html.fromstring(response.data)
    assert "![](/media/" in textarea(page, "summary")
    assert textarea(page, "blocks-0-quote") == "For AI right now"


def test_a_refused_file_in_the_editor_is_named_at_the_field_with_the_text_kept(client, auth, app):
    auth.login()
    response = editor_upload(client, "/diary/new", [("notes.jpg", b"not a photo")], body="남길 글")
    assert response.status_code == 400
    page = html.fromstring(response.data)
    assert textarea(page, "body") == "남길 글"
    assert errors_of(response.get_data(as_text=True), "image") == [
        f"notes.jpg: {said(app, processing.NOT_AN_IMAGE)}"
    ]


def test_a_too_large_file_in_the_editor_answers_413_with_the_text_kept(client, auth, app):
    app.config["MEDIA_MAX_BYTES"] = 50_000
    auth.login()
    big = samples.phone_jpeg() + b"\0" * 60_000
    response = editor_upload(client, "/diary/new", [("big.jpg", big)], body="긴 글을 썼다")
    assert response.status_code == 413
    assert textarea(html.fromstring(response.data), "body") == "긴 글을 썼다"


@pytest.mark.parametrize("path", ["/diary/new", "/commentary/new"])
def test_the_editors_script_is_told_where_to_upload_and_the_limit_as_the_server_says_it(
    client, auth, app, path
):
    app.config["MEDIA_MAX_BYTES"] = 50_000
    auth.login()
    page = html.fromstring(client.get(path).data)
    (panel,) = page.xpath("//form[@data-autosave]//template[@data-photo-panel]")
    assert panel.get("data-upload-url") == "/admin/photos"
    assert panel.get("data-max-bytes") == "50000"
    # photo-upload.js refuses a file over the limit before sending it, in the server's words.
    refused = upload(client, samples.phone_jpeg() + b"\0" * 60_000)
    assert panel.get("data-too-large") == refused.get_json()["error"]
    scripts = [src.split("?")[0].rsplit("/", 1)[-1] for src in page.xpath("//script/@src")]
    assert scripts.index("photo-upload.js") > scripts.index("markdown-toolbar.js")


def test_publishing_asks_each_photo_to_say_what_it_shows(client, auth):
    auth.login()
    address = uploaded(client, samples.png()).address
    form = {"title": "", "body": f"필라테스\n\n![]({address})", "tags": "", "published_at": ""}
    refused = client.post("/diary/new", data={**form, "visibility": "public"})
    assert refused.status_code == 400
    assert errors_of(refused.get_data(as_text=True), "body")
    draft = client.post("/diary/new", data=form)  # a draft may wait for it
    assert draft.status_code == 303
    described = form | {"body": f"필라테스\n\n![리포머 위의 나]({address})", "visibility": "public"}
    assert client.post("/diary/new", data=described).status_code == 303


# --- the page ---------------------------------------------------------------------------------


def test_a_post_shows_its_photo_as_a_responsive_picture(client, auth, make_entry, app):
    auth.login()
    photo = uploaded(client, samples.phone_jpeg())
    later = uploaded(client, samples.png(2000, 1000))
    entry_id = make_entry(
        body=f'![체중계 위의 숫자]({photo.address} "새 체중계")\n\n충격적인 몸무게.\n\n'
        f"![창밖]({later.address})"
    )
    auth.logout()
    with app.app_context():
        path = f"/diary/{entry_id}-{db.session.get(DiaryEntry, entry_id).slug}"
    page = html.fromstring(client.get(path).data)
    first, second = page.xpath("//article//figure[@class='photo']")
    source = first.xpath(".//source")[0]
    assert source.get("type") == "image/webp"
    assert source.get("srcset") == photo.srcset("webp")
    image = first.xpath(".//img")[0]
    assert image.get("srcset") == photo.srcset("jpg")
    assert (image.get("width"), image.get("height")) == ("1600", "2133")
    assert image.get("alt") == "체중계 위의 숫자"
    assert image.get("loading") == "eager"  # it opens the entry: on the first screen
    assert first.xpath("string(.//figcaption)") == "새 체중계"
    assert first.xpath("string(./a/@href)") == photo.variant(1600, "jpg")
    later_image = second.xpath(".//img")[0]
    assert later_image.get("loading") == "lazy" and later_image.get("decoding") == "async"


def test_search_finds_a_photo_by_its_alt_text_and_caption(client, auth, make_entry):
    auth.login()
    photo = uploaded(client, samples.png())
    make_entry(title="주말", body=f'산책했다.\n\n![한강 노을]({photo.address} "반포대교에서")')
    auth.logout()
    for word in ("노을", "반포대교에서"):
        page = html.fromstring(client.get(f"/search?q={word}").data)
        assert page.xpath("//*[contains(@class,'search-result')]//a[contains(., '주말')]"), word
        snippet = page.xpath("string(//*[contains(@class,'search-result__snippet')])")
        assert "/media/" not in snippet, word


# --- which posts use which photo --------------------------------------------------------------


def test_a_photo_no_post_shows_is_unused_and_goes_after_the_trash_days(client, auth, app, clock):
    auth.login()
    photo = uploaded(client, samples.png())
    with app.app_context():
        entry = DiaryEntry(body=f"![창밖]({photo.address})")
        saving.save(entry)
        db.session.commit()
        stored = db.session.scalar(db.select(Photo))
        assert stored.unused_since is None and stored.last_post_id == entry.id
        assert entry.cover_photo == photo.key
        entry.body = "사진은 뺐다."
        saving.save(entry)
        db.session.commit()
        assert db.session.scalar(db.select(Photo)).unused_since is not None
        assert entry.cover_photo == ""
        assert db.session.query(PostPhoto).count() == 0
    clock.shift(timedelta(days=saving.TRASH_DAYS - 1))
    with app.app_context():
        saving.empty_old_trash()
        db.session.commit()
        assert db.session.query(Photo).count() == 1
    clock.shift(timedelta(days=2))
    with app.app_context():
        saving.empty_old_trash()
        db.session.commit()
        assert db.session.query(Photo).count() == 0
        assert list(media_store().names()) == []
    assert fetch(client, photo.variant(480, "jpg")).status_code == 404


def test_a_trashed_post_keeps_its_photos_in_use(client, auth, app, clock):
    auth.login()
    photo = uploaded(client, samples.png())
    with app.app_context():
        entry = DiaryEntry(body=f"![창밖]({photo.address})")
        saving.save(entry)
        saving.trash(entry)
        db.session.commit()
    clock.shift(timedelta(days=saving.TRASH_DAYS + 1))
    with app.app_context():
        saving.empty_old_trash()  # the post goes now: its photo starts its own 30 days
        db.session.commit()
        assert db.session.query(DiaryEntry).count() == 0
        assert db.session.scalar(db.select(Photo)).unused_since is not None


def test_a_rolled_back_removal_keeps_the_files(client, auth, app, clock):
    auth.login()
    photo = uploaded(client, samples.png())
    clock.shift(timedelta(days=saving.TRASH_DAYS + 1))
    with app.app_context():
        saving.empty_old_trash()
        db.session.rollback()
        assert len(list(media_store().names())) == 1 + 2 * len(photo.widths())


def test_a_body_too_large_to_read_keeps_what_was_typed_above_the_photos(client, auth, app):
    app.config.update(MEDIA_MAX_BYTES=50_000, MEDIA_MAX_FILES_PER_UPLOAD=1)
    auth.login()
    huge = b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 100_000)
    # Encoded here, in memory: the test client would spool so large a body to a file it
    # never closes when the app refuses to read it.
    boundary, body = encode_multipart(
        {
            "title": "",
            "body": "사라지면 안 되는 글",
            "image": FileStorage(io.BytesIO(huge), "huge.jpg"),
            "upload_image": "사진 올리기",
        }
    )
    response = client.post(
        "/diary/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 413
    assert "사라지면 안 되는 글" in response.get_data(as_text=True)


# --- lists, sharing and feeds -----------------------------------------------------------------


def published_with_photo(client, auth, make_entry, app) -> tuple[PhotoName, str]:
    auth.login()
    photo = uploaded(client, samples.phone_jpeg())
    entry_id = make_entry(
        title="새 체중계", body=f"충격적인 몸무게.\n\n![체중계 위의 숫자]({photo.address})"
    )
    auth.logout()
    with app.app_context():
        return photo, f"/diary/{entry_id}-{db.session.get(DiaryEntry, entry_id).slug}"


def test_a_list_shows_a_posts_first_photo_as_its_thumbnail(client, auth, make_entry, app):
    photo, _ = published_with_photo(client, auth, make_entry, app)
    make_entry(title="사진 없는 일기", body="글만 있다.")
    for path in ("/", "/diary/"):
        page = html.fromstring(client.get(path).data)
        with_photo = page.xpath("//article[contains(@class,'card')][.//a[.='새 체중계']]")[0]
        image = with_photo.xpath(".//picture[@class='card__photo']//img")[0]
        assert image.get("src") == photo.variant(480, "jpg") and image.get("alt") == ""
        source = with_photo.xpath(".//picture/source")[0]
        assert source.get("srcset") == photo.variant(480, "webp")
        without = page.xpath("//article[contains(@class,'card')][.//a[.='사진 없는 일기']]")[0]
        assert not without.xpath(".//picture")


def test_a_post_with_a_photo_is_shared_with_it(client, auth, make_entry, app):
    photo, path = published_with_photo(client, auth, make_entry, app)
    page = html.fromstring(client.get(path).data)
    assert page.xpath("string(//meta[@property='og:image']/@content)") == (
        f"http://localhost{photo.variant(1600, 'jpg')}"
    )
    assert page.xpath("string(//meta[@property='og:image:height']/@content)") == "2133"
    assert page.xpath("string(//meta[@name='twitter:card']/@content)") == "summary_large_image"
    posting = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))
    assert posting["image"]["url"] == f"http://localhost{photo.variant(1600, 'jpg')}"
    home = html.fromstring(client.get("/").data)
    assert not home.xpath("//meta[@property='og:image']")


def test_feeds_carry_photos_with_absolute_addresses(client, auth, make_entry, app):
    photo, _ = published_with_photo(client, auth, make_entry, app)
    feed = client.get("/diary/feed.xml").data
    content = html.fromstring(
        etree.fromstring(feed).findtext(".//{http://www.w3.org/2005/Atom}content")
    )
    image = content.xpath("//img")[0]
    assert image.get("src") == f"http://localhost{photo.variant(960, 'jpg')}"
    assert all(
        candidate.strip().startswith("http://localhost/media/")
        for candidate in image.get("srcset").split(",")
    )
    assert content.xpath("string(//source/@srcset)").startswith("http://localhost/media/")
    assert content.xpath("string(//a/@href)") == f"http://localhost{photo.variant(1600, 'jpg')}"


def test_an_upload_without_the_forms_csrf_token_is_refused(client, auth, app):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    # From another site, or not a browser: a plain 403; from the site's own page: a 400.
    assert upload(client, samples.png()).status_code == 403
    refused = client.post(
        "/admin/photos",
        data={"image": (io.BytesIO(samples.png()), "a.png")},
        content_type="multipart/form-data",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.query(Photo).count() == 0
    editor = html.fromstring(client.get("/diary/new").data)
    token = editor.xpath("string(//input[@name='csrf_token']/@value)")
    accepted = client.post(
        "/admin/photos",
        data={"image": (io.BytesIO(samples.png()), "a.png")},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201
