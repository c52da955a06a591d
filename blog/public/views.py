"""Pages for everyone: home, search, tags, archive, feeds, sitemap, the language choice."""

from datetime import date
from urllib.parse import quote

from babel.dates import format_skeleton
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from .. import search
from ..auth.safe_next import safe_next_path
from ..extensions import csrf, db
from ..feeds import FEED_LENGTH, atom_response
from ..inputs import page_number
from ..models import Post, Tag, Visibility, post_tag, tag_key, utcnow
from ..posts.queries import owner_signed_in, paginate_posts, published_posts
from ..site_time import FIRST_YEAR, LAST_YEAR, site_today
from . import calendar

bp = Blueprint("public", __name__)

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


@bp.get("/")
def index():
    return render_template("public/home.html", page=paginate_posts())


def _tag_or_404(name: str) -> Tag:
    found = db.session.scalar(db.select(Tag).where(Tag.key == tag_key(name)))
    if found is None:
        abort(404)
    return found


def _public_later():
    """The public posts not in the trash still to come (scheduled), by tag: what a tag's
    public_posts counts and readers may not see yet. Few, found by ix_post_listing."""
    posts = Post.__table__
    return (
        db.select(post_tag.c.tag_id, db.func.count().label("posts"))
        .select_from(post_tag.join(posts, posts.c.id == post_tag.c.post_id))
        .where(
            posts.c.visibility == Visibility.PUBLIC.value,
            posts.c.deleted_at.is_(None),
            posts.c.published_at > utcnow(),  # (a public post always has its time)
        )
        .group_by(post_tag.c.tag_id)
    )


def _tag_count(tag: Tag):
    """A select of the number of posts with `tag` this visitor may see, from its counts."""
    if owner_signed_in():
        return db.select(Tag.kept_posts).where(Tag.id == tag.id)
    later = _public_later().where(post_tag.c.tag_id == tag.id).subquery()
    return db.select(
        Tag.public_posts - db.func.coalesce(db.select(later.c.posts).scalar_subquery(), 0)
    ).where(Tag.id == tag.id)


@bp.get("/tags/")
def tags():
    """Every tag with the number of posts this visitor may see under it: the counts the save
    path keeps (Tag.kept_posts, Tag.public_posts), less, for readers, the public posts still
    to come (_public_later), so no query counts every link."""
    if owner_signed_in():
        count = Tag.kept_posts
        query = db.select(Tag, count)
    else:
        later = _public_later().subquery()
        count = Tag.public_posts - db.func.coalesce(later.c.posts, 0)
        query = db.select(Tag, count).outerjoin(later, later.c.tag_id == Tag.id)
    rows = db.session.execute(query.where(count > 0).order_by(count.desc(), Tag.name)).all()
    return render_template("public/tags.html", tags=rows)


@bp.get("/tags/<tag>")
def tag(tag: str):
    found = _tag_or_404(tag)
    posts = paginate_posts(Post, Post.tagged(found), count=_tag_count(found))
    if not posts.items:  # (the first page's: a later empty page is a 404 of paginate's)
        abort(404)  # a tag whose posts are all hidden does not exist for this visitor
    return render_template("public/tag.html", tag=found, page=posts)


@bp.get("/archive/")
def archive():
    """Months that have posts, by year, in the site's time zone; and the calendar of the
    latest year with posts (the latest up to this one: the owner may have scheduled some)."""
    owner = owner_signed_in()
    years = calendar.years_with_posts(owner)
    if not years:
        return render_template("public/archive.html", years=years)
    shown = max((year for year in years if year <= site_today().year), default=years[0])
    days = calendar.marked_days(shown, owner)
    earlier = [year for year in years if year != shown]
    return render_template(
        "public/archive.html",
        years=years,
        months=calendar.month_counts(earlier, owner) | calendar.months_of(days),
        year_names=_year_names(years),
        month_names=calendar.month_names_of(get_locale(), "abbreviated"),
        calendar=calendar.year_calendar(shown, days, get_locale()),
    )


