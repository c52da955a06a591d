"""Fault injection: kill -9 during saves, a full disk, PostgreSQL restarts, under load.

    .venv/bin/python bench/faults.py [--only kill,disk,postgres] [--seconds 10] [--keep]

Each part serves the site of this tree under gunicorn (2 sync workers, on 127.0.0.1), seeded
with a few demo posts and an owner (bench/run.py's helpers), while the owner keeps saving
through the real editor forms (bench/owner.py) and reader threads fetch a mix of public pages:

- kill: SQLite; kill -9 a worker several times (the one answering the owner's save, when it
  is found in time), then the master (restarted as a supervisor would).
- disk: SQLite on an 8 MiB tmpfs, filled with dd; a post scheduled to fall due while the disk
  is full; then the space is freed.
- postgres: a throwaway cluster (tests/postgres.sh, port --pg-port), `pg_ctl restart -m fast`
  and `-m immediate`.

Afterwards every acknowledged save (a 303 answer) is looked up in the database. Prints, per
part, the answers by status, acknowledged saves lost and the time until reads and saves
succeeded again: figures to paste into a note. The disk and postgres parts need root (tmpfs,
runuser); without it they are skipped with one line. Everything started is stopped, unmounted
and removed at the end, on Ctrl-C or on a failure too (--keep leaves the temporary folder
with the gunicorn logs).
"""

import argparse
import contextlib
import functools
import http.client
import itertools
import operator
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from owner import Browser, Writer, filled, form_with, log_in, shown
from run import OWNER, ROOT, page_paths, seed, serve, set_owner, start_cluster, stop

# The checks read the database through the site's own models.
sys.path.insert(0, str(ROOT))

PARTS = ("kill", "disk", "postgres")
DEMO_POSTS = 30
READ_TIMEOUT = 5
SAVE_TIMEOUT = 10
# The writer numbers its saves from here: numbers of one width, so no title or text sent is
# part of another (as "일기 12" contains "일기 1"), and finding it in an answer means that one.
FIRST_NUMBER = 100001
clock = time.monotonic


@dataclass
class Answer:
    """One request and how it was answered (`kind`: the status, "bare 500", "no answer" or
    "timed out")."""

    sent: float
    answered: float
    kind: str
    status: int | None = None
    path: str = ""
    fields: dict | None = None  # a save's form
    location: str = ""
    text: str = ""

    @property
    def read_ok(self) -> bool:
        return self.status is not None and (200 <= self.status < 300 or self.status == 304)

    @property
    def saved(self) -> bool:
        return self.status == 303


def answer_kind(status: int, text: str) -> str:
    # gunicorn's own page (an exception escaped the app) and Werkzeug's default one both say
    # just this; the site's pages link its stylesheet.
    if status == 500 and "Internal Server Error" in text and "/static/" not in text:
        return "bare 500"
    return str(status)


def ask(send, path: str, fields: list | None = None) -> Answer:
    sent = clock()
    try:
        response = send(path) if fields is None else send(path, fields)
    except (OSError, http.client.HTTPException) as error:
        # Refused, reset or timed out: the client got no answer at all.
        reason = getattr(error, "reason", error)  # urllib wraps errors of the connection
        kind = "timed out" if isinstance(reason, TimeoutError) else "no answer"
        return Answer(sent, clock(), kind, path=path, text=repr(reason))
    location = response.headers.get("Location") or ""
    return Answer(
        sent,
        clock(),
        answer_kind(response.status, response.text),
        response.status,
        path,
        location=location,
        text=response.text,
    )


class _PortNotingHandler(urllib.request.HTTPHandler):
    """Notes the local port of each connection: the worker answering a request is the one
    whose connection has that port at its other end."""

    handler_order = 400  # before urllib's own HTTP handler

    def __init__(self, browser: "RecordingBrowser"):
        super().__init__()
        self.browser = browser

    def http_open(self, req):
        return self.do_open(functools.partial(_PortNotingConnection, self.browser), req)


