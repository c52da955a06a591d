"""Forms of the owner's desk."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..models import utcnow
from ..rendering import clean_text
from ..site_time import FIRST_YEAR, to_site_time


def _stripped(value: str | None) -> str:
    return clean_text(value).strip()


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        filters=[_stripped],
        validators=[DataRequired(_l("Write your reply first.")), Length(max=3000)],
    )


class SettingsForm(FlaskForm):
    blocked_words = TextAreaField(
        _l("Blocked words"),
        filters=[_stripped],
        description=_l(
            "One a line. A comment containing one (also inside a longer word, "
            "as Korean particles attach) goes to spam."
        ),
    )
    blocked_hosts = TextAreaField(
        _l("Blocked link hosts"),
        filters=[_stripped],
        description=_l("One a line, e.g. spam.example: links to it or its subdomains."),
    )
    blocked_addresses = TextAreaField(
        _l("Blocked addresses (hashed)"),
        filters=[_stripped],
        description=_l("Filled by the 'block sender' action. Each entry lasts 30 days."),
    )
    comment_max_links = IntegerField(
        _l("Most links in a comment before it goes to spam"),
        validators=[NumberRange(min=0, max=50)],
    )
    comments_close_after_days = IntegerField(
        _l("Close comments this many days after publication (0: never)"),
        validators=[NumberRange(min=0, max=36500)],
    )
    comment_mail_every = RadioField(
        _l("Mail me about comments waiting for approval"),
        choices=[
            SelectChoice("0", _l("For each comment")),
            SelectChoice("15", _l("A digest every 15 minutes")),
            SelectChoice("60", _l("A digest every hour")),
            SelectChoice("360", _l("A digest every 6 hours")),
        ],
    )


IMPORT_MAX_CHARACTERS = 200_000


class ImportForm(FlaskForm):
    """Old plain-text posts pasted in or read from a file, shown as a preview (with a
    PostChoicesForm for each post), then saved as drafts."""

    text = TextAreaField(
        _l("Plain text"),
        filters=[clean_text],
        validators=[Length(max=IMPORT_MAX_CHARACTERS)],
        description=_l(
            "Diary text, then commentaries starting with a 기사제목: line. "
            "Put a line of --- between a commentary and diary text that follows it."
        ),
    )
    # After the text box: a form sends its fields in page order, so a file refused as too
    # large still lets everything typed above it be read (admin.views.import_too_large).
    file = FileField(
        _l("Or a text file"),
        description=_l(
            "A .txt file in UTF-8, UTF-16 or CP949 (EUC-KR, older Korean Windows files): "
            "its text is read into the box above, for the preview."
        ),
    )
    # What the preview showed, so that a save of a text changed since is shown first.
    previewed = HiddenField()
    keep_going = BooleanField(_l("Save without the lines that could not be placed"))
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save all as drafts"))

    def validate_text(self, field) -> None:
        if not field.data.strip() and not self.file.data:
            raise ValidationError(_l("Paste some text or choose a file first."))


def _written_in_site_years(form, field) -> None:
    """From the site's first year to today (site time): a post is not imported from later."""
    today = to_site_time(utcnow()).date()
    if field.data is not None and not (FIRST_YEAR <= field.data.year and field.data <= today):
        raise ValidationError(_l("Choose a date from %(first)d up to today.", first=FIRST_YEAR))


class PostChoicesForm(Form):
    """What the owner says of one previewed post, its fields named after the post (see
    ParsedPost.key, so they stay with it when the text is edited): when it was written, and
    whether to import it when it looks like a post already on the site."""

    date = DateField(_l("Written on"), validators=[Optional(), _written_in_site_years])
    time = TimeField(_l("Time (optional)"), format=["%H:%M", "%H:%M:%S"], validators=[Optional()])
    duplicate = RadioField(
        _l("Import it anyway?"),
        choices=[
            SelectChoice("skip", _l("Skip it")),
            SelectChoice("import", _l("Import it as well")),
        ],
        validators=[Optional()],
    )

    FIELDS = ("date", "time", "duplicate")

    def validate_time(self, field) -> None:
        if field.data is not None and self.date.data is None and not self.date.errors:
            raise ValidationError(_l("Give the date too."))


class QuestionForm(Form):
    """The owner's answer to one of the parser's questions (import_text.Question)."""

    answer = RadioField(
        _l("Is this a summary or a quote?"),
        choices=[SelectChoice("summary", _l("The summary")), SelectChoice("quote", _l("A quote"))],
        validators=[Optional()],
    )
