"""The commentary editor: the article, an ordered list of blocks, the summary.

The block list is edited without JavaScript by submit buttons (`add_block`,
`insert_block=N`, `remove_block=N`, `move_up=N`, `move_down=N`, N counted from 0 like the
`blocks-N-…` field names) that re-show the form with the change and save nothing; so does
`fetch_article`, which fills the article's fields in from its page (see views.fill_in_article).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import MARKDOWN_FIELD, PostForm
from ..inputs import parse_bounded_int
from ..posts import schema
from ..rendering import clean_text
from ..study import expressions
from ..study.quote_check import MAX_ARTICLE_LENGTH, QuoteCheck, check_quotes

MAX_BLOCKS = 100
MAX_TEXT = 20_000
MAX_HEADLINE = 300
MAX_NAME = 200  # an outlet's, an author's

# The article's fields its page can fill in (article_page.ArticleDetails), with the names the
# message about them uses.
ARTICLE_FIELDS = {
    "headline": _l("Headline"),
    "outlet": _l("Outlet"),
    "author": _l("Author"),
    "published_on": _l("Article date"),
    "lead": _l("Lead"),
}


def _stripped(value: str | None) -> str:
    return clean_text(value).strip()


def web_address(form, field) -> None:
    if field.data:
        try:
            parts = urlsplit(field.data)
        except ValueError:  # a broken bracketed host such as `http://[::1`
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(_l("Give a web address starting with http:// or https://."))


class BlockForm(Form):
    """One block. A plain Form: the page's one CSRF token covers every block."""

    block_id = HiddenField()
    quote = TextAreaField(
        _l("Quote (English)"), filters=[_stripped], validators=[Length(max=MAX_TEXT)]
    )
    translation = TextAreaField(
        _l("Translation"), filters=[_stripped], validators=[Length(max=MAX_TEXT)]
    )
    expressions = TextAreaField(
        _l("Key expressions (optional)"),
        filters=[_stripped],
        validators=[Length(max=MAX_TEXT)],
        description=_l(
            "One a line, as the quote has it, then = and its meaning: hefty spending = 막대한 지출"
        ),
    )
    opinion = TextAreaField(
        _l("My opinion"),
        filters=[_stripped],
        validators=[Length(max=MAX_TEXT)],
        description=_l("Markdown works here."),
        render_kw=MARKDOWN_FIELD,
    )

    def validate_quote(self, field) -> None:
        if not field.data and (self.translation.data or self.opinion.data):
            raise ValidationError(_l("This block needs the English quote it is about."))

    def validate_expressions(self, field) -> None:
        """Each expression is one the quote has (so the page can mark it), within limits."""
        found = expressions.parse(field.data)
        if len(found) > expressions.MAX_EXPRESSIONS:
            raise ValidationError(
                _l(
                    "A quote may have at most %(count)d key expressions.",
                    count=expressions.MAX_EXPRESSIONS,
                )
            )
        for expression in found:
            if len(expression.text) > expressions.MAX_EXPRESSION_LENGTH:
                raise ValidationError(
                    _l(
                        "“%(expression)s…” is too long for a key expression: at most %(count)d "
                        "characters.",
                        expression=expression.text[:30],
                        count=expressions.MAX_EXPRESSION_LENGTH,
                    )
                )
            if len(expression.meaning) > expressions.MAX_MEANING_LENGTH:
                raise ValidationError(
                    _l(
                        "The meaning of “%(expression)s” is too long: at most %(count)d "
                        "characters.",
                        expression=expression.text,
                        count=expressions.MAX_MEANING_LENGTH,
                    )
                )
        missing = [e.text for e in found if not expressions.occurs_in(e.text, self.quote.data)]
        if missing:
            raise ValidationError(
                _l(
                    "Not in this quote: %(expressions)s. Write each expression as the quote has it "
                    "(case and quote marks may differ).",
                    expressions=", ".join(f"“{text}”" for text in missing),
                )
            )


