"""Quote checking: is each quote of a commentary in the article pasted beside it, and where not,
which passage of the article is closest and how the two differ.

Texts are compared word by word, as a reader would compare them: case, runs of spaces, curly
and straight quote marks, the kinds of dashes, an ellipsis and three dots, and the spacing
around marks are typing, not wording. A quote may leave words out where it says so (… or
[...]): each part is looked up on its own. Marks at a quote's very ends (its closing full
stop, the quotation marks around it) are the owner's framing, not the article's words.

Nothing here refuses anything: the editor and the owner's page show the differences as a
warning (blog/rendering.py marks them), and how much of the article the quotes cover.
"""

import functools
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

MAX_ARTICLE_LENGTH = 100_000  # characters: a very long feature is some 60,000

# Invisible characters of pasted text (soft hyphens, zero-width spaces and joiners, BOM).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_WORD = rf"[{_INVISIBLE}]*\w[\w{_INVISIBLE}]*"
# A word with its apostrophes (DeepSeek’s), an ellipsis, or any other mark on its own (but
# control characters, which are no text: _keys joins tokens with NUL).
_TOKEN = re.compile(rf"{_WORD}(?:['’‘‛′]{_WORD})*|\.\.\.|…|[^\w\s{_INVISIBLE}\x00-\x1f\x7f]")
_SAME = str.maketrans(
    {
        **dict.fromkeys("’‘‛′`", "'"),
        **dict.fromkeys("“”„‟″", '"'),
        **dict.fromkeys("‐‑‒–—―", "-"),
        "…": "...",
        **dict.fromkeys(_INVISIBLE, None),
    }
)
_OMISSION = "..."
_OMISSION_BRACKETS = {"[": "]", "(": ")"}
# Of a passage, at least this share of the quote's words and the passage's must agree
# (SequenceMatcher.ratio) for it to be shown as the quote's closest passage.
CLOSE_ENOUGH = 0.5
# The passages looked at closely for each quote, so that of several similar ones (a figure
# given for each company) the closest is found.
CANDIDATES = 3
# A word the article has more often than this (or than once in 50 words) is a common one.
COMMON_WORD_PLACES = 20


def _keys(tokens: list[str]) -> list[str]:
    """The tokens as compared (in one pass over all of them: an article has thousands)."""
    return "\0".join(tokens).translate(_SAME).casefold().split("\0") if tokens else []


def _is_word(key: str) -> bool:
    return key[0].isalnum() or key[0] == "_"


@dataclass(frozen=True)
class _Token:
    key: str  # as compared
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    matches = list(_TOKEN.finditer(text))
    keys = _keys([match.group() for match in matches])
    return [_Token(key, *match.span()) for key, match in zip(keys, matches, strict=True)]


@dataclass(frozen=True)
class Difference:
    """A stretch of a passage compared with a quote: the same in both, or words the quote is
    missing, has extra or has changed. `space` is what the article has before it."""

    kind: str  # "same", "missing", "extra", "changed"
    article: str = ""  # as the article writes it ("" for extra words)
    quote: str = ""  # as the quote writes it ("" for missing words)
    space: str = ""


@dataclass(frozen=True)
class Mismatch:
    """A quote, or a part of one between omission marks, that the article does not have."""

    quoted: str
    # Its closest passage, stretch by stretch; none when no passage is close enough.
    differences: tuple[Difference, ...]

    @property
    def passage(self) -> str:
        return "".join(d.space + d.article for d in self.differences if d.article).strip()


@dataclass(frozen=True)
class QuoteCheck:
    # For each quote, in order, what of it the article does not have: () when all of it.
    mismatches: tuple[tuple[Mismatch, ...], ...]
    article_words: int
    quoted_words: int  # the article's words the quotes cover (each counted once)

    @property
    def share(self) -> float:
        return self.quoted_words / self.article_words if self.article_words else 0.0

    @property
    def differing(self) -> list[int]:
        """The numbers (from 1) of the quotes the article does not have as typed."""
        return [number for number, found in enumerate(self.mismatches, start=1) if found]