class _PortNotingConnection(http.client.HTTPConnection):
    def __init__(self, browser: "RecordingBrowser", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.browser = browser

    def connect(self):
        super().connect()
        self.browser.local_port = self.sock.getsockname()[1]


class RecordingBrowser(Browser):
    """The owner's browser, keeping every save it sent (a POST with the Save button)."""

    def __init__(self, base: str):
        super().__init__(base, timeout=SAVE_TIMEOUT)
        self.opener.add_handler(_PortNotingHandler(self))
        self.saves: list[Answer] = []
        self.in_flight = threading.Event()
        self.local_port = 0

    def post(self, path, form):
        if ("save", "y") not in form:
            return super().post(path, form)
        self.in_flight.set()
        try:
            answer = ask(super().post, path, form)
        finally:
            self.in_flight.clear()
        answer.fields = dict(form)
        self.saves.append(answer)
        if answer.status is None:
            raise ConnectionError(f"POST {path}: {answer.text}")
        return _Replayed(answer)


class _Replayed:
    """An Answer seen as owner.Response, for Writer's code."""

    def __init__(self, answer: Answer):
        self.status = answer.status
        self.text = answer.text
        self.headers = {"Location": answer.location}


class FaultWriter(Writer):
    """owner.Writer, kept going through failures: a step that fails (no answer, an error page
    instead of a form) is given up and the next one tried. Every save sent is kept with its
    answer (RecordingBrowser)."""

    def __init__(self, base: str):
        super().__init__(base, *OWNER)
        self.owner = RecordingBrowser(base)
        self.commentary_path = ""

    def run(self) -> None:
        try:
            self._until_done(lambda: log_in(self.owner, self.username, self.password))
            self.commentary_path = self._until_done(self._create_commentary)
            self.ready.set()
            for number in itertools.count(FIRST_NUMBER):
                self._step(self._new_diary_entry, number)
                if self.stopping.is_set():
                    break
                self._step(self._edit_commentary, self.commentary_path, number)
                if self.stopping.is_set():
                    break
        except BaseException as error:  # reported by the caller
            self.error = error
        finally:
            self.ready.set()

    def _step(self, step, *args) -> None:
        try:
            step(*args)
        except (OSError, LookupError, RuntimeError, http.client.HTTPException):
            self.stopping.wait(0.05)  # the site is down: do not spin

    def _until_done(self, step):
        deadline = clock() + 60
        while clock() < deadline and not self.stopping.is_set():
            try:
                return step()
            except (OSError, LookupError, RuntimeError, http.client.HTTPException):
                self.stopping.wait(0.5)
        raise RuntimeError(f"{step} did not succeed within 60 s")

    def _check_fresh(self, title: str, *paths: str) -> None:
        """Not here: the reader threads count every read (run.py checks freshness)."""

    def saves_since(self, start: float, end: float = float("inf")) -> list[Answer]:
        return answered_in(self.owner.saves, start, end)


class Readers:
    """Threads fetching public pages in turn without cookies, as anonymous readers."""

    def __init__(self, base: str, paths: list[str], threads: int):
        self.base = base
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._read, args=(paths[n:] + paths[:n],), daemon=True)
            for n in (i % len(paths) for i in range(threads))
        ]

    def start(self) -> "Readers":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=READ_TIMEOUT + 5)

    def _read(self, paths: list[str]) -> None:
        browser = Browser(self.base, cookies=False, timeout=READ_TIMEOUT)
        for path in itertools.cycle(paths):
            if self.stopping.is_set():
                return
            answer = ask(browser.get, path)
            answer.text = ""  # thousands of pages: keep the kind only
            self.answers.append(answer)  # list.append is atomic: no lock needed
            if answer.status is None:
                self.stopping.wait(0.05)  # refused at once: do not spin

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        return answered_in(self.answers, start, end)


# Figures


