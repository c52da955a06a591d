"""The diary editor."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import MARKDOWN_FIELD, PostForm
from ..posts import schema
from ..rendering import clean_text

MAX_BODY_LENGTH = 100_000


def _stripped(value: str | None) -> str:
    return clean_text(value).strip()


class DiaryForm(PostForm):
    shape = schema.DIARY

    title = StringField(_l("Title (optional)"), filters=[_stripped], validators=[Length(max=300)])
    body = TextAreaField(
        _l("Text"),
        filters=[clean_text],
        validators=[DataRequired(_l("Write something first.")), Length(max=MAX_BODY_LENGTH)],
        description=_l("Markdown: **bold**, *italic*, - lists, > quotes, [link](https://…)"),
        render_kw=MARKDOWN_FIELD,
    )

    def markdown_fields(self) -> list:
        return [self.body]
