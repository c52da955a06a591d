"""Read throughput of the site against a bare Flask route, measured side by side.

    .venv/bin/python bench/run.py --posts 2000 [--db sqlite|postgres|both] [--duration 10]
        [--connections 16] [--write-duration 30] [--write-connections 32] [--save-pause 0]
        [--no-gzip] [--pg-port 54340]

For each database (`--db`, both by default: SQLite in a temporary file, then a throwaway
PostgreSQL cluster from tests/postgres.sh, stopped at the end whatever happens), seeds N demo
posts, starts the site and bench/bare.py under the same gunicorn settings (2 sync workers), and
loads both alternately with wrk, every request sending `Accept-Encoding: gzip` as browsers do
(`--no-gzip` for none). Prints, per database and page kind, requests per second and its ratio
to the bare route, p50/p99 latency, and each server's peak memory per worker; then the
compressed transfer size of a post page; then the "under writes" stage: wrk over a mix of
public pages, first alone, then while the owner keeps saving posts through the site's own
forms (bench/owner.py), with the saves' figures and a check that no page was stale; last, the
time to save a 30-block commentary; and at the end the ratios of every database side by side.
Needs Debian's wrk (apt-get install wrk). Exits with an error if the stage saw a non-2xx
answer, a socket error, a failed save or a stale page.
"""

import argparse
import contextlib
import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from crowd import Crowd
from owner import Browser, Writer, shown

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN = [
    str(BIN / "gunicorn"),
    "--workers",
    "2",
    "--worker-class",
    "sync",
    "--log-level",
    "warning",
]


def serve(module: str, port: int, env: dict, stderr=None) -> subprocess.Popen:
    """gunicorn in its own process group, once it answers; `stderr` takes its log (a file)."""
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", module],
        cwd=ROOT,
        env=env,
        stderr=stderr,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{module} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


def worker_peak_memory_mb(master: subprocess.Popen) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return peaks


# Request headers of every wrk run, the bare route's too. A browser's User-Agent: wrk sends
# none, and the site counts no view of a post page without one (blog/stats), so the post pages'
# figures include counting each view. And, as every browser does, Accept-Encoding: gzip (the
# page cache then answers with the page compressed once, when it was stored); --no-gzip drops it.
USER_AGENT = "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 bench/run.py"
ACCEPT_GZIP = "Accept-Encoding: gzip"
WRK_HEADERS: list[str] = [USER_AGENT, ACCEPT_GZIP]


def set_gzip(accept: bool) -> None:
    """Whether every wrk request says it accepts gzip (the default, as browsers do)."""
    WRK_HEADERS[:] = [USER_AGENT, ACCEPT_GZIP] if accept else [USER_AGENT]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_cluster(port: int, cleanup: contextlib.ExitStack) -> tuple[str, Path]:
    """A throwaway cluster from tests/postgres.sh; its URL and data folder. `cleanup` stops it
    and removes its folder (on an error or Ctrl-C too)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is taken: choose another with --pg-port")
    script = str(ROOT / "tests/postgres.sh")
    output = subprocess.run(
        [script, "start"],
        env={**os.environ, "PGPORT_TEST": str(port)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(re.findall(r"(\w+)=(\S+)", output))
    data = Path(values["PGDATA_DIR"])
    cleanup.callback(subprocess.run, [script, "stop", str(data)], check=False)
    return values["TEST_POSTGRES_URL"], data


def postgres_missing() -> str:
    """Why a throwaway PostgreSQL cannot run here, in a few words, or ''."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        return "needs PostgreSQL: apt-get install postgresql"
    if os.geteuid() != 0:
        return "needs root to run PostgreSQL as the postgres user with runuser (sudo)"
    return ""


def wrk(url: str, duration: int, connections: int, paths: list[str] | None = None) -> dict:
    """One wrk run on `url`, or rotating over `paths` of it with bench/pages.lua."""
    script = ["-s", str(ROOT / "bench/pages.lua"), url, "--", *paths] if paths else [url]
    headers = [option for header in WRK_HEADERS for option in ("-H", header)]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *headers, *script],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    # wrk's own count is of statuses >= 400 only ("Non-2xx or 3xx" means neither 2xx nor
    # 3xx); bench/pages.lua counts everything outside 200-299.
    non_2xx = re.search(r"pages\.lua non-2xx: (\d+)", output) or re.search(
        r"Non-2xx or 3xx responses: (\d+)", output
    )
    statuses = re.search(r"pages\.lua statuses: (.*)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": int(non_2xx.group(1)) if non_2xx else 0,
        "statuses": statuses.group(1) if statuses else "",
        "socket_errors": errors.group(1) if errors else "",
    }


