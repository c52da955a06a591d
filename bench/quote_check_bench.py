"""What checking a commentary's quotes against its article costs.

    .venv/bin/python bench/quote_check_bench.py [--words 10000] [--quotes 30] [--runs 7]

An article of `--words` words (sentences of 12–35 words drawn from a 3,000-word vocabulary
with Zipf-like frequencies, as English text has them, with commas, quotation marks, dashes
and paragraphs) and `--quotes` quotes taken from it, each one sentence. Three cases, each the
median wall and CPU time of one blog.study.quote_check.check_quotes() call over the runs (it
reads the article and looks up every quote):

- exact: every quote as the article has it, typed with straight quote marks;
- differing: every quote with a changed word, a dropped word and an extra word (the worst
  case: each needs its closest passage), and how many are shown against the sentence they
  were taken from;
- absent: quotes of words from the vocabulary the article never puts in that order.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blog.study.quote_check import check_quotes  # noqa: E402


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    words = {"the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "said", "it"}
    while len(words) < size:
        length = rng.randint(2, 11)
        words.add("".join(rng.choices(letters, weights=range(26, 0, -1), k=length)))
    return sorted(words, key=lambda word: (len(word), word))


def sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    chosen = rng.choices(words, weights=weights, k=rng.randint(12, 35))
    chosen[0] = chosen[0].capitalize()
    if rng.random() < 0.5:
        chosen[rng.randrange(2, len(chosen) - 1)] += ","
    if rng.random() < 0.2:
        chosen.insert(rng.randrange(3, len(chosen) - 2), "—")
    text = " ".join(chosen) + "."
    return f"“{text}”" if rng.random() < 0.15 else text


def article(rng: random.Random, words: list[str], size: int) -> tuple[str, list[str]]:
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    sentences, count = [], 0
    while count < size:
        sentences.append(sentence(rng, words, weights))
        count += len(sentences[-1].split())
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs), sentences


def typed(text: str) -> str:
    return text.replace("“", '"').replace("”", '"').replace("—", "-")


def differing(rng: random.Random, text: str, words: list[str]) -> str:
    tokens = typed(text).split()
    tokens[rng.randrange(1, len(tokens) - 1)] = rng.choice(words)  # changed
    del tokens[rng.randrange(1, len(tokens) - 1)]  # dropped
    tokens.insert(rng.randrange(1, len(tokens) - 1), rng.choice(words))  # extra
    return " ".join(tokens)


def timed(article_text: str, quotes: list[str], runs: int):
    """The median wall and CPU time of one check over `runs`, and its last result."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = check_quotes(article_text, quotes)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--quotes", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    words = vocabulary(rng)
    text, sentences = article(rng, words, options.words)
    picked = rng.sample(sentences, options.quotes)
    cases = {
        "exact": [typed(s) for s in picked],
        "differing": [differing(rng, s, words) for s in picked],
        "absent": [" ".join(rng.sample(words, len(s.split()))) for s in picked],
    }
    print(
        f"article: {len(text.split()):,} words, {len(text):,} characters; "
        f"{options.quotes} quotes; median of {options.runs} runs"
    )
    for name, quotes in cases.items():
        wall, cpu, result = timed(text, quotes, options.runs)
        flagged = sum(1 for found in result.mismatches if found)
        line = f"{name:>9}: {wall * 1000:7.1f} ms ({cpu * 1000:.1f} ms CPU), {flagged} flagged"
        if name == "differing":  # each closest passage should be the quote's own sentence
            right = sum(
                1
                for source, found in zip(picked, result.mismatches, strict=True)
                if found and all(m.passage and m.passage in source for m in found)
            )
            line += f", {right} shown against their own sentence"
        print(line)


if __name__ == "__main__":
    main()
