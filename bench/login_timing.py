"""Login answer times for a wrong password under the owner's name and under an unknown name.

Run from the repository: `PYTHONPATH=. .venv/bin/python bench/login_timing.py`.
"""

import argparse
import logging
import statistics
import tempfile
import time

from blog import create_app
from blog.extensions import db
from blog.models import Owner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40, help="tries per kind of name")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "timing only",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/timing.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "ANNOUNCE_SETUP_LINK": False,
                # Every try must reach the password check: no waits.
                "LOGIN_FREE_FAILURES_PER_NAME": 10**6,
                "LOGIN_FREE_FAILURES_PER_ADDRESS": 10**6,
            },
            instance_path=folder,
        )
        app.logger.setLevel(logging.ERROR)  # not a warning per failed try
        with app.app_context():
            db.create_all()
            owner = Owner(username="owner")
            owner.set_password("the real password")
            db.session.add(owner)
            db.session.commit()
        client = app.test_client()
        times = {"owner's name": [], "unknown name": []}
        for _ in range(args.repeat):  # interleaved, so that noise falls on both alike
            for kind, name in (("owner's name", "owner"), ("unknown name", "nobody")):
                started = time.perf_counter()
                response = client.post("/login", data={"username": name, "password": "wrong"})
                times[kind].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 401
    for kind, values in times.items():
        print(
            f"{kind:13}: median {statistics.median(values):6.1f} ms,"
            f" min {min(values):6.1f} ms, max {max(values):6.1f} ms"
        )
    ratio = statistics.median(times["unknown name"]) / statistics.median(times["owner's name"])
    print(f"unknown / owner's median: {ratio:.2f}")


if __name__ == "__main__":
    main()
