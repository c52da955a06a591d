"""The benchmark scripts' helpers that need no server: their arguments, the tables they print
and the nginx configuration of the two-server mode (checked by nginx itself when installed).
The benchmarks themselves print figures for a person to read; they are not timed tests."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/ scripts import each other by their names)
import two_servers  # noqa: E402


def wrk_run(rps: float, bad: int = 0) -> dict:
    return {"rps": rps, "p50": 1.5, "p99": 9.0, "bad": bad, "socket_errors": ""}


@pytest.fixture
def headers():
    kept = list(run.WRK_HEADERS)
    yield run.WRK_HEADERS
    run.WRK_HEADERS[:] = kept


def test_every_request_accepts_gzip_by_default_as_browsers_do(headers):
    args = run.parse_args([])
    assert not args.no_gzip
    run.set_gzip(not args.no_gzip)
    assert "Accept-Encoding: gzip" in headers
    run.set_gzip(not run.parse_args(["--no-gzip"]).no_gzip)
    assert not any(header.startswith("Accept-Encoding") for header in headers)
    assert any(header.startswith("User-Agent") for header in headers)


def test_both_databases_by_default_or_the_one_asked_for():
    assert run.parse_args([]).databases == ["sqlite", "postgres"]
    assert run.parse_args(["--db", "postgres"]).databases == ["postgres"]
    assert run.parse_args(["--db", "sqlite", "--write-duration", "0"]).write_duration == 0
    with pytest.raises(SystemExit):
        run.parse_args(["--db", "mysql"])


def test_page_table_is_labelled_with_each_ratio_and_the_median(headers):
    rows = [
        ("home", wrk_run(900), wrk_run(1000)),
        ("feed", wrk_run(500), wrk_run(1000, bad=0)),
        ("search", wrk_run(1200, bad=3), wrk_run(1000)),
    ]
    table = run.page_table("PostgreSQL", rows).splitlines()
    assert table[0].startswith("PostgreSQL: ") and "gzip" in table[0]
    home = next(line for line in table if line.startswith("home"))
    assert home.split()[1:4] == ["900", "1000", "0.90"]
    search = next(line for line in table if line.startswith("search"))
    assert search.split()[3] == "1.20" and search.split()[-1] == "3"
    assert table[-1] == "PostgreSQL: median ratio to the bare route: 0.90"


def test_ratio_summary_puts_the_databases_side_by_side():
    summary = run.ratio_summary(
        {"SQLite": {"home": 1.1, "feed": 0.9}, "PostgreSQL": {"home": 0.5, "feed": 0.7}}
    ).splitlines()
    assert summary[1].split() == ["page", "SQLite", "PostgreSQL"]
    assert summary[2].split() == ["home", "1.10", "0.50"]
    assert summary[-1].split() == ["median", "1.00", "0.60"]


def test_delay_distribution():
    delays = [float(n) for n in range(1, 101)]
    assert two_servers.distribution(delays) == "median 50.5 ms, p99 99.0 ms, max 100.0 ms"
    assert two_servers.distribution([]) == "none"


def test_nginx_config_runs_in_the_foreground_in_its_folder_in_front_of_both(tmp_path):
    config = two_servers.nginx_config(tmp_path, 8123, [8124, 8125])
    assert "daemon off;" in config
    assert "listen 127.0.0.1:8123;" in config
    assert "server 127.0.0.1:8124;" in config and "server 127.0.0.1:8125;" in config
    # No file outside the folder: nothing of the system's nginx is used or written.
    for line in config.splitlines():
        if "/" in line and not line.lstrip().startswith(("#", "proxy_pass", "location")):
            assert str(tmp_path) in line, line
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed")
    (tmp_path / "nginx.conf").write_text(config)
    check = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


class Pages:
    """A tiny HTTP server on loopback answering GET with the next of `bodies` (the last one
    from then on), gzip-compressed when asked; `.base` is its address."""

    def __init__(self, *bodies: str):
        import gzip
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        answers = list(bodies)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = (answers.pop(0) if len(answers) > 1 else answers[0]).encode()
                self.send_response(200)
                if self.headers.get("Accept-Encoding") == "gzip":
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_a_reader_asking_as_browsers_do_reads_the_gzip_form_decompressed():
    import owner

    with Pages("<p>부하 중 저장한 일기 1</p>") as pages:
        answer = owner.Browser(pages.base, cookies=False, accept_gzip=True).get("/")
        assert answer.headers["Content-Encoding"] == "gzip"
        assert owner.shown("부하 중 저장한 일기 1", answer.text)
        plain = owner.Browser(pages.base, cookies=False).get("/")
        assert "Content-Encoding" not in plain.headers
        assert owner.shown("부하 중 저장한 일기 1", plain.text)


def test_a_save_is_seen_through_b_only_once_reads_in_a_row_show_it():
    """Two stale reads, a fresh one, a stale one again (B's other worker), then fresh: the
    delay runs to the fresh run's first read, and every stale read is counted."""
    old, new = "<h1>edit 1</h1>", "<h1>edit 2</h1>"
    with Pages(old, old, new, old, new) as pages:
        propagation = two_servers.Propagation(pages.base, pages.base)
        answered = two_servers.clock()
        propagation.poll("/", "edit 2", answered)
        assert propagation.stale_reads == 3
        assert propagation.late_reads == 1
        assert propagation.saves_stale == 1
        assert propagation.never == []
        [delay] = propagation.delays_ms
        assert 0 < delay < 1000

        propagation.poll("/", "edit 2", two_servers.clock())
        assert propagation.saves_stale == 1  # the second save was fresh from the first read
        assert len(propagation.delays_ms) == 2
