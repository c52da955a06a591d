"""Trends benchmark: seed N diary entries with numbers, then time /diary/metrics per period.

    .venv/bin/python bench/metrics_bench.py [--entries 100000] [--years 8] [--runs 7]

Writes --entries diary entries (private, as most entries with numbers are) over the last
--years years into a fresh SQLite database (the migrations, as `flask db upgrade` runs them),
or --database-url: a weight on most of them, drifting between 60 and 80 kg; exercise on about
half the days (필라테스, 헬스, 걷기, now and then something else), meals on some. Their rows,
revisions and search entries are written as the demo's bulk path writes them
(blog/demo/bulk.py), their text from a small pool rendered once. Then, logged in as the
owner through Flask's test client, it asks for the page of every period (4w, 3m, 1y, all):
one untimed request, then --runs timed ones, and prints the median, fastest and slowest
(milliseconds, a whole request: the login check, the queries, the charts and the template),
with the points charted, and the time of the CSV of every number.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_bench  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402
from lxml import html  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from blog.demo import bulk  # noqa: E402
from blog.extensions import db  # noqa: E402
from blog.models import DiaryEntry, Owner, Visibility, utcnow  # noqa: E402

PERIODS = ("4w", "3m", "1y", "all")
BATCH = 5_000
OWNER, PASSWORD = "owner", "bench password"
KINDS = ("필라테스", "헬스", "걷기")
RARE_KINDS = ("수영", "요가", "등산", "자전거")
BODIES = [
    "",  # a quick weigh-in
    "필라테스 다녀왔다. 코어가 없다는 걸 또 느꼈다.",
    "아침에 체중계에 올라갔다.\n\n- 물 2리터\n- 야식 안 먹기",
    "오늘은 **식단**을 잘 지켰다. 점심은 샐러드, 저녁은 닭가슴살.",
    "걷기 40분. 날씨가 좋아서 한강까지 갔다 왔다.",
    "헬스장에서 하체 운동. 내일 근육통이 걱정된다.",
    "야근 때문에 운동을 못 했다. 대신 계단으로 다녔다.",
    "주말이라 늦잠. 그래도 몸무게는 그대로다.",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="diary entries to seed")
    parser.add_argument("--years", type=int, default=8, help="the years they are spread over")
    parser.add_argument("--runs", type=int, default=7, help="timed requests of each period")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the numbers")
    parser.add_argument(
        "--database-url",
        help="an empty database to use instead of a fresh SQLite file (emptied again after)",
    )
    return parser.parse_args()


def make_app(url: str, folder: str):
    # A cheap password hash and no CSRF token: the test client posts the login form.
    return search_bench.make_app(
        url, folder, PASSWORD_HASH_METHOD="pbkdf2:sha256:1", WTF_CSRF_ENABLED=False
    )


def rendered_bodies() -> list[DiaryEntry]:
    """The pool of texts, each rendered once as the save path renders it."""
    pool = []
    for body in BODIES:
        entry = DiaryEntry()
        entry.title, entry.body = "", body
        entry.derive()
        pool.append(entry)
    return pool


def entry_with_numbers(rendered: DiaryEntry, when, weight, exercise) -> DiaryEntry:
    entry = DiaryEntry(
        weight_kg=weight,
        exercise_kind=exercise[0],
        exercise_minutes=exercise[1],
        meals="아침: 그릭요거트\n점심: 샐러드\n저녁: 닭가슴살" if when.day % 3 == 0 else "",
    )
    entry.title, entry.body = "", rendered.body
    entry.body_html, entry.excerpt = rendered.body_html, rendered.excerpt
    entry.reading_minutes = rendered.reading_minutes
    entry.set_publication(Visibility.PRIVATE, when)
    entry.choose_address()
    return entry


def seed(entries: int, years: int, seed_value: int) -> None:
    """`entries` entries, oldest first (ids follow the dates), one INSERT per table and batch."""
    chance = random.Random(seed_value)
    pool = rendered_bodies()
    end = utcnow().replace(microsecond=0)
    span = timedelta(days=365 * years)
    step = span / entries
    weight = 72.0
    today, exercise_due = None, False
    batch: list[DiaryEntry] = []
    started = time.perf_counter()
    for number in range(entries):
        when = end - span + step * number
        # A random walk that turns back at the ends, and a scale that is not exact.
        weight = min(80.0, max(60.0, weight + chance.gauss(0, 0.08)))
        shown = round(weight + chance.gauss(0, 0.3), 1) if chance.random() < 0.8 else None
        if when.date() != today:  # every other day or so is a day of exercise
            today, exercise_due = when.date(), chance.random() < 0.5
        exercise = ("", None)
        if exercise_due:
            kind = chance.choice(KINDS) if chance.random() < 0.9 else chance.choice(RARE_KINDS)
            exercise, exercise_due = (kind, chance.choice((30, 40, 45, 50, 60))), False
        batch.append(entry_with_numbers(pool[number % len(pool)], when, shown, exercise))
        if len(batch) == BATCH or number == entries - 1:
            bulk.write_posts(batch)
            db.session.commit()
            batch = []
            print(f"  {number + 1}/{entries} entries", end="\r", flush=True)
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does after a load this size: the planner's statistics, and the
        # visibility map that lets an index-only scan skip the rows.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE post")
    took = time.perf_counter() - started
    print(f"\nseeded {entries} entries over {years} years in {took:.1f} s")


def log_in(app):
    with app.app_context():
        db.session.add(
            Owner(username=OWNER, password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1"))
        )
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": OWNER, "password": PASSWORD}).status_code == 303
    return client


def timed(client, path: str, runs: int) -> tuple[list[float], list[float], bytes]:
    """Milliseconds of each timed request, after an untimed one, on the clock and of this
    process's CPU (the database is SQLite in the process, or PostgreSQL's own elsewhere:
    then its share is on the clock only); the last answer."""
    with client.get(path) as answer:  # read whole (a streamed one) and closed
        assert answer.status_code == 200, (path, answer.status_code)
        answer.get_data()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with client.get(path) as answer:
            body = answer.get_data()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return times, cpu, body


def main() -> None:
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="metrics-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    app = make_app(url, folder)
    with app.app_context():
        print(f"database: {url}")
        logging.disable(logging.INFO)  # the migrations' progress lines
        upgrade()
        logging.disable(logging.NOTSET)
        seed(args.entries, args.years, args.seed)
    client = log_in(app)
    print(
        f"\n{'period':>8} {'points':>7} {'bars':>5} {'median':>9} {'fastest':>9} {'slowest':>9}"
        f" {'CPU median':>11}"
    )
    for period in PERIODS:
        times, cpu, body = timed(client, f"/diary/metrics?period={period}", args.runs)
        weights, exercise = html.fromstring(body).xpath("//table")
        print(
            f"{period:>8} {len(weights.xpath('.//tbody/tr')):>7}"
            f" {len(exercise.xpath('.//tbody/tr')):>5} {statistics.median(times):>6.1f} ms"
            f" {min(times):>6.1f} ms {max(times):>6.1f} ms {statistics.median(cpu):>8.1f} ms"
        )
    times, _, body = timed(client, "/diary/metrics.csv", max(1, args.runs // 3))
    rows = body.count(b"\n") - 1
    print(
        f"\nCSV of every number: {rows} rows, {len(body) / 2**20:.1f} MiB, "
        f"median {statistics.median(times):.0f} ms"
    )
    with app.app_context():
        db.session.remove()
        if args.database_url:  # the schema it made, and the entries, go again
            logging.disable(logging.INFO)
            downgrade(revision="base")
            db.session.execute(db.text("DROP TABLE alembic_version"))
            db.session.commit()
        db.engine.dispose()
    for path in sorted(Path(folder).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    os.rmdir(folder)


if __name__ == "__main__":
    main()
