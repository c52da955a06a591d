"""The diary editor, with the day's numbers."""

import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from ..forms import MARKDOWN_FIELD, PostForm
from ..posts import schema
from ..rendering import clean_text

MAX_BODY_LENGTH = 100_000
WEIGHT_RANGE = (20, 300)
MINUTES_RANGE = (0, 600)
MAX_EXERCISE_KIND_LENGTH = 40
MAX_MEALS_LENGTH = 2_000


def _stripped(value: str | None) -> str:
    return clean_text(value).strip()


def _typed_number(valuelist) -> str:
    """What was typed into a number field, as ASCII digits: a phone's full-width digits and
    a decimal comma (72,5) are what people type too."""
    typed = unicodedata.normalize("NFKC", clean_text(valuelist[0]) if valuelist else "")
    return typed.strip().replace(",", ".")


class NumberField(Field):
    """A number typed as text (a type=number input refuses 72,5 in some browsers and says why
    in words the site does not choose): blank is none, and anything else is kept as typed
    when it is no number, so the form shows it again with the message."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, places: int = 0, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places = places

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:.{self.places}f}" if self.places else str(self.data)

    def process_formdata(self, valuelist):
        typed = _typed_number(valuelist)
        self.data = None
        if not typed:
            return
        try:
            number = Decimal(typed)
        except InvalidOperation:
            raise ValueError(self._refusal()) from None
        if not number.is_finite() or -number.normalize().as_tuple().exponent > self.places:
            raise ValueError(self._refusal())
        self.data = number if self.places else int(number)

    def _refusal(self):
        if self.places:
            return _l("Type a number with at most one decimal place, such as 72.5.")
        return _l("Type a whole number, such as 45.")


def _in_range(low: int, high: int, unit: str) -> NumberRange:
    return NumberRange(
        low,
        high,
        message=_l(
            "Type a number from %(low)d to %(high)d (%(unit)s).", low=low, high=high, unit=unit
        ),
    )


class DiaryForm(PostForm):
    shape = schema.DIARY

    title = StringField(_l("Title (optional)"), filters=[_stripped], validators=[Length(max=300)])
    body = TextAreaField(
        _l("Text"),
        filters=[clean_text],
        validators=[Length(max=MAX_BODY_LENGTH)],
        description=_l("Markdown: **bold**, *italic*, - lists, > quotes, [link](https://…)"),
        render_kw=MARKDOWN_FIELD,
    )
    weight_kg = NumberField(
        _l("Weight (kg)"),
        places=1,
        validators=[Optional(), _in_range(*WEIGHT_RANGE, "kg")],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 6},
    )
    exercise_kind = StringField(
        _l("Exercise"),
        filters=[_stripped],
        validators=[Length(max=MAX_EXERCISE_KIND_LENGTH)],
        render_kw={"autocomplete": "off", "list": "exercise-kinds"},
    )
    exercise_minutes = NumberField(
        _l("Minutes"),
        validators=[Optional(), _in_range(*MINUTES_RANGE, _l("minutes"))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 4},
    )
    meals = TextAreaField(
        _l("Meals"),
        filters=[_stripped],
        validators=[Length(max=MAX_MEALS_LENGTH)],
        description=_l("One line a meal."),
    )
    metrics_public = BooleanField(
        _l("Readers see these numbers"),
        description=_l("Unticked, only you see them, even on a public entry."),
    )

    def markdown_fields(self) -> list:
        return [self.body]

    def metric_fields(self) -> list[Field]:
        """The 기록 part of the editor, in its order."""
        return [self.weight_kg, self.exercise_kind, self.exercise_minutes, self.meals]

    def records_something(self) -> bool:
        return any(field.data not in (None, "") for field in self.metric_fields())

    def validate_body(self, field) -> None:
        """An entry may be numbers alone (a quick weigh-in), but not nothing at all."""
        if not (field.data or "").strip() and not self.records_something():
            raise ValidationError(_l("Write something first, or record a number."))

    def ready_for_readers(self) -> bool:
        """Readers of a public entry need something to read: text, or numbers they may see."""
        ready = super().ready_for_readers()
        # Nothing at all is already said (validate_body): this is for numbers alone.
        if self.body.errors:
            return False
        if not (self.body.data or "").strip() and not self.metrics_public.data:
            self.body.errors.append(
                _l(
                    "Readers would find an empty page: write something, let readers see the "
                    "numbers, or save the entry as private."
                )
            )
            ready = False
        return ready
