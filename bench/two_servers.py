"""Two app servers behind one nginx, one PostgreSQL: is a save through one seen through the other?

    .venv/bin/python bench/two_servers.py [--posts 2000] [--saves 50] [--duration 5]
        [--connections 16] [--pg-port 54340] [--no-gzip] [--keep]

Starts a throwaway PostgreSQL cluster (tests/postgres.sh), seeds `--posts` demo posts into it
and an owner, and serves the site twice under gunicorn (A and B, 2 sync workers each, two
ports, the same database and SECRET_KEY, as two machines would), with nginx on loopback in
front of both (round robin; its configuration written to a temporary folder, run in the
foreground as this script's child: no system service). Needs nginx and wrk (apt-get install
nginx wrk) and root for PostgreSQL.

1. **Propagation**: the owner logs in through server A's login form and saves `--saves` times
   through A's editor forms (bench/owner.py), in turn an edit of one commentary's headline
   and a new diary entry. After each save's 303, a reader without cookies (asking for gzip,
   as browsers do) reads the saved page through server B (the commentary's page, or the home
   page for a new entry) again and again until 4 reads in a row show the new title (10 s at
   most: B's two workers each keep their own cache). B's workers have that page cached from
   the reads before, so this is what a reader of the other machine sees. The delay of a save
   is the time from its 303 reaching the owner to the sending of the first read of that run
   (0 when the first read began it); the distribution (median, p99, max) and the reads that
   still showed the old page are printed.
2. **Throughput**: wrk over ten public pages through nginx (both servers), alternated with
   wrk straight to server A alone, and their ratio.

Everything started (servers, nginx, cluster, folder) is stopped and removed at the end, on an
error, on Ctrl-C and on SIGTERM too; `--keep` keeps the folder (nginx and gunicorn logs).
"""

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from owner import DIARY_BODY, PUBLISH, Browser, Writer, filled, form_with, log_in, percentile, shown
from run import (
    OWNER,
    ROOT,
    free_port,
    page_paths,
    postgres_missing,
    seed,
    serve,
    set_gzip,
    set_owner,
    start_cluster,
    stop,
    wrk,
)

