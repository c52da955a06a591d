"""What the pages read differently so that they stay quick at 100,000 posts (bench/pages_100k.py)
but show the same: the sitemap's addresses built without a url_for per post, and the lists'
pages sliced from an index."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from blog.models import utcnow

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def test_sitemap_addresses_are_the_posts_own(client, make_entry, make_commentary):
    ids = [
        make_entry(title="주말 아침: 50% 달리기 & 요가!"),
        make_entry(title=""),  # no title: an address without a slug
        make_commentary("Why AI costs (and who pays)?", [{"quote": "q", "translation": "t"}]),
    ]
    own = set()
    for post_id in ids:
        for kind in ("diary", "commentary"):
            response = client.get(f"/{kind}/{post_id}")
            if response.status_code in (200, 301):
                own.add(
                    "http://localhost" + (response.headers.get("Location") or f"/{kind}/{post_id}")
                )
    listed = {loc.text for loc in ET.fromstring(client.get("/sitemap-1.xml").data).iter(LOC)}
    assert own <= listed


@pytest.mark.parametrize("app_config", [{"POSTS_PER_PAGE": 2}])
def test_list_pages_slice_the_newest_first_order(client, make_entry):
    now = utcnow()
    for n in range(5):
        make_entry(title=f"글{n}", published_at=now - timedelta(hours=n))
    make_entry(title="같은 시각", published_at=now - timedelta(hours=2))  # a tie: newest id first
    titles = []
    for page in (1, 2, 3):
        text = client.get(f"/diary/?page={page}").text
        titles.append([t for t in ("글0", "글1", "같은 시각", "글2", "글3", "글4") if t in text])
    assert titles == [["글0", "글1"], ["같은 시각", "글2"], ["글3", "글4"]]
    assert client.get("/diary/?page=4").status_code == 404
