"""Whether a request was sent from one of this site's own pages, by the browser's word."""

from flask import request

# What the browser says of a request made by one of our pages, or typed by the person
# (`none`: the address bar, a bookmark). `same-site` is a sibling subdomain: another site.
OWN_FETCH_SITES = ("same-origin", "none")


def _own_origin() -> str:
    return request.host_url.rstrip("/")


def proven_from_this_site() -> bool:
    """The browser vouches that one of our pages sent this: only then may an answer carry a
    fresh CSRF token or a session (SECURITY.md 31)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in OWN_FETCH_SITES
    return request.headers.get("Origin") == _own_origin()


def sent_from_another_site() -> bool:
    """The browser says another site sent this. Browsers send Sec-Fetch-Site (or at least
    Origin) with every POST; a client sending neither is not a browser, and carries no
    reader's authority to misuse (what the comment form relies on)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in OWN_FETCH_SITES
    origin = request.headers.get("Origin")
    return origin is not None and origin != _own_origin()
