"""The terms of a text and of a query, the same for both backends: Hangul as syllable pairs."""

import re
import unicodedata
from dataclasses import dataclass

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_QUERY_TERMS = 8

# Runs of Hangul (syllables and jamo) or of other letters and digits.
_HANGUL_RANGES = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_RUNS = re.compile(f"[{_HANGUL_RANGES}]+|[^\\W_{_HANGUL_RANGES}]+")
_HANGUL = re.compile(f"[{_HANGUL_RANGES}]")
_QUOTED = re.compile(r'"([^"]*)"')
_WORDS = re.compile(f"[^\\W_{_HANGUL_RANGES}]+")  # in index terms: the words, not the pairs


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _run_terms(run: str) -> list[str]:
    if _HANGUL.match(run):
        return [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return [run]


def index_terms(value: str) -> str:
    """What the index stores for a text: Hangul as syllable pairs, other words as they are."""
    return " ".join(term for run in _RUNS.findall(_normalise(value)) for term in _run_terms(run))


def words_of(terms: str) -> set[str]:
    """The words (not the Hangul pairs) of what `index_terms` gives."""
    return set(_WORDS.findall(terms))


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the visitor."""


@dataclass
class ParsedQuery:
    groups: list[list[str]]  # each group: terms that must appear together, in order
    prefix: list[bool]  # whether a group's last term may be a prefix (an English word)
    words: list[str]  # what to highlight in snippets


def parse_query(raw: str) -> ParsedQuery:
    """Words and "quoted phrases" into groups of index terms; every group must match."""
    raw = (raw or "").strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError("too_long")
    phrases = [phrase for phrase in _QUOTED.findall(raw) if phrase.strip()]
    loose = _QUOTED.sub(" ", raw).replace('"', " ")
    groups, prefix, words = [], [], []
    for phrase in phrases:
        runs = _RUNS.findall(_normalise(phrase))
        if runs:
            groups.append([term for run in runs for term in _run_terms(run)])
            prefix.append(False)
            words.append(phrase.strip())
    for word in loose.split():
        for run in _RUNS.findall(_normalise(word)):
            groups.append(_run_terms(run))
            prefix.append(not _HANGUL.match(run))
            words.append(run)
    if not groups:
        raise QueryError("empty")
    # One-letter words cannot be searched alone; beside longer words they are left out.
    keep = [index for index, word in enumerate(words) if len(word) >= MIN_QUERY_LENGTH]
    if not keep:
        raise QueryError("too_short")
    groups, prefix, words = ([items[i] for i in keep] for items in (groups, prefix, words))
    if len(groups) > MAX_QUERY_TERMS:
        raise QueryError("too_many")
    return ParsedQuery(groups, prefix, words)
