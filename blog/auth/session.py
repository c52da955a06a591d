"""Flask-Login wiring: who the owner is, and what happens when a request needs them."""

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l

from ..errors import (
    database_unavailable,
    keep_typed_text,
    refused_from_another_site,
    typed_fields,
)
from ..extensions import db
from ..models import Owner
from ..origin import proven_from_this_site
from .safe_next import safe_next_path


def configure_login(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_owner(session_token: str):
        if database_unavailable():
            return None  # the error page after a failed query renders as for a visitor
        return db.session.scalar(db.select(Owner).where(Owner.session_token == session_token))

    @login_manager.unauthorized_handler
    def unauthorized():
        # A save whose login has ended must not lose the text: show it again with a way to
        # send it once the owner has logged in (in another tab).
        if typed_fields():
            if not proven_from_this_site():
                return refused_from_another_site()
            reason = _l("Your login has ended. Log in again in another tab, then send this again.")
            return keep_typed_text(reason, 401)
        return redirect(url_for("auth.login", next=safe_next_path(request.full_path)))
