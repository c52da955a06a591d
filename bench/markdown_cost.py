"""What Markdown costs to save: normal long posts against the bounds, and texts built to blow up.

    .venv/bin/python bench/markdown_cost.py [--unbounded]

One post per entry (all its Markdown texts share one budget, as in the editors), with its
Markdown characters, then what a save does with it under the bounds: the editor's check
(`check_markdown`, no sanitising) and the rendering the models store
(`render_markdown_with_text`, with bleach), each timed; or which bound refused it and how
long the refusal took. `--unbounded` also measures each post (but the 102-field ones) with
no bound: the steps and HTML it uses as a share of rendering.MAX_STEPS and MAX_HTML, and
the time per step of markdown-it (slow: the blow-ups take seconds each).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blog import rendering  # noqa: E402
from blog.demo.content import DIARY, OPINIONS, Writer  # noqa: E402


def padded_table(columns: int, rows: int) -> str:
    """The issue's case: a wide header, then short rows markdown-it pads to its width."""
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "x\n" * rows


def normal_table(columns: int, rows: int) -> str:
    head = "|" + "|".join(f"열 {c}" for c in range(columns)) + "|\n|" + "---|" * columns + "\n"
    body = "".join(
        "|" + "|".join(f"값 {r}-{c}" for c in range(columns)) + "|\n" for r in range(rows)
    )
    return head + body


def fill(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def long_diary(writer: Writer, size: int) -> str:
    """Demo sentences as a long diary: paragraphs, headings, lists, quotes and links."""
    rng, parts, length = writer.rng, [], 0
    while length < size:
        roll = rng.random()
        if roll < 0.1:
            part = "\n".join("- " + writer.fill(rng.choice(DIARY)) for _ in range(5))
        elif roll < 0.15:
            part = "## " + writer.fill(rng.choice(DIARY))[:30]
        elif roll < 0.2:
            part = "> " + writer.fill(rng.choice(OPINIONS))
        elif roll < 0.25:
            part = f"[참고 기사](https://www.example.com/news/{length}) " + writer.fill(
                rng.choice(DIARY)
            )
        else:
            part = writer.paragraphs(DIARY, 5, 5, "\n")
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)[:size]


def opinion(writer: Writer) -> str:
    return writer.paragraphs(OPINIONS, 6, 2)


def unbounded(texts: list[str]) -> str:
    """What the texts cost with no bound: steps, HTML, and the time per step."""
    budget = rendering.RenderBudget(steps=10**9, html=10**9)
    start = time.perf_counter()
    for text in texts:
        rendering.check_markdown(text, budget)
    seconds = time.perf_counter() - start
    steps, html = 10**9 - budget.steps, 10**9 - budget.html
    return (
        f"{steps:>9,} steps ({steps / rendering.MAX_STEPS:5.0%}) {html:>10,} HTML "
        f"({html / rendering.MAX_HTML:5.0%}) {seconds:6.2f} s {seconds / steps * 1e6:5.1f} µs/step"
    )


def bounded(texts: list[str]) -> str:
    """What a save does: the editor's check of every text, then the rendering the models
    store; or the refusal, and how long it took."""
    start = time.perf_counter()
    budget = rendering.RenderBudget()
    try:
        for text in texts:
            rendering.check_markdown(text, budget)
    except rendering.TooLargeToRender as error:
        return f"refused ({error.kind}) in {time.perf_counter() - start:.2f} s"
    checked = time.perf_counter()
    for text in texts:
        rendering.render_markdown_with_text(text)
    saved = time.perf_counter()
    return f"saved: check {checked - start:.2f} s + render {saved - checked:.2f} s"


def main(unbounded_too: bool) -> None:
    writer = Writer(1)
    typical = writer.paragraphs(DIARY, 8, 3, "\n")
    long_commentary = [opinion(writer) for _ in range(100)] + [opinion(writer)] * 2
    posts = {
        "typical demo diary": [typical],
        "diary of 20,000 characters": [long_diary(writer, 20_000)],
        "diary of 100,000 characters (field maximum)": [long_diary(writer, 100_000)],
        "commentary: 100 blocks of demo opinions": long_commentary,
        "table of 10 columns x 50 rows": [normal_table(10, 50)],
        "table of 20 columns x 100 rows": [normal_table(20, 100)],
        "issue: 300-column header, 1,000 short rows": [padded_table(300, 1000)],
        "padded tables, 100,000 characters": [fill(padded_table(300, 60) + "\n", 100_000)],
        "reference link used 30,000 times": ["[a]: /" + "x" * 1000 + "\n\n" + "[a]" * 30_000],
        "emphasis, 100,000 characters": [fill("*a* ", 100_000)],
        "line breaks, 100,000 characters": [fill("a\n", 100_000)],
        "reference definitions, 100,000 characters": [
            "".join(f"[a{n}]: /x\n" for n in range(10_000))[:100_000]
        ],
        "entities, 100,000 characters": [fill("&amp;", 100_000)],
        "'<', 100,000 characters": ["<" * 100_000],
        "unclosed '![', 20,000 characters": ["![" * 10_000],
        "unclosed '![', 100,000 characters": ["![" * 50_000],
        "102 fields of 20,000 characters of tables": [fill(padded_table(300, 60) + "\n", 20_000)]
        * 102,
        "102 fields of 20,000 unclosed '!['": ["![" * 10_000] * 102,
    }
    print(f"bounds: MAX_STEPS={rendering.MAX_STEPS:,} MAX_HTML={rendering.MAX_HTML:,}")
    for name, texts in posts.items():
        characters = sum(len(text) for text in texts)
        print(f"{name:46} {characters:>9,} chars", flush=True)
        if unbounded_too and len(texts) < 102:
            print(f"    unbounded: {unbounded(texts)}", flush=True)
        print(f"    bounded:   {bounded(texts)}", flush=True)


if __name__ == "__main__":
    main(unbounded_too="--unbounded" in sys.argv[1:])
