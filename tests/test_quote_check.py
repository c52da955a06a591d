"""Quote checking against the article pasted beside a commentary: what counts as the same
words, the closest passage and its differences, the share quoted; then the editor and the
post page, which show it to the owner alone."""

import pytest

from blog.study.quote_check import Difference, check

ARTICLE = (
    "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing that "
    "shook the U.S. technology industry, the chief executives of Microsoft and Meta defended "
    "massive spending that they said was key to staying competitive in the new field.\n\n"
    "DeepSeek’s quick progress has stirred doubts about the lead America has in AI with models "
    "that it claims can match or even outperform Western rivals at a fraction of the cost — "
    "but the U.S. executives said on Wednesday that building huge computer networks was "
    "necessary to serve growing corporate needs.\n\n"
    "“For AI right now, there’s too much capital expenditure, not enough consumption,” said "
    "one analyst… Meta expects capital expenses of up to $65 billion in 2025.\n"
    "Microsoft expects capital expenses of up to $80 billion in 2025.\n"
    "Alphabet expects capital expenses of up to $75 billion in 2026."
)


@pytest.mark.parametrize(
    "quote",
    [
        "DeepSeek's quick progress has stirred doubts",  # straight for curly
        '"For AI right now, there\'s too much capital expenditure, not enough consumption,"',
        "at a fraction of the cost - but the U.S. executives",  # a hyphen for the dash
        "at a fraction of the cost—but the U.S. executives",
        "DAYS AFTER chinese upstart   DeepSeek\nrevealed a breakthrough",
        "the\u00a0chief executives of Microsoft and Meta",
        "said one analyst... Meta expects",  # three dots for the ellipsis
        "the U.S. technology industry , the chief",  # spacing around marks is typing
        # Omissions marked in the quote: each part is in the article.
        "Days after Chinese upstart DeepSeek revealed a breakthrough … the chief executives of "
        "Microsoft and Meta defended massive spending",
        "Chinese upstart DeepSeek [...] shook the U.S. technology industry",
        "a break\u00adthrough in cheap\u200b AI",  # a soft hyphen and a zero-width space
    ],
)
def test_a_quote_differing_only_in_typing_is_found(quote):
    result = check(ARTICLE, [quote])
    assert result.mismatches == ((),)


def differences(quote: str) -> list[tuple[str, str, str]]:
    """The differences of the quote's one mismatch, but its same stretches."""
    [[mismatch]] = check(ARTICLE, [quote]).mismatches
    return [(d.kind, d.article, d.quote) for d in mismatch.differences if d.kind != "same"]


@pytest.mark.parametrize(
    "quote, expected",
    [
        (
            "the chief executives of Microsfot and Meta defended massive spending",
            [("changed", "Microsoft", "Microsfot")],
        ),
        (
            "the chief executives of Microsoft and Meta defended spending",
            [("missing", "massive", "")],
        ),
        (
            "the chief executives of Microsoft (MSFT) and Meta (META) defended massive spending",
            [("extra", "", "(MSFT)"), ("extra", "", "(META)")],
        ),
        (
            "building huge computer network was necessary to serve corporate needs",
            [("changed", "networks", "network"), ("missing", "growing", "")],
        ),
    ],
)
def test_a_quote_not_in_the_article_is_shown_against_its_passage(quote, expected):
    assert differences(quote) == expected


def test_the_passage_is_the_article_as_written():
    [[mismatch]] = check(
        ARTICLE, ["said one analyst. Meta expects capital expenses of up to $56 billion"]
    ).mismatches
    assert (
        mismatch.passage == "said one analyst… Meta expects capital expenses of up to $65 billion"
    )
    assert mismatch.quoted == "said one analyst. Meta expects capital expenses of up to $56 billion"


@pytest.mark.parametrize(
    "quote, passage",
    [
        (
            "Microsoft expects capital expenses of up to $85 billion in 2025.",
            "Microsoft expects capital expenses of up to $80 billion in 2025",
        ),
        (
            "Alphabet expects capital expenses of up to $75 billion in 2025.",
            "Alphabet expects capital expenses of up to $75 billion in 2026",
        ),
        (
            "Meta expects capital expenses of as much as $65 billion in 2025",
            "Meta expects capital expenses of up to $65 billion in 2025",
        ),
    ],
)
def test_the_closest_of_several_similar_passages(quote, passage):
    [[mismatch]] = check(ARTICLE, [quote]).mismatches
    assert mismatch.passage == passage


def test_a_quote_the_article_has_nothing_like_has_no_passage():
    [[mismatch]] = check(
        ARTICLE, ["Apple unveiled a folding phone on Tuesday, to mixed reviews."]
    ).mismatches
    assert mismatch.differences == () and mismatch.passage == ""


def test_each_quote_is_checked_and_blank_ones_are_not():
    result = check(ARTICLE, ["DeepSeek revealed a breakthrough", "", "Apple unveiled a phone"])
    assert [len(found) for found in result.mismatches] == [0, 0, 1]


def test_only_the_part_of_a_quote_that_differs_is_flagged():
    quote = "Chinese upstart DeepSeek … the chief executives of Microsfot"
    [[mismatch]] = check(ARTICLE, [quote]).mismatches
    assert mismatch.quoted == "the chief executives of Microsfot"


def test_odd_text_is_compared_without_trouble():
    article = "İstanbul\x00 ﬁnance ß – \ud800 ‟quoted‟"
    assert check(article, ["İSTANBUL ﬁnance", "ß - \ud800", "\x00"]).mismatches == ((), (), ())
    assert check("\x01\x02", ["A quote."]).mismatches[0][0].differences == ()


def test_no_article_no_check():
    assert check("", ["A quote."]) is None
    assert check("  \n ", ["A quote."]) is None


def test_the_share_of_the_article_quoted():
    article = "One two three four five six seven eight nine ten."
    result = check(article, ["three four five", "Three four five", "eight nine tem"])
    assert result.article_words == 10
    # A passage quoted twice counts once; of a differing quote, the words it has right.
    assert result.quoted_words == 5
    assert result.share == pytest.approx(0.5)
    assert check(article, ["Nothing like it"]).share == 0


def test_a_difference_keeps_the_article_spacing():
    [[mismatch]] = check(ARTICLE, ["of Microsoft and Meta defended huge spending"]).mismatches
    assert mismatch.differences == (
        Difference("same", "of Microsoft and Meta defended", "of Microsoft and Meta defended"),
        Difference("changed", "massive", "huge", " "),
        Difference("same", "spending", "spending", " "),
    )