def seed(env: dict, posts: int) -> float:
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([*flask, "seed-demo", "--posts", str(posts)], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


OWNER = ("bench", "bench password")


def set_owner(env: dict, username: str = OWNER[0], password: str = OWNER[1]) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "set-owner", username, "--password-stdin"],
        cwd=ROOT,
        env=env,
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


def page_paths(base: str, posts: int = 2000) -> dict[str, str]:
    """One address of each kind, found on the seeded site itself."""
    # About half the posts are diary entries, 10 to a page: page 50 at 2,000 posts.
    list_page = max(1, min(50, posts // 40))
    home = urllib.request.urlopen(base + "/").read().decode()
    diary = re.search(r'href="(/diary/\d+[^"]*)"', home) or re.search(
        r'href="(/diary/\d+[^"]*)"', urllib.request.urlopen(base + "/diary/").read().decode()
    )
    commentary = re.search(
        r'href="(/commentary/\d+[^"]*)"',
        urllib.request.urlopen(base + "/commentary/").read().decode(),
    )
    tag = re.search(r'href="(/tags/[^"/]+)"', home)
    return {
        "home": "/",
        "diary post": diary.group(1),
        "commentary post": commentary.group(1),
        f"list page {list_page}": f"/diary/?page={list_page}",
        "tag page": tag.group(1),
        "search": "/search?q=%EB%AA%B8%EB%AC%B4%EA%B2%8C",
        "feed": "/feed.xml",
    }


def check_final(base: str, paths: list[str]) -> None:
    """Every path answers 200 itself: a redirect would be counted as a bad answer."""
    reader = Browser(base, cookies=False)
    for path in paths:
        status = reader.get(path).status
        if status != 200:
            raise RuntimeError(f"{path} answers {status}, not 200: give its final address")


def under_writes(
    base: str, paths: list[str], duration: int, connections: int, quiet_duration: int, pause: float
) -> bool:
    """wrk over a mix of public pages while the owner keeps saving posts over HTTP.

    First the same mix for `quiet_duration` seconds without writes, to compare. Prints wrk's
    figures and the writer's, then checks that the home page and the edited commentary show
    the last saved titles. True when nothing went wrong.
    """
    check_final(base, paths)
    print(f"\nunder writes: wrk -c{connections} over {len(paths)} public pages: {' '.join(paths)}")
    if quiet_duration:
        quiet = wrk(base, quiet_duration, connections, paths)
        print(
            f"  without writes, {quiet_duration} s: {quiet['requests']} requests,"
            f" {quiet['rps']:.0f} rps, non-2xx {quiet['bad']},"
            f" socket errors: {quiet['socket_errors'] or 'none'},"
            f" p50 {quiet['p50']:.2f} ms, p99 {quiet['p99']:.2f} ms",
            flush=True,
        )
    writer = Writer(base, *OWNER, pause=pause)
    writer.start()
    writer.ready.wait(timeout=60)
    if writer.error:
        raise RuntimeError("the writer could not start") from writer.error
    try:
        run = wrk(base, duration, connections, paths)
    finally:
        writer.stop()
    if writer.error:
        raise RuntimeError("the writer failed") from writer.error
    saves = writer.summary()
    print(
        f"  while the owner saves, {duration} s: {run['requests']} requests, {run['rps']:.0f} rps,"
        f" non-2xx {run['bad']}{' (' + run['statuses'] + ')' if run['statuses'] else ''},"
        f" socket errors: {run['socket_errors'] or 'none'},"
        f" p50 {run['p50']:.2f} ms, p99 {run['p99']:.2f} ms\n"
        f"  owner: {saves['saves']} saves, {saves['failed']} failed"
        f" (statuses {' '.join(f'{k}={v}' for k, v in saves['statuses'].items())}),"
        f" median {saves['median_ms']:.0f} ms, p99 {saves['p99_ms']:.0f} ms,"
        f" slowest {saves['max_ms']:.0f} ms\n"
        f"  stale reads right after a save: {saves['stale']}",
        flush=True,
    )
    for line in (writer.failures + writer.stale)[:5]:
        print(f"    {line}")
    reader = Browser(base, cookies=False)
    fresh = True
    last = []
    if writer.last_diary:
        last.append(("home page", writer.last_diary[0], "/"))
    last.append(("commentary page", *writer.last_commentary))
    for label, title, path in last:
        ok = shown(title, reader.get(path).text)
        fresh = fresh and ok
        print(f"  after the writer stopped, the {label} shows {title!r}: {'yes' if ok else 'NO'}")
    return (
        fresh
        and run["bad"] == 0
        and not run["socket_errors"]
        and saves["failed"] == 0
        and saves["stale"] == 0
    )


def transfer_size(base: str, path: str) -> int:
    """Bytes of a post page with its stylesheet and scripts, each gzip-compressed."""
    html = urllib.request.urlopen(base + path).read()
    total = len(gzip.compress(html))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', html):
        total += len(gzip.compress(urllib.request.urlopen(base + asset.decode()).read()))
    return total


def save_time_ms(env: dict) -> float:
    """Median time of saving a 30-block commentary through the editor, in process."""
    code = """
import statistics, time
from blog import create_app
from blog.extensions import db
from blog.models import Owner
app = create_app({"WTF_CSRF_ENABLED": False})
with app.app_context():
    owner = db.session.scalar(db.select(Owner)) or Owner(username="bench")
    owner.set_password("bench password")
    db.session.add(owner)
    db.session.commit()
    name = owner.username
client = app.test_client()
client.post("/login", data={"username": name, "password": "bench password"})
form = {"headline": "Thirty quotes", "summary": "요약 " * 50, "tags": "AI, 영어공부",
        "visibility": "public", "published_at": ""}
quote = "DeepSeek's quick progress has stirred doubts about the lead. " * 3
translation = "딥시크의 빠른 발전은 우위에 대한 의문을 불러일으켰다. " * 2
opinion = "**생각**: 투자금액이 작년에 엄청났던거 모두 맞다. " * 2
for n in range(30):
    form.update({f"blocks-{n}-quote": quote, f"blocks-{n}-translation": translation,
                 f"blocks-{n}-opinion": opinion})
times = []
for _ in range(7):
    started = time.perf_counter()
    response = client.post("/commentary/new", data=form)
    times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 303, response.status_code
print(statistics.median(times))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return float(result.stdout.strip().splitlines()[-1])


DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="the database(s) to run on, one table each (default both)",
    )
    parser.add_argument(
        "--pg-port", type=int, default=54340, help="port of the throwaway PostgreSQL cluster"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--no-gzip",
        action="store_true",
        help="send no Accept-Encoding (browsers send gzip, and so does this script by default)",
    )
    parser.add_argument(
        "--write-duration",
        type=int,
        default=30,
        help="seconds of wrk over a page mix while the owner saves posts (0 skips it)",
    )
    parser.add_argument("--write-connections", type=int, default=32)
    parser.add_argument(
        "--busy-duration",
        type=int,
        default=5,
        help="seconds per wrk run of the busy stage: the ratios again under writes (0 skips it)",
    )
    parser.add_argument(
        "--busy-save-pause", type=float, default=3.0, help="seconds between the owner's saves"
    )
    parser.add_argument(
        "--crowd-rate", type=float, default=10.0, help="comments and 공감 a second, in all"
    )
    parser.add_argument(
        "--save-pause", type=float, default=0.0, help="seconds the owner waits between saves"
    )
    args = parser.parse_args(argv)
    args.databases = list(DATABASES) if args.db == "both" else [args.db]
    return args


def main() -> None:
    args = parse_args()
    set_gzip(not args.no_gzip)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.db == "postgres" and (reason := postgres_missing()):
        sys.exit(f"--db postgres {reason}")
    # A kill from outside (timeout, CI) cleans up as Ctrl-C does: servers and cluster stopped.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results: dict[str, dict[str, float]] = {}
    failed = []
    try:
        for database in args.databases:
            label = DATABASES[database]
            if database == "postgres" and (reason := postgres_missing()):
                print(f"\n{label}: skipped, {reason}")
                continue
            folder = Path(tempfile.mkdtemp(prefix="blog-bench-"))
            try:
                with contextlib.ExitStack() as cleanup:
                    if database == "postgres":
                        url, _ = start_cluster(args.pg_port, cleanup)
                        where = f"a throwaway cluster on 127.0.0.1:{args.pg_port}"
                    else:
                        url = f"sqlite:///{folder / 'bench.sqlite3'}"
                        where = "a temporary file"
                    print(f"\n=== {label} ({where}) ===", flush=True)
                    writes_ok = run_all(args, url, label, results)
                    if not writes_ok:
                        failed.append(label)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: every server and cluster started was stopped")
    if len(results) > 1:
        print("\n" + ratio_summary(results, accept_gzip=not args.no_gzip))
    if failed:
        sys.exit(
            f"under writes ({', '.join(failed)}): errors, non-2xx answers, failed saves or stale"
            " pages (above)"
        )


def page_table(label: str, rows: list[tuple[str, dict, dict]]) -> str:
    """The page table of one database: (kind, the page's wrk run, the bare route's run just
    before) a row, each with its ratio, and the median ratio."""
    encoding = "gzip" if ACCEPT_GZIP in WRK_HEADERS else "no gzip"
    lines = [
        f"{label}: pages against the bare route ({encoding}, run alternately)",
        f"{'page':<17}{'rps':>8}{'bare rps':>10}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'non-2xx':>8}",
    ]
    for kind, page_run, bare_run in rows:
        lines.append(
            f"{kind:<17}{page_run['rps']:>8.0f}{bare_run['rps']:>10.0f}"
            f"{page_run['rps'] / bare_run['rps']:>7.2f}{page_run['p50']:>8.2f}"
            f"{page_run['p99']:>8.2f}{page_run['bad']:>8}"
            + (f" {page_run['socket_errors']}" if page_run["socket_errors"] else "")
        )
    ratios = [page_run["rps"] / bare_run["rps"] for _, page_run, bare_run in rows]
    lines.append(f"{label}: median ratio to the bare route: {statistics.median(ratios):.2f}")
    return "\n".join(lines)


def ratio_summary(results: dict[str, dict[str, float]], accept_gzip: bool = True) -> str:
    """Every database's ratio to the bare route per page kind, side by side, and the medians."""
    labels = list(results)
    kinds = list(next(iter(results.values())))
    width = max(len(label) for label in labels) + 2
    lines = [
        f"ratio to the bare route ({'gzip' if accept_gzip else 'no gzip'}):",
        f"{'page':<17}" + "".join(f"{label:>{width}}" for label in labels),
    ]
    for kind in kinds:
        lines.append(
            f"{kind:<17}"
            + "".join(f"{results[label].get(kind, 0):>{width}.2f}" for label in labels)
        )
    lines.append(
        f"{'median':<17}"
        + "".join(f"{statistics.median(results[label].values()):>{width}.2f}" for label in labels)
    )
    return "\n".join(lines)


def page_ratios(
    args, duration: int, base: str, bare_port: int, paths: dict[str, str], label: str
) -> dict:
    """Each page kind's throughput against the bare route's, run alternately; prints the
    table, returns the ratios."""
    rows, ratios = [], {}
    for kind, path in paths.items():
        # Alternate bare and page runs, so both see the same machine load.
        bare_run = wrk(f"http://127.0.0.1:{bare_port}/", duration, args.connections)
        page_run = wrk(base, duration, args.connections, [path])
        rows.append((kind, page_run, bare_run))
        ratios[kind] = page_run["rps"] / bare_run["rps"]
        print(f"  {kind}: {ratios[kind]:.2f}", flush=True)
    print("\n" + page_table(label, rows), flush=True)
    return ratios


def busy(args, base: str, bare_port: int, paths: dict[str, str], label: str) -> tuple[dict, bool]:
    """The same ratios while the owner saves every `--busy-save-pause` seconds and readers
    send comments and 공감 (bench/crowd.py) at `--crowd-rate` a second, to the measured
    posts and others; both keep going through the bare route's runs too, so that both see
    the same machine. True when no save failed, no page was stale and the crowd's requests
    were all answered as a reader's are (303 for a comment, 303 or 200 for a like)."""
    lists = "".join(Browser(base, cookies=False).get(p).text for p in ("/diary/", "/commentary/"))
    others = re.findall(r'href="(/(?:diary|commentary)/\d+[^"#?]*)"', lists)
    posts = list(dict.fromkeys([paths["diary post"], paths["commentary post"], *others]))[:20]
    writer = Writer(base, *OWNER, pause=args.busy_save_pause)
    crowd = Crowd(base, posts, args.crowd_rate)
    writer.start()
    crowd.start()
    writer.ready.wait(timeout=60)
    crowd.ready.wait(timeout=60)
    print(
        f"\nbusy: the owner saves every {args.busy_save_pause:g} s; {args.crowd_rate:g} comments"
        f" and 공감 a second to {len(posts)} posts",
        flush=True,
    )
    try:
        if writer.error or crowd.error:
            raise RuntimeError("the writers could not start") from (writer.error or crowd.error)
        ratios = page_ratios(args, args.busy_duration, base, bare_port, paths, f"{label}, busy")
    finally:
        writer.stop()
        crowd.stop()
    if writer.error or crowd.error:
        raise RuntimeError("a writer failed") from (writer.error or crowd.error)
    saves = writer.summary()
    print(
        f"  owner: {saves['saves']} saves, {saves['failed']} failed, median"
        f" {saves['median_ms']:.0f} ms, stale reads right after a save: {saves['stale']}\n"
        f"  crowd: {crowd.summary()}"
    )
    answered = set(crowd.statuses["comment"]) <= {303} and set(crowd.statuses["like"]) <= {200, 303}
    return ratios, saves["failed"] == 0 and saves["stale"] == 0 and answered


def run_all(args: argparse.Namespace, database_url: str, label: str, results: dict) -> bool:
    """Every stage on a site seeded into the empty database at `database_url`: the ratio of
    each page kind to the bare route (also into `results`, with the busy stage's), and False
    if a stage with writes failed."""
    writes_ok = True
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
        "FLASK_SECRET_KEY": "bench-only-secret",
        "PYTHONPATH": str(ROOT),
        # The busy stage's crowd all comes from 127.0.0.1: the limit per address would turn
        # all but 5 of its comments away, and the flood is of many readers.
        "FLASK_COMMENT_RATE_LIMIT": "1000000",
    }
    print(f"seeding {args.posts} posts: {seed(env, args.posts):.1f} s", flush=True)
    set_owner(env)
    site_port, bare_port = free_port(), free_port()
    site = serve("app:app", site_port, env)
    try:
        bare = serve("bench.bare:app", bare_port, env)
    except BaseException:
        stop(site)
        raise
    try:
        base = f"http://127.0.0.1:{site_port}"
        paths = page_paths(base, args.posts)
        check_final(base, list(paths.values()))
        ratios = results[label] = page_ratios(args, args.duration, base, bare_port, paths, label)
        if args.busy_duration:
            ratios_busy, busy_ok = busy(args, base, bare_port, paths, label)
            results[f"{label}, busy"] = ratios_busy
            writes_ok = writes_ok and busy_ok
            for kind, ratio in ratios_busy.items():
                print(f"  {kind}: busy/quiet {ratio / ratios[kind]:.2f}")
        site_memory = worker_peak_memory_mb(site)
        bare_memory = worker_peak_memory_mb(bare)
        print(
            f"peak memory per worker: site {max(site_memory):.0f} MB,"
            f" bare {max(bare_memory):.0f} MB"
        )
        size = transfer_size(base, paths["commentary post"])
        print(f"commentary post page, compressed HTML+CSS+JS: {size / 1024:.1f} KB")
        if args.write_duration:
            mix = [*paths.values(), "/diary/", "/commentary/", "/tags/"]
            writes_ok = under_writes(
                base,
                mix,
                args.write_duration,
                args.write_connections,
                quiet_duration=args.duration,
                pause=args.save_pause,
            )
    finally:
        stop(site)
        stop(bare)
    if args.write_duration:
        print(f"saving a 30-block commentary: {save_time_ms(env):.1f} ms (median of 7)")
    return writes_ok


if __name__ == "__main__":
    main()
