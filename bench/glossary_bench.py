"""What the glossary's downloads cost: the Anki deck and the CSV of 1,000 key expressions.

    .venv/bin/python bench/glossary_bench.py [--posts 100] [--per-post 10] [--runs 5]

Saves --posts commentaries of two quotes each, --per-post key expressions in all (1,000 by
default), through the save path (blog/posts/saving.py, as the editor saves them) into a fresh
SQLite database, then prints, for each of: reading the glossary's rows (`entries`), building
the Anki deck and the CSV from them, and a whole request of /glossary.apkg, /glossary.csv and
/glossary (the page cache off, so each request builds its answer), the time of the first run
(a worker's first build) and the median of the next --runs, with the files' sizes.
"""

import argparse
import itertools
import logging
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blog import create_app  # noqa: E402
from blog.extensions import db  # noqa: E402
from blog.models import Commentary, Visibility, utcnow  # noqa: E402
from blog.posts import saving  # noqa: E402
from blog.study import glossary  # noqa: E402

ADJECTIVES = (
    "hefty sluggish robust fragile sweeping modest steep gradual bold cautious lofty meagre "
    "brisk looming fierce tepid lavish frugal swift dire upbeat grim vast narrow stark "
    "mounting sharp mild buoyant shaky solid hollow rosy bleak keen wary eager sober murky "
    "nimble"
).split()
NOUNS = (
    "spending upstart rally slump outlook merger backlash windfall headwind tailwind "
    "surge bet gamble stake pledge probe overhaul rebound slowdown glut shortage deal rift "
    "boom tally"
).split()
MEANINGS = [
    "막대한 지출",
    "신생 기업",
    "반등",
    "침체",
    "전망",
    "합병",
    "반발",
    "횡재",
    "역풍",
    "순풍",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="commentaries to save")
    parser.add_argument("--per-post", type=int, default=10, help="key expressions in each")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each step")
    return parser.parse_args()


def seed(app, posts: int, per_post: int) -> None:
    """`posts` public commentaries, each with its expressions over two quotes."""
    phrases = (f"{adjective} {noun}" for adjective, noun in itertools.product(ADJECTIVES, NOUNS))
    with app.app_context():
        for number in range(posts):
            own = [next(phrases) for _ in range(per_post)]
            halves = (own[: per_post // 2], own[per_post // 2 :])
            commentary = Commentary(outlet="Reuters", source_url="https://example.com/article")
            commentary.title = f"Markets weigh a {own[0]} as rates stay high ({number + 1})"
            commentary.replace_blocks(
                [
                    {
                        "quote": " ".join(
                            f"Analysts saw a {phrase}, they said." for phrase in half
                        ),
                        "translation": "분석가들은 그렇게 봤다고 말했다. " * len(half),
                        "expressions": "\n".join(
                            f"{phrase} = {MEANINGS[index % len(MEANINGS)]}"
                            for index, phrase in enumerate(half)
                        ),
                    }
                    for half in halves
                ]
            )
            commentary.set_publication(Visibility.PUBLIC, utcnow() - timedelta(hours=number + 1))
            saving.save(commentary)
        db.session.commit()


def timed_ms(step, runs: int) -> tuple[float, float, object]:
    """The first run's time (a worker's first build: every expression's pattern compiled),
    the median of the next `runs`, and the result."""
    times, result = [], None
    for _ in range(runs + 1):
        started = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:]), result


def main() -> None:
    args = parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "ANNOUNCE_SETUP_LINK": False,
                "PAGE_CACHE_SIZE": 0,  # every request below builds its file
            },
            instance_path=f"{folder}/instance",
        )
        with app.app_context():
            db.create_all()
        started = time.perf_counter()
        seed(app, args.posts, args.per_post)
        print(
            f"saved {args.posts} commentaries, {args.posts * args.per_post} key expressions, "
            f"through the save path in {time.perf_counter() - started:.1f} s"
        )
        print(f"first run (a worker's first build), then the median of the next {args.runs}:")
        with app.test_request_context("/glossary.apkg"):
            steps = {
                "reading the rows (entries)": lambda: glossary.entries(glossary.entries_query()),
            }
            found = glossary.entries(glossary.entries_query())
            steps["building the Anki deck"] = lambda: glossary.deck_bytes(found)
            steps["building the CSV"] = lambda: glossary.csv_bytes(found)
            for name, step in steps.items():
                first, median, body = timed_ms(step, args.runs)
                size = f"{len(body) / 1024:6.0f} KiB" if isinstance(body, bytes) else ""
                print(f"  {name:<28} {first:7.1f} ms {median:7.1f} ms  {size}")
        client = app.test_client()
        for path in ("/glossary.apkg", "/glossary.csv", "/glossary"):
            first, median, response = timed_ms(lambda path=path: client.get(path), args.runs)
            assert response.status_code == 200, response.status
            print(f"  GET {path:<24} {first:7.1f} ms {median:7.1f} ms  (whole request, uncached)")
        print(f"{len(found)} expressions")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
