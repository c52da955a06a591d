"""Pages for anonymous readers: conditional GET, and a page cache in front of Flask.

The rest of the site talks to it through these names:
- `register(app)`, in create_app: the 304s, the ETags and the page cache in front of Flask;
- `content_changed()`, which every write path calls, in its own transaction, when readers can
  see the change (a published or scheduled post saved, trashed or restored, an approved public
  comment, a setting): it makes every stored page old. Changes readers cannot see (a draft, a
  comment held for approval or stored as spam) do not call it: one spam bot must not make every
  page old;
- `page_has_comment_timer(post_id, value)`, said by the post page that shows a comment form:
  the page is kept with a placeholder for the timer, filled in afresh for each reader;
- `page_depends_on(key)`, said by a page that shows a facet, a part of some pages that changes
  on its own (`likes:12`, the 공감 count of post 12), before it reads what it shows; and
  `facet_changed(key)`, which the write path of that part calls in its transaction instead
  of content_changed: only the pages that said they depend on `key` become old, every other
  page keeps its stored copy and its ETag;
- `page_shows_post(post_id)`, said by a post's own page: a reader's view of it is counted
  (blog/stats), by Flask or, when the page cache answers it, by its `post_viewed` hook;
- `insert_first_state`, db.metadata's after_create listener that makes the one state row.

What names the pages' content is `SiteState.content_version`. A scheduled post becomes visible
without any write: the row keeps the next future publication time, and once it has passed the
version also names the newest publication time reached (a query, never a write: reads must
work when writes fail). A page that depends on facets is named by their versions too
(`PageFacet`, one row per key, none until its first change).

A public page is named by its address (`page_address`: everything `url_for` builds links
from, the scheme, host and script root, plus the path, the query and the language) and the
version (with its facets' versions). Its ETag is a keyed hash of both and
of the static files: opaque, so it does not tell anyone the version. One statement (the state
row and the page's facet rows) tells whether a page is current, whichever worker or machine
answers.

Two layers use them:
- In Flask (`register`): before rendering, a reader whose If-None-Match is current gets 304
  (a page with facets, whose ETag is known once they are, gets it after rendering instead);
  a fresh answer gets the ETag and is offered to the page cache.
- `ReaderCache`, a WSGI middleware in front of Flask, keeps the rendered pages (per worker, the
  most recently used, one per address). The next anonymous GET of a stored page is answered
  from it without a query while the database vouches that nothing changed since the page
  was last shown current (blog/pagenotify: PostgreSQL's notifications, SQLite's data
  version), and after one read of the version otherwise; without a Flask request: no session,
  login, locale, routing, template or ORM work, so a cached page costs less than a bare route
  does. While
  the database cannot be read, anonymous readers get the pages kept (stale for at most the
  outage) and Flask answers the rest with a 503.

Only anonymous readers without pending messages are served from the cache: a request with the
remember cookie, or whose session holds a login or a one-time message, always reaches Flask.
Reading gives readers no cookie (the comment form carries no session token, see
forms.CommentForm), so post pages are the same for every reader except the comment form's
signed timer.
"""

import functools
import gzip
import hashlib
import hmac
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, g, has_app_context, request, session
from flask_login import current_user, user_logged_in
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_accept_header, parse_cookie, parse_etags

from . import pagenotify
from .comments.timer import form_token
from .extensions import db, insert_for
from .models import PageFacet, Post, SiteState, Visibility, utcnow

STATE_ID = 1
# In the session of a browser that logged in (see register).
SIGNED_IN = "signed_in"


def insert_first_state(target, connection, **kw):
    """The one state row, made with the tables (db.metadata's after_create, bound in create_app)."""
    connection.execute(db.insert(SiteState).values(id=STATE_ID, content_version=1))


def _next_publication() -> object:
    return db.session.scalar(
        db.select(db.func.min(Post.published_at)).where(
            Post.visibility == Visibility.PUBLIC,
            Post.published_at > utcnow(),
            Post.deleted_at.is_(None),
        )
    )


