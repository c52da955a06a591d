"""Command-line tools (`flask --app app …`): set-owner, rerender, reindex, seed-demo, export,
import, backup, import-text."""

import json
import sqlite3
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from . import pagecache, search
from .extensions import db
from .media.store import media_store
from .models import Owner, Photo, Post
from .portability import backup as backups
from .portability import export as exports
from .portability import import_json
from .portability.import_text import import_text_command
from .rendering import TooLargeToRender
from .setup_link import use_up

MIN_PASSWORD_LENGTH = 8


@click.command("set-owner")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
def set_owner(username: str, password_stdin: bool) -> None:
    """Create the owner, or reset the owner's name and password (ending every session)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not MIN_PASSWORD_LENGTH <= len(password) <= 128:
        raise click.ClickException(f"Use {MIN_PASSWORD_LENGTH} to 128 characters.")
    owner = db.session.scalar(db.select(Owner))
    created = owner is None
    if created:
        owner = Owner()
        db.session.add(owner)
    owner.username = username
    owner.set_password(password)
    try:
        db.session.commit()
    except IntegrityError:  # the database holds one owner: the setup link made it meanwhile
        db.session.rollback()
        raise click.ClickException(
            "The owner was created meanwhile; run set-owner again."
        ) from None
    use_up(current_app)
    click.echo(f"Owner {username!r} {'created' if created else 'updated'}.")


@click.command("rerender")
@with_appcontext
def rerender() -> None:
    """Render every post's stored HTML and excerpt again (after a change to the rendering
    rules), and give a readable address to a post without one (an untitled entry saved before
    they had one: its numbered address redirects there).

    A text too large to render (stored before the bound, or written around the forms) keeps
    its stored HTML; each such post is named, and the command ends with exit code 1."""
    count, too_large = 0, []
    for post in db.session.scalars(db.select(Post)):
        try:
            post.derive()
        except TooLargeToRender as error:
            # All of this post stays as stored, the parts rendered again before this one too.
            for part in [*post.blocks, post]:
                db.session.expire(part)
            too_large.append(f"post {post.id} ({error})")
            continue
        post.choose_address()
        count += 1
    pagecache.content_changed()  # the pages show the stored HTML
    db.session.commit()
    click.echo(f"Rendered {count} posts.")
    if too_large:
        raise click.ClickException(
            "Too large to render again, stored HTML kept: " + ", ".join(too_large)
        )


@click.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the full-text search index from the posts."""
    count = search.reindex()
    db.session.commit()
    click.echo(f"Indexed {count} posts.")


@click.command("seed-demo")
@with_appcontext
@click.option("--posts", "count", type=click.IntRange(min=1), required=True, help="How many.")
@click.option("--seed", "seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--append", is_flag=True, help="Add to a site that has posts already.")
def seed_demo(count: int, seed: int, append: bool) -> None:
    """Fill the site with realistic public demo posts (for demos and benchmarks)."""
    from . import demo  # with Faker, a third of a second to import: only seeding needs it

    try:
        done = demo.seed(count, seed, append=append)
    except demo.SiteNotEmpty as error:
        raise click.ClickException(f"{error} Use --append to add demo posts anyway.") from None
    click.echo(
        f"Added {done.posts} posts ({done.diary} diary, {done.commentary} commentary,"
        f" {done.blocks} blocks, {done.comments} comments)."
    )


@click.command("export")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def export(path: str) -> None:
    """Write every post, block, tag, comment, revision, setting and photo as one JSON
    document; a PATH ending in .zip holds the document and every photo's original file."""
    document = exports.export_document()
    count, size = exports.photo_totals(document)
    as_zip = path.lower().endswith(".zip")
    if as_zip:
        missing = exports.missing_originals(document)
        if missing:
            raise click.ClickException(
                f"Nothing was exported: the media folder ({media_store().describe()}) has no"
                f" original file for {len(missing)} photos: {', '.join(missing)}"
            )
    try:
        backups.write_replacing(
            path,
            lambda temporary: (_write_zip if as_zip else _write_json)(document, temporary),
        )
    except OSError as error:
        raise click.ClickException(f"Nothing was exported ({path} is as it was): {error}") from None
    photos = f"{count} photos ({_megabytes(size)})"
    if as_zip:
        click.echo(f"Exported {len(document['posts'])} posts and {photos} to {path}.")
        return
    click.echo(f"Exported {len(document['posts'])} posts to {path}.")
    if count:
        click.echo(
            f"Left out the files of {photos}: the document lists them;"
            " `flask --app app export site.zip` includes their files."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _write_json(document: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as target:
        json.dump(document, target, ensure_ascii=False, indent=1)


def _write_zip(document: dict, path: str) -> None:
    with open(path, "wb") as target:
        for piece in exports.site_zip(document):
            target.write(piece)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def import_(path: str) -> None:
    """Load an export into a site with no posts yet; posts keep their ids and addresses. A
    PATH ending in .zip (export site.zip) brings every photo back too."""
    as_zip = path.lower().endswith(".zip")
    # The editor's messages, quoted when a post is refused, in the language of the command.
    with force_locale("en"):
        try:
            if as_zip:
                count, missing = import_json.import_archive(path), []
            else:
                with open(path, encoding="utf-8") as source:
                    document = json.load(source)
                count = import_json.import_document(document)
                missing = import_json.photos_missing(document)
            db.session.commit()
        except (OSError, ValueError, SQLAlchemyError) as error:
            db.session.rollback()
            problem = error.orig if isinstance(error, DBAPIError) else error
            raise click.ClickException(f"Nothing was imported: {problem}") from None
    photos = db.session.scalar(db.select(db.func.count()).select_from(Photo))
    click.echo(f"Imported {count} posts{f' and {photos} photos' if as_zip else ''}.")
    if missing:
        click.echo(
            f"Not imported: the {len(missing)} photos the document lists ({', '.join(missing)}):"
            " a .json holds no photo files, so their addresses answer 404. Import the zip"
            " export (`flask --app app export site.zip` on the old site) to bring them too."
        )
    if db.session.scalar(db.select(Owner)) is None:
        click.echo("No owner yet: run `flask --app app set-owner NAME` to log in.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path: str) -> None:
    """A consistent copy of the SQLite database, taken while the site runs, and the photos'
    files copied into PATH.media/ (only the new ones, on a later backup to the same PATH)."""
    try:
        media = backups.backup_site(path)
    except (backups.BackupRefused, OSError, sqlite3.Error) as error:
        raise click.ClickException(
            f"No backup was written ({path} is as it was): {error}"
        ) from None
    click.echo(f"Backed up the database to {path}.")
    click.echo(
        f"Photos: copied {media.copied} new files ({_megabytes(media.copied_bytes)}) from the"
        f" media folder {media_store().describe()} to {media.folder}/"
        f" ({media.already} were there from an earlier backup). To restore them, copy"
        f" {media.folder}/ back into the media folder."
    )


def register(app: Flask) -> None:
    for command in (
        set_owner,
        rerender,
        reindex,
        seed_demo,
        export,
        import_,
        backup,
        import_text_command,
    ):
        app.cli.add_command(command)