def answered_in(answers: list[Answer], start: float, end: float) -> list[Answer]:
    """The requests answered (or given up) in [start, end): one a fault cut short is counted
    after the fault, not before it."""
    return [answer for answer in answers if start <= answer.answered < end]


def counts(answers: list[Answer], reads: bool = False) -> str:
    """'2xx/304=812 bare 500=3 no answer=1', the good kind first."""
    kinds = Counter("2xx/304" if reads and answer.read_ok else answer.kind for answer in answers)
    good = "2xx/304" if reads else "303"
    order = sorted(kinds, key=lambda kind: (kind != good, kind))
    return " ".join(f"{kind}={kinds[kind]}" for kind in order) or "none"


def recovery(answers: list[Answer], start: float, end: float, good) -> str:
    """When requests answered in [start, end) failed, relative to start, and when a request
    sent after the last failure first succeeded."""
    failed = [answer for answer in answered_in(answers, start, end) if not good(answer)]
    if not failed:
        return "no failure"
    last = max(answer.answered for answer in failed)
    back = min((a.answered for a in answers if a.sent >= last and good(a)), default=None)
    first = min(answer.answered for answer in failed) - start
    text = f"failing +{first:.1f}…+{last - start:.1f} s"
    return text + (f", good again +{back - start:.1f} s" if back else ", NOT good again")


reads_ok = operator.attrgetter("read_ok")
saved = operator.attrgetter("saved")


def post_id(location: str) -> int | None:
    match = re.search(r"/(?:diary|commentary)/(\d+)", location)
    return int(match.group(1)) if match else None


def lost_saves(database_url: str, saves: list[Answer]) -> list[str]:
    """Every acknowledged save that the database does not hold.

    A new post must exist, with its title and text unless it was edited afterwards. An edit
    is sent with the version its form was loaded at and the site saves only over that
    version (409 otherwise), so a post's acknowledged edits carry increasing versions (one
    repeated means the database went back) and the post ends at the last one's version + 1
    or later, with its headline if no later unacknowledged edit was written.
    """
    from blog import create_app
    from blog.extensions import db
    from blog.models import Post

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "faults"})
    lost = []
    acknowledged = [save for save in saves if save.saved]
    edited = {post_id(save.path) for save in saves if save.path.endswith("/edit")}
    with app.app_context():
        edits: dict[str, list[Answer]] = {}
        for save in acknowledged:
            if save.path.endswith("/edit"):
                edits.setdefault(save.path, []).append(save)
                continue
            post = db.session.get(Post, post_id(save.location))
            if (
                post is None
                or post.id not in edited
                and (
                    post.title != save.fields.get("title", save.fields.get("headline"))
                    or post.body != save.fields.get("body", post.body)
                )
            ):
                lost.append(f"{save.path} -> {save.location}: not in the database as saved")
        for path, series in edits.items():
            versions = [int(save.fields["version"]) for save in series]
            for save, later in zip(series, versions[1:], strict=False):
                if later <= int(save.fields["version"]):
                    lost.append(f"{path} version {save.fields['version']}: went back")
            last = series[-1]
            post = db.session.get(Post, post_id(path))
            expected = int(last.fields["version"]) + 1
            if (
                post is None
                or post.version < expected
                or (post.version == expected and post.title != last.fields["headline"])
            ):
                lost.append(f"{path}: last acknowledged edit (version {expected}) not there")
        db.session.remove()
        db.engine.dispose()
    return lost


def integrity(sqlite_path: Path) -> str:
    connection = sqlite3.connect(sqlite_path)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def print_saves(writer: FaultWriter, database_url: str, sqlite_path: Path | None = None) -> None:
    saves = writer.owner.saves
    lost = lost_saves(database_url, saves)
    acknowledged = sum(save.saved for save in saves)
    print(f"  acknowledged saves lost: {len(lost)} of {acknowledged} (all saves: {counts(saves)})")
    for line in lost[:5]:
        print(f"    {line}")
    if sqlite_path:
        print(f"  PRAGMA integrity_check: {integrity(sqlite_path)}")


# Processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (zombies left to a non-reaping init excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(stat.parent.name))
    return members


def kill_group(pgid: int, grace: float = 5) -> None:
    """SIGTERM first, so a live master stops and reaps its workers; SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
        deadline = clock() + grace
        while group_members(pgid) and clock() < deadline:
            time.sleep(0.05)
        os.killpg(pgid, signal.SIGKILL)


class Site:
    """The site under gunicorn on a free port, on the database in `env`."""

    def __init__(self, env: dict, folder: Path, cleanup: contextlib.ExitStack):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = cleanup.enter_context(open(folder / "gunicorn.log", "ab"))
        self.cleanup = cleanup
        self.process: subprocess.Popen | None = None

    def start(self) -> "Site":
        started = clock()
        self.process = serve("app:app", self.port, self.env, stderr=self.log)
        self.boot_seconds = clock() - started
        # Last in, first out: the server goes before the disk is unmounted or the cluster
        # stopped, whatever happens.
        self.cleanup.callback(kill_group, self.process.pid)
        return self

    def full_workers(self) -> list[int]:
        """The workers' ids, once the master has both again (it replaces a killed one)."""
        deadline = clock() + 15
        while True:
            workers = [pid for pid in group_members(self.process.pid) if pid != self.process.pid]
            if len(workers) >= 2 or clock() > deadline:
                return workers
            time.sleep(0.05)

    def stop(self) -> None:
        stop(self.process)

    def crash_and_restart(self) -> tuple[int, float]:
        """kill -9 the master; its workers may leave by themselves (a sync worker looks at its
        parent only when no connection is waiting: under load, it keeps serving); after 1 s
        the rest are killed, as a supervisor would, and a new master starts. Returns (workers
        killed, seconds until the new one answered)."""
        pgid = self.process.pid
        started = clock()
        os.kill(pgid, signal.SIGKILL)
        self.process.wait()
        while group_members(pgid) and clock() - started < 1:
            time.sleep(0.05)
        leftover = len(group_members(pgid))
        kill_group(pgid, grace=0)
        self.start()
        return leftover, clock() - started


def site_env(database_url: str) -> dict:
    return {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
        "FLASK_SECRET_KEY": "faults-only-secret",
        "PYTHONPATH": str(ROOT),
    }


def prepared_site(database_url: str, folder: Path, cleanup: contextlib.ExitStack) -> Site:
    env = site_env(database_url)
    seed(env, DEMO_POSTS)
    set_owner(env)
    return Site(env, folder, cleanup).start()


def reader_paths(base: str) -> list[str]:
    return [*page_paths(base, DEMO_POSTS).values(), "/diary/", "/commentary/", "/tags/"]


def start_load(site: Site, readers: int) -> tuple[FaultWriter, Readers]:
    writer = FaultWriter(site.base)
    writer.start()
    writer.ready.wait(timeout=70)
    if writer.error:
        raise RuntimeError("the owner could not log in and save") from writer.error
    return writer, Readers(site.base, reader_paths(site.base), readers).start()


def stop_load(writer: FaultWriter, readers: Readers) -> None:
    writer.stop()
    readers.stop()


def worker_answering_save(site: Site, writer: FaultWriter, workers: list[int]) -> int | None:
    """The worker busy with the owner's next save, a random few milliseconds into it (None
    if no save started within 3 s or it was answered before the worker was found)."""
    deadline = clock() + 3
    while not writer.owner.in_flight.is_set():
        if clock() > deadline:
            return None
        time.sleep(0.002)
    time.sleep(random.uniform(0, 0.02))
    # The server's end of the owner's connection, in the kernel's table (addresses in hex),
    # then the worker holding that socket.
    ends = f":{site.port:04X} 0100007F:{writer.owner.local_port:04X} 01 "
    sockets = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()]
    inodes = {f"socket:[{fields[9]}]" for fields in sockets if ends in " ".join(fields)}
    for worker in workers:
        with contextlib.suppress(OSError):
            for fd in os.scandir(f"/proc/{worker}/fd"):
                if os.readlink(fd.path) in inodes and writer.owner.in_flight.is_set():
                    return worker
    return None


