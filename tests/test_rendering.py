"""The rendering contract: what survives, what never does, and the Hangul-aware helpers."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bleach._vendor import html5lib
from lxml import html as lxml_html

from blog import rendering
from blog.rendering import (
    ALLOWED_TAGS,
    MAX_HTML,
    RenderBudget,
    TooLargeToRender,
    check_markdown,
    clean_text,
    excerpt,
    plain_text,
    preview_markdown,
    reading_minutes,
    render_markdown,
    render_markdown_with_text,
    render_plain,
    sanitize,
)
from blog.study.quote_check import Difference, Mismatch

ROOT = Path(__file__).resolve().parent.parent

# Vectors from the OWASP XSS filter evasion cheat sheet, html5sec and bleach's advisories.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width: expression(alert(1))">x</div>',
    "<form action=https://evil.example><button>x</button></form>",
    '<img srcset="javascript:alert(1) 1x">',
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<!--<img src=x onerror=alert(1)>-->",
]


def elements(html: str):
    """Every element a browser would build from `html` (html5lib, as bleach parses)."""
    document = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return list(document.iter())[1:]


def assert_harmless(html: str) -> None:
    for element in elements(html):
        assert element.tag in ALLOWED_TAGS, (element.tag, html)
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and name not in ("style", "srcset"), html
            if name in ("href", "src"):
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), html


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_markdown_never_lets_script_through(vector):
    assert_harmless(render_markdown(vector))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitizer_on_raw_html_is_safe_and_idempotent(vector):
    once = sanitize(vector)
    assert_harmless(once)
    assert sanitize(once) == once


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**굵게** *기울임*", "<strong>굵게</strong> <em>기울임</em>"),
        ("# 제목", "<h2>제목</h2>"),
        ("- 하나\n- 둘", "<li>하나</li>"),
        ("> 인용", "<blockquote>"),
        ("`code`", "<code>code</code>"),
        ("~~취소~~", "<s>취소</s>"),
        ("첫 줄\n둘째 줄", "첫 줄<br>"),
        ("[링크](/diary/)", '<a href="/diary/">링크</a>'),
        ("[링크](https://example.com)", 'href="https://example.com" rel="nofollow noopener"'),
        ("<https://example.com/글>", 'href="https://example.com/%EA%B8%80"'),
        ("![사진](https://example.com/a.png)", '<img src="https://example.com/a.png" alt="사진">'),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
        ("[메일](mailto:me@example.com)", 'href="mailto:me@example.com"'),
    ],
)
def test_allowed_markdown_survives(source, expected):
    assert expected in render_markdown(source)


@pytest.mark.parametrize(
    ("source", "tags"),
    [
        ("# A\n## B", ["h2", "h3"]),
        ("## A\n### B\n## C", ["h2", "h3", "h2"]),
        ("### A\n###### B", ["h2", "h3"]),
    ],
)
def test_headings_start_at_h2_without_gaps(source, tags):
    assert [element.tag for element in elements(render_markdown(source))] == tags


# Addresses that leave the site as a browser reads them: absolute http(s), and protocol-
# relative ones, which browsers also recognise with backslashes, tabs or leading spaces.
EXTERNAL_LINKS = [
    "[x](https://evil.example)",
    "[x](HTTP://evil.example)",
    "[x](https:evil.example)",
    "[x](//evil.example)",
    "[x](<//evil.example>)",
    "[x](&#x2F;&#x2F;evil.example)",
    '[x](//evil.example "제목")',
    "[x]: //evil.example\n\n[x]",
    "[![i](/a.png)](//evil.example)",
]
EXTERNAL_RAW_LINKS = [
    '<a href="\\\\evil.example">x</a>',
    '<a href="/\\evil.example">x</a>',
    '<a href="\\/evil.example">x</a>',
    '<a href="&#92;&#92;evil.example">x</a>',
    '<a href=" //evil.example">x</a>',
    '<a href="/&#9;/evil.example">x</a>',
    '<a href="/\n/evil.example">x</a>',
    '<a href="HTTPS://evil.example">x</a>',
]


def only_link(html: str):
    (link,) = [element for element in elements(html) if element.tag == "a"]
    return link


@pytest.mark.parametrize("source", EXTERNAL_LINKS)
def test_links_leaving_the_site_get_nofollow(source):
    assert only_link(render_markdown(source)).get("rel") == "nofollow noopener", source


@pytest.mark.parametrize("html", EXTERNAL_RAW_LINKS)
def test_sanitizer_marks_links_browsers_read_as_protocol_relative(html):
    assert only_link(sanitize(html)).get("rel") == "nofollow noopener", html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[x](/diary/)", "/diary/"),
        ("[x](#comments)", "#comments"),
        ("[x](글/1)", "%EA%B8%80/1"),
        # Markdown percent-encodes a backslash: a browser reads these as paths on this site.
        ("[x](/\\evil.example)", "/%5Cevil.example"),
        ("[x](&#92;&#92;evil.example)", "%5C%5Cevil.example"),
        ("[x](/&#9;/evil.example)", "/%09/evil.example"),
    ],
)
def test_links_within_the_site_stay_plain(source, href):
    link = only_link(render_markdown(source))
    assert (link.get("href"), link.get("rel")) == (href, None)


def test_remote_images_only_over_https():
    assert "src=" not in render_markdown("![x](http://example.com/a.png)")
    assert "src=" not in render_markdown("![x](//example.com/a.png)")
    assert 'src="/static/a.png"' in render_markdown("![x](/static/a.png)")
    assert "src=" not in sanitize('<img src="/\\evil.example/a.png">')


def test_raw_html_is_shown_as_text_not_markup():
    assert "&lt;b&gt;굵게&lt;/b&gt;" in render_markdown("<b>굵게</b>")


def test_template_syntax_in_a_post_stays_literal():
    assert "{{ config }}" in render_markdown("{{ config }}")


def test_text_after_a_less_than_sign_is_kept():
    assert "a&lt;b 뒤의 글" in render_markdown("a<b 뒤의 글")


@pytest.mark.parametrize(
    "odd",
    [
        "",
        "   ",
        "\x00",
        "\ud800",
        "\u202eevil",
        "e\u0301\u0301\u0301",
        "<" * 10000,
        "[" * 5000,
        "> " * 3000 + "x",
        "가" * 65000,
    ],
)
def test_rendering_never_raises_on_odd_input(odd):
    render_markdown(clean_text(odd))
    render_plain(clean_text(odd))


def padded_table(columns: int, rows: int) -> str:
    """A wide header, then one-cell rows: markdown-it pads each row to the header's width."""
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "x\n" * rows


