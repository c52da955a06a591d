"""Counting readers' views in memory, and writing them in batches.

A reader's view is a dict increment under a lock (`ViewCounter.seen`): no query and no write
in the request, whether Flask rendered the page or the page cache answered it. A daemon
thread per process, started by the first view it counts (so after gunicorn forks its workers,
each worker starts its own), adds what was counted to the tables every FLUSH seconds in one
transaction of UPSERTs that add to the day's rows; so does the process's exit, best effort.
A crash (or a kill -9) loses what was counted since the last write: at most one interval's
views of that process. While the database cannot be written, the counts are kept and tried
again at the next interval.

What counts is decided here, from the WSGI environ alone (the page cache has no Flask
request): a GET by a browser that is not a crawler's and not a prefetch. The callers know
it was an anonymous reader's 200 for a post's own page (pagecache's PageNote.post_id).
"""

import atexit
import functools
import logging
import os
import threading
import weakref
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..models import Post, PostView, ReferrerView
from .referrers import SITE, source_of

log = logging.getLogger(__name__)

# Words of crawlers', link previewers' and scripts' User-Agents (lower case). Browsers'
# User-Agents contain none of them; an empty User-Agent is a script's too.
BOT_WORDS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "facebookexternalhit",
    "headless",
    "curl",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "wget",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "scrapy",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
    "preview",
    "feed",
    "daumoa",  # Daum's crawler (Daum's app says DaumApps: a reader)
    "yeti",  # Naver's crawler
)


@functools.lru_cache(maxsize=2048)
def is_bot(agent: str) -> bool:
    """Kept by User-Agent: readers' browsers send a few, again and again (one regex over a
    User-Agent with IGNORECASE took 38 µs; a cached answer takes well under one)."""
    agent = agent.lower()
    return any(word in agent for word in BOT_WORDS)


# Distinct referring hosts kept in memory between two writes: the Referer is anybody's to
# forge, and a flood of made-up hosts must not fill a worker's memory (or the table). Past
# this, other sites' views are counted under one "other sites" row.
MAX_PENDING_SOURCES = 5000


def is_readers_view(environ: dict) -> bool:
    """A GET by a reader's browser, not a crawler's, a script's or a prefetch (a page the
    browser fetched in case it is opened: Chrome's Sec-Purpose, older browsers' Purpose or
    X-Moz; a prerendered page that is then shown is not counted either)."""
    if environ.get("REQUEST_METHOD") != "GET":
        return False
    agent = environ.get("HTTP_USER_AGENT")
    if not agent or is_bot(agent):
        return False
    for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE"):
        if "prefetch" in environ.get(header, "").lower():
            return False
    return True