def settle(site: Site, writer: FaultWriter, readers: Readers, events: list, pause: float):
    """Wait until the last fault is over: at least `pause` seconds and as long as the site
    took to start (a replaced worker boots), until a save and a read sent since succeeded
    (at most 30 s)."""
    if not events:
        time.sleep(pause)
        return
    since = events[-1][1]
    sleep_until(since + max(pause, site.boot_seconds))
    while clock() < since + 30 and not (
        any(save.saved for save in writer.owner.saves if save.sent > since)
        and any(read.read_ok for read in readers.answers if read.sent > since)
    ):
        time.sleep(0.1)


# The parts


def print_phases(phases: list[tuple[str, float]], finished: float, writer, readers) -> None:
    """Per phase (a name and when it began; each ends where the next begins): the saves and
    reads answered in it, by kind, and how soon each worked again."""
    ends = [when for _, when in phases[1:]] + [finished]
    for (what, when), end in zip(phases, ends, strict=True):
        print(
            f"  {what}, {end - when:.0f} s:\n"
            f"    saves: {counts(writer.saves_since(when, end))};"
            f" {recovery(writer.owner.saves, when, end, saved)}\n"
            f"    reads: {counts(readers.between(when, end), reads=True)};"
            f" {recovery(readers.answers, when, end, reads_ok)}"
        )


def kill_part(args, folder: Path, cleanup: contextlib.ExitStack) -> None:
    print("\nkill -9 during saves: SQLite, gunicorn 2 sync workers, the owner saving, 2 readers")
    database = folder / "blog.sqlite3"
    url = f"sqlite:///{database}"
    site = prepared_site(url, folder, cleanup)
    writer, readers = start_load(site, readers=2)
    events = []  # (what, when)
    for _ in range(args.kills):
        settle(site, writer, readers, events, args.seconds / (args.kills + args.master_kills))
        workers = site.full_workers()
        worker = worker_answering_save(site, writer, workers)
        what = "in the middle of a save" if worker else "not answering a save"
        worker = worker or random.choice(workers)
        events.append((f"worker {worker} ({what})", clock()))
        os.kill(worker, signal.SIGKILL)
    for _ in range(args.master_kills):
        settle(site, writer, readers, events, args.seconds / (args.kills + args.master_kills))
        when = clock()
        leftover, took = site.crash_and_restart()
        note = f"{leftover} workers still serving after 1 s, killed" if leftover else "workers left"
        events.append((f"master ({note}; the new master answered after {took:.1f} s)", when))
    settle(site, writer, readers, events, 1)
    finished = clock()
    stop_load(writer, readers)
    site.stop()
    print_phases([(f"kill -9 {what}", when) for what, when in events], finished, writer, readers)
    print(f"  reads in all: {counts(readers.answers, reads=True)}")
    print_saves(writer, url, database)


def mount_tmpfs(folder: Path, cleanup: contextlib.ExitStack) -> Path:
    disk = folder / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], check=True)
    # Lazily if something still holds a file open: never leave the mount behind.
    cleanup.callback(subprocess.run, ["umount", "-l", str(disk)], check=False)
    return disk


def fill(disk: Path) -> int:
    """Write zeros until the disk is full; the bytes written."""
    target = disk / "fill"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={target}", "bs=64k"], capture_output=True, check=False
    )
    return target.stat().st_size


def free_bytes(disk: Path) -> int:
    stats = os.statvfs(disk)
    return stats.f_bavail * stats.f_frsize