SAMPLE_TEXT = (ROOT / "tests/data/plain-text-posts.txt").read_text(encoding="utf-8")
# Texts that make pages far larger, or take far longer, than their length suggests.
BLOW_UPS = [
    pytest.param(padded_table(300, 1000), "steps", id="issue-padded-table"),
    pytest.param((padded_table(300, 60) + "\n") * 300, "steps", id="many-padded-tables"),
    pytest.param("[a]: /" + "x" * 1000 + "\n\n" + "[a] " * 300, "html", id="reference-repeated"),
    pytest.param("*a* " * 25_000, "steps", id="emphasis"),
    pytest.param("a\n" * 50_000, "steps", id="line-breaks"),
    pytest.param("![" * 50_000, "steps", id="unclosed-images"),
    pytest.param("- a\n" * 25_000, "steps", id="list-items"),
    pytest.param("<" * 100_000, "steps", id="less-than-signs"),
]


@pytest.mark.parametrize(("source", "kind"), BLOW_UPS)
def test_markdown_that_blows_up_is_refused_before_bleach(monkeypatch, source, kind):
    def no_bleach(html):
        raise AssertionError("bleach ran on a refused text")

    monkeypatch.setattr(rendering, "sanitize", no_bleach)
    with pytest.raises(TooLargeToRender) as refused:
        render_markdown(source)
    assert refused.value.kind == kind


def test_a_padded_table_is_stopped_within_its_rows(monkeypatch):
    # Stopping after the table would already have cost seconds: markdown-it must stop
    # within it, a few dozen of its thousand rows in.
    steps = []
    spend = RenderBudget.spend_steps
    monkeypatch.setattr(
        RenderBudget, "spend_steps", lambda *a, **k: steps.append(1) or spend(*a, **k)
    )
    with pytest.raises(TooLargeToRender):
        check_markdown(padded_table(300, 1000), RenderBudget())
    assert len(steps) < 200


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(("\n\n".join([SAMPLE_TEXT] * 50))[:100_000], id="sample-to-100000-chars"),
        pytest.param(
            "|" + "열|" * 20 + "\n|" + "---|" * 20 + "\n" + ("| 값 " * 20 + "|\n") * 100,
            id="table-20x100",
        ),
        pytest.param("[" * 5000, id="brackets"),
    ],
)
def test_long_normal_texts_render_within_the_bounds(source):
    assert render_markdown(source)


