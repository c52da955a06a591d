"""Private view counts for the owner: which posts readers open, on which days, and from where.

No cookie, no address and no full referrer: a view is counted in memory (counting.py) as a
post id, the day and the referring site's host (referrers.py), and written in batches; the
owner's page reads the sums (queries.py). Readers' requests never wait for the database.

Both layers that answer a post page count it, from what the page said about itself
(`pagecache.page_shows_post`, PageNote.post_id): Flask for the pages it renders (here, after
the request) and the page cache for those it answers from memory (its `post_viewed` hook,
which `register` sets). A 304 is not a view: neither layer counts it (the reader's browser
had the page, and may show it without anyone reading it again).
"""

from flask import Flask, g, request
from flask_login import current_user

from ..extensions import db
from ..site_time import site_timezone
from .counting import ViewCounter

EXTENSION = "view_counter"


def register(app: Flask) -> None:
    """The process's counter (before pagecache.register, which hands it to the page cache),
    and the count of the post pages Flask renders. VIEW_COUNTING off counts nothing."""
    if not app.config["VIEW_COUNTING"]:
        return
    with app.app_context():
        counter = ViewCounter(db.engine, site_timezone(), app.config["VIEW_FLUSH_SECONDS"])
    app.extensions[EXTENSION] = counter

    @app.after_request
    def count_post_view(response):
        note = g.get("page")
        if (
            note is not None
            and note.post_id is not None
            and response.status_code == 200
            # The page note is a reader's only (pagecache.reusable_request); said again here,
            # as what counts must never depend on another module's rule staying the same.
            and not current_user.is_authenticated
        ):
            counter.seen(note.post_id, request.environ)
        return response


def counter_of(app: Flask) -> ViewCounter | None:
    return app.extensions.get(EXTENSION)