def schedule_post(base: str, lead: float) -> tuple[str, datetime]:
    """A public diary entry due at the first whole minute at least `lead` seconds from now
    (the editor's time has minutes only). Returns its address and due time (UTC)."""
    from blog.config import BABEL_DEFAULT_TIMEZONE

    owner = Browser(base, timeout=SAVE_TIMEOUT)
    log_in(owner, *OWNER)
    earliest = datetime.now(UTC) + timedelta(seconds=lead)
    due = earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)
    local = due.astimezone(ZoneInfo(BABEL_DEFAULT_TIMEZONE)).strftime("%Y-%m-%dT%H:%M")
    title = "디스크가 가득 찬 동안 공개될 예약 일기"
    fields = form_with(owner.get("/diary/new").text, "body")
    form = filled(
        fields, title=title, body="예약해 둔 글.", published_at=local, visibility="public"
    )
    response = owner.post("/diary/new", form)
    if response.status != 303:
        raise RuntimeError(f"scheduling a post answered {response.status}")
    return urllib.parse.urlsplit(response.headers["Location"]).path, due


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - clock()))


def shows_typed_text(save: Answer) -> bool:
    """The answer shows the title (or headline) and, for an entry, the text that was sent."""
    fields = save.fields
    title = fields.get("title") or fields.get("headline", "")
    return shown(title, save.text) and shown(fields.get("body", ""), save.text)


def disk_part(args, folder: Path, cleanup: contextlib.ExitStack) -> None:
    print("\nfull disk: SQLite on an 8 MiB tmpfs filled with dd, the owner saving, 2 readers")
    disk = mount_tmpfs(folder, cleanup)
    database = disk / "blog.sqlite3"
    url = f"sqlite:///{database}"
    site = prepared_site(url, folder, cleanup)
    half = args.seconds / 2
    scheduled_path, due = schedule_post(site.base, lead=half + 5)
    due_at = clock() + (due - datetime.now(UTC)).total_seconds()
    writer, readers = start_load(site, readers=2)
    start = clock()
    fill_at = max(start + 2, due_at - half)
    sleep_until(fill_at)
    # Empty the WAL first, so the next commit needs new space (SQLite would otherwise reuse
    # the WAL it has, and a full disk would only show at its next growth).
    connection = sqlite3.connect(database, timeout=10)
    checkpoint = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    connection.close()
    full_at = clock()
    written = fill(disk)
    print(
        f"  WAL checkpoint (TRUNCATE) busy={checkpoint[0]}; dd wrote {written / 2**20:.1f} MiB,"
        f" {free_bytes(disk) // 1024} KiB left; a public post scheduled at"
        f" {due:%H:%M:%S} UTC falls due {due_at - full_at:+.1f} s after the disk filled"
    )
    freed_at = max(due_at + half, full_at + args.seconds)
    sleep_until(freed_at)
    (disk / "fill").unlink()
    freed_at = clock()
    # Until the owner saved again after the space came back, and a few seconds of reads.
    deadline = freed_at + 30
    while clock() < deadline and not any(s.saved for s in writer.saves_since(freed_at)):
        time.sleep(0.1)
    time.sleep(3)
    stop_load(writer, readers)
    # Its own page, not the home page: the owner's later saves push it off the first page.
    scheduled_shown = Browser(site.base, cookies=False).get(scheduled_path).status == 200
    site.stop()

    full = writer.saves_since(full_at, freed_at)
    errors = [save for save in full if save.status is not None and save.status >= 500]
    print(
        f"  before the disk filled, {full_at - start:.0f} s:"
        f" saves {counts(writer.saves_since(start, full_at))};"
        f" reads {counts(readers.between(start, full_at), reads=True)}\n"
        f"  disk full, {freed_at - full_at:.0f} s: saves {counts(full)};"
        f" 5xx answers showing the typed text again: {sum(map(shows_typed_text, errors))}"
        f" of {len(errors)}\n"
        f"    reads before the scheduled post fell due, {due_at - full_at:.0f} s:"
        f" {counts(readers.between(full_at, due_at), reads=True)}\n"
        f"    reads after it fell due, {freed_at - due_at:.0f} s:"
        f" {counts(readers.between(due_at, freed_at), reads=True)}\n"
        f"  space freed: first good save {first_good(writer.owner.saves, freed_at, saved)},"
        f" first good read {first_good(readers.answers, freed_at, reads_ok)};"
        f" then saves {counts(writer.saves_since(freed_at))},"
        f" reads {counts(readers.between(freed_at), reads=True)};"
        f" the scheduled post's page is public: {'yes' if scheduled_shown else 'NO'}"
    )
    print_saves(writer, url, database)