def test_the_texts_of_one_post_share_one_budget():
    half = "가나다라마 " * (MAX_HTML // 10)  # 60% of the HTML bound
    budget = RenderBudget()
    check_markdown(half, budget)
    with pytest.raises(TooLargeToRender) as refused:
        render_markdown(half, budget)
    assert refused.value.kind == "html"
    assert render_markdown(half)  # alone, it fits


def test_a_text_checked_then_saved_is_parsed_once(monkeypatch):
    # Validation checks every text of a post and the save renders them: one parse serves both
    # (and the next save of the unchanged text), while each use still spends from its budget.
    parses = []
    parse = rendering._md.parse
    monkeypatch.setattr(rendering._md, "parse", lambda *a, **k: parses.append(1) or parse(*a, **k))
    text = "처음 보는 **문장** 하나: 2026-12-01 " + str(id(parses))
    budget = RenderBudget()
    check_markdown(text, budget)
    html, words = rendering.render_markdown_with_text(text, budget)
    assert render_markdown(text) == html and "<strong>문장</strong>" in html
    assert words.startswith("처음 보는 문장 하나") and len(parses) == 1
    assert budget.html < MAX_HTML - 2 * len("<p>처음 보는")  # charged for both uses


def test_a_preview_past_the_budget_shows_plain_text_not_an_error(app):
    with app.test_request_context():
        assert "<strong>" in preview_markdown("**굵게**")
        html = preview_markdown(padded_table(300, 1000))
        assert html.startswith("<p>|a|a|") and "<table>" not in html


def test_render_plain_keeps_lines_and_escapes():
    html = str(render_plain("첫 줄 <b>\n둘째 줄\n\n새 문단"))
    assert html == "<p>첫 줄 &lt;b&gt;<br>\n둘째 줄</p><p>새 문단</p>"


def test_clean_text_normalises_at_the_boundary():
    decomposed = "\u1106\u1169\u11b7\u1106\u116e\u1100\u1166"  # 몸무게 typed as jamo
    assert clean_text(decomposed) == "몸무게"
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("a\x00b\x07c\r\nd") == "abc\nd"


def test_plain_text_drops_markup():
    assert (
        plain_text("# 제목\n\n**굵게** [링크](https://x.example) `코드`") == "제목\n굵게 링크 코드"
    )


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("아침: 그릭요거트\n점심: 샐러드", ["아침: 그릭요거트", "점심: 샐러드"]),  # line breaks
        ("첫 문단\n\n\n둘째 문단", ["첫 문단", "둘째 문단"]),  # blank lines drop
        ("- 아침: 그릭요거트\n- 점심: **샐러드**", ["아침: 그릭요거트", "점심: 샐러드"]),
        ("## 식단\n> 인용  한 줄\n\n```\ncode\nmore\n```", ["식단", "인용 한 줄", "code", "more"]),
        ("긴 줄의  끝에서   공백은 하나", ["긴 줄의 끝에서 공백은 하나"]),
    ],
)
def test_plain_text_keeps_the_lines_a_reader_sees(source, lines):
    assert plain_text(source).split("\n") == lines


@pytest.mark.parametrize(
    "source",
    [
        "# 제목\n\n**굵게** [링크](https://x.example) `코드`",
        "[참고][1]\n\n[1]: https://example.com/글",
        "```\ncode\n```",
        "",
    ],
)
def test_one_parse_gives_the_same_html_and_words(source):
    assert render_markdown_with_text(source) == (render_markdown(source), plain_text(source))


def test_a_photos_alt_text_and_caption_are_searched_but_not_in_the_excerpt_words():
    source = '필라테스.\n\n![리포머 위](https://example.com/a.png "스튜디오에서")'
    html, words = render_markdown_with_text(source)
    assert html == render_markdown(source)
    assert words == "필라테스."
    assert plain_text(source) == "필라테스.\n리포머 위 스튜디오에서"


def test_sanitising_in_many_threads_at_once_gives_the_same_html():
    # Each thread has its own Cleaner (bleach's is not thread-safe), reused call after call.
    sources = [f"**{n}번** [링크](https://x.example/{n}) <b>굵게</b>" * 20 for n in range(8)]
    expected = [render_markdown(source) for source in sources]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            assert list(pool.map(render_markdown, sources)) == expected


