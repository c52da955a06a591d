"""Forms shared by the sections: the editor base with its fields, and the comment form."""

import re
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    FieldList,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from .comments.spam import clean_comment_body, clean_display_name, imitates_owner
from .comments.timer import form_token, timer_needs_renewal
from .media.library import too_large_message
from .media.names import PhotoName, photos_without_alt
from .models import Post, Visibility, tag_key, utcnow
from .posts import schema
from .rendering import (
    MAX_HTML,
    RenderBudget,
    TooLargeToRender,
    check_markdown,
    clean_text,
    find_links,
)
from .site_time import FIRST_YEAR, LAST_YEAR, from_site_time, to_site_time

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
# Commas in every width a Korean keyboard or IME may produce.
_TAG_SEPARATORS = re.compile(r"[,，、]")


def submitted(form_class, formdata: dict[str, str]):
    """`form_class` filled and validated as though `formdata` had been posted from its page:
    data from elsewhere (an import, a stored revision) meets exactly the rules typed data
    meets. No CSRF token: it comes from a file or the database, not from a browser."""
    form = form_class(formdata=MultiDict(formdata), meta={"csrf": False})
    form.validate()
    return form


def form_problems(form) -> list[str]:
    """Each error of a validated form as "Label: message" (a block's with its number)."""
    problems = []
    for field in form:
        if isinstance(field, FieldList):
            problems += [f"{field.label.text}: {e}" for e in field.errors if isinstance(e, str)]
            for number, entry in enumerate(field, start=1):
                problems += [f"{p} ({number})" for p in form_problems(entry.form)]
        else:
            problems += [f"{field.label.text}: {error}" for error in field.errors]
    return problems