def first_good(answers: list[Answer], start: float, good) -> str:
    times = [answer.answered - start for answer in answers if answer.sent >= start and good(answer)]
    return f"+{min(times):.1f} s" if times else "never"


def pg_restart(data: Path, mode: str) -> float:
    # The newest installed version, as tests/postgres.sh chooses it.
    pg_ctl = max(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    started = clock()
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(pg_ctl), "-D", str(data)]
        + ["-l", str(data / "log"), "-w", "-m", mode, "restart"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return clock() - started


def postgres_part(args, folder: Path, cleanup: contextlib.ExitStack) -> None:
    print(
        f"\nPostgreSQL restarts under load: a cluster on 127.0.0.1:{args.pg_port},"
        f" the owner saving, {args.readers} readers"
    )
    url, data = start_cluster(args.pg_port, cleanup)
    site = prepared_site(url, folder, cleanup)
    writer, readers = start_load(site, args.readers)
    start = clock()
    time.sleep(args.seconds / 2)
    phases = [("before", start)]
    for mode in args.pg_modes.split(","):
        when = clock()
        took = pg_restart(data, mode)
        phases.append((f"pg_ctl -m {mode} restart (took {took:.1f} s)", when))
        time.sleep(args.seconds)
    finished = clock()
    stop_load(writer, readers)
    site.stop()
    print_phases(phases, finished, writer, readers)
    restarts = [answer for answer in readers.answers if answer.sent >= phases[1][1]]
    failed = sum(not answer.read_ok for answer in restarts)
    print(f"  reads from the first restart on: {failed} of {len(restarts)} failed")
    print_saves(writer, url)


def missing_for(part: str) -> str:
    """Why a part cannot run here, in one line, or ''."""
    if part == "disk" and os.geteuid() != 0:
        return "needs root to mount a tmpfs (sudo)"
    if part == "postgres" and os.geteuid() != 0:
        return "needs root to run PostgreSQL as the postgres user with runuser (sudo)"
    if part == "postgres" and not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        return "needs PostgreSQL: apt-get install postgresql"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help="kill,disk,postgres")
    parser.add_argument(
        "--seconds", type=float, default=10, help="length of each fault's window (default 10)"
    )
    parser.add_argument("--kills", type=int, default=4, help="kill -9 of a worker (default 4)")
    parser.add_argument("--master-kills", type=int, default=2, help="of the master (default 2)")
    parser.add_argument("--readers", type=int, default=4, help="reader threads for postgres")
    parser.add_argument("--pg-port", type=int, default=54340)
    parser.add_argument("--pg-modes", default="fast,immediate", help="pg_ctl -m, in turn")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    # A kill from outside (timeout, CI) cleans up as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    folder = Path(tempfile.mkdtemp(prefix="blog-faults-"))
    started = clock()
    failed = []
    try:
        for part in parts:
            if reason := missing_for(part):
                print(f"\n{part}: skipped, {reason}")
                continue
            part_folder = folder / part
            part_folder.mkdir()
            try:
                with contextlib.ExitStack() as cleanup:
                    {"kill": kill_part, "disk": disk_part, "postgres": postgres_part}[part](
                        args, part_folder, cleanup
                    )
            except Exception:  # the other parts still run; the exit status tells
                traceback.print_exc()
                failed.append(part)
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: everything started was stopped and removed")
    finally:
        if args.keep:
            print(f"\nkept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\ndone in {clock() - started:.0f} s")
    if failed:
        sys.exit(f"could not run: {', '.join(failed)} (traceback above)")


if __name__ == "__main__":
    main()
