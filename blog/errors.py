"""Error pages: plain, in the visitor's language, without details of the server, and never at
the cost of what the writer typed.

An error page works after the failure that caused it: the failed transaction is rolled back
first, and once the database has failed in a request nothing on the page asks it again (the
owner's login and the pending-comment count are skipped), so a clean 503 cannot turn into a
bare 500. A failed POST from one of our own pages shows everything typed again, with a way to
send it once more; a POST that did not prove it came from this site never gets a token, a
session or its text back (SECURITY.md 31).
"""

from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DataError,
    InterfaceError,
    InternalError,
    OperationalError,
    PendingRollbackError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .inputs import fields_before_the_files
from .origin import proven_from_this_site

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in."),
    403: _l("This is not allowed."),
    404: _l("There is nothing here. The page may have moved or never existed."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This changed in the meantime."),
    413: _l("What you sent is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("The site is unavailable for a moment. Please try again shortly."),
}
NOT_SAVED = _l(
    "Nothing was saved: the site could not store it just now. Nothing you typed is lost: "
    "it is all below. Send it again in a moment."
)
# The database is away or cannot write (restarting, disk full): we are the problem, for now.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    InternalError,
    PendingRollbackError,
    PoolTimeoutError,
)
RETRY_AFTER_SECONDS = 10
# Never echoed back into a page.
SECRET_FIELDS = {"csrf_token", "password", "current_password", "new_password", "confirm"}
# Sent again as they came, but not shown: they are the form's, not the writer's.
FORM_FIELDS = {"version", "save", "preview", "started", "website"}


def database_unavailable() -> bool:
    """The database failed earlier in this request: render without asking it again."""
    return g.get("database_unavailable", False)


def forget_failed_transaction() -> None:
    g.database_unavailable = True
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it on the next request


def refused_from_another_site():
    """A plain 403 that sets no cookie. Rendered past Flask's context processors, which load
    the login (from a remember cookie, making a session) for every template."""
    template = current_app.jinja_env.get_template("errors/refused.html")
    page = template.render(config=current_app.config)
    return page, 403, {"Cache-Control": "no-store"}


def typed_fields(status: int = 0) -> list[tuple[str, str]]:
    """What the failed POST typed. A body refused as too large (413) was never read: what a
    multipart form sent above its files is read alone (an editor whose photos were too many)."""
    if request.method != "POST":
        return []
    sent = (
        fields_before_the_files(current_app.config["MAX_CONTENT_LENGTH"])
        if status == 413
        else request.form
    )
    return [(name, value) for name, value in sent.items(multi=True) if name not in SECRET_FIELDS]


def keep_typed_text(reason, status: int):
    """The typed text of a failed POST from our own pages, ready to be sent again; None when
    there is nothing to keep or the request did not prove where it came from."""
    fields = typed_fields(status)
    if not fields or not proven_from_this_site():
        return None
    shown = [(name, value) for name, value in fields if not _form_field(name)]
    kept = [(name, value) for name, value in fields if _form_field(name)]
    return render_template("errors/resubmit.html", reason=reason, fields=shown, kept=kept), status


def _form_field(name: str) -> bool:
    return name in FORM_FIELDS or name.endswith("-block_id")


def error_page(code: int, message=None):
    message = message or MESSAGES.get(code, MESSAGES[500])
    kept = keep_typed_text(message, code)
    if kept is not None:
        return kept
    return render_template("errors/error.html", code=code, message=message), code


def register(app) -> None:
    @app.teardown_appcontext
    def end_transaction(error) -> None:
        # Before Flask-SQLAlchemy's own teardown (teardowns run last registered first): its
        # closing ROLLBACK on a connection the server dropped meanwhile (a restart) would
        # raise past every error handler and replace a finished page with a bare 500.
        try:
            db.session.rollback()
        except SQLAlchemyError:
            db.session().invalidate()  # closes without a word to the server; the pool moves on

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        app.logger.warning("CSRF failure on %r: %s", request.path, error.description)
        if request.method == "POST" and not proven_from_this_site():
            return refused_from_another_site()
        # Keep what was typed: a form that expired (old tab, new login) is shown again
        # with a fresh token, ready to be sent once more.
        return error_page(
            400,
            _l(
                "This form expired (it was opened before your last login or logout). "
                "Your text is kept below: send it again."
            ),
        )

    @app.errorhandler(SQLAlchemyError)
    def database_failed(error):
        forget_failed_transaction()
        if isinstance(error, UNAVAILABLE):
            app.logger.warning("database unavailable on %r: %s", request.path, error)
            response = app.make_response(error_page(503, NOT_SAVED if typed_fields() else None))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if isinstance(error, DataError):
            return error_page(400)  # a value the database refuses (out of range, NUL…)
        app.logger.exception("database error on %r", request.path)
        return error_page(500)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        if code >= 500:
            forget_failed_transaction()
        return error_page(code, MESSAGES.get(code, error.name))
