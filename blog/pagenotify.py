"""The database tells each worker when stored pages become old, so that a cached read asks it
nothing: PostgreSQL by LISTEN/NOTIFY (`Listener`), SQLite by its data version
(`DataVersionWatch`). Both give the page cache the same two answers: a `mark` to take before
the read that shows a page current, and whether a page checked at a mark is still `current`.

Asking PostgreSQL for the content version on every cached read (a round trip and a backend
wake-up) held cached pages at 0.37-0.55 of a bare Flask route; on SQLite the same read, in
process, cost about 0.04 ms with a pooled connection's checkout, against 0.003 ms for the
data version.

PostgreSQL:

- The write paths (`content_changed`, `facet_changed`) call `notify` in their transaction:
  PostgreSQL delivers the notification on commit, after the change is visible to every other
  connection, and never for a transaction rolled back.
- Each process keeps one `Listener`: a daemon thread started by the process's first request
  (so after gunicorn forks, each worker starts its own), on one connection in autocommit that
  LISTENs. Each notification moves a counter, `seq`, and records for its key (`CONTENT`, or a
  facet's key) the `seq` at which it last changed.
- A stored page carries a `mark`: the `seq` taken *before* the read that showed it current
  (the database's version equal to the page's). It is still current while nothing it depends
  on changed after its mark: a dict lookup per facet, no query. A change committed after that
  read is notified after it, so it moves its key past the mark; one committed before it was
  seen by the read.
- Trust starts only once LISTEN succeeded (`trusted_since`, the `seq` then), and only marks
  taken since count: a page checked while not listening, or before a lost connection, is
  checked again by a read (LISTEN first, then the read: nothing falls in between). While not
  listening (not connected yet, connection lost, reconnecting with back-off) every cached
  read asks the database, as it always did.
- A lost connection is seen at once when the server closes it (a restart,
  pg_terminate_backend: the thread's wait raises); a silent one (a cable, a firewall) by the
  heartbeat query every HEARTBEAT seconds, which fails after SILENT_LOSS seconds without an
  answer (TCP_USER_TIMEOUT).

The bound: a reader may get the old page for as long as the notification takes to arrive
after the owner's commit (well under a millisecond on one machine, a network hop between
machines); for a lost connection, until the thread notices (at once when the server closes
it; up to HEARTBEAT + SILENT_LOSS seconds, 15, for a silent one).
"""

import logging
import os
import socket
import sqlite3
import threading
import weakref

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

CHANNEL = "blog_pages"
# The payload for a change of the site's content (a facet's change sends the facet's key).
CONTENT = "*"
# Seconds between two heartbeat queries while no notification comes, and how long the
# connection may leave sent data unacknowledged before it counts as lost (TCP_USER_TIMEOUT):
# a silently lost connection is noticed within HEARTBEAT + SILENT_LOSS seconds.
HEARTBEAT = 5.0
SILENT_LOSS = 10.0
FIRST_BACKOFF = 0.05
MAX_BACKOFF = 5.0


def notify(session, payload: str) -> None:
    """Tell every worker's Listener, on commit of `session`'s transaction, that `payload`
    (CONTENT or a facet's key) changed. PostgreSQL sends one notification for identical
    payloads in one transaction."""
    session.execute(select(func.pg_notify(CHANNEL, payload)))


