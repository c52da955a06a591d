"""The comment form's signed timer: when the form was shown, so a form sent too soon (a bot's)
or long after (a stale page) is told apart."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, Signer

from ..models import utcnow


def _signer(secret_key: str | None = None) -> Signer:
    return Signer(secret_key or current_app.config["SECRET_KEY"], salt="comment-form")


def form_token(
    post_id: int,
    issued: datetime | None = None,
    secret_key: str | None = None,
    renewed: bool = False,
) -> str:
    """A signed note of when the comment form for this post was shown, and whether it was
    shown again because the first note had expired. The page cache passes the secret key:
    it fills in timers outside any Flask request."""
    moment = int((issued or utcnow()).timestamp())
    return _signer(secret_key).sign(f"{post_id}:{moment}{':renewed' if renewed else ''}").decode()


@dataclass(frozen=True)
class FormTimer:
    seconds: float  # since the form was shown
    renewed: bool


def read_form_timer(token: str, post_id: int, now: datetime) -> FormTimer | None:
    """None when the token is missing, forged or for another post."""
    try:
        token_post, moment, *flags = _signer().unsign(token or "").decode().split(":")
        seconds = now.timestamp() - int(moment)
    except (BadSignature, ValueError):
        return None
    if token_post != str(post_id) or flags not in ([], ["renewed"]):
        return None
    return FormTimer(seconds, renewed=bool(flags))


def timer_needs_renewal(token: str, post_id: int) -> bool:
    """The form must be shown again, with the text and a renewed timer, rather than judged:
    its genuine timer is older than COMMENT_FORM_LIFETIME (a bot cannot replay one timer
    forever; a person who left the tab open overnight is still a person), or it was renewed
    less than COMMENT_MIN_SECONDS ago (a person sending again at once is not taken for a bot).
    A missing or forged timer is not renewed: that comment is stored as spam."""
    timer = read_form_timer(token, post_id, utcnow())
    if timer is None:
        return False
    config = current_app.config
    if timer.renewed and timer.seconds < config["COMMENT_MIN_SECONDS"]:
        return True
    return timer.seconds > config["COMMENT_FORM_LIFETIME"].total_seconds()
