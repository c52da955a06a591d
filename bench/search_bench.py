"""Search benchmark: seed N demo posts into a fresh database, then time a mix of searches.

    .venv/bin/python bench/search_bench.py --posts 100000

Prints the seeding time, the database size, and per kind of query the median, 90th
percentile and slowest time of `blog.search.search` in milliseconds (see bench/README.md).
"""

import argparse
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from blog import create_app, demo, search  # noqa: E402
from blog.extensions import db  # noqa: E402

# (kind, query, page): what visitors type, from needles to words in most posts.
QUERIES = [
    ("korean 2 syllables", "식단", 1),
    ("korean 2 syllables", "운동", 1),
    ("korean 2 syllables", "투자", 1),
    ("korean 2 syllables", "주가", 1),
    ("korean 3-4 syllables", "몸무게", 1),
    ("korean 3-4 syllables", "필라테스", 1),
    ("korean 3-4 syllables", "체중계", 1),
    ("korean 3-4 syllables", "투자금액", 1),
    ("korean 3-4 syllables", "반도체", 1),
    ("english word", "spend", 1),
    ("english word", "capital", 1),
    ("english word", "regulators", 1),
    ("english word", "billion", 1),
    ("english phrase", '"capital expenditure"', 1),
    ("english phrase", '"tax credits"', 1),
    ("several words", "몸무게 식단", 1),
    ("several words", "AI 투자", 1),
    ("several words", "central bank", 1),
    ("rare word", "두리안", 1),
    ("rare word", "kombucha", 1),
    ("rare word", "템플스테이", 1),
    ("very common word", "있다", 1),
    ("very common word", "the", 1),
    ("very common word", "있다", 20),
    ("no match", "없는말", 1),
    ("no match", "zeppelin", 1),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to seed")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo content")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each query")
    parser.add_argument(
        "--database-url",
        help="an empty database to use instead of a fresh SQLite file (e.g. PostgreSQL)",
    )
    parser.add_argument(
        "--reuse",
        metavar="PATH_OR_URL",
        help="search a database seeded before (an SQLite file or a URL); skip seeding",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--cache-mib",
        type=int,
        help="give each SQLite connection a page cache of this size (the default is 2 MiB)",
    )
    return parser.parse_args()


def make_app(url: str, folder: str, **config):
    """The site on the database at `url` (with `config` on top: the other benches' needs)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "ANNOUNCE_SETUP_LINK": False,
            **config,
        },
        instance_path=os.path.join(folder, "instance"),
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seed(posts: int, seed_value: int) -> None:
    wall, cpu, workers = time.perf_counter(), time.process_time(), _children_cpu()
    done = demo.seed(posts, seed_value, progress=_progress(posts))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"\nseeded {done.posts} posts ({done.diary} diary, {done.commentary} commentary, "
        f"{done.blocks} blocks, {done.comments} comments) in {wall:.1f} s "
        f"({cpu:.1f} s CPU in this process, {_children_cpu() - workers:.1f} s in its workers; "
        f"{done.posts / wall:.0f} posts/s)"
    )


def _progress(total: int):
    def report(done: int) -> None:
        if done % 10_000 == 0 or done == total:
            print(f"  {done}/{total} posts", end="\r", flush=True)

    return report


def time_query(raw: str, page: int, include_hidden: bool, repeat: int):
    """Milliseconds of each timed run, after one untimed run; and the result count."""
    results = search.search(raw, include_hidden, page=page)
    db.session.remove()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        search.search(raw, include_hidden, page=page)
        times.append((time.perf_counter() - start) * 1000)
        db.session.remove()  # as at the end of a request
    more = getattr(results, "more", False)  # so that older versions of search() run too
    found = f"{'>' if more else ''}{results.total}"
    return times, found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_queries(repeat: int) -> None:
    every: list[float] = []
    for include_hidden in (False, True):
        who = "owner" if include_hidden else "public"
        print(f"\n{who}: {'query':<24}{'page':>5}{'found':>8}{'median':>9}{'p90':>8}{'max':>8}")
        by_kind: dict[str, list[float]] = {}
        for kind, raw, page in QUERIES:
            times, found = time_query(raw, page, include_hidden, repeat)
            by_kind.setdefault(kind, []).extend(times)
            every += times
            print(
                f"  {raw:<28}{page:>5}{found:>8}{statistics.median(times):>9.2f}"
                f"{percentile(times, 0.9):>8.2f}{max(times):>8.2f}"
            )
        print(f"\n{who}: {'kind':<28}{'median':>9}{'p90':>8}{'max':>8}  (ms)")
        for kind, times in by_kind.items():
            print(
                f"  {kind:<28}{statistics.median(times):>9.2f}"
                f"{percentile(times, 0.9):>8.2f}{max(times):>8.2f}"
            )
    print(
        f"\nall queries: median {statistics.median(every):.2f} ms, "
        f"p90 {percentile(every, 0.9):.2f} ms, max {max(every):.2f} ms "
        f"({len(every)} timed searches)"
    )


def set_cache_size(mib: int) -> None:
    @event.listens_for(db.engine, "connect")
    def cache_size(dbapi_connection, connection_record):
        dbapi_connection.execute(f"PRAGMA cache_size = -{mib * 1024}")

    db.session.remove()
    db.engine.dispose()  # later connections get the setting


def database_size(url: str) -> str:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        return f"{size / 2**20:.0f} MiB (SQLite file and WAL)"
    size = db.session.scalar(db.text("SELECT pg_database_size(current_database())"))
    return f"{size / 2**20:.0f} MiB (PostgreSQL database)"


def main() -> None:
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="search-bench-")
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
            if db.engine.dialect.name == "sqlite":  # the size without the write-ahead log
                db.session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                db.session.commit()
        print(f"database size: {database_size(url)}")
        if args.cache_mib and db.engine.dialect.name == "sqlite":
            set_cache_size(args.cache_mib)
            print(f"SQLite page cache: {args.cache_mib} MiB per connection")
        run_queries(args.repeat)
        db.session.remove()
        db.engine.dispose()
    if args.keep or args.reuse:
        print(f"kept {folder}")
    else:
        for path in sorted(Path(folder).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