class CommentaryForm(PostForm):
    shape = schema.COMMENTARY

    headline = StringField(
        _l("Headline"),
        filters=[_stripped],
        validators=[DataRequired(_l("Give the article's headline.")), Length(max=MAX_HEADLINE)],
    )
    outlet = StringField(_l("Outlet"), filters=[_stripped], validators=[Length(max=MAX_NAME)])
    url = StringField(
        _l("Article address (URL)"),
        filters=[_stripped],
        validators=[Length(max=2000), web_address],
    )
    fetch_article = SubmitField(_l("Fill in from the address"))
    author = StringField(_l("Author"), filters=[_stripped], validators=[Length(max=MAX_NAME)])
    published_on = DateField(_l("Article date"), validators=[Optional()])
    lead = TextAreaField(
        _l("Lead (optional)"),
        filters=[_stripped],
        validators=[Length(max=MAX_TEXT)],
        description=_l("The article's opening paragraph, as pasted."),
    )
    article_text = TextAreaField(
        _l("The article's text"),
        filters=[_stripped],
        validators=[Length(max=MAX_ARTICLE_LENGTH)],
        description=_l(
            "Only you see it. Each quote is looked up in it (a typo, a dropped word), and the "
            "page tells you how much of the article you quote."
        ),
    )
    blocks = FieldList(FormField(BlockForm), min_entries=1, max_entries=MAX_BLOCKS)
    summary = TextAreaField(
        _l("Summary"),
        filters=[_stripped],
        validators=[Length(max=MAX_TEXT)],
        description=_l("The article in your own words. Markdown works here."),
        render_kw=MARKDOWN_FIELD,
    )
    closing = TextAreaField(
        _l("Closing opinion (optional)"),
        filters=[_stripped],
        validators=[Length(max=MAX_TEXT)],
        render_kw=MARKDOWN_FIELD,
    )
    add_block = SubmitField(_l("Add a block"))

    # The block to focus after a block button (the new, moved or next block).
    focus_block: int | None = None

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        # FieldList quietly drops entries past max_entries; count them to say so instead.
        formdata = self.meta.wrap_formdata(self, formdata)
        self.posted_block_count = len(
            {key.split("-")[1] for key in (formdata or ()) if _is_block_key(key)}
        )
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate_blocks(self, field) -> None:
        if self.posted_block_count > MAX_BLOCKS:
            raise ValidationError(
                _l("A commentary can have at most %(count)d blocks.", count=MAX_BLOCKS)
            )

    def ready_for_readers(self) -> bool:
        """A commentary is published for its quotes: one at least (a draft may have none)."""
        ready = super().ready_for_readers()
        if any(entry.form.quote.data for entry in self.blocks):
            return ready
        self.blocks[0].form.quote.errors.append(
            _l("Add at least one quote before publishing, or save it as a draft.")
        )
        return False

    def edit_structure(self, formdata) -> bool:
        """Apply a block button (add, insert, remove, move) if one was pressed.

        Returns True when one was: the form is then shown again, and nothing is saved.
        """
        blocks = self.blocks
        count = len(blocks)
        if "add_block" in formdata:
            return self._insert_block(count)
        action, index = _pressed_block_button(formdata)
        if action is None or not 0 <= index < count:
            return action is not None
        if action == "insert_block":
            return self._insert_block(index + 1)
        if action == "remove_block":
            blocks.pop_entry(index)
            self.focus_block = min(index, len(blocks) - 1) if len(blocks) else None
        elif action == "move_up" and index > 0:
            _swap(blocks[index - 1], blocks[index])
            self.focus_block = index - 1
        elif action == "move_down" and index < count - 1:
            _swap(blocks[index], blocks[index + 1])
            self.focus_block = index + 1
        return True

    def _insert_block(self, index: int) -> bool:
        if len(self.blocks) >= MAX_BLOCKS:
            self.blocks.errors = [
                _l("A commentary can have at most %(count)d blocks.", count=MAX_BLOCKS)
            ]
            return True
        self.blocks.insert_entry(index)
        self.focus_block = index
        return True

    def take_article_details(self, details) -> "TakenDetails":
        """The article page's details (an article_page.ArticleDetails) in the article fields
        left empty. A field the owner filled keeps what they typed, and the message says what
        the page has for it: nothing typed is lost, nothing found is hidden."""
        filled, kept = {}, []
        for name, found in details.as_text().items():
            field = self[name]
            typed = field._value().strip()  # as shown: a date typed wrong included
            if not found or typed == found:
                continue
            if typed:
                kept.append((name, found))
            else:
                field.data, field.raw_data = getattr(details, name), [found]
                filled[name] = found
        return TakenDetails(filled, _taken_message(filled, kept))

    def quote_check(self) -> QuoteCheck | None:
        """The quotes as typed against the article as pasted: warnings, never a refusal."""
        return check_quotes(
            self.article_text.data, [entry.form.quote.data for entry in self.blocks]
        )

    def markdown_fields(self) -> list:
        return [entry.form.opinion for entry in self.blocks] + [self.summary, self.closing]

    def photo_field(self):
        return self.summary

    @property
    def block_list_errors(self) -> list:
        """Errors about the list as a whole (each block's own errors show at that block)."""
        return [error for error in self.blocks.errors if not isinstance(error, dict)]

    @staticmethod
    def blank_block() -> BlockForm:
        """An empty block named `blocks-__index__-…`, for the editor script to copy."""
        return BlockForm(prefix="blocks-__index__-")


@dataclass(frozen=True)
class TakenDetails:
    filled: dict[str, str]  # each field filled in, by name, with its value as shown
    message: str


def _taken_message(filled: dict[str, str], kept: list[tuple[str, str]]) -> str:
    sentences = []
    if filled:
        names = ", ".join(str(ARTICLE_FIELDS[name]) for name in filled)
        sentences.append(_("Filled in from the article's page: %(fields)s.", fields=names))
    for name, found in kept:
        shortened = found if len(found) <= 120 else found[:119].rstrip() + "…"
        sentences.append(
            _(
                "The page's %(field)s is “%(found)s”: what you typed is kept.",
                field=ARTICLE_FIELDS[name],
                found=shortened,
            )
        )
    return " ".join(sentences) or _("The article's fields already hold what its page says.")


BLOCK_BUTTONS = ("insert_block", "remove_block", "move_up", "move_down")


def _is_block_key(key: str) -> bool:
    parts = key.split("-")
    return len(parts) == 3 and parts[0] == "blocks" and parts[1].isdigit()


def _pressed_block_button(formdata) -> tuple[str | None, int]:
    for name in BLOCK_BUTTONS:
        value = formdata.get(name)
        if value is not None:
            index = parse_bounded_int(value, low=0, high=MAX_BLOCKS)
            return name, -1 if index is None else index
    return None, -1


def _swap(first, second) -> None:
    """Exchange what two blocks hold (their ids too, so each text keeps its row)."""
    for a, b in zip(first.form, second.form, strict=True):
        a.data, b.data = b.data, a.data
