"""Every page kind at 100,000 posts, uncached: the median render of each, against its target.

    .venv/bin/python bench/pages_100k.py [--posts 100000] [--database-url URL [--schema NAME]]

Seeds `--posts` demo posts once into a kept database (an SQLite file under the system's
temporary directory by default, or `--database-url`, e.g. PostgreSQL, in `--schema` there), so
the next run reuses it; runs the migrations each time (a new index reaches the kept database).
Then requests every public page kind and the owner's lists through Flask's test client with
the page cache off, and prints per page the queries it sent and the median of `--repeat`
renders in milliseconds, marked "SLOW" over its target (50 ms for readers' pages, 100 ms for
the owner's lists). See bench/README.md.
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_bench  # noqa: E402
from flask import current_app  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from search_bench import seed  # noqa: E402
from sqlalchemy import create_engine, event, func  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from blog.extensions import db  # noqa: E402
from blog.models import KeyExpression, Owner, Post, Tag, post_tag  # noqa: E402
from blog.posts import saving  # noqa: E402
from blog.site_time import local_date, to_site_time  # noqa: E402

OWNER, PASSWORD = "bench", "bench password"
READER_TARGET_MS, OWNER_TARGET_MS = 50, 100


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to seed (once)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo content")
    parser.add_argument("--repeat", type=int, default=7, help="timed renders of each page")
    parser.add_argument(
        "--database-url",
        help="a database to seed once and reuse (default: an SQLite file kept under "
        "the temporary directory, one per --posts and --seed)",
    )
    parser.add_argument("--schema", help="on PostgreSQL, the schema to keep the site in")
    parser.add_argument("--only", help="time only the pages whose name contains this")
    parser.add_argument(
        "--grow-from",
        type=int,
        metavar="N",
        help="seed only N demo posts, then copy them in SQL until there are --posts (the "
        "demo writer makes about 30 posts/s on a busy 2-core machine: 100,000 take an hour)",
    )
    return parser.parse_args()


def database(args) -> tuple[str, dict]:
    """The URL and the engine options of the kept database."""
    if not args.database_url:
        folder = Path(tempfile.gettempdir()) / "pages_100k"
        folder.mkdir(exist_ok=True)
        return f"sqlite:///{folder / f'posts-{args.posts}-seed-{args.seed}.sqlite3'}", {}
    if not args.schema:
        return args.database_url, {}
    engine = create_engine(args.database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{args.schema}"')
    engine.dispose()
    return args.database_url, {"connect_args": {"options": f"-c search_path={args.schema}"}}


def make_app(url: str, options: dict):
    folder = tempfile.mkdtemp(prefix="pages-100k-")
    config = {"PAGE_CACHE_SIZE": 0, "WTF_CSRF_ENABLED": False, "VIEW_COUNTING": False}
    if options:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return search_bench.make_app(url, folder, **config)


# The tables a copy of the posts copies, and which of their columns hold which table's ids.
COPIED = {
    "post": {"id": "post"},
    "commentary": {"id": "post"},
    "block": {"id": "block", "commentary_id": "post"},
    "key_expression": {"id": "key_expression", "block_id": "block", "post_id": "post"},
    "post_tag": {"post_id": "post"},
    "comment": {"id": "comment", "post_id": "post", "block_id": "block", "parent_id": "comment"},
    "search_index": {"post_id": "post"},
}


def grow(posts: int, base: int) -> None:
    """Keep the first `base` posts, then copy them (with their blocks, expressions, tags,
    comments and search entries; same times, same text) in SQL until there are `posts`: a
    site of that size in seconds. The copies' times are the originals', so a day holds more
    posts (as on a site that has 100,000 posts in five years)."""
    connection = db.session.connection()
    run = connection.exec_driver_sql
    for statement in (
        f"DELETE FROM key_expression WHERE block_id IN "
        f"(SELECT id FROM block WHERE commentary_id > {base})",
        f"DELETE FROM block WHERE commentary_id > {base}",
        f"DELETE FROM comment WHERE post_id > {base} AND parent_id IS NOT NULL",
        *(
            f"DELETE FROM {name} WHERE post_id > {base}"
            for name in ("comment", "post_tag", "search_index", "revision")
        ),
        f"DELETE FROM commentary WHERE id > {base}",
        f"DELETE FROM post WHERE id > {base}",
    ):
        run(statement)
    tables = db.metadata.tables
    last = {
        name: db.session.scalar(db.select(func.max(tables[name].c.id))) or 0
        for name in ("post", "block", "key_expression", "comment")
    }
    assert last["post"] == base, "the demo's posts are numbered from 1"
    rounds = posts // base - 1
    for copy in range(1, rounds + 1):
        for name, shifted in COPIED.items():
            # (The search index is the search backend's table, not the models'.)
            columns = (
                ["terms", "content", "post_id", "part"]
                if name == "search_index"
                else [column.name for column in tables[name].columns]
            )
            values = [
                f"{column} + {last[shifted[column]] * copy}"
                if column in shifted
                else "NULL"
                if column == "token_hash"
                else column
                for column in columns
            ]
            where = "post_id" if name in ("post_tag", "search_index") else "id"
            limit = last["post" if where == "post_id" else shifted["id"]]
            run(
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {name} WHERE {where} <= {limit}"
            )
        print(f"  copied {copy}/{rounds}", flush=True)
    if db.engine.dialect.name == "postgresql":
        for name in ("post", "block", "key_expression", "comment", "search_index"):
            run(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
    db.session.commit()


def prepare(posts: int, seed_value: int, grow_from: int | None) -> None:
    logging.disable(logging.INFO)  # the migrations' progress lines
    upgrade()
    logging.disable(logging.NOTSET)
    if not db.session.scalar(db.select(func.count(Post.id))):
        seed(grow_from or posts, seed_value)
    if db.session.scalar(db.select(func.count(Post.id))) != posts and grow_from:
        grow(posts, grow_from)
        saving.recount_tags()
        db.session.commit()
    # The planner's statistics, as a site that has grown has them (autovacuum on PostgreSQL,
    # ANALYZE or PRAGMA optimize on SQLite): rows just written have none.
    db.session.commit()
    analyze = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(analyze)
    if not db.session.scalar(db.select(func.count(Owner.id))):
        db.session.add(Owner(username=OWNER, password_hash=generate_password_hash(PASSWORD)))
    db.session.commit()


def reader_pages(client) -> dict[str, str]:
    """A path of each public page kind, chosen from the content."""
    newest = {
        kind: db.session.scalar(
            db.select(Post.id)
            .where(Post.kind == kind, Post.published())
            .order_by(Post.published_at.desc())
            .limit(1)
        )
        for kind in ("diary", "commentary")
    }
    post_paths = {
        kind: client.get(f"/{kind}/{post_id}").headers["Location"]
        for kind, post_id in newest.items()
    }
    common_tag = db.session.scalar(
        db.select(Tag.name)
        .join(post_tag, post_tag.c.tag_id == Tag.id)
        .group_by(Tag.id)
        .order_by(func.count().desc())
        .limit(1)
    )
    newest_year = to_site_time(db.session.scalar(db.select(func.max(Post.published_at)))).year
    day = local_date(Post.published_at)
    busiest = db.session.scalar(
        db.select(day).group_by(day).order_by(func.count().desc(), day).limit(1)
    )
    year, month, number = (int(part) for part in busiest.split("-"))
    diary_pages = -(
        -db.session.scalar(db.select(func.count()).where(Post.kind == "diary", Post.published()))
        // 10
    )
    published = db.session.scalar(db.select(func.count()).where(Post.published()))
    sitemap_pages = -(-published // current_app.config["SITEMAP_PAGE_SIZE"])
    expressions = db.session.scalar(db.select(func.count()).where(KeyExpression.published()))
    glossary_pages = max(1, -(-expressions // current_app.config["GLOSSARY_PER_PAGE"]))
    db.session.remove()
    return {
        "home": "/",
        "diary list": "/diary/",
        "diary deep page": f"/diary/?page={diary_pages // 2}",
        "diary last page": f"/diary/?page={diary_pages}",
        "commentary list": "/commentary/",
        "commentary deep page": f"/commentary/?page={diary_pages // 2}",
        "diary post": post_paths["diary"],
        "commentary post": post_paths["commentary"],
        "tag page": f"/tags/{common_tag}",
        "tag deep page": f"/tags/{common_tag}?page=200",
        "tag index": "/tags/",
        "archive": "/archive/",
        "archive year": f"/archive/{newest_year}/",
        "archive month": f"/archive/{year}/{month}",
        "archive day": f"/archive/{year}/{month}/{number}",
        "search": "/search?q=운동",
        "search common": "/search?q=있다",
        "feed": "/feed.xml",
        "diary feed": "/diary/feed.xml",
        "tag feed": f"/tags/{common_tag}/feed.xml",
        "sitemap index": "/sitemap.xml",
        "sitemap first": "/sitemap-1.xml",
        "sitemap last": f"/sitemap-{sitemap_pages}.xml",
        "glossary": "/glossary",
        "glossary last page": f"/glossary?page={glossary_pages}",
        "glossary by post": "/glossary?order=post",
        "glossary by post, last page": f"/glossary?order=post&page={glossary_pages}",
        "robots": "/robots.txt",
    }


OWNER_PAGES = {
    "desk": "/admin/",
    "desk deep page": "/admin/?page=1000",
    "desk diary": "/admin/?section=diary",
    "desk drafts": "/admin/?state=draft",
    "desk public commentary": "/admin/?section=commentary&state=public",
    "comments queue": "/admin/comments",
    "trash": "/admin/trash",
    "stats": "/admin/stats",
    "owner archive": "/archive/",
    "owner tag index": "/tags/",
    "owner calendar": "/diary/metrics",
    "owner glossary": "/glossary",
    "owner glossary deep page": "/glossary?page=1000",
    "owner glossary by post, deep page": "/glossary?order=post&page=1000",
}


def time_pages(app, repeat: int, only: str | None) -> list[tuple[str, float, float]]:
    with app.app_context():
        engine = db.engine
        reader = app.test_client()
        paths = reader_pages(reader)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    owner = app.test_client()
    login = owner.post("/login", data={"username": OWNER, "password": PASSWORD})
    assert login.status_code == 303, login.status_code
    rows = []
    print(f"\n{'page':<52}{'queries':>8}{'median':>9}{'max':>8}  (ms)")
    for who, client, pages, target in (
        ("reader", reader, paths, READER_TARGET_MS),
        ("owner", owner, OWNER_PAGES, OWNER_TARGET_MS),
    ):
        for name, path in pages.items():
            if only and only not in name:
                continue
            assert client.get(path).status_code == 200, path  # untimed: templates compile
            statements.clear()
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            median = statistics.median(times)
            mark = "  SLOW" if median > target else ""
            label = f"{who}: {name} {path}"[:51]
            print(
                f"{label:<52}{len(statements) // repeat:>8}{median:>9.1f}{max(times):>8.1f}{mark}",
                flush=True,
            )
            rows.append((name, median, target))
    slow = [name for name, median, target in rows if median > target]
    print(f"\n{len(rows)} pages, {len(slow)} over target{': ' + ', '.join(slow) if slow else ''}")
    return rows


def main() -> None:
    args = parse_args()
    url, options = database(args)
    app = make_app(url, options)
    with app.app_context():
        print(f"database: {url}" + (f" (schema {args.schema})" if args.schema else ""))
        prepare(args.posts, args.seed, args.grow_from)
        print(f"posts: {db.session.scalar(db.select(func.count(Post.id)))}")
        db.session.remove()
    time_pages(app, args.repeat, args.only)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
