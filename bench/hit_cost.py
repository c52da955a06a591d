"""What one cached read costs in the worker, against a bare Flask route, in process.

    .venv/bin/python bench/hit_cost.py [--posts 200] [--calls 20000] [--profile]

Seeds `--posts` demo posts into a temporary SQLite file, reads the home page and a diary post
until the page cache keeps them, then calls the site's WSGI application (the page cache in
front of Flask) `--calls` times with a browser's request (gzip, a User-Agent: a post page's
view is counted), and a bare Flask route as many times, and prints the mean microseconds of
one call of each. No server and no socket: the difference is the site's own work, which
bench/run.py's throughput shows through gunicorn and wrk. `--profile` prints cProfile's
busiest functions of the post page's calls.
"""

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import timeit
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from blog import create_app  # noqa: E402
from blog.extensions import db  # noqa: E402

HEADERS = {
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args()


def caller(wsgi, path: str):
    """One request to `wsgi`, its body read and closed, as a server does."""
    environ = EnvironBuilder(path=path, headers=HEADERS).get_environ()

    def start_response(status, headers, exc_info=None):
        start_response.status = status

    def call():
        body = wsgi(dict(environ), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return start_response.status

    return call


def bare_route() -> Flask:
    bare = Flask("bare")
    bare.add_url_rule("/", "index", lambda: "ok")
    return bare


def main() -> None:
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="hit-cost-")
    url = f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}, folder)
    with app.app_context():
        db.create_all()
    app.test_cli_runner().invoke(args=["seed-demo", "--posts", str(args.posts)])
    listing = app.test_client().get("/diary/").text
    post = unquote(re.search(r'href="(/diary/\d+[^"#]*)"', listing)[1])
    bare = caller(bare_route().wsgi_app, "/")
    for label, path in (("home", "/"), ("diary post", post)):
        site = caller(app.wsgi_app, path)
        for _ in range(3):  # rendered, then shown current: from here on a hit
            assert site().startswith("200"), path
        site_us = timeit.timeit(site, number=args.calls) / args.calls * 1e6
        bare_us = timeit.timeit(bare, number=args.calls) / args.calls * 1e6
        print(f"{label:<12} cached read {site_us:6.1f} µs   bare Flask route {bare_us:6.1f} µs")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [site() for _ in range(args.calls)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
    app.extensions["reader_cache"].stop_listening()


if __name__ == "__main__":
    main()
