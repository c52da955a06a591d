"""The diary editor."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import PostForm, text_value
from ..models import DiaryEntry
from ..rendering import clean_text

MAX_BODY_LENGTH = 100_000


def _stripped(value: str | None) -> str:
    return clean_text(value).strip()


class DiaryForm(PostForm):
    title = StringField(_l("Title (optional)"), filters=[_stripped], validators=[Length(max=300)])
    body = TextAreaField(
        _l("Text"),
        filters=[clean_text],
        validators=[DataRequired(_l("Write something first.")), Length(max=MAX_BODY_LENGTH)],
        description=_l("Markdown: **bold**, *italic*, - lists, > quotes, [link](https://…)"),
    )

    def markdown_fields(self) -> list:
        return [self.body]

    def load(self, entry: DiaryEntry) -> None:
        super().load(entry)
        self.title.data = entry.title
        self.body.data = entry.body

    @classmethod
    def formdata_for(cls, snapshot: dict) -> dict[str, str]:
        return {
            **super().formdata_for(snapshot),
            "title": text_value(snapshot, "title"),
            "body": text_value(snapshot, "body"),
        }

    def cleaned(self, snapshot: dict) -> dict:
        return {**super().cleaned(snapshot), "title": self.title.data, "body": self.body.data}

    def apply_to(self, entry: DiaryEntry) -> None:
        entry.set_title(self.title.data)
        entry.set_body(self.body.data)
        self.apply_common(entry)
