"""axe-core finds no violations on the glossary (단어장), A→Z and by post, and on a commentary
with key expressions, at phone and desktop width, light and dark; nothing scrolls sideways.

The same checks as test_accessibility.py (and E2E_SCREENSHOTS=DIR saves every page checked).
"""

import pytest

from .conftest import Serving, build_live_app, drop_live_app
from .content import add_commentary
from .test_accessibility import check_every_variant

SAMPLE_BLOCKS = [
    {
        "quote": "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI "
        "computing that shook the U.S. technology industry, the chief executives of Microsoft "
        "and Meta defended massive spending that they said was key to staying competitive.",
        "translation": "중국 신생 기업 DeepSeek이 저비용 AI 컴퓨팅에서 획기적인 발전을 공개하여 "
        "미국 기술 산업에 충격을 준 지 며칠 후, 마이크로소프트와 메타의 CEO들은 대규모 "
        "투자가 필수적이라고 주장했다.",
        "opinion": "위기가 기회인지, 진짜 AI 붐이 끝나가는 건지.",
        "expressions": "upstart = 신생 기업\nbreakthrough = 획기적 발전\n"
        "massive spending = 대규모 지출\nstaying competitive = 경쟁력을 유지하는 것",
    },
    {
        "quote": "DeepSeek's quick progress has stirred doubts about the lead America has in AI "
        "with models that it claims can outperform Western rivals at a fraction of the cost.",
        "translation": "DeepSeek의 빠른 발전은 미국이 AI에서 앞서 있는지에 대한 의문을 "
        "불러일으켰다.",
        "opinion": "",
        "expressions": "stirred doubts = 의문을 불러일으켰다\noutperform = 능가하다\n"
        "at a fraction of the cost = 훨씬 적은 비용으로",
    },
    {
        "quote": "For AI right now, there's too much capital expenditure, not enough consumption.",
        "translation": "현재 AI 산업에서는 자본 지출이 너무 많고, 실제 소비는 충분하지 않다.",
        "opinion": "소비가 아직 충분하지 않은 것도 위험이다.",
        "expressions": "capital expenditure = 자본 지출\nconsumption",
    },
]
OLDER_BLOCKS = [
    {
        "quote": "Investors have grown wary of the returns on such hefty spending.",
        "translation": "투자자들은 그런 막대한 지출의 수익에 대해 점점 경계하게 되었다.",
        "opinion": "",
        "expressions": "grown wary of = ~을 점점 경계하게 되다\nhefty = 막대한",
    },
]


def seed(app) -> dict[str, str]:
    older = add_commentary(
        app, OLDER_BLOCKS, "Investors grow wary of Big Tech's AI bills", hours_ago=48
    )
    sample = add_commentary(
        app,
        SAMPLE_BLOCKS,
        "Microsoft, Meta CEOs defend hefty AI spending after DeepSeek stuns tech world",
    )
    return {"commentary": sample["path"], "older": older["path"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the module: these tests only read. Eight expressions a page, so the
    page links show too."""
    app = build_live_app(tmp_path_factory.mktemp("a11y-glossary"), GLOSSARY_PER_PAGE=8)
    paths = seed(app)
    with Serving(app) as url:
        yield {"url": url, **paths}
    drop_live_app(app)


def open_glossary(page, site, query=""):
    response = page.goto(f"/glossary{query}")
    assert page.locator("dl.glossary dt").count() == 8
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "glossary": (False, open_glossary, 200),
    "glossary-by-post": (False, lambda page, site: open_glossary(page, site, "?order=post"), 200),
    "commentary-expressions": (False, lambda page, site: page.goto(site["commentary"]), 200),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)
