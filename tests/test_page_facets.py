"""The page cache's facets: a page names the parts of it that change on their own, and only
the pages naming a facet become old when it changes (pagecache.page_depends_on/facet_changed)."""

import pytest
from flask import render_template_string

from blog import pagecache
from blog.extensions import db
from blog.models import PageFacet

from .test_pagecache import count_flask_requests, etag_of, still_fresh


@pytest.fixture
def pages(app):
    """/facets/<keys>: a reader's page showing the facets named (comma-separated)."""

    @app.get("/facets/<keys>")
    def facets(keys):
        for key in keys.split(","):
            pagecache.page_depends_on(key)
            pagecache.page_depends_on(key)  # said twice: the same facet
        versions = db.session.execute(db.select(PageFacet.key, PageFacet.version)).all()
        template = "{% for key, number in versions %}{{ key }}={{ number }} {% endfor %}"
        return render_template_string(template, versions=sorted(versions))

    @app.get("/facets-note")
    def note():
        pagecache.page_depends_on("a")
        return str(pagecache.g.get("page"))

    return app


def change(app, *keys):
    with app.app_context():
        for key in keys:
            pagecache.facet_changed(key)
        db.session.commit()


def test_only_the_pages_naming_a_facet_change_with_it(pages, client, monkeypatch):
    paths = ["/facets/a", "/facets/b", "/facets/a,b", "/"]
    etags = {path: etag_of(client, path) for path in paths}
    change(pages, "a")
    assert [still_fresh(client, path, etags[path]) for path in paths] == [False, True, False, True]
    etags = {path: etag_of(client, path) for path in paths}
    change(pages, "b", "b")  # twice in one transaction: one more change for its pages
    assert [still_fresh(client, path, etags[path]) for path in paths] == [True, False, False, True]
    reached_flask = count_flask_requests(pages, monkeypatch)
    # still_fresh had the changed page rendered again: it is kept at the new version
    assert "b=2" in client.get("/facets/a,b").text
    assert not reached_flask


def test_the_site_version_still_makes_a_facet_page_old(pages, client):
    etag = etag_of(client, "/facets/a")
    with pages.app_context():
        pagecache.content_changed()
        db.session.commit()
    assert not still_fresh(client, "/facets/a", etag)


def test_the_owners_pages_name_no_facets(pages, client, auth):
    assert "facets=(('a', 0),)" in client.get("/facets-note").text  # a reader's page
    auth.login()
    assert client.get("/facets-note").text == "None"