def own_host(environ: dict) -> str:
    """The host the reader asked for, without port (after ProxyFix, the reader's own)."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    if host.startswith("["):  # [::1]:8000, as urlsplit gives a referrer's: ::1
        return host[1 : host.find("]")]
    return host.split(":", 1)[0]


class ViewCounter:
    """One process's counts not yet written, and the thread that writes them."""

    def __init__(self, engine: Engine, zone: ZoneInfo, interval: float):
        self.engine = engine
        self.zone = zone
        self.interval = interval
        self._start_afresh()
        _COUNTERS.add(self)

    def _start_afresh(self) -> None:
        """No counts and no thread: at creation, and in a forked child (whose parent's counts
        are the parent's to write, and whose parent's thread does not exist there)."""
        self.lock = threading.Lock()
        self.views: dict[tuple[date, int], int] = {}
        self.sources: dict[tuple[date, int, str, str], int] = {}
        self.thread: threading.Thread | None = None
        self.stopped = threading.Event()
        self._day: tuple[float, date] = (0.0, date.min)

    def seen(self, post_id: int, environ: dict) -> None:
        """A reader's view of post `post_id`'s page, if `environ` is a reader's (see
        is_readers_view): counted in memory, for the next write."""
        if not is_readers_view(environ):
            return
        kind, name = source_of(environ.get("HTTP_REFERER"), own_host(environ))
        day = self.today()
        with self.lock:
            views_key = (day, post_id)
            self.views[views_key] = self.views.get(views_key, 0) + 1
            source_key = (day, post_id, kind, name)
            if source_key not in self.sources and len(self.sources) >= MAX_PENDING_SOURCES:
                source_key = (day, post_id, SITE, "")
            self.sources[source_key] = self.sources.get(source_key, 0) + 1
            if self.thread is None:
                self._start_thread()

    def today(self) -> date:
        """The site's calendar day now; worked out once a day, not at every view."""
        now = datetime.now(self.zone)
        until, day = self._day
        if now.timestamp() >= until:
            day = now.date()
            midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), self.zone)
            self._day = (midnight.timestamp(), day)
        return day

    def _start_thread(self) -> None:
        self.thread = threading.Thread(
            target=_write_every,
            args=(weakref.ref(self), self.interval, self.stopped),
            name="view-counts",
            daemon=True,
        )
        self.thread.start()

    def flush(self) -> int:
        """Write what was counted, in one transaction; the number of views written. On a
        database error the counts are kept for the next write and the error is raised."""
        with self.lock:
            views, sources = self.views, self.sources
            self.views, self.sources = {}, {}
        if not views:
            return 0
        try:
            with self.engine.begin() as connection:
                write_counts(connection, views, sources)
        except Exception:
            with self.lock:
                _add_into(self.views, views)
                _add_into(self.sources, sources)
            raise
        return sum(views.values())

    def close(self) -> None:
        """Stop the thread and forget what was not written (tests, whose database goes away)."""
        self.stopped.set()
        with self.lock:
            self.views, self.sources = {}, {}
        _COUNTERS.discard(self)


def _add_into(counts: dict, more: dict) -> None:
    for key, number in more.items():
        counts[key] = counts.get(key, 0) + number


def _write_every(counter_ref, interval: float, stopped: threading.Event) -> None:
    """The writing thread: holds its counter weakly, so an app that is gone (the tests make
    hundreds) takes its thread with it."""
    while not stopped.wait(interval):
        counter = counter_ref()
        if counter is None:
            return
        try:
            counter.flush()
        except Exception:
            log.warning("view counts not written yet; trying again", exc_info=True)
        del counter


def _adding(engine: Engine, table, keys: list[str]):
    """INSERT … ON CONFLICT (keys) DO UPDATE SET views = views + the new views."""
    insert = (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={"views": table.c.views + insert.excluded.views},
    )


def write_counts(connection: Connection, views: dict, sources: dict) -> None:
    """Add the counts to the tables. Rows go in key order, so two workers writing at once
    take the rows' locks in one order (no deadlock); a post removed for good since its views
    were counted is left out (its rows would break the foreign key)."""
    post_ids = {post_id for _, post_id in views}
    existing = set(connection.scalars(select(Post.id).where(Post.id.in_(post_ids))))
    view_rows = [
        {"day": day, "post_id": post_id, "views": number}
        for (day, post_id), number in sorted(views.items())
        if post_id in existing
    ]
    source_rows = [
        {"day": day, "post_id": post_id, "kind": kind, "name": name, "views": number}
        for (day, post_id, kind, name), number in sorted(sources.items())
        if post_id in existing
    ]
    engine = connection.engine
    if view_rows:
        connection.execute(_adding(engine, PostView.__table__, ["day", "post_id"]), view_rows)
    if source_rows:
        keys = ["day", "post_id", "kind", "name"]
        connection.execute(_adding(engine, ReferrerView.__table__, keys), source_rows)


# Every counter of this process, for the exit's write and for a fork's child.
_COUNTERS: "weakref.WeakSet[ViewCounter]" = weakref.WeakSet()


@atexit.register
def _write_at_exit() -> None:
    """Best effort: a worker that stops writes what it counted since the last interval."""
    for counter in list(_COUNTERS):
        try:
            counter.flush()
        except Exception:  # the database may be gone at exit: nothing to tell anyone
            pass


def _forget_parents_counts() -> None:
    for counter in list(_COUNTERS):
        counter._start_afresh()


os.register_at_fork(after_in_child=_forget_parents_counts)