def text_value(data: dict, key: str) -> str:
    """`data[key]` as a form would receive it: text, with null or nothing as blank; anything
    else (a number, a list) is no value a person could have typed."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def within_site_years(form, field) -> None:
    """A local time in those years that also has a UTC time (late on 31 December 9999 west of
    Greenwich is already the year 10000 there, which a datetime cannot hold)."""
    if field.data is None:
        return
    try:
        from_site_time(field.data)
        fits = FIRST_YEAR <= field.data.year <= LAST_YEAR
    except OverflowError:
        fits = False
    if not fits:
        raise ValidationError(
            _l(
                "Choose a time between the years %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


class TagListField(Field):
    """Comma-separated tags in, a list of distinct names out; `#` prefixes are dropped."""

    widget = TextInput()

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist):
        names: dict[str, str] = {}
        for raw in _TAG_SEPARATORS.split(clean_text(valuelist[0]) if valuelist else ""):
            name = " ".join(raw.strip().lstrip("#").split())
            if name:
                names.setdefault(tag_key(name), name)
        self.data = list(names.values())

    def pre_validate(self, form):
        if len(self.data or []) > MAX_TAGS:
            raise ValidationError(_l("Use at most %(count)d tags.", count=MAX_TAGS))
        if any(len(name) > MAX_TAG_LENGTH for name in self.data or []):
            raise ValidationError(
                _l("A tag may have at most %(count)d characters.", count=MAX_TAG_LENGTH)
            )


PUBLICATION_TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends
VISIBILITY_VALUES = {visibility.value for visibility in Visibility}


class VisibilityField(Field):
    """The visibility a save asks for: `draft`, `private` or `public`, or nothing, which
    keeps what the post is (a new post is a draft). The editor has no input for it: its
    발행 and 비공개 저장 buttons send it, and 임시 저장 sends none, so a form sent any other
    way (Enter in a field, a script, a restored tab) never publishes by accident."""

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form):
        if self.data is not None and self.data not in VISIBILITY_VALUES:
            raise ValidationError(_l("Choose draft, private or public."))


# The render_kw of a field written in Markdown: the editor's toolbar (static/js/
# markdown-toolbar.js) works in the fields so marked.
MARKDOWN_FIELD = {"data-markdown": True}


PHOTO_WITHOUT_ALT = _l(
    "Say what each photo shows before publishing: write it between the brackets, as in "
    "![the reformer at my pilates studio](/media/…). Readers who cannot see photos hear it."
)


TOO_LARGE = {
    "steps": _l(
        "This text makes too large a page: with the rest of this post it has too much "
        "formatting (table cells, list items, links…) to build. Use smaller tables or split "
        "the post."
    ),
    "html": _l(
        "This text makes too large a page: with the rest of this post it would be more than "
        "%(count)s characters of HTML. Shorten it or split the post.",
        count=f"{MAX_HTML:,}",
    ),
}


class PostForm(FlaskForm):
    """What every editor has: tags, visibility, publication time, buttons, the loaded version.
    Each section's form adds the fields of its post type's shape (posts.schema), named as the
    shape says; loading, cleaning and applying follow from the shape."""

    shape: schema.Shape

    tags = TagListField(_l("Tags"), description=_l("Separate tags with commas."))
    visibility = VisibilityField(_l("Visibility"))
    published_at = DateTimeLocalField(
        _l("Publication time"),
        format=PUBLICATION_TIME_FORMAT,
        validators=[Optional(), within_site_years],
        description=_l("When you publish: blank means now; a future time schedules the post."),
    )
    version = HiddenField()
    preview = SubmitField(_l("Preview"))
    # Photos without JavaScript: chosen here, sent with upload_image, inserted at the end of
    # photo_field() (the editor's script uploads them one by one instead, see photo-upload.js).
    # Last of the fields, so a body refused as too large still holds everything typed above.
    image = MultipleFileField(
        _l("Add photos"),
        description=_l(
            "JPEG, PNG, WebP or HEIC. Each photo goes at the end of the text (of a commentary: "
            "the summary); then write what it shows between its brackets: ![what it shows](…)."
        ),
        render_kw={"accept": "image/*"},
    )
    upload_image = SubmitField(_l("Upload photos"))

    # What a save that names no visibility keeps: the edited post's (see editor_for).
    kept_visibility = Visibility.DRAFT

    def editor_for(self, post: Post) -> None:
        """This form edits `post` (a new one is a draft until it is published)."""
        self.kept_visibility = post.visibility or Visibility.DRAFT

    def chosen_visibility(self) -> Visibility:
        """What the post will be once saved: the button's visibility, or the kept one."""
        return Visibility(self.visibility.data) if self.visibility.data else self.kept_visibility

    def publishes_later(self) -> bool:
        """Whether 발행 would schedule the post: a publication time in the future."""
        try:
            when = from_site_time(self.published_at.data)
        except OverflowError:  # past the years a datetime holds: the field says so
            return False
        return when is not None and when > utcnow()

    @staticmethod
    def site_now() -> str:
        """Now as the publication time field shows a time: editor.js compares what is typed
        with it (plus the time since the page came) to relabel 발행 as it is typed."""
        return to_site_time(utcnow()).strftime(PUBLICATION_TIME_FORMAT)

    @staticmethod
    def photo_too_large() -> str:
        """What the upload answers for a photo over MEDIA_MAX_BYTES: the editor's script
        (photo-upload.js) says the same before sending one."""
        return str(too_large_message(current_app.config["MEDIA_MAX_BYTES"]))

    def markdown_fields(self) -> list[Field]:
        """The fields rendered as Markdown, in page order."""
        return []

    def photo_field(self) -> Field:
        """Where photos uploaded without JavaScript go: at the end of this field."""
        return self.markdown_fields()[0]

    def insert_photos(self, photos: list[PhotoName]) -> None:
        """Each photo as a Markdown image of its own line at the end of photo_field(), its
        alt text left for the owner to write (ready_for_readers asks for it)."""
        field = self.photo_field()
        lines = "\n\n".join(f"![]({photo.address})" for photo in photos)
        field.data = (
            f"{field.data.rstrip()}\n\n{lines}\n" if (field.data or "").strip() else lines + "\n"
        )

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks; one limit on everything typed, so that every post within
        it also fits in the request body limit (see config.MAX_CONTENT_LENGTH); then one bound
        for the Markdown of the whole post: the first text past it gets the error
        (rendering.TooLargeToRender), and the rest are not looked at, so a refused save costs
        no more than one that passes."""
        valid = super().validate(extra_validators)
        limit = current_app.config["MAX_POST_CHARACTERS"]
        typed = _typed_length(self.data)
        if typed > limit:
            self.form_errors.append(
                _l(
                    "This post is too long: at most %(limit)s characters in all, and it has "
                    "%(count)s. Shorten it or split it into two posts.",
                    limit=f"{limit:,}",
                    count=f"{typed:,}",
                )
            )
            return False
        budget = RenderBudget()
        for field in self.markdown_fields():
            if field.errors or not field.data:
                continue
            try:
                check_markdown(field.data, budget)
            except TooLargeToRender as error:
                field.errors.append(TOO_LARGE[error.kind])
                return False
        return valid

    def validate_for_editor(self) -> bool:
        """validate(), and what only the owner's editor asks (not an import or a version
        brought back, which keep what was saved): a post that will be public is ready for
        readers."""
        valid = self.validate()
        if not self.visibility.errors and self.chosen_visibility() is Visibility.PUBLIC:
            valid = self.ready_for_readers() and valid
        return valid

    def ready_for_readers(self) -> bool:
        """False, with an error at the field concerned, when the post is not fit to publish:
        every photo of this site says what it shows (its alt text), for readers who cannot
        see it."""
        ready = True
        for field in self.markdown_fields():
            if photos_without_alt(field.data):
                field.errors.append(PHOTO_WITHOUT_ALT)
                ready = False
        return ready

    def load(self, post: Post) -> None:
        """Fill the form from a saved post (on GET of the edit page), as if it were posted."""
        self.process(formdata=MultiDict(self.formdata_for(schema.snapshot(post, with_ids=True))))
        self.version.data = str(post.version)

    @classmethod
    def formdata_for(cls, data: dict) -> dict[str, str]:
        """What this editor posts to save the post `data` describes (post data, see
        posts.schema: a revision, a post of an export); `submitted` then checks it."""
        tags = data["tags"]
        if not isinstance(tags, list):
            raise ValueError("tags is not a list")
        formdata = {
            "tags": ", ".join(text_value({"tag": name}, "tag") for name in tags),
            "visibility": text_value(data, "visibility"),
            "published_at": _editor_time(text_value(data, "published_at")),
        }
        for part in cls.shape.parts:
            if isinstance(part, schema.RowList):
                formdata.update(_row_formdata(part, data.get(part.key, [])))
            else:
                formdata[part.form_field] = _part_formdata(part, data)
        return formdata

    def cleaned(self, given: dict | None = None) -> dict:
        """What this validated form would save, as post data. The editor shows minutes; an
        exact time `given` with its zone is kept, so export → import → export is the same
        document."""
        published_at = from_site_time(self.published_at.data)
        if published_at is not None and given and given.get("published_at"):
            exact = datetime.fromisoformat(given["published_at"])
            if exact.tzinfo and to_site_time(exact).replace(second=0, microsecond=0) == (
                self.published_at.data
            ):
                published_at = exact
        data = {"kind": self.shape.kind}
        for part in self.shape.parts:
            if isinstance(part, schema.RowList):
                data[part.key] = _cleaned_rows(part, self[part.key].data)
            elif part.is_date:
                value = self[part.form_field].data
                data[part.key] = value.isoformat() if value else None
            elif not part.is_text:
                value = self[part.form_field].data
                data[part.key] = None if value is None else part.value_type(value)
            else:
                data[part.key] = self[part.form_field].data
        data["tags"] = self.tags.data
        data["visibility"] = self.chosen_visibility().value
        data["published_at"] = published_at.isoformat() if published_at else None
        return data

    def apply_to(self, post: Post) -> None:
        """Make the post what the owner typed (saving it is posts.saving's)."""
        schema.restore(post, self.cleaned())

    def edit_structure(self, formdata) -> bool:
        """Sections with lists (commentary blocks) rearrange them here; True means 'done,
        show the form again without saving'."""
        return False

    def is_stale_for(self, post: Post) -> bool:
        return self.version.data != str(post.version)


def _part_formdata(part: "schema.Part", data: dict) -> str:
    """A part of post data as its editor field sends it: a number as typed digits, a yes as
    a ticked checkbox ("y"), a no as no value at all (as a browser sends an unticked one)."""
    if part.is_text or part.is_date:
        return text_value(data, part.key)
    value = data.get(part.key)
    if part.value_type is bool:
        if not isinstance(value, bool | None):
            raise ValueError(f"{part.key} is not true or false")
        return "y" if value else ""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{part.key} is not a number")
    return str(value)


def _editor_time(value: str) -> str:
    """A time of post data (ISO with its offset) as the editor's field shows it: site time,
    to the minute. Anything else is left as given: the field says what is wrong with it."""
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return to_site_time(moment).strftime(PUBLICATION_TIME_FORMAT)
    except (ValueError, OverflowError):
        pass
    return value


def _row_formdata(rows: "schema.RowList", items) -> dict[str, str]:
    """A list of rows as the editor's `<list>-N-<part>` fields (a row's id as `…-block_id`:
    an export names each row's id, kept on import; a revision does not)."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{rows.key} is not a list of {rows.key}")
    formdata = {}
    for index, item in enumerate(items):
        formdata[f"{rows.key}-{index}-{rows.id_field}"] = str(item.get("id", ""))
        for part in rows.parts:
            formdata[f"{rows.key}-{index}-{part.key}"] = text_value(item, part.key)
    return formdata


def _cleaned_rows(rows: "schema.RowList", entries: list[dict]) -> list[dict]:
    """The rows the editor keeps (it drops blank ones), each with its id if it has one."""
    items = []
    for entry in entries:
        item = {part.key: entry[part.key] for part in rows.parts}
        if rows.keeps(item):
            if (entry[rows.id_field] or "").isdigit():
                item["id"] = int(entry[rows.id_field])
            items.append(item)
    return items


def _typed_length(data) -> int:
    """The characters typed into a form, however deep its fields are nested (blocks)."""
    if isinstance(data, str):
        return len(data)
    if isinstance(data, dict):
        return sum(_typed_length(value) for value in data.values())
    if isinstance(data, list):
        return sum(_typed_length(value) for value in data)
    return 0


MAX_NAME_LENGTH = 40


def _display_name(value: str | None) -> str:
    return clean_display_name(clean_text(value))


def _comment_text(value: str | None) -> str:
    return clean_comment_body(clean_text(value)).strip()


class CommentTextForm(FlaskForm):
    """What a reader writes in a comment, with its rules: the comment form's name and text,
    and the edit form on the writer's own page (comments.views), which must meet the same."""

    class Meta:
        csrf = False

    name = StringField(
        _l("Name"),
        filters=[_display_name],
        validators=[
            DataRequired(_l("Give a name to show with your comment.")),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
    body = TextAreaField(
        _l("Comment"),
        filters=[_comment_text],
        validators=[DataRequired(_l("Write your comment first."))],
        description=_l("Plain text. Links become links; HTML is shown as text."),
    )

    def validate_name(self, field) -> None:
        if imitates_owner(field.data):
            raise ValidationError(_l("This name is kept for the owner. Choose another."))

    def validate_body(self, field) -> None:
        limit = current_app.config["COMMENT_MAX_LENGTH"]
        if len(field.data) > limit:
            raise ValidationError(_l("Use at most %(count)d characters.", count=limit))
        # A clear refusal for people; a link-stuffed comment is then stored as spam anyway.
        if len(find_links(field.data)) > 10:
            raise ValidationError(_l("Too many links in one comment."))


class CommentForm(CommentTextForm):
    """A reader's comment. It carries no session CSRF token: a reader's comment uses no
    authority the browser holds (readers have no login, and the owner's cookies are
    SameSite=Lax, so a cross-site POST arrives without them), so such a token would protect
    nothing while giving every reader a cookie and making each post page personal, which
    would keep it out of the page cache. Cross-site posts are refused by the browser's own
    headers instead (origin.sent_from_another_site), and `started` is a signed, per-post token."""

    block = SelectField(_l("About"), choices=[], validate_choice=False)
    secret = BooleanField(_l("Secret comment (only the owner will see it)"))
    # Spam traps: a field people never see, and when the form was shown (signed).
    website = StringField(_l("Leave this field empty"))
    started = HiddenField()
    # Why the comment was not sent, shown at the form (posts.pages.send_comment).
    message: str | None = None

    def __init__(self, post: Post, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.post_id = post.id
        self.block.choices = [("", _l("The whole post"))] + [
            (str(block.id), _l("Quote %(number)s", number=block.position + 1))
            for block in post.blocks
        ]
        if not self.is_submitted():
            self.started.data = form_token(post.id)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if timer_needs_renewal(self.started.data, self.post_id):
            self.started.data = form_token(self.post_id, renewed=True)
            self.body.errors.append(
                _l(
                    "This comment form was open for a long time: check your comment and send "
                    "it again."
                )
            )
            return False
        return valid

    def chosen_block(self, post: Post):
        for block in post.blocks:
            if self.block.data == str(block.id):
                return block
        return None
