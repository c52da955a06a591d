"""Forms of the owner's desk."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from ..rendering import clean_text


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


class ImportForm(FlaskForm):
    """Old plain-text posts pasted in, shown as a preview, then saved as drafts."""

    text = TextAreaField(
        _l("Plain text"),
        filters=[clean_text],
        validators=[DataRequired(_l("Paste some text first.")), Length(max=200_000)],
        description=_l(
            "Diary text, then commentaries starting with a 기사제목: line. "
            "Put a line of --- between a commentary and diary text that follows it."
        ),
    )
    keep_going = BooleanField(_l("Save without the lines that could not be placed"))
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save all as drafts"))
