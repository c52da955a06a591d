"""The application factory."""

import os
import secrets
import sys
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import commands, errors, inputs, pagecache, rendering, search, setup_link, stats
from .extensions import babel, csrf, db, login_manager, migrate
from .media import library as media_library
from .media import store as media_store
from .models import PostTag
from .notify import outbox
from .posts import saving

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, test_config)
    inputs.register(app)
    register_extensions(app)
    media_store.init_app(app)
    bind_database_events(app)
    register_blueprints(app)
    register_headers(app)
    outbox.register(app)  # before the page cache's 304s, which end a request early
    stats.register(app)  # before the page cache, which counts the views it answers
    pagecache.register(app)
    register_template_helpers(app)
    errors.register(app)
    commands.register(app)
    trust_proxies(app)
    if app.config.get("ANNOUNCE_SETUP_LINK", _is_serving()):
        setup_link.announce_if_no_owner(app)
    return app


def _is_serving() -> bool:
    """True in `flask run` and gunicorn, not in other commands (they need no setup link)."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    return program.startswith("gunicorn") or (program == "flask" and "run" in sys.argv[1:])


# Settings that are on or off. FLASK_* values are read as JSON, so FLASK_HTTPS=False arrives as
# the text "False", which Python counts as true: it would have turned the SSRF guard off.
SWITCHES = (
    "HTTPS",
    "ARTICLE_FETCH_ALLOW_PRIVATE",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_DELIVERER",
    "VIEW_COUNTING",
    "PAGE_CACHE_NOTIFY",
)
_SWITCH_WORDS = {"true": True, "1": True, "yes": True, "on": True}
_SWITCH_WORDS |= {"false": False, "0": False, "no": False, "off": False, "": False}


def switch(key: str, value) -> bool:
    """A setting's on/off value from True/False or the words people write for them; anything
    else stops the site with a message rather than guessing."""
    if isinstance(value, bool):
        return value
    if value in (0, 1) and isinstance(value, int):  # FLASK_HTTPS=1, read as JSON
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _SWITCH_WORDS:
        return _SWITCH_WORDS[value.strip().lower()]
    raise ValueError(f"{key} must be true or false, not {value!r}")


def load_config(app: Flask, test_config: dict | None) -> None:
    """Code defaults, then instance/config.py, then FLASK_* variables, then the test mapping."""
    app.config.from_object("blog.config")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    for key in SWITCHES:
        app.config[key] = switch(key, app.config[key])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "blog.sqlite3"
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = generate_secret_key(app)
    if app.config["HTTPS"]:
        app.config.update(
            SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https"
        )


def trust_proxies(app: Flask) -> None:
    """Outermost, so the page cache and Flask both see the reader's scheme, host and address."""
    if app.config["PROXY_FIX_X_FOR"]:
        count = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def generate_secret_key(app: Flask) -> str:
    """Write a random key into instance/config.py once, so a fresh checkout is secure."""
    key = secrets.token_hex(32)
    path = os.path.join(app.instance_path, "config.py")
    with open(path, "a", encoding="utf-8") as config_file:
        config_file.write(f"\n# Generated on first run; keep it secret.\nSECRET_KEY = {key!r}\n")
    os.chmod(path, 0o600)
    return key


def bind_database_events(app: Flask) -> None:
    """Every database listener, in this one place: on this app's engine and on db's own
    metadata, never on SQLAlchemy's Engine or Session classes (which would reach every engine
    and session in the process)."""
    with app.app_context():
        # Flask-SQLAlchemy makes the engines in init_app; they connect only when first used.
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _configure_sqlite)
    # db, with its metadata, is shared by every app made in this process (the tests make one
    # per test): each of these listeners is added once.
    for target, name, listener in (
        *((db.session, name, listener) for name, listener in media_library.SESSION_LISTENERS),
        *((db.session, name, listener) for name, listener in pagecache.SESSION_LISTENERS),
        (PostTag, "after_delete", saving.remember_untagged),
        (db.metadata, "after_create", pagecache.insert_first_state),
        (db.metadata, "after_create", _create_search_index),
        (db.metadata, "before_drop", _drop_search_index),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def _configure_sqlite(dbapi_connection, connection_record):
    # WAL lets readers work while the owner saves; foreign keys make cascades real;
    # the busy timeout makes a second writer wait instead of failing; memory-mapped reads
    # share the operating system's cache between connections and workers instead of each
    # connection copying pages into its own (search at 100,000 posts: median 6.7 -> 4.6 ms).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _create_search_index(target, connection, **kw):
    # The search index is not a model (FTS5 or tsvector, see blog/search/); creating and
    # dropping all tables (tests, a fresh database) includes it all the same.
    search.create_index(connection)


def _drop_search_index(target, connection, **kw):
    search.drop_index(connection)


def select_locale() -> str:
    # Commands translate too (an import's refusal quotes the editor's messages).
    chosen = request.cookies.get("lang") if has_request_context() else None
    return chosen if chosen in current_app.config["LANGUAGES"] else "ko"


def register_extensions(app: Flask) -> None:
    from .auth.session import configure_login

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    configure_login(login_manager)


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .commentary.views import bp as commentary_bp
    from .comments.views import bp as comments_bp
    from .diary.views import bp as diary_bp
    from .media.views import bp as media_bp
    from .notify.views import bp as notify_bp
    from .public.views import bp as public_bp
    from .study.views import bp as study_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(diary_bp, url_prefix="/diary")
    app.register_blueprint(commentary_bp, url_prefix="/commentary")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(media_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(study_bp)
    app.register_blueprint(comments_bp)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def register_headers(app: Flask) -> None:
    from .posts.queries import owner_signed_in

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config["HTTPS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages differ for the owner, by language and by login state: never cache them shared.
        if response.mimetype == "text/html":
            # Only asked when needed: asking loads the login, which a refusal must not do.
            if "Cache-Control" not in headers:
                headers["Cache-Control"] = "no-store" if owner_signed_in() else "no-cache"
            response.vary.add("Cookie")
        return response


def register_template_helpers(app: Flask) -> None:
    from .media.views import shared_photo
    from .posts.urls import canonical_url, post_url

    rendering.register(app)
    app.jinja_env.globals.update(
        post_url=post_url,
        get_locale=get_locale,
        canonical_url=canonical_url,
        shared_photo=shared_photo,
    )
