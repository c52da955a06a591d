"""Login, logout, first-run setup and password change views."""

import functools
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_fresh, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Owner
from ..setup_link import owner_exists, token_matches, use_up
from . import throttle
from .forms import LoginForm, PasswordChangeForm, SetupForm
from .safe_next import safe_next_path

bp = Blueprint("auth", __name__)


@functools.cache
def unknown_name_hash(method: str) -> str:
    """Checked when the name tried is nobody's, so that a wrong name costs the same hash as a
    wrong password (the method Owner.set_password uses) and the answer's time does not tell
    whether the name exists. Made once per method, when first needed."""
    return generate_password_hash(secrets.token_urlsafe(32), method=method)


def _password_matches(owner: Owner | None, password: str) -> bool:
    if owner is None:
        stored_hash = unknown_name_hash(current_app.config["PASSWORD_HASH_METHOD"])
    else:
        stored_hash = owner.password_hash
    return check_password_hash(stored_hash, password) and owner is not None


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next_path(request.args.get("next"))
    # A login restored from the remember cookie may come here to prove itself again.
    if current_user.is_authenticated and login_fresh():
        return redirect(next_path or url_for("public.index"))
    form = LoginForm()
    if form.validate_on_submit():
        device_cookie = request.cookies.get(throttle.DEVICE_COOKIE)
        keys = throttle.keys_for(form.username.data, request.remote_addr, device_cookie)
        wait = throttle.seconds_to_wait(keys)
        if wait:
            current_app.logger.warning("login throttled for %r", form.username.data)
            flash(
                _(
                    "Too many failed attempts. Try again in %(minutes)d minutes.",
                    minutes=max(1, round(wait / 60)),
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        owner = db.session.scalar(db.select(Owner).where(Owner.username == form.username.data))
        if not _password_matches(owner, form.password.data):
            throttle.record_failure(keys)
            db.session.commit()
            current_app.logger.warning(
                "failed login for %r (%s)", form.username.data, ", ".join(keys)
            )
            flash(_("Wrong name or password."), "error")
            return render_template("auth/login.html", form=form), 401
        throttle.forget_failures(keys)
        db.session.commit()
        session.clear()  # a new session on login: nothing from before carries over
        login_user(owner, remember=form.remember.data)
        current_app.logger.info("owner logged in")
        response = redirect(next_path or url_for("public.index"), code=303)
        throttle.trust_device(response, owner.username)
        return response
    return render_template("auth/login.html", form=form, owner_exists=owner_exists())


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Rotating the session token ends every copy of the cookie, not just this one.
        current_user.end_all_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"), code=303)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    if owner_exists() or not token_matches(current_app, token):
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        if not use_up(current_app):
            abort(404)  # another request with this link came first
        owner = Owner(username=form.username.data.strip())
        owner.set_password(form.new_password.data)
        db.session.add(owner)
        try:
            db.session.commit()
        except IntegrityError:  # `flask set-owner` made the owner meanwhile
            db.session.rollback()
            abort(404)
        session.clear()
        login_user(owner)
        flash(_("Welcome! Your owner account is ready."), "success")
        return redirect(url_for("public.index"), code=303)
    return render_template("auth/setup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@fresh_login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
            return render_template("auth/password.html", form=form), 400
        current_user.set_password(form.new_password.data)  # also ends every other session
        db.session.commit()
        login_user(current_user._get_current_object())  # this browser stays logged in
        flash(_("Your password is changed. Other devices are logged out."), "success")
        return redirect(url_for("public.index"), code=303)
    return render_template("auth/password.html", form=form)