def test_excerpt_counts_characters_for_hangul():
    korean = "필라테스할때마다느끼는거지만" * 20
    cut = excerpt(korean, 50)
    assert len(cut) == 51 and cut.endswith("…")
    assert excerpt("짧은 글", 50) == "짧은 글"


def test_excerpt_prefers_a_space_near_the_end():
    text = "가나다라 " * 40
    cut = excerpt(text, 50)
    assert cut.endswith("가나다라…")


def test_excerpt_keeps_short_lines_as_lines():
    diary = "아침: 그릭요거트\n점심: 샐러드\n저녁: 닭가슴살"
    assert excerpt(diary) == diary
    assert excerpt("아침:   그릭요거트 \n\n\n 점심: 샐러드") == "아침: 그릭요거트\n점심: 샐러드"


def test_excerpt_stops_after_a_few_lines_or_characters():
    many = "\n".join(f"{hour}시: 물 한 잔" for hour in range(1, 11))
    cut = excerpt(many)
    assert cut.count("\n") == rendering.EXCERPT_LINES - 1 and cut.endswith("물 한 잔…")
    long_second = excerpt("첫 줄\n" + "가나다라 " * 40, 50)
    assert long_second.startswith("첫 줄\n가나다라") and long_second.endswith("가나다라…")
    assert len(long_second.replace("\n", "")) <= 51


@pytest.mark.parametrize(
    ("text", "heading", "rest"),
    [
        (
            "필라테스할때마다 느끼는거지만,\n살찌고\n체중계",
            "필라테스할때마다 느끼는거지만",
            "살찌고\n체중계",
        ),
        ("아침: 그릭요거트", "아침: 그릭요거트", ""),
        (
            "오늘은 필라테스 수업에서 처음으로 리포머를 해봤는데 생각보다 훨씬 힘들었다",
            "오늘은 필라테스 수업에서 처음으로 리포머를 해봤는데…",
            "…생각보다 훨씬 힘들었다",
        ),
        (
            "가" * 50 + "\n둘째",
            "가" * rendering.HEADING_LENGTH + "…",
            "…" + "가" * (50 - rendering.HEADING_LENGTH) + "\n둘째",
        ),
        ("", "", ""),
    ],
)
def test_opening_words_head_an_untitled_text(text, heading, rest):
    assert rendering.opening_words(text) == (heading, rest)


def test_excerpt_marks_what_it_leaves_out_once():
    text = "\n".join(["하나", "둘", "셋", "왜냐면 몸무게를 보았기 때문에...", "다섯"])
    assert excerpt(text).endswith("\n왜냐면 몸무게를 보았기 때문에…")


@pytest.mark.parametrize(
    ("text", "words", "snippet"),
    [
        (
            "앞 문장. 충격적인 몸무게를 보았다.\n뒤 줄",
            ["몸무게"],
            "충격적인 <mark>몸무게</mark>를 보았다.",
        ),
        (
            "capital 이야기. The capital expenditure was huge!",
            ["capital", "expenditure"],
            "The <mark>capital</mark> <mark>expenditure</mark> was huge!",
        ),
        ("Spending grew <fast>.", ["spend"], "<mark>Spending</mark> grew &lt;fast&gt;."),
        ("찾는 말이 없는 첫 줄\n둘째 줄", ["몸무게"], "찾는 말이 없는 첫 줄"),
    ],
)
def test_highlight_shows_the_sentence_with_the_most_words_found(text, words, snippet):
    assert str(rendering.highlight(text, words)) == snippet


def test_line_breaks_filter_escapes_each_line():
    html = str(rendering.line_breaks("첫 줄 <b>\n둘째 & 줄"))
    assert html == "첫 줄 &lt;b&gt;<br>\n둘째 &amp; 줄"


def test_reading_time_counts_hangul_characters_and_english_words():
    assert reading_minutes("") == 1
    assert reading_minutes("가" * 1000) == 2  # 500 characters a minute
    assert reading_minutes("word " * 400) == 2  # 200 words a minute
    assert reading_minutes("가" * 500 + " word" * 200) == 2


def test_no_template_marks_text_safe():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "|safe" in path.read_text().replace(" ", "")
        or "autoescapefalse" in path.read_text().replace(" ", "")
    ]
    assert offenders == []