class Listener:
    """One process's listening connection and what it was told (see the module's docstring).
    Readers read its attributes without a lock: one thread writes them, in an order that keeps
    every reading safe (trust is withdrawn first and given last)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.seq = 0
        self.content_seq = 0
        self.changed: dict[str, int] = {}
        # The seq at which the current LISTEN began; None while not listening.
        self.trusted_since: int | None = None
        self.backend_pid: int | None = None  # the listening connection's server process
        self.connections = 0  # how many times LISTEN succeeded (tests watch it recover)
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._connection = None
        self._backoff = FIRST_BACKOFF
        self.thread = threading.Thread(target=self._run, name="page-notify", daemon=True)
        _LISTENERS.add(self)
        self.thread.start()

    def mark(self) -> int | None:
        """To take before the read that shows a page current: None while not listening."""
        return self.seq if self.trusted_since is not None else None

    def current(self, mark: int | None, facet_keys: tuple[str, ...]) -> bool:
        """Whether a page checked at `mark`, showing `facet_keys`, is still current: nothing
        it depends on was notified since, and the listening has not stopped since."""
        since = self.trusted_since
        if since is None or mark is None or mark < since or self.content_seq > mark:
            return False
        changed = self.changed
        return all(changed.get(key, 0) <= mark for key in facet_keys)

    def changed_here(self, payloads) -> None:
        """This process committed changes to `payloads`: its own next reads see them at once,
        without waiting for the notification (which comes too, and costs one read more)."""
        with self._lock:
            for payload in payloads:
                self._notified(payload)

    def stop(self, timeout: float = 5) -> None:
        """End the thread (tests; a process's exit takes the daemon thread with it). Its wait
        is woken by shutting the socket down, without the database."""
        self.stopped.set()
        with self._lock:
            if self._connection is not None and not self._connection.closed:
                try:
                    with socket.socket(fileno=os.dup(self._connection.fileno())) as sock:
                        sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self.thread is not threading.current_thread():
            self.thread.join(timeout)
        _LISTENERS.discard(self)

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                self._listen()
            except Exception:
                if self.stopped.is_set():
                    break
                log.warning("page notifications lost; cached reads ask the database", exc_info=True)
            finally:
                self.trusted_since = None
            if self.stopped.wait(self._backoff):
                break
            self._backoff = min(self._backoff * 2, MAX_BACKOFF)

    def _listen(self) -> None:
        """One listening connection, until it is lost (raises) or the listener is stopped.
        The connection is the engine's (its URL and arguments), taken out of the pool."""
        fairy = self.engine.raw_connection()
        connection = fairy.driver_connection
        fairy.detach()
        try:
            connection.rollback()  # the pool's ping may have begun a transaction
            connection.autocommit = True
            _bound_silent_loss(connection.fileno())
            connection.execute(f"LISTEN {CHANNEL}")
            with self._lock:
                if self.stopped.is_set():
                    return
                self._connection = connection
            self.backend_pid = connection.info.backend_pid
            # Forget what the last connection said; marks from before are not trusted.
            self.changed = {}
            self.content_seq = 0
            self.seq += 1
            self.trusted_since = self.seq
            self.connections += 1
            self._backoff = FIRST_BACKOFF
            while not self.stopped.is_set():
                for note in connection.notifies(timeout=HEARTBEAT):
                    self._heard(note.payload)
                if not self.stopped.is_set():
                    connection.execute("SELECT 1")  # a silent loss raises here
        finally:
            self.trusted_since = None
            with self._lock:
                self._connection = None
            connection.close()

    def _heard(self, payload: str) -> None:
        """A notification arrived (from any process, this one's own commits too)."""
        with self._lock:  # changed_here moves the same counter
            self._notified(payload)

    def _notified(self, payload: str) -> None:
        self.seq += 1
        if payload == CONTENT:
            self.content_seq = self.seq
        else:
            self.changed[payload] = self.seq


class DataVersionWatch:
    """SQLite's counterpart of Listener: `PRAGMA data_version` on a connection of its own moves
    whenever any other connection commits to the file (another worker's, or this process's
    pooled ones: this connection never writes, so every commit is another's). A page checked
    at a data version is current while it has not moved; any commit moves it, so a page is
    then checked again by one read of its version (a like, a view count's flush: one read
    more per stored page, not a render).

    The bound: none. A commit is in the file before the writer's COMMIT returns, and the next
    PRAGMA of any connection sees it."""

    def __init__(self, engine: Engine):
        # One connection for every thread of the process (a threaded server), one at a time.
        self._connection = sqlite3.connect(
            engine.url.database, check_same_thread=False, isolation_level=None
        )
        self._connection.execute("PRAGMA query_only=1")
        self._lock = threading.Lock()

    def mark(self) -> int | None:
        """The data version now; None if it cannot be read (the page is checked by a read)."""
        with self._lock:
            try:
                return self._connection.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return None

    def current(self, mark: int | None, facet_keys: tuple[str, ...]) -> bool:
        return mark is not None and self.mark() == mark

    def changed_here(self, payloads) -> None:
        """This process's commits move the data version too: nothing to do."""

    def stop(self) -> None:
        with self._lock:
            self._connection.close()


def watch_kind(engine: Engine) -> type[Listener] | type[DataVersionWatch] | None:
    """How `engine`'s database tells a worker of changes: PostgreSQL's notifications, an SQLite
    file's data version; None for an in-memory SQLite database, each connection's own."""
    if engine.dialect.name == "postgresql":
        return Listener
    name = engine.url.database or ""
    if (
        engine.dialect.name == "sqlite"
        and name not in ("", ":memory:")
        and "mode=memory" not in name
    ):
        return DataVersionWatch
    return None


def _bound_silent_loss(fd: int) -> None:
    """A TCP connection whose data goes unacknowledged for SILENT_LOSS seconds fails (a
    Unix socket has no such loss: nothing to set)."""
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                timeout_ms = int(SILENT_LOSS * 1000)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, timeout_ms)
    except (OSError, AttributeError):  # not Linux: the heartbeat waits for TCP's own timeout
        pass


# Every listener of this process, for a fork's child.
_LISTENERS: "weakref.WeakSet[Listener]" = weakref.WeakSet()
# The parent's listeners in a forked child: kept from the garbage collector, whose closing of
# their connection would end the parent's connection on the socket they share.
_PARENTS: list[Listener] = []


def _after_fork_in_child() -> None:
    _PARENTS.extend(_LISTENERS)
    _LISTENERS.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)