def _year_names(years) -> dict[int, str]:
    return {year: format_skeleton("y", date(year, 1, 1), locale=get_locale()) for year in years}


@bp.get("/archive/<int:year>/")
def archive_year(year: int):
    """The twelve months of a year as calendars, with links to the days that have posts."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    owner = owner_signed_in()
    days = calendar.marked_days(year, owner)
    if not calendar.months_of(days):
        abort(404)  # a year whose posts are all hidden does not exist for this visitor
    earlier, later = calendar.neighbour_years(year, owner)
    return render_template(
        "public/archive_year.html",
        calendar=calendar.year_calendar(year, days, get_locale()),
        year_names=_year_names([found for found in (year, earlier, later) if found]),
        earlier=earlier,
        later=later,
    )


@bp.get("/archive/<int:year>/<int:month>")
def archive_month(year: int, month: int):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        abort(404)
    start, end = calendar.month_bounds(year, month)
    heading = format_skeleton("yMMMM", date(year, month, 1), locale=get_locale())
    return _archive_posts(start, end, heading, "public.archive_month", year=year, month=month)


@bp.get("/archive/<int:year>/<int:month>/<int:day>")
def archive_day(year: int, month: int, day: int):
    """The posts of one day of the site's calendar, listed as a month's are."""
    chosen = calendar.valid_day(year, month, day)
    if chosen is None:
        abort(404)
    start, end = calendar.day_bounds(chosen)
    heading = format_date(chosen, "full")
    return _archive_posts(
        start, end, heading, "public.archive_day", year=year, month=month, day=day
    )


def _archive_posts(start, end, heading: str, endpoint: str, **place):
    """A page of the posts published from `start` until before `end`, under `heading`; 404
    when this visitor may see none. `place` names the page for its page links."""
    posts = paginate_posts(Post, Post.published_at >= start, Post.published_at < end)
    if not posts.total:
        abort(404)
    month_names = calendar.month_names_of(get_locale(), "wide")
    return render_template(
        "public/archive_month.html",
        heading=heading,
        page=posts,
        year_name=_year_names([place["year"]])[place["year"]],
        month_name=month_names[place["month"] - 1],
        endpoint=endpoint,
        place=place,
    )


QUERY_PROBLEMS = {
    "empty": _l("Type a word to search for."),
    "too_short": _l("Use at least two letters (for Korean, two syllables)."),
    "too_long": _l("That is too long to search for. Use a few words."),
    "too_many": _l("Use at most eight words."),
}


@bp.get("/search")
def search_page():
    raw = request.args.get("q", "")
    results, problem = None, None
    if raw.strip():
        try:
            results = search.search(raw, include_hidden=owner_signed_in(), page=page_number())
        except search.QueryError as error:
            problem = QUERY_PROBLEMS[str(error)]
    status = 400 if problem else 200
    if results and results.page > results.pages:
        abort(404)
    words = search.parse_query(raw).words if results else []
    return render_template(
        "public/search.html", query=raw, results=results, problem=problem, words=words
    ), status


@bp.get("/feed.xml")
def feed():
    return atom_response(
        _l("All posts"),
        published_posts(limit=FEED_LENGTH),
        "public.feed",
        url_for("public.index", _external=True),
    )


@bp.get("/tags/<tag>/feed.xml")
def tag_feed(tag: str):
    found = _tag_or_404(tag)
    posts = published_posts(limit=FEED_LENGTH, tag=found)
    if not posts:
        abort(404)  # as the tag page for readers: a tag with no published post does not exist
    return atom_response(
        f"#{found.name}",
        posts,
        "public.tag_feed",
        url_for("public.tag", tag=found.name, _external=True),
        tag=found.name,
    )


@bp.get("/sitemap.xml")
def sitemap():
    """The sitemap index robots.txt names: one sitemap page per SITEMAP_PAGE_SIZE posts."""
    body = render_template("sitemap_index.xml", pages=range(1, _sitemap_page_count() + 1))
    return Response(body, mimetype="application/xml")


@bp.get("/sitemap-<int:page>.xml")
def sitemap_page(page: int):
    """Published posts oldest first, so a new post changes only the last page; the first
    page also lists the home and list pages."""
    if not 1 <= page <= _sitemap_page_count():
        abort(404)
    size = current_app.config["SITEMAP_PAGE_SIZE"]
    posts = db.session.execute(
        db.select(Post.id, Post.kind, Post.slug, Post.updated_at, Post.published_at)
        .where(Post.published(), *_sitemap_page_start((page - 1) * size))
        .order_by(Post.published_at, Post.id)
        .limit(size)
    ).all()
    newest = None
    if page == 1:
        newest = db.session.execute(
            db.select(Post.updated_at, Post.published_at)
            .where(Post.published())
            .order_by(Post.published_at.desc())
            .limit(1)
        ).first()
    body = render_template(
        "sitemap.xml", entries=_sitemap_entries(posts), first_page=page == 1, newest=newest
    )
    return Response(body, mimetype="application/xml")


def _sitemap_entries(posts) -> list[tuple[str, str]]:
    """(address, last change) of each post row. The address is url_for's, built from one
    url_for per section and the slug quoted as the URL converter quotes it: a url_for per
    post was most of a page's time (0.9 s for 10,000)."""
    prefixes = {}
    entries = []
    for post in posts:
        if post.kind not in prefixes:
            sample = url_for(f"{post.kind}.detail", post_id=1, slug="s", _external=True)
            prefixes[post.kind] = sample.removesuffix("1-s")
        if post.slug:
            address = f"{prefixes[post.kind]}{post.id}-{quote(post.slug, safe=SLUG_SAFE)}"
        else:
            address = url_for(f"{post.kind}.detail", post_id=post.id, slug="", _external=True)
        entries.append((address, max(post.updated_at, post.published_at).isoformat()))
    return entries