def test_markup_is_built_only_in_the_rendering_module():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "blog").rglob("*.py")
        if path.name != "rendering.py" and "Markup(" in path.read_text()
    ]
    assert offenders == []


PHOTO = "/media/0123456789abcdef0123456789abcdef-4032x3024.jpg"


def test_only_this_sites_photo_addresses_become_pictures():
    assert "<picture>" in render_markdown(f"![창밖]({PHOTO})")
    for other in (
        "https://example.com/media/0123456789abcdef0123456789abcdef-4032x3024.jpg",
        "/media/0123456789abcdef0123456789abcdef.jpg",
        "/media/0123456789abcdef0123456789abcdef-4032x3024.png",
        "/static/photo.jpg",
    ):
        html = render_markdown(f"![창밖]({other})")
        assert "<picture>" not in html and "srcset" not in html, other


def test_a_hostile_alt_text_or_caption_stays_text():
    html = render_markdown(
        f'![x" onerror="alert(1)<script>]({PHOTO} "<img src=x onerror=alert(2)>")'
    )
    tree = lxml_html.fragment_fromstring(str(html), create_parent="div")
    assert tree.xpath("string(//img/@alt)") == 'x" onerror="alert(1)<script>'
    assert tree.xpath("string(//figcaption)") == "<img src=x onerror=alert(2)>"
    assert not tree.xpath("//*[@onerror]") and not tree.xpath("//script")
    assert len(tree.xpath("//img")) == 1


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="/a.jpg" srcset="https://evil.example/x.jpg 480w">',
        '<img src="/a.jpg" srcset="/media/../../etc/passwd 480w">',
        '<picture><source srcset="javascript:alert(1) 1w" type="image/webp"></picture>',
        '<source type="text/html" srcset="/media/0123456789abcdef0123456789abcdef-480.webp 480w">',
        '<img src="/a.jpg" sizes="100vw" loading="auto" decoding="sync" width="9e9">',
        '<figure class="evil" onclick="alert(1)"></figure>',
    ],
)
def test_the_sanitiser_keeps_photo_attributes_only_as_the_renderer_makes_them(markup):
    tree = lxml_html.fragment_fromstring(str(sanitize(markup)), create_parent="div")
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert name in ("src", "type", "srcset") or element.tag == "div", (element.tag, name)
            if name == "srcset":
                assert value.startswith("/media/0123456789abcdef"), value
            if name == "type":
                assert value == "image/webp"


@pytest.mark.parametrize(
    "source, opens_page, eager",
    [
        (f"![창밖]({PHOTO})", True, True),
        (f"오늘은 필라테스.\n\n![창밖]({PHOTO})", True, True),  # still on a phone's first screen
        ("문단.\n\n" * 3 + f"![창밖]({PHOTO})", True, False),  # scrolled to
        (f"![창밖]({PHOTO})", False, False),  # a text further down its page (a summary)
    ],
)
def test_only_a_photo_at_the_top_of_a_page_loads_at_once(source, opens_page, eager):
    html, _ = render_markdown_with_text(source, opens_page=opens_page)
    tree = lxml_html.fragment_fromstring(str(html), create_parent="div")
    image = tree.xpath("//img")[0]
    assert image.get("loading") == ("eager" if eager else "lazy")
    assert (image.get("fetchpriority") == "high") is eager


def test_only_the_first_photo_of_an_opening_text_loads_at_once():
    html, _ = render_markdown_with_text(f"![a]({PHOTO})\n\n![b]({PHOTO})", opens_page=True)
    tree = lxml_html.fragment_fromstring(str(html), create_parent="div")
    assert [image.get("loading") for image in tree.xpath("//img")] == ["eager", "lazy"]


def test_a_quotes_differences_are_marked_in_escaped_text():
    mismatch = Mismatch(
        "said <script>x</script> & more",
        (
            Difference("same", "said", "said"),
            Difference("changed", "<b>bold</b>", "<script>x</script>", " "),
            Difference("extra", "", "& more", " "),
            Difference("missing", '"quoted" <img src=x onerror=alert(1)>', "", " "),
        ),
    )
    marked = str(rendering.render_quote_difference(mismatch))
    assert marked == (
        "said <del>&lt;script&gt;x&lt;/script&gt;</del><ins>&lt;b&gt;bold&lt;/b&gt;</ins>"
        " <del>&amp; more</del> <ins>&#34;quoted&#34; &lt;img src=x onerror=alert(1)&gt;</ins>"
    )
