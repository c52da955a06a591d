"""Archive benchmark: the calendar pages at N demo posts, uncached, as a reader and the owner.

    .venv/bin/python bench/archive_bench.py --posts 100000

Prints, per page, the queries it sends and the median, 90th percentile and slowest time of a
whole request through Flask's test client in milliseconds, and its median CPU time (this
process's: SQLite's work included, PostgreSQL's not; see bench/README.md).
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_bench  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from search_bench import database_size, percentile, seed  # noqa: E402
from sqlalchemy import event, func  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from blog.extensions import db  # noqa: E402
from blog.models import DiaryEntry, Owner, Post  # noqa: E402
from blog.site_time import local_date, to_site_time  # noqa: E402

OWNER, PASSWORD = "bench", "bench password"
# A database seeded before the demo gave entries numbers has none: every third diary entry
# then gets 50 minutes of exercise, so the owner's exercise marks have something to find.
EXERCISE_EVERY = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to seed")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo content")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests of each page")
    parser.add_argument(
        "--database-url",
        help="an empty database to use instead of a fresh SQLite file (e.g. PostgreSQL)",
    )
    parser.add_argument(
        "--reuse",
        metavar="PATH_OR_URL",
        help="a database seeded before (an SQLite file or a URL); skip seeding",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def make_app(url: str, folder: str):
    """The site with its page cache off (every request renders) and a plain login form."""
    return search_bench.make_app(url, folder, PAGE_CACHE_SIZE=0, WTF_CSRF_ENABLED=False)


def prepare() -> None:
    """An owner to log in as, and exercise on some entries (once: a reused database has both)."""
    if not db.session.scalar(db.select(func.count(Owner.id))):
        db.session.add(Owner(username=OWNER, password_hash=generate_password_hash(PASSWORD)))
    exercised = (DiaryEntry.exercise_kind != "") | (DiaryEntry.exercise_minutes > 0)
    if not db.session.scalar(db.select(func.count(DiaryEntry.id)).where(exercised)):
        db.session.execute(
            db.update(DiaryEntry)
            .where(DiaryEntry.id % EXERCISE_EVERY == 0)
            .values(exercise_kind="필라테스", exercise_minutes=50)
        )
    db.session.commit()


def pages() -> dict[str, str]:
    """The archive, the newest year's page, its busiest day and that day's month."""
    newest = to_site_time(db.session.scalar(db.select(func.max(Post.published_at)))).year
    day = local_date(Post.published_at)
    busiest = db.session.scalar(
        db.select(day)
        .where(Post.published_at.is_not(None))
        .group_by(day)
        .order_by(func.count().desc(), day)
        .limit(1)
    )
    year, month, number = (int(part) for part in busiest.split("-"))
    db.session.remove()
    return {
        "archive": "/archive/",
        "year page": f"/archive/{newest}/",
        "busiest day": f"/archive/{year}/{month}/{number}",
        "its month": f"/archive/{year}/{month}",
    }


def time_pages(app, repeat: int) -> None:
    with app.app_context():
        paths = pages()
        engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    every = []
    for who in ("reader", "owner"):
        client = app.test_client()
        if who == "owner":
            login = client.post("/login", data={"username": OWNER, "password": PASSWORD})
            assert login.status_code == 303, login.status_code
        print(
            f"\n{who}: {'page':<34}{'queries':>8}{'median':>9}{'p90':>8}{'max':>8}{'cpu':>8}  (ms)"
        )
        for name, path in paths.items():
            assert client.get(path).status_code == 200, path  # once untimed: templates compile
            statements.clear()
            times, cpu = [], []
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                assert response.status_code == 200, path
            every += times
            print(
                f"  {name + ' ' + path:<34}{len(statements) // repeat:>8}"
                f"{statistics.median(times):>9.1f}{percentile(times, 0.9):>8.1f}{max(times):>8.1f}"
                f"{statistics.median(cpu):>8.1f}"
            )
    print(f"\nall pages: median {statistics.median(every):.1f} ms, max {max(every):.1f} ms")


def main() -> None:
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="archive-bench-")
    if args.reuse:
        url = args.reuse if "://" in args.reuse else f"sqlite:///{os.path.abspath(args.reuse)}"
    else:
        url = args.database_url or f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    app = make_app(url, folder)
    with app.app_context():
        print(f"database: {url}")
        if not args.reuse:
            logging.disable(logging.INFO)  # the migrations' progress lines
            upgrade()
            logging.disable(logging.NOTSET)
            seed(args.posts, args.seed)
        prepare()
        print(f"database size: {database_size(url)}")
        posts = db.session.scalar(db.select(func.count(Post.id)))
        print(f"posts: {posts}")
        db.session.remove()
    time_pages(app, args.repeat)
    with app.app_context():
        db.engine.dispose()
    if args.keep or args.reuse:
        print(f"kept {folder}")
    else:
        for path in sorted(Path(folder).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
