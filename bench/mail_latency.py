"""Comment mail latency: seconds from a comment's 303 to its mail at the SMTP server.

    .venv/bin/python bench/mail_latency.py --comments 20

Runs the site as in production (gunicorn, 2 sync workers, SQLite, the migrations) with mail
sent to an aiosmtpd server in this process, sends comments over HTTP as a browser would (the
post's page, then its form), and prints the median and slowest time from the 303 to the
message's arrival, with the deliverer's default poll (MAIL_POLL_SECONDS).
"""

import argparse
import json
import os
import re
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiosmtpd.controller import Controller  # noqa: E402
from run import seed, serve, stop  # noqa: E402

PORT = 8073


class Arrivals:
    def __init__(self):
        self.times = []

    async def handle_DATA(self, server, session, envelope):
        self.times.append(time.perf_counter())
        return "250 OK"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_comment(opener, base: str, post_path: str, number: int) -> float:
    """The post's page, then its comment form sent as a browser would (its cookies, a CSRF
    token if the form has one): the time the 303 arrived."""
    page = opener.open(base + post_path, timeout=10).read().decode()
    action = re.search(r'<form[^>]+action="([^"#]+/comments)[#"]', page).group(1)
    fields = {
        name: found.group(1)
        for name in ("started", "csrf_token")
        if (found := re.search(rf'name="{name}"[^>]*value="([^"]+)"', page))
    }
    data = urllib.parse.urlencode(
        {"name": f"독자{number}", "body": f"벤치마크 댓글 {number}", "website": "", **fields}
    ).encode()
    try:
        opener.open(base + action, data=data, timeout=10)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
        return time.perf_counter()
    raise RuntimeError("the comment was not answered with 303")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20)
    args = parser.parse_args()
    arrivals = Arrivals()
    smtp_port = free_port()
    controller = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "FLASK_SECRET_KEY": "bench-only-secret",
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(smtp_port),
            "FLASK_COMMENT_NOTIFY_TO": "owner@example.com",
            "FLASK_SITE_URL": "https://blog.example",
            # One sender sends them all, sooner than a person would: neither is refused.
            "FLASK_COMMENT_MIN_SECONDS": "0",
            "FLASK_COMMENT_RATE_LIMIT": json.dumps(args.comments + 1),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }
        seed(env, 10)
        site = serve("app:app", PORT, env)
        try:
            base = f"http://127.0.0.1:{PORT}"
            home = urllib.request.urlopen(base + "/diary/", timeout=10).read().decode()
            post_path = re.search(r'href="(/diary/\d+[^"#]*)"', home).group(1)
            opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor())
            latencies = []
            for number in range(args.comments):
                answered = send_comment(opener, base, post_path, number)
                deadline = answered + 30
                while len(arrivals.times) <= number and time.perf_counter() < deadline:
                    time.sleep(0.005)
                if len(arrivals.times) <= number:
                    raise RuntimeError(f"comment {number}: no mail within 30 s")
                latencies.append(arrivals.times[number] - answered)
        finally:
            stop(site)
            controller.stop()
    print(
        f"{len(latencies)} comments, 303 to mail at the SMTP server: "
        f"median {statistics.median(latencies):.2f} s, "
        f"fastest {min(latencies):.2f} s, slowest {max(latencies):.2f} s"
    )


if __name__ == "__main__":
    main()
