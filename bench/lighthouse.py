"""Lighthouse performance of the home page, a diary post and a commentary post (mobile).

    .venv/bin/python bench/lighthouse.py [--posts 200] [--runs 3] [--keep-reports DIR]

Seeds a temporary SQLite site with demo posts (as run.py does), serves it under gunicorn
(2 sync workers), and runs Lighthouse 12 (`npm install` provides it) on Debian's Chromium with
its defaults: the performance category, the mobile preset (Moto G Power screen) and simulated
throttling (slow 4G, 4x CPU slowdown). The server is local, so the network part of every figure
is Lighthouse's model, not a real network. Prints, per page, the median over the runs of the
score and of FCP, LCP, TBT, CLS and Speed Index; then, for the run with the lowest score, the
LCP element, the unthrottled timings Lighthouse observed, the metrics that lose points (only
they weigh in the score) and the other audits scored below 1 (diagnostics and insights: they
explain, they do not count).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import ROOT, page_paths, seed, serve, set_owner, stop

LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
PORT = 8073

# Audit id, label, how to show its numericValue.
METRICS = [
    ("first-contentful-paint", "FCP", lambda v: f"{v / 1000:.2f} s"),
    ("largest-contentful-paint", "LCP", lambda v: f"{v / 1000:.2f} s"),
    ("total-blocking-time", "TBT", lambda v: f"{v:.0f} ms"),
    ("cumulative-layout-shift", "CLS", lambda v: f"{v:.3f}"),
    ("speed-index", "SI", lambda v: f"{v / 1000:.2f} s"),
]


def lighthouse(url: str) -> dict:
    """One Lighthouse run, its JSON report."""
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=performance",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"{url}: {report['runtimeError']}")
    return report


def score(report: dict) -> float:
    return report["categories"]["performance"]["score"] * 100


def below_one(report: dict) -> tuple[list[str], list[str]]:
    """Audits scored below 1: those that weigh in the performance score (the metrics), and
    the others (diagnostics and insights, weight 0: they explain, they do not count)."""
    weights = {ref["id"]: ref["weight"] for ref in report["categories"]["performance"]["auditRefs"]}
    weighted, diagnostics = [], []
    for audit_id, audit in sorted(report["audits"].items()):
        if (
            audit.get("score") is None
            or audit["score"] >= 1
            or audit.get("scoreDisplayMode") in ("informative", "notApplicable", "manual")
        ):
            continue
        shown = audit.get("displayValue") or ""
        line = f"{audit_id} (score {audit['score']:.2f}) {audit['title']}: {shown}".rstrip()
        if weights.get(audit_id, 0) > 0:
            weighted.append(f"{line} [weight {weights[audit_id]}]")
            continue
        diagnostics.append(line)
        items = (audit.get("details") or {}).get("items")
        for item in items[:4] if isinstance(items, list) else []:
            if isinstance(item, dict):
                detail = item.get("url") or (item.get("node") or {}).get("snippet") or ""
                if detail:
                    diagnostics.append(f"    {detail[:140]}")
    return weighted, diagnostics


def lcp_element(report: dict) -> str:
    audit = report["audits"].get("largest-contentful-paint-element", {})
    for table in (audit.get("details") or {}).get("items", []):
        for item in table.get("items", []):
            node = item.get("node")
            if node:
                return node.get("snippet", "")[:140]
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--keep-reports", type=Path, help="write each JSON report here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("run `npm install` in the project folder to get Lighthouse")
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    folder = Path(tempfile.mkdtemp(prefix="blog-lighthouse-"))
    try:
        audit_site(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def audit_site(args: argparse.Namespace, folder: Path) -> None:
    """Seed a site in `folder`, serve it, and print Lighthouse's figures for three pages."""
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "FLASK_SECRET_KEY": "bench-only-secret",
        "PYTHONPATH": str(ROOT),
    }
    print(f"seeding {args.posts} posts: {seed(env, args.posts):.1f} s", flush=True)
    set_owner(env)  # a site with an owner, as in use (and no one-time setup link printed)
    site = serve("app:app", PORT, env)
    base = f"http://127.0.0.1:{PORT}"
    try:
        found = page_paths(base, args.posts)
        pages = {name: found[name] for name in ("home", "diary post", "commentary post")}
        if args.keep_reports:
            args.keep_reports.mkdir(parents=True, exist_ok=True)
        print(f"\n{'page':<17}{'score':>6}" + "".join(f"{label:>9}" for _, label, _ in METRICS))
        details = {}
        for name, path in pages.items():
            reports = []
            for run in range(args.runs):
                report = lighthouse(base + path)
                reports.append(report)
                if args.keep_reports:
                    target = args.keep_reports / f"{name.replace(' ', '-')}-{run + 1}.json"
                    target.write_text(json.dumps(report, indent=1))
            scores = [score(report) for report in reports]
            figures = [
                show(statistics.median(r["audits"][audit_id]["numericValue"] for r in reports))
                for audit_id, _, show in METRICS
            ]
            print(
                f"{name:<17}{statistics.median(scores):>6.0f}"
                + "".join(f"{figure:>9}" for figure in figures)
                + f"   (scores {', '.join(f'{s:.0f}' for s in scores)})",
                flush=True,
            )
            # The run that lost most: where what lowers the score shows best.
            details[name] = (path, min(reports, key=score))
        for name, (path, report) in details.items():
            observed = report["audits"]["metrics"]["details"]["items"][0]
            print(f"\n{name} ({path}), the run with the lowest score ({score(report):.0f}):")
            print(f"  LCP element: {lcp_element(report) or '?'}")
            print(
                "  observed without throttling: DOMContentLoaded"
                f" {observed['observedDomContentLoaded']} ms, first paint"
                f" {observed['observedFirstContentfulPaint']} ms, Speed Index"
                f" {observed['observedSpeedIndex']} ms"
            )
            weighted, diagnostics = below_one(report)
            print("  metrics below a full score (these lower the score):")
            for line in weighted or ["none"]:
                print(f"    {line}")
            print("  other audits below 1 (weight 0, they do not change the score):")
            for line in diagnostics or ["none"]:
                print(f"    {line}")
    finally:
        stop(site)


if __name__ == "__main__":
    main()