class _Article:
    """The article's words (as compared), where each occurs, and where it is in the text."""

    def __init__(self, text: str):
        self.text = text
        self.keys = _keys(_TOKEN.findall(text))
        self._joined = f" {' '.join(self.keys)} "
        self._where: dict[str, list[int]] = {}
        for index, key in enumerate(self.keys):
            self._where.setdefault(key, []).append(index)

    @functools.cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Each word's place in the text: needed only to show a passage."""
        return [match.span() for match in _TOKEN.finditer(self.text)]

    def words(self) -> list[int]:
        return [index for index, key in enumerate(self.keys) if _is_word(key)]

    def find(self, keys: list[str]) -> int | None:
        """Where the article has exactly these words, if it does (word index)."""
        at = self._joined.find(f" {' '.join(keys)} ")
        return None if at == -1 else self._joined.count(" ", 0, at)

    def closest(self, keys: list[str]) -> tuple[int, int] | None:
        """The passage [start, end) most like `keys`, if one is close enough."""
        best, best_ratio = None, 0.0
        for window in self._windows(keys):
            start, end, same = _trimmed(keys, self.keys, *window)
            ratio = 2 * same / (len(keys) + end - start)  # as SequenceMatcher.ratio()
            if ratio >= CLOSE_ENOUGH and ratio > best_ratio:  # the likelier of equals
                best, best_ratio = (start, end), ratio
        return best

    def _windows(self, keys: list[str]):
        """A window a little wider than the quote where the article lines up most of its
        words, then the next such places, apart from the ones before (CANDIDATES in all).

        Each of the quote's words votes for every place the article would have to start at
        for the two to line up there: one pass over the places of its words (a diff of the
        whole article against each quote, or its longest common runs, costs many)."""
        # The commonest words (the, of, a comma) vote everywhere, which tells nothing and
        # costs the most: only the others vote, unless the quote has no others.
        common = max(COMMON_WORD_PLACES, len(self.keys) // 50)
        voters = [
            (position, places)
            for position, key in enumerate(keys)
            if (places := self._where.get(key, ())) and len(places) <= common
        ] or [(position, self._where.get(key, ())) for position, key in enumerate(keys)]
        votes: Counter[int] = Counter()
        for position, places in voters:
            # index - position for each place of the word, counted in C.
            votes.update(map(position.__rsub__, places))
        apart, slack = max(1, len(keys) // 2), max(3, len(keys) // 3)
        starts: list[int] = []
        for start, _ in votes.most_common(CANDIDATES * 20):
            if all(abs(start - other) > apart for other in starts):
                starts.append(start)
                yield max(0, start - slack), min(len(self.keys), start + len(keys) + slack)
                if len(starts) == CANDIDATES:
                    return


def _trimmed(keys: list[str], article: list[str], low: int, high: int) -> tuple[int, int, int]:
    """The part [start, end) of the window [low, high) that lines up with the quote (the
    article's words around it that the quote has no counterpart for left out), and how many
    words the two have in common."""
    opcodes = SequenceMatcher(None, keys, article[low:high], autojunk=False).get_opcodes()
    first, last = opcodes[0], opcodes[-1]
    start, end = low, high
    if first[0] == "insert":
        start = low + first[4]
    elif first[0] == "replace":  # a changed first word: as many of the article's
        start = low + max(first[3], first[4] - (first[2] - first[1]))
    if last[0] == "insert":
        end = low + last[3]
    elif last[0] == "replace":
        end = low + min(last[4], last[3] + (last[2] - last[1]))
    same = sum(q2 - q1 for tag, q1, q2, _, _ in opcodes if tag == "equal")
    return start, max(start, end), same


def _parts(tokens: list[_Token]) -> list[list[_Token]]:
    """A quote's parts between omission marks (…, [...]), their framing marks left out."""
    parts, current = [], []
    closing = None
    for token in tokens:
        if token.key == _OMISSION:
            if current and current[-1].key in _OMISSION_BRACKETS:
                closing = _OMISSION_BRACKETS[current.pop().key]
            parts.append(current)
            current = []
        elif token.key == closing and not current:
            closing = None
        else:
            current.append(token)
    parts.append(current)
    result = []
    for part in parts:
        words = [index for index, token in enumerate(part) if _is_word(token.key)]
        if words:
            result.append(part[words[0] : words[-1] + 1])
    return result


_KINDS = {"equal": "same", "delete": "extra", "insert": "missing", "replace": "changed"}


def _compared(
    quote: str, part: list[_Token], article: _Article, start: int, end: int
) -> tuple[tuple[Difference, ...], set[int]]:
    """The passage [start, end) against the quote's part: its stretches, and the article's
    words the two have in common."""
    spans = article.spans[start:end]

    def article_text(low: int, high: int) -> str:
        return article.text[spans[low][0] : spans[high - 1][1]] if low < high else ""

    def quote_text(low: int, high: int) -> str:
        return quote[part[low].start : part[high - 1].end] if low < high else ""

    matcher = SequenceMatcher(None, [t.key for t in part], article.keys[start:end], autojunk=False)
    stretches, same = [], set()
    for tag, q1, q2, a1, a2 in matcher.get_opcodes():
        # The article's spacing before the stretch; extra words at either end of the
        # passage are set off by a space.
        if 0 < a1 < len(spans):
            space = article.text[spans[a1 - 1][1] : spans[a1][0]]
        else:
            space = " " if stretches else ""
        stretches.append(Difference(_KINDS[tag], article_text(a1, a2), quote_text(q1, q2), space))
        if tag == "equal":
            same.update(range(start + a1, start + a2))
    return tuple(stretches), same


def check_quotes(article_text: str | None, quotes: list[str]) -> QuoteCheck | None:
    """Each quote looked up in the article; None when there is no article to look in."""
    if not (article_text or "").strip():
        return None
    article = _Article(article_text)
    covered: set[int] = set()
    mismatches = []
    for quote in quotes:
        found = []
        for part in _parts(_tokens(quote or "")):
            keys = [token.key for token in part]
            at = article.find(keys)
            if at is not None:
                covered.update(range(at, at + len(keys)))
                continue
            passage = article.closest(keys)
            differences = ()
            if passage is not None:
                differences, same = _compared(quote, part, article, *passage)
                covered.update(same)
            found.append(Mismatch(quote[part[0].start : part[-1].end], differences))
        mismatches.append(tuple(found))
    words = article.words()
    return QuoteCheck(
        tuple(mismatches),
        article_words=len(words),
        quoted_words=len(covered.intersection(words)),
    )
