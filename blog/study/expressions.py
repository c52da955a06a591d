"""Key expressions: the owner's `expression = meaning` lines under a quote, and where each
occurs in it.

An expression is found in its quote as a reader would find it: in any case, across any run of
spaces, and with curly and straight quote marks alike (an article's “stuns” is typed "stuns").
One pattern per expression does both the editor's check and the page's marking, so whatever
the form accepts is marked.
"""

import functools
import re
from dataclasses import dataclass

MAX_EXPRESSIONS = 30  # a block's; more is a word list, not key expressions
MAX_EXPRESSION_LENGTH = 200
MAX_MEANING_LENGTH = 300
# "=" as typed on a Korean keyboard too (full width).
_SEPARATOR = re.compile(r"\s*[=＝]\s*")
_QUOTE_MARKS = {"'": "'‘’‛′", '"': '"“”„″'}
_SAME_MARK = {mark: f"[{re.escape(marks)}]" for marks in _QUOTE_MARKS.values() for mark in marks}


@dataclass(frozen=True)
class Expression:
    text: str
    meaning: str = ""

    @property
    def line(self) -> str:
        return f"{self.text} = {self.meaning}" if self.meaning else self.text


def parse(lines: str | None) -> list[Expression]:
    """The expressions of a block's field: one a line, `expression = meaning` (the meaning
    optional), blank lines skipped, each expression once (the first line that names it)."""
    found: dict[str, Expression] = {}
    for line in (lines or "").splitlines():
        text, meaning = (_SEPARATOR.split(line.strip(), maxsplit=1) + [""])[:2]
        text, meaning = " ".join(text.split()), " ".join(meaning.split())
        if text:
            found.setdefault(key(text), Expression(text, meaning))
    return list(found.values())


def as_lines(expressions: list[Expression]) -> str:
    return "\n".join(expression.line for expression in expressions)


def key(text: str) -> str:
    """What makes two expressions one: case, spaces and quote marks aside."""
    folded = " ".join(text.casefold().split())
    for plain, marks in _QUOTE_MARKS.items():
        folded = folded.translate({ord(mark): plain for mark in marks})
    return folded


# Compiled patterns kept per worker: `re` keeps only 512, and a glossary's download compiles
# one per expression (1,000 took 0.3 s of a 0.5 s deck, every time; bench/glossary_bench.py).
@functools.lru_cache(maxsize=4096)
def pattern(text: str) -> re.Pattern:
    """Where `text` occurs in a quote: any case, any run of spaces, either kind of quote mark;
    from the start of a word (`art` is not found in `upstart`), to anywhere in a word (`stun`
    is found in `stuns`, as a learner writes the word down)."""
    pieces = [r"(?<!\w)"] if text[:1].isalnum() else []
    for character in " ".join(text.split()):
        if character == " ":
            pieces.append(r"\s+")
        else:
            pieces.append(_SAME_MARK.get(character, re.escape(character)))
    return re.compile("".join(pieces), re.IGNORECASE)


def occurs_in(text: str, quote: str) -> bool:
    return pattern(text).search(quote or "") is not None


def spans(quote: str, expressions: list[Expression]) -> list[tuple[int, int, int]]:
    """(start, end, index of the expression) for every place an expression occurs in
    `quote`, in order, none overlapping: where two overlap ("capital expenditure" and
    "expenditure"), the longer wins."""
    candidates = [
        (match.start(), match.end(), index)
        for index, expression in enumerate(expressions)
        for match in pattern(expression.text).finditer(quote)
    ]
    chosen: list[tuple[int, int, int]] = []
    for start, end, index in sorted(candidates, key=lambda span: (span[0] - span[1], span[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, index))
    return sorted(chosen)
