"""Error pages: plain, in the visitor's language, without details of the server."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
}


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        app.logger.warning("CSRF failure on %r: %s", request.path, error.description)
        if request.form:
            # Keep what was typed: a form that expired (old tab, new login) is shown again
            # with a fresh token, ready to be sent once more.
            return render_template(
                "errors/resubmit.html",
                reason=_l(
                    "This form expired (it was opened before your last login or logout). "
                    "Your text is kept below: send it again."
                ),
            ), 400
        return render_template("errors/error.html", code=400, message=MESSAGES[400]), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        message = MESSAGES.get(code, error.name)
        return render_template("errors/error.html", code=code, message=message), code