# What werkzeug's URL converters leave unquoted in a path segment (BaseConverter.to_url).
SLUG_SAFE = "!$&'()*+,/:;=@"


def _sitemap_page_start(skipped: int) -> list:
    """Where a page starts, as conditions: the first post after `skipped` ones is found by
    walking ix_post_listing alone (it holds the time and the id), then the page is read from
    there. An OFFSET on the page query itself reads every skipped post's row: 0.5 s for the
    tenth page of 100,000 posts, against 0.15 s this way (EXPLAIN: covering index)."""
    if not skipped:
        return []
    first = db.session.execute(
        db.select(Post.published_at, Post.id)
        .where(Post.published())
        .order_by(Post.published_at, Post.id)
        .offset(skipped)
        .limit(1)
    ).one()
    # Written so the index range starts at the time (a row-value comparison would not).
    return [
        Post.published_at >= first.published_at,
        (Post.published_at > first.published_at) | (Post.id >= first.id),
    ]


def _sitemap_page_count() -> int:
    """At least one page: the first lists the home and list pages even without posts."""
    count = db.session.scalar(db.select(db.func.count()).where(Post.published()))
    return max(1, -(-count // current_app.config["SITEMAP_PAGE_SIZE"]))


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /login",
        "Disallow: /search",
        f"Sitemap: {url_for('public.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.post("/language")
@csrf.exempt  # a display preference only; a token here would give every reader a session
def language():
    chosen = request.form.get("lang", "")
    back = safe_next_path(request.form.get("next")) or url_for("public.index")
    response = make_response(redirect(back, code=303))
    if chosen in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            chosen,
            max_age=LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["HTTPS"],
        )
    return response


@bp.get("/favicon.ico")
def favicon():
    return current_app.send_static_file("favicon.ico")
