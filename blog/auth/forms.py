"""Forms for logging in, creating the owner and changing the password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

PASSWORD_LENGTH = Length(min=8, max=128, message=_l("Use 8 to 128 characters."))


class LoginForm(FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )


class SetupForm(NewPasswordMixin, FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