def content_changed() -> None:
    """Make every stored page old, in the caller's transaction (db.session's): each write path
    calls it when readers can see what it changes, before or after the change. It flushes the
    session first (the next publication time is read from what is being saved), so a caller
    that judges a post by its attributes' history judges it before calling.

    The version moves once per transaction however many changes it holds (saving 1,000 demo
    posts in one commit is one change, as a bulk insert of them is); the next publication
    time is read again at each call, so it includes the transaction's last change."""
    values = {"next_publication_at": _next_publication()}  # begins a transaction if none is
    session = db.session()
    transaction = session.get_transaction()
    if session.info.get(_CHANGED_IN) is not transaction:
        values["content_version"] = SiteState.content_version + 1
        session.info[_CHANGED_IN] = transaction
        _notify(pagenotify.CONTENT)
    db.session.execute(update(SiteState).where(SiteState.id == STATE_ID).values(**values))


def _notify(payload: str) -> None:
    """On PostgreSQL, tell every worker's page cache on commit (blog/pagenotify), this
    process's own at once (_told_on_commit)."""
    if db.session.get_bind().dialect.name == "postgresql":
        pagenotify.notify(db.session, payload)
        db.session.info.setdefault(_NOTIFIED, set()).add(payload)


# In db.session.info: what this transaction notified, for this process's listener.
_NOTIFIED = "pages_notified"


def _told_on_commit(session) -> None:
    """This process's listener learns of its own commit at once: a reader's next request to
    this worker must not wait for the notification's round trip to see the change."""
    notified = session.info.pop(_NOTIFIED, None)
    if notified and has_app_context():
        cache = current_app.extensions.get("reader_cache")
        listener = cache.listener if cache is not None else None
        if listener is not None:
            listener.changed_here(notified)


def _nothing_told(session) -> None:
    session.info.pop(_NOTIFIED, None)


# db.session's listeners (bound by create_app's bind_database_events).
SESSION_LISTENERS = (("after_commit", _told_on_commit), ("after_rollback", _nothing_told))


# In db.session.info: the transaction whose changes have moved the version already.
_CHANGED_IN = "content_changed_in"


def page_has_comment_timer(post_id: int, value: str) -> None:
    """The page being rendered shows the comment form of `post_id` with the timer `value`: the
    page cache keeps the page with a placeholder there and gives each reader a fresh timer."""
    note = g.get("page")
    if note is not None:
        g.page = replace(note, timer=(post_id, value))


_FACET = PageFacet.__table__


def page_depends_on(key: str) -> None:
    """The page being rendered shows the facet `key`: it is kept under that facet's version,
    and becomes old when facet_changed(key) is called. Say it before reading what the page
    shows of it, so that a change in between makes the page old rather than kept as new."""
    note = g.get("page")
    if note is None or any(known == key for known, _ in note.facets):
        return  # not a page for sharing (the owner's), or said already
    version = db.session.scalar(db.select(_FACET.c.version).where(_FACET.c.key == key))
    facets = (*note.facets, (key, version or 0))
    etag = etag_of(
        current_app.secret_key,
        note.address,
        with_facets(note.version, facets),
        current_app.config["STATIC_VERSION"],
    )
    g.page = replace(note, facets=facets, etag=etag)


def facet_changed(key: str) -> None:
    """Make the pages that show the facet `key` old, in the caller's transaction (db.session's):
    one upsert of its row. Nothing else changes: the home page, the lists and every page that
    does not show it keep their stored copies and ETags."""
    upsert = insert_for(_FACET).values(key=key, version=1)
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=[_FACET.c.key], set_={"version": _FACET.c.version + 1}
        )
    )
    _notify(key)


def with_facets(version: str, facets: tuple[tuple[str, int], ...]) -> str:
    """The full version of a page: the site's, and each of its facets' (key=version)."""
    return "".join([version, *(f"|{key}={number}" for key, number in facets)])


