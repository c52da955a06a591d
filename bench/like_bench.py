"""공감 flood benchmark: 1,000 likes from as many fake readers, then the other pages.

    .venv/bin/python bench/like_bench.py --posts 200 --likes 1000

Seeds demo posts, reads the home page, the section lists, a tag page and some posts once
(the page cache keeps them), then sends the likes (each from its own address and browser, to
a few posts) through Flask's test client, with the page cache on as in production. Prints the
likes' times (median, 90th percentile, slowest, in ms; every one a real POST with its commit),
how many were counted, and then for every page read before: whether it was answered from the
cache without reaching Flask, and whether its ETag is the one it had before the flood.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_bench  # noqa: E402
from search_bench import percentile  # noqa: E402

from blog import demo  # noqa: E402
from blog.extensions import db  # noqa: E402
from blog.models import LikeTotal, Post, Visibility  # noqa: E402
from blog.posts.urls import post_url  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200, help="demo posts to seed")
    parser.add_argument("--likes", type=int, default=1000, help="likes in the flood")
    parser.add_argument("--liked", type=int, default=5, help="posts the likes go to")
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a fresh SQLite file"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="like-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    app = search_bench.make_app(url, folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.seed(args.posts, 1)
        posts = db.session.scalars(
            db.select(Post)
            .where(Post.visibility == Visibility.PUBLIC, Post.deleted_at.is_(None))
            .order_by(Post.id)
        ).all()
        with app.test_request_context():
            paths = [post_url(post) for post in posts[: args.liked + 10]]
        tag = posts[0].tags[0].name if posts[0].tags else None
    liked, others = paths[: args.liked], paths[args.liked :]
    lists = ["/", "/diary/", "/commentary/", "/archive/", "/feed.xml"]
    if tag:
        lists.append(f"/tags/{tag}")
    client = app.test_client()
    before = {path: client.get(path).headers.get("ETag") for path in [*lists, *others, *liked]}

    timings = []
    for n in range(args.likes):
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        started = time.perf_counter()
        response = client.post(
            f"{liked[n % len(liked)]}/like",
            headers={"Sec-Fetch-Site": "same-origin", "User-Agent": f"Reader/{n}"},
            environ_base={"REMOTE_ADDR": address},
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 303, response.status_code
    with app.app_context():
        counted = db.session.scalar(db.select(db.func.sum(LikeTotal.count)))
    print(
        f"{args.likes} likes to {len(liked)} posts on {url.split(':')[0]}: "
        f"{counted} counted; ms per like: median {statistics.median(timings):.2f}, "
        f"p90 {percentile(timings, 0.9):.2f}, max {max(timings):.2f}"
    )

    reached = []
    dispatch = app.full_dispatch_request

    def counted_dispatch():
        reached.append(1)
        return dispatch()

    app.full_dispatch_request = counted_dispatch
    print(f"{'page':<48} {'from the cache':>15} {'same ETag':>10}")
    kept = 0
    for path in [*lists, *others, *liked]:
        reached.clear()
        etag = client.get(path).headers.get("ETag")
        cached, same = not reached, etag == before[path]
        kept += path not in liked and cached and same
        print(f"{unquote(path)[:40]:<48} {('no', 'yes')[cached]:>15} {('no', 'yes')[same]:>10}")
    print(
        f"other pages still cached with their ETag: {kept} of {len(lists) + len(others)}; "
        f"liked posts with a new ETag: "
        f"{sum(client.get(path).headers.get('ETag') != before[path] for path in liked)} "
        f"of {len(liked)}"
    )


if __name__ == "__main__":
    main()
