"""Flask-Login wiring: who the owner is, and what happens when a request needs them."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import (
    database_unavailable,
    keep_typed_text,
    refused_from_another_site,
    typed_fields,
)
from ..extensions import db
from ..models import Owner, utcnow
from ..origin import proven_from_this_site
from .safe_next import safe_next_path


def _login_page():
    """The login page, coming back here afterwards."""
    return redirect(url_for("auth.login", next=safe_next_path(request.full_path)))


def configure_login(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_owner(login_id: str):
        if database_unavailable():
            return None  # the error page after a failed query renders as for a visitor
        # Flask-Login hands back what Owner.get_id gave at login, from the session or the
        # remember cookie: `<session token>.<Unix second the login began>`. Refusing old ones
        # makes a stolen remember cookie (and any session) end on the server.
        session_token, _dot, started = login_id.rpartition(".")
        if not (started.isascii() and started.isdigit()):
            return None
        lifetime = current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
        if utcnow().timestamp() - int(started) > lifetime:
            return None
        owner = db.session.scalar(db.select(Owner).where(Owner.session_token == session_token))
        if owner is not None:
            owner.login_started_at = int(started)
        return owner

    @login_manager.unauthorized_handler
    def unauthorized():
        # A save whose login has ended must not lose the text: show it again with a way to
        # send it once the owner has logged in (in another tab).
        if typed_fields():
            if not proven_from_this_site():
                return refused_from_another_site()
            reason = _l("Your login has ended. Log in again in another tab, then send this again.")
            return keep_typed_text(reason, 401)
        return _login_page()

    @login_manager.needs_refresh_handler
    def ask_for_the_password_again():
        # A login restored from the remember cookie may read, but a password change wants
        # proof that the owner is at the keyboard: the login page, which then comes back.
        flash(_("Enter your password again to continue."), "info")
        return _login_page()