def page_shows_post(post_id: int) -> None:
    """The page being rendered is post `post_id`'s own page: each reader's view of it is
    counted, whichever layer answers it (see blog/stats)."""
    note = g.get("page")
    if note is not None:
        g.page = replace(note, post_id=post_id)


_STATE = SiteState.__table__
_READ_STATE = db.select(_STATE.c.content_version, _STATE.c.next_publication_at).where(
    _STATE.c.id == STATE_ID
)


def read_state_and_facets(count: int):
    """The state row and, for each of `count` facets (bound as facet_0, facet_1…), its version
    (NULL with no row yet): whether a stored page is current, in one statement."""
    versions = [
        db.select(_FACET.c.version).where(_FACET.c.key == db.bindparam(f"facet_{n}"))
        for n in range(count)
    ]
    return _READ_STATE.add_columns(*(version.scalar_subquery() for version in versions))


def _publications_around(engine, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The newest publication time reached, and the next one to come."""
    with engine.connect() as connection:
        newest = connection.execute(
            db.select(db.func.max(Post.published_at)).where(Post.published(now))
        ).scalar()
        coming = connection.execute(
            db.select(db.func.min(Post.published_at)).where(
                Post.visibility == Visibility.PUBLIC,
                Post.published_at > now,
                Post.deleted_at.is_(None),
            )
        ).scalar()
    return newest, coming


def _timestamp(moment: datetime | str | None, now: datetime) -> float | None:
    if isinstance(moment, str):  # SQLite's driver gives the stored text
        moment = datetime.fromisoformat(moment)
    return None if moment is None else moment.replace(tzinfo=now.tzinfo).timestamp()


def page_version(engine, version: int, next_publication_at: datetime | str | None) -> str:
    """What names the pages' content: the version, and once a scheduled post's time has come
    (no save has recorded it yet), the newest publication time reached, which changes exactly
    when the next scheduled post appears. No write: a full disk must not stop reads."""
    return page_version_until(engine, version, next_publication_at)[0]


def page_version_until(
    engine, version: int, next_publication_at: datetime | str | None
) -> tuple[str, float | None]:
    """page_version, and until when (a Unix time; None: until the next write) it holds without
    a write: the next scheduled publication. The page cache's notified pages (pagenotify) are
    current until then only, as no write tells anyone that a scheduled post appeared."""
    now = utcnow()
    until = _timestamp(next_publication_at, now)
    if until is None or until > now.timestamp():
        return str(version), until
    newest, coming = _publications_around(engine, now)
    return f"{version}.{newest.timestamp() if newest else 0:.0f}", _timestamp(coming, now)


def site_version(engine) -> str:
    """The pages' version now, for Flask's requests (the page cache's hits read it on the
    driver's own connection, see ReaderCache._version)."""
    with engine.connect() as connection:
        row = connection.execute(_READ_STATE).first()
    return page_version(engine, *row) if row else "0"


def static_files_hash(folder: str) -> str:
    """One hash of every static file: part of each ETag and of every static address, so a
    changed stylesheet or script gets a new address and may be cached for a year."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def page_address(environ: dict, cookies) -> tuple[str, ...]:
    """Everything of a request that a public page depends on, as the request gave it: what
    `url_for` builds every link from (the scheme, the host and SCRIPT_NAME, which gunicorn
    takes from a request header: a key without it let one request fill a page with another
    site's links), the path and query, and the language. Raw values, not werkzeug's
    `root_url`, which cost two thirds of a cached read: two requests that differ only in how
    they spell an address get a page each, never one another's. A tuple, so that no value
    can make one address out of another's pieces."""
    return (
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        cookies.get("lang", ""),
    )


def etag_of(secret_key: str, address: tuple[str, ...], version: str, static_version: str) -> str:
    """Keyed, so that nobody can tell from it when the site's content changed."""
    message = repr((version, address, static_version)).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip; remembered, as browsers send a few
    headers again and again (parsing one cost a tenth of a cached read)."""
    return parse_accept_header(accept_encoding)["gzip"] > 0


def compressed_etag(etag: str) -> str:
    """The ETag of a page's gzip form: caches must not answer one form with the other."""
    return f"{etag}-gzip"


def reusable_request() -> bool:
    """A GET whose answer is the same for every anonymous reader."""
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint != "static"
        # Photos name their content: their own ETag and a year of caching (media/store.py).
        # A commenter's own page (comments.views) is theirs alone, and the moderation feed is
        # the owner's behind a secret address (notify/views.py): never kept, never shared.
        and request.blueprint not in ("admin", "auth", "media", "comments", "notify")
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


@dataclass(frozen=True)
class PageNote:
    """What Flask tells the middleware about a page it answered (in the WSGI environ)."""

    address: tuple[str, ...]
    version: str
    etag: str
    # The comment form's timer on this page: (post id, the value rendered), if there is one.
    timer: tuple[int, str] | None = None
    # The facets the page shows, with the versions it was rendered at: ((key, version), …).
    facets: tuple[tuple[str, int], ...] = ()

    @property
    def full_version(self) -> str:
        return with_facets(self.version, self.facets)

    # The post whose own page this is (page_shows_post), if it is one.
    post_id: int | None = None


@dataclass(frozen=True)
class StoredPage:
    version: str  # with its facets' versions (with_facets)
    etag: str
    headers: list[tuple[str, str]]  # as Flask sent them, less ETag and Content-Length
    body: bytes  # with TIMER_PLACEHOLDER for the comment form's timer
    timer_post_id: int | None
    gzipped: bytes | None  # the body compressed, for a page without a timer
    facet_keys: tuple[str, ...] = ()
    # The statement and parameters that read the page's version on a hit (see _version).
    read: tuple | None = None
    post_id: int | None = None  # the post whose page it is: its readers' views are counted
    # Listening (pagenotify): the Listener's mark taken before the read that showed the page
    # current, and the Unix time until which it holds (the next scheduled publication).
    mark: int | None = None
    until: float | None = None

    @property
    def nbytes(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


def _compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


class PageCache:
    """The most recently used pages, by address; thread-safe, bounded in entries and in bytes (the
    addresses are the reader's to choose: `?x=1`, `?x=2`… must not fill a worker's memory)."""

    def __init__(self, max_pages: int, max_bytes: int):
        self.max_pages = max_pages
        self.max_bytes = max_bytes
        self.bytes = 0
        self.pages: OrderedDict[tuple, StoredPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, address: tuple) -> StoredPage | None:
        with self.lock:
            page = self.pages.get(address)
            if page is not None:
                self.pages.move_to_end(address)
            return page

    def put(self, address: tuple, page: StoredPage) -> None:
        if page.nbytes > self.max_bytes // 4:
            return  # one huge page (a sitemap of 45,000 posts) would push out hundreds
        with self.lock:
            if (old := self.pages.pop(address, None)) is not None:
                self.bytes -= old.nbytes
            self.pages[address] = page
            self.bytes += page.nbytes
            while len(self.pages) > self.max_pages or self.bytes > self.max_bytes:
                self.bytes -= self.pages.popitem(last=False)[1].nbytes


TIMER_PLACEHOLDER = b"\x00comment-timer\x00"
# Headers that differ between the plain and the compressed answer, added for each.
VARIANT_HEADERS = {"etag", "content-length", "content-encoding"}


class ReaderCache:
    """WSGI middleware: answers an anonymous reader's GET of a stored page without Flask, and
    stores the pages Flask marks as reusable (a `PageNote` in the environ)."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.fresh_timer = form_token
        self.pages = PageCache(app.config["PAGE_CACHE_SIZE"], app.config["PAGE_CACHE_BYTES"])
        self.session_interface = app.session_interface
        self.remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        self.static_prefix = f"{app.static_url_path}/"
        # Told of each reader's view of a post page answered from here, (post id, environ)
        # (blog/stats: a count in memory); Flask tells it of the pages it renders.
        counter = app.extensions.get("view_counter")
        self.post_viewed = counter.seen if counter is not None else None
        with app.app_context():
            self.engine = db.engine
        # The version's statement as this database's driver takes it: its SQL with bound
        # parameters, compiled once (see _version), and once per number of facets a page has.
        self._compiled = {}
        self.read_state = self._driver_statement(())
        self.driver_errors = (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error)
        # Pages with a comment timer, filled in this second:
        # (second, (address, version) → plain, gzipped).
        self._filled: tuple[int, dict[tuple[str, str], tuple[bytes, bytes]]] = (0, {})
        # Told of changes (blog/pagenotify): started by the process's first request, so each
        # forked worker has its own.
        self.watch_kind = pagenotify.watch_kind(self.engine)
        self.listens = app.config["PAGE_CACHE_NOTIFY"] and self.watch_kind is not None
        self.listener: pagenotify.Listener | pagenotify.DataVersionWatch | None = None
        self._listener_lock = threading.Lock()
        _CACHES.add(self)

    def _start_listener(self) -> "pagenotify.Listener | pagenotify.DataVersionWatch":
        with self._listener_lock:
            if self.listener is None:
                self.listener = self.watch_kind(self.engine)
            return self.listener

    def stop_listening(self) -> None:
        """Stop this process's listener, if it started (tests: the app goes away)."""
        self.listens = False
        with self._listener_lock:
            listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop()

    def _driver_statement(self, facet_keys: tuple[str, ...]) -> tuple:
        """The statement reading the version of a page showing `facet_keys`, as SQL and
        parameters in the driver's own form (what cursor.execute takes)."""
        compiled = self._compiled.get(len(facet_keys))
        if compiled is None:
            statement = read_state_and_facets(len(facet_keys))
            compiled = self._compiled[len(facet_keys)] = statement.compile(
                dialect=self.engine.dialect
            )
        read = compiled.construct_expanded_state(
            {f"facet_{n}": key for n, key in enumerate(facet_keys)}
        )
        return read.statement, (
            read.positional_parameters if compiled.positional else read.parameters
        )

    def __call__(self, environ, start_response):
        if (
            not self.pages.max_pages
            or environ["REQUEST_METHOD"] not in ("GET", "HEAD")
            or environ.get("PATH_INFO", "").startswith(self.static_prefix)
        ):
            return self.wsgi_app(environ, start_response)
        cookie_header = environ.get("HTTP_COOKIE")
        cookies = parse_cookie(cookie_header) if cookie_header else {}
        if cookies and not self._anonymous(environ, cookies):
            return self.wsgi_app(environ, start_response)
        address = page_address(environ, cookies)
        page = self.pages.get(address)
        listener = self.listener
        if listener is None and self.listens:
            listener = self._start_listener()
        if (
            page is not None
            and listener is not None
            and listener.current(page.mark, page.facet_keys)
            and (page.until is None or time.time() < page.until)
        ):
            return self._answer(environ, address, page, start_response, hit=True)  # no query
        mark = listener.mark() if listener is not None else None
        try:
            version, until = self._version(page)
        except self.driver_errors:
            if page is None:
                return self.wsgi_app(environ, start_response)  # Flask answers 503
            return self._answer(environ, address, page, start_response, hit=True)  # kept
        if page is None or page.version != version:
            return self._render_and_keep(environ, start_response)
        if mark is not None and (page.mark != mark or page.until != until):
            page = replace(page, mark=mark, until=until)  # current since the mark
            self.pages.put(address, page)
        return self._answer(environ, address, page, start_response, hit=True)

    def _answer(self, environ, address: tuple, page: StoredPage, start_response, hit=False):
        """A stored page, compressed if the reader accepts it, or 304 if theirs is current.
        A `hit` (not the page Flask just rendered, whose view Flask counted) of a post page
        is a view of the post."""
        compressed = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        etag = compressed_etag(page.etag) if compressed else page.etag
        headers = [*page.headers, ("ETag", f'"{etag}"')]
        held = environ.get("HTTP_IF_NONE_MATCH")
        if held and etag in parse_etags(held):
            unchanged = [header for header in headers if header[0].lower() != "content-type"]
            start_response("304 NOT MODIFIED", unchanged)
            return []
        plain, gzipped = self._bodies(address, page)
        body = gzipped if compressed else plain
        if compressed:
            headers.append(("Content-Encoding", "gzip"))
        if hit and page.post_id is not None and self.post_viewed is not None:
            self.post_viewed(page.post_id, environ)
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _bodies(self, address: tuple, page: StoredPage) -> tuple[bytes, bytes]:
        """The page as sent, plain and compressed. A page with a comment form gets a fresh
        timer; the timer counts whole seconds, so the page is filled in and compressed once a
        second for all its readers."""
        if page.gzipped is not None:
            return page.body, page.gzipped
        now = utcnow()
        second = int(now.timestamp())
        seen_second, filled = self._filled
        if seen_second != second:
            filled = {}
            self._filled = (second, filled)
        bodies = filled.get((address, page.version))
        if bodies is None:
            timer = self.fresh_timer(page.timer_post_id, now, self.app.secret_key).encode()
            body = page.body.replace(TIMER_PLACEHOLDER, timer)
            bodies = filled[(address, page.version)] = (body, _compress(body))
        return bodies

    def _anonymous(self, environ, cookies) -> bool:
        """No login and no one-time message: nothing personal on the page."""
        if self.remember_cookie in cookies:
            return False
        if self.session_interface.get_cookie_name(self.app) not in cookies:
            return True
        session = self.session_interface.open_session(self.app, self.app.request_class(environ))
        return session is not None and SIGNED_IN not in session and "_flashes" not in session

    def _version(self, page: StoredPage | None) -> tuple[str, float | None]:
        """The version of `page` (with its facets'), or the site's with none stored, and until
        when it holds without a write (page_version_until), on a cache hit that no notification
        or data version vouches for (blog/pagenotify): one statement compiled once, with its
        bound parameters, on a pooled DBAPI connection (Engine.raw_connection). Through
        SQLAlchemy's Connection and Result (site_version) the read took 0.12-0.19 ms instead of
        0.04, and cached pages fell from about 0.8 of a bare Flask route to 0.55-0.72
        (bench/run.py)."""
        read = page.read if page is not None and page.read else self.read_state
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(*read)
            row = cursor.fetchone()
            cursor.close()
        except self.driver_errors:
            connection.invalidate()  # a server that went away: never hand this one out again
            raise
        finally:
            connection.close()
        if not row:
            return "0", None
        version, until = page_version_until(self.engine, row[0], row[1])
        if page is None or not page.facet_keys:
            return version, until
        numbers = (number or 0 for number in row[2:])  # no row yet: version 0
        return with_facets(version, tuple(zip(page.facet_keys, numbers, strict=True))), until

    def _render_and_keep(self, environ, start_response):
        """Let Flask answer; keep a reusable page and send it as a stored page is sent (so
        the first reader gets it compressed too)."""
        sent = {}

        def hold_start(status, headers, exc_info=None):
            sent.update(status=status, headers=headers, exc_info=exc_info)
            return _no_write  # Flask writes nothing through it: its body is the iterable

        chunks = self.wsgi_app(environ, hold_start)
        note: PageNote | None = environ.get("blog.page")
        if (
            note is None
            or environ["REQUEST_METHOD"] != "GET"
            or not sent["status"].startswith("200")
            or any(name.lower() == "set-cookie" for name, _ in sent["headers"])
        ):
            start_response(sent["status"], sent["headers"], sent["exc_info"])
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        stored, gzipped = body, None
        if note.timer:
            stored = body.replace(note.timer[1].encode(), TIMER_PLACEHOLDER)
        else:
            gzipped = _compress(body)
        headers = [(k, v) for k, v in sent["headers"] if k.lower() not in VARIANT_HEADERS]
        timer_post_id = note.timer[0] if note.timer else None
        facet_keys = tuple(key for key, _ in note.facets)
        page = StoredPage(
            note.full_version,
            note.etag,
            headers,
            stored,
            timer_post_id,
            gzipped,
            facet_keys,
            self._driver_statement(facet_keys) if facet_keys else None,
            post_id=note.post_id,
        )
        self.pages.put(note.address, page)
        return self._answer(environ, note.address, page, start_response)


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache collects the body from the iterable only")


# Every page cache of this process: a forked child starts its own listener (the parent's
# thread is not there; pagenotify keeps the parent's connection untouched).
_CACHES: "weakref.WeakSet[ReaderCache]" = weakref.WeakSet()
_PARENTS_LISTENERS: list = []


def _forget_parents_listeners() -> None:
    for cache in list(_CACHES):
        if cache.listener is not None:
            # Kept from the garbage collector: closing the parent's SQLite connection here
            # would touch the file's locks (pagenotify keeps its PostgreSQL ones itself).
            _PARENTS_LISTENERS.append(cache.listener)
        cache.listener = None
        cache._listener_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_parents_listeners)


def stop_listening(app: Flask) -> None:
    """Stop the app's page-change listener, if it has one (tests, at the app's end)."""
    cache = app.extensions.get("reader_cache")
    if cache is not None:
        cache.stop_listening()


def register(app: Flask) -> None:
    """Answer 304 before rendering when the reader's copy is current; tag fresh answers; put
    the page cache in front; give static files versioned addresses and a year of caching."""
    app.config["STATIC_VERSION"] = static_files_hash(app.static_folder)

    @user_logged_in.connect_via(app)
    def mark_signed_in(sender, user, **extra):
        # The middleware tells a login from the session alone, outside Flask-Login; this is
        # ours to set (logging out clears the session). A remembered login carries the remember
        # cookie, which the middleware looks for as well.
        session[SIGNED_IN] = True

    reader_cache = ReaderCache(app)
    app.extensions["page_cache"] = reader_cache.pages
    app.extensions["reader_cache"] = reader_cache
    app.wsgi_app = reader_cache

    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static":
            values.setdefault("v", app.config["STATIC_VERSION"])

    @app.before_request
    def not_modified():
        if not reusable_request():
            return None
        address, version = page_address(request.environ, request.cookies), site_version(db.engine)
        etag = etag_of(app.secret_key, address, version, app.config["STATIC_VERSION"])
        g.page = PageNote(address, version, etag)
        return _not_modified(app, etag)

    @app.after_request
    def tag_response(response):
        note = g.get("page")
        if note is None or response.status_code != 200:
            return response
        if note.facets and (unchanged := _not_modified(app, note.etag)) is not None:
            return unchanged  # its ETag was known only once the page named its facets
        response.set_etag(note.etag)
        response.headers["Cache-Control"] = "no-cache"  # a browser asks again, cheaply (304)
        response.vary.add("Accept-Encoding")  # the page cache answers with gzip when asked
        # A page for a session holding a CSRF token may show it: that reader's own, never
        # shared (Flask-WTF keeps the token under its documented WTF_CSRF_FIELD_NAME).
        holds_token = app.config["WTF_CSRF_FIELD_NAME"] in session
        if not response.direct_passthrough and not holds_token:
            request.environ["blog.page"] = note
        return response


def _not_modified(app: Flask, etag: str):
    """A 304 if the reader holds the page of `etag`, plain or compressed by the page cache
    (ReaderCache); else None."""
    forms = (etag, compressed_etag(etag))
    held = next((tag for tag in forms if tag in request.if_none_match), None)
    if held is None:
        return None
    response = app.response_class(status=304)
    response.set_etag(held)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response