clock = time.perf_counter
POLL_TIMEOUT = 10.0
# Reads in a row through B that must show a save before it counts as seen there.
FRESH_RUN = 4


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> str:
    """nginx's whole configuration: in the foreground, every file in `folder`, listening on
    127.0.0.1:`port`, passing every request to the app servers' ports in turn."""
    servers = "\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstreams)
    return f"""# Written by bench/two_servers.py: nginx -p {folder} -c {folder}/nginx.conf
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    # Every temporary file in the folder; none needed for answers (the workers run as
    # nobody when nginx starts as root and could not write there): large answers wait in
    # memory buffers.
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_body_buffer_size 1m;
    client_max_body_size 10m;
    proxy_max_temp_file_size 0;
    proxy_buffers 64 16k;
    upstream site {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://site;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def start_nginx(folder: Path, port: int, upstreams: list[int], cleanup: contextlib.ExitStack):
    """nginx in the foreground (its own process group), once it answers on `port`."""
    config = folder / "nginx.conf"
    config.write_text(nginx_config(folder, port, upstreams))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(config)],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    cleanup.callback(stop_nginx, process)
    for _ in range(100):
        if process.poll() is not None:
            log = (folder / "nginx-error.log").read_text(errors="replace")
            raise RuntimeError(f"nginx exited with {process.returncode}: {log[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer")


def stop_nginx(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # fast shutdown
        process.wait(timeout=10)


def distribution(values: list[float]) -> str:
    """Median, p99 and max of millisecond figures, in one phrase."""
    if not values:
        return "none"
    ordered = sorted(values)
    return (
        f"median {statistics.median(ordered):.1f} ms, p99 {percentile(ordered, 99):.1f} ms,"
        f" max {ordered[-1]:.1f} ms"
    )


class Propagation:
    """Saves through server A, each followed by reads through server B until it shows."""

    def __init__(self, base_a: str, base_b: str, accept_gzip: bool = True):
        # A Writer for its forms (login, the commentary it creates), never started as a thread.
        self.writer = Writer(base_a, *OWNER)
        # As browsers ask (the page cache's gzip form of each page; --no-gzip: the plain one).
        self.reader = Browser(base_b, cookies=False, timeout=POLL_TIMEOUT, accept_gzip=accept_gzip)
        self.delays_ms: list[float] = []
        self.save_ms: list[float] = []
        self.stale_reads = 0
        self.saves_stale = 0
        self.late_reads = 0
        self.never: list[str] = []
        self.failures: list[str] = []

    def run(self, saves: int) -> None:
        owner = self.writer.owner
        log_in(owner, *OWNER)
        commentary = self.writer._create_commentary()
        # B has the pages cached before the first save, as after every later one.
        self.poll(commentary, "", clock())
        self.poll("/", "", clock())
        for number in range(1, saves + 1):
            if number % 2:
                page = f"{commentary}/edit"
                title = f"Seen through the other server: edit {number}"
                form = filled(form_with(owner.get(page).text, "headline"), headline=title)
                shows = commentary
            else:
                page = "/diary/new"
                title = f"다른 서버에서 보이는 일기 {number}"
                form = filled(
                    form_with(owner.get(page).text, "body"),
                    *PUBLISH,
                    title=title,
                    body=f"{DIARY_BODY}\n\n{number}",
                    tags="식단",
                )
                shows = "/"
            sent = clock()
            response = owner.post(page, form)
            answered = clock()
            self.save_ms.append((answered - sent) * 1000)
            if response.status != 303:
                self.failures.append(f"POST {page}: {response.status}")
                continue
            self.poll(shows, title, answered)

    def poll(self, path: str, title: str, answered: float) -> None:
        """Reads `path` through B until FRESH_RUN reads in a row show `title` (B has two
        workers, each with its own cache: one fresh read does not say the other is); the
        delay is from `answered` to the sending of the first read of that run."""
        stale = late = fresh = 0
        first_fresh = 0.0
        while fresh < FRESH_RUN:
            sent = clock()
            page = self.reader.get(path)
            if page.status == 200 and shown(title, page.text):
                first_fresh = first_fresh if fresh else sent
                fresh += 1
                continue
            stale += 1
            late += bool(fresh)  # old again after a fresh read: another worker lagging
            fresh = 0
            if clock() - answered > POLL_TIMEOUT:
                self.never.append(
                    f"{path} ({page.status}) without {title!r} after {POLL_TIMEOUT:.0f} s"
                )
                return
        if title:
            self.delays_ms.append((first_fresh - answered) * 1000)
            self.stale_reads += stale
            self.saves_stale += bool(stale)
            self.late_reads += late

    def report(self) -> str:
        saves = len(self.save_ms)
        lines = [
            f"  saves through A: {saves}, {len(self.failures)} failed,"
            f" answered in {distribution(self.save_ms)}",
            f"  delay from a save's 303 until reads through B show it ({FRESH_RUN} in a row):"
            f" {distribution(self.delays_ms)}",
            f"  saves read through B with the old page first: {self.saves_stale} of"
            f" {len(self.delays_ms)} ({self.stale_reads} stale reads, {self.late_reads} of them"
            f" after a fresh one); never shown within {POLL_TIMEOUT:.0f} s: {len(self.never)}",
        ]
        lines += [f"    {line}" for line in (self.failures + self.never)[:5]]
        return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=50, help="saves through server A")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pg-port", type=int, default=54340)
    parser.add_argument("--no-gzip", action="store_true", help="wrk sends no Accept-Encoding")
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    set_gzip(not args.no_gzip)
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is needed: apt-get install {tool}")
    if reason := postgres_missing():
        sys.exit(reason)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    folder = Path(tempfile.mkdtemp(prefix="blog-two-servers-"))
    ok = False
    try:
        with contextlib.ExitStack() as cleanup:
            ok = run(args, folder, cleanup)
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: every server, nginx and the cluster were stopped")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if not ok:
        sys.exit("failed saves, pages never shown through B, or non-2xx answers (above)")


def run(args: argparse.Namespace, folder: Path, cleanup: contextlib.ExitStack) -> bool:
    url, _ = start_cluster(args.pg_port, cleanup)
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
        "FLASK_SECRET_KEY": "bench-only-secret",
        "FLASK_PROXY_FIX_X_FOR": "1",
        "PYTHONPATH": str(ROOT),
    }
    print(f"seeding {args.posts} posts into PostgreSQL: {seed(env, args.posts):.1f} s", flush=True)
    set_owner(env)
    ports = [free_port(), free_port()]
    for name, port in zip("AB", ports, strict=True):
        log = cleanup.enter_context(open(folder / f"gunicorn-{name}.log", "ab"))
        cleanup.callback(stop, serve("app:app", port, env, stderr=log))
    nginx_port = free_port()
    start_nginx(folder, nginx_port, ports, cleanup)
    base_a, base_b = (f"http://127.0.0.1:{port}" for port in ports)
    proxy = f"http://127.0.0.1:{nginx_port}"
    print(
        f"servers A {base_a} and B {base_b} (gunicorn, 2 sync workers each), one PostgreSQL"
        f" on 127.0.0.1:{args.pg_port}, nginx on {proxy} in front of both"
    )

    print(f"\npropagation: {args.saves} saves through A, each read back through B", flush=True)
    propagation = Propagation(base_a, base_b, accept_gzip=not args.no_gzip)
    propagation.run(args.saves)
    print(propagation.report(), flush=True)

    mix = [*page_paths(proxy, args.posts).values(), "/diary/", "/commentary/", "/tags/"]
    print(f"\nthroughput: wrk -c{args.connections} over {len(mix)} public pages: {' '.join(mix)}")
    # Untimed: every worker of both servers keeps the pages of the mix before the figures.
    wrk(proxy, 1, args.connections, mix)
    through, alone = [], []
    for _ in range(2):
        alone.append(wrk(base_a, args.duration, args.connections, mix))
        through.append(wrk(proxy, args.duration, args.connections, mix))
    bad = 0
    for label, runs in (("server A alone", alone), ("nginx, A and B", through)):
        rps = statistics.median(run["rps"] for run in runs)
        bad += sum(run["bad"] for run in runs)
        errors = ", ".join(run["socket_errors"] for run in runs if run["socket_errors"])
        print(
            f"  {label:<15} {rps:>7.0f} rps (median of {len(runs)} runs of {args.duration} s),"
            f" p50 {statistics.median(run['p50'] for run in runs):.2f} ms,"
            f" p99 {max(run['p99'] for run in runs):.2f} ms,"
            f" non-2xx {sum(run['bad'] for run in runs)}, socket errors: {errors or 'none'}"
        )
    ratio = statistics.median(r["rps"] for r in through) / statistics.median(
        r["rps"] for r in alone
    )
    print(f"  through nginx to both servers / to server A alone: {ratio:.2f}")
    return not propagation.failures and not propagation.never and bad == 0


if __name__ == "__main__":
    main()
