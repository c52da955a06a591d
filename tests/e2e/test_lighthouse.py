"""Lighthouse (offline, on Debian's Chromium): SEO and best practices score 100, on the home
page, a commentary and a diary entry with three photos."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from blog.extensions import db
from blog.media.library import add_photo
from blog.models import Commentary, DiaryEntry, Visibility, utcnow
from blog.posts import saving

from ..photos import phone_jpeg
from .conftest import Serving

LIGHTHOUSE = Path(__file__).resolve().parents[2] / "node_modules/.bin/lighthouse"


@pytest.fixture
def site(live_app):
    """A home page with both sections and one commentary to audit."""
    with live_app.app_context():
        entry = DiaryEntry()
        entry.title = "필라테스 일기"
        entry.body = "필라테스할때마다 느끼는거지만, 코어가 없다.\n\n식단도 해야지.."
        commentary = Commentary()
        commentary.title = "Microsoft, Meta CEOs defend hefty AI spending"
        commentary.outlet = "Reuters"
        commentary.source_url = "https://www.reuters.com/technology/"
        commentary.replace_blocks(
            [
                {
                    "quote": "For AI right now, there's too much capital expenditure.",
                    "translation": "현재 AI에는 자본 지출이 너무 많다.",
                    "opinion": "맞는 말이다.",
                }
            ]
        )
        commentary.body = "기사를 요약하자면 투자가 계속된다."
        photos = [add_photo(phone_jpeg(color=(40 * n, 120, 60))).name for n in range(3)]
        with_photos = DiaryEntry()
        with_photos.title = "사진 세 장"
        with_photos.body = "".join(
            f'필라테스 다녀왔다.\n\n![스튜디오 사진 {n}]({photo.address} "사진 {n}")\n\n'
            for n, photo in enumerate(photos, start=1)
        )
        for post in (entry, commentary, with_photos):
            post.set_tags(["영어공부"])
            post.set_publication(Visibility.PUBLIC, utcnow())
            saving.save(post)
        db.session.commit()
        paths = {
            "home": "/",
            "commentary": f"/commentary/{commentary.id}-{commentary.slug}",
            "photos": f"/diary/{with_photos.id}-{with_photos.slug}",
        }
    with Serving(live_app) as url:
        yield url, paths


def lighthouse_scores(url: str) -> tuple[dict[str, float], list[str]]:
    assert LIGHTHOUSE.exists(), "run `npm install` (make test does) to get Lighthouse"
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=seo,best-practices",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )
    report = json.loads(result.stdout)
    failing = [
        audit_id
        for audit_id, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") == "binary"
    ]
    return {name: category["score"] for name, category in report["categories"].items()}, failing


@pytest.mark.parametrize("page", ["home", "commentary", "photos"])
def test_seo_and_best_practices_are_100(site, page):
    url, paths = site
    scores, failing = lighthouse_scores(url + paths[page])
    assert scores == {"seo": 1, "best-practices": 1}, failing
