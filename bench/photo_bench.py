"""What a photo costs: processing an upload, and the bytes a reader's screen fetches.

    .venv/bin/python bench/photo_bench.py [--runs 5] [--megapixels 12]

1. Processing: a phone-sized JPEG (4000 × 3000 by default: a Mandelbrot picture with a
   gradient and a little sensor grain, so it has edges, smooth areas and noise as a photo
   does; quality 88 and EXIF orientation 6, as phones write them) through process(): the
   median wall time over the runs for all variants (3 widths × WebP and JPEG), and the peak
   memory of a fresh process doing one (Linux's VmHWM, reset just before it, less what it
   held then).
2. Bytes: a temporary site with a diary entry of three such photos between paragraphs,
   served in this process and opened in Debian's Chromium at phone sizes (390 × 844 at 3×,
   and Lighthouse's Moto G Power, 412 × 823 at 1.75×) and at 1280 × 800 at 1×: the image
   bytes of the first screen (what loads before any scrolling) and of the whole page once
   scrolled to the end, with the variant each <img> chose.
"""

import argparse
import io
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

VIEWPORTS = [
    ("phone 390×844 @3x", {"width": 390, "height": 844}, 3, True),
    ("Moto G 412×823 @1.75x", {"width": 412, "height": 823}, 1.75, True),
    ("desktop 1280×800 @1x", {"width": 1280, "height": 800}, 1, False),
]


def phone_photo(megapixels: float, seed: int = 0) -> bytes:
    height = int((megapixels * 1_000_000 * 3 / 4) ** 0.5)
    width = int(height * 4 / 3)
    extent = (-2.0 + seed * 0.1, -1.2, 0.8, 1.2)
    detail = Image.effect_mandelbrot((width, height), extent, 100).convert("RGB")
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    image = Image.blend(Image.blend(detail, gradient, 0.4), grain, 0.3)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def processing_figures(data: bytes, runs: int) -> None:
    from blog.media.processing import process

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        photo = process(data, 50_000_000)
        times.append(time.perf_counter() - started)
    sizes = ", ".join(
        f"{name.split('-', 1)[1]} {len(b) // 1024} KB" for name, b in photo.files.items()
    )
    print(f"upload {len(data) / 1e6:.1f} MB, {photo.name.width}×{photo.name.height} upright")
    print(
        f"  processing, all variants: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over {runs} runs"
    )
    print(f"  variants: {sizes}")
    with tempfile.NamedTemporaryFile(suffix=".jpg") as file:
        file.write(data)
        file.flush()
        child = subprocess.run(
            [sys.executable, __file__, "--peak-memory-of", file.name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    before, after = (int(value) for value in child.stdout.split())
    print(
        f"  peak memory of one upload: {(after - before) / 1024:.0f} MB above the "
        f"{before / 1024:.0f} MB resident just before it (VmHWM, reset before it, less VmRSS)"
    )


def peak_memory_of(path: str) -> None:
    from blog.media.processing import process

    data = Path(path).read_bytes()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak so far (imports included) becomes what is resident now
    before = status_kilobytes("VmRSS")
    process(data, 50_000_000)
    print(before, status_kilobytes("VmHWM"))


def status_kilobytes(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def byte_figures(photos: list[bytes]) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    from playwright.sync_api import sync_playwright

    from blog import create_app
    from blog.extensions import db
    from blog.media.library import add_photo
    from blog.models import DiaryEntry, Visibility, utcnow
    from blog.posts import saving
    from tests.e2e.conftest import Serving

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "ANNOUNCE_SETUP_LINK": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            },
            instance_path=folder,
        )
        with app.app_context():
            db.create_all()
            names = [add_photo(data).name for data in photos]
            paragraph = "필라테스할때마다 느끼는거지만, 코어가 없다. 식단도 해야지.\n\n" * 3
            entry = DiaryEntry(
                title="사진 세 장",
                body="".join(
                    f'{paragraph}![사진 {number}]({name.address} "사진 {number}")\n\n'
                    for number, name in enumerate(names, start=1)
                ),
            )
            entry.set_publication(Visibility.PUBLIC, utcnow())
            saving.save(entry)
            db.session.commit()
            path = f"/diary/{entry.id}-{entry.slug}"
        with Serving(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            for label, viewport, scale, mobile in VIEWPORTS:
                context = browser.new_context(
                    viewport=viewport, device_scale_factor=scale, is_mobile=mobile
                )
                page = context.new_page()
                fetched: list[tuple[str, int]] = []

                def record(request, fetched=fetched) -> None:
                    if "/media/" in request.url:
                        fetched.append((request.url, request.sizes()["responseBodySize"]))

                page.on("requestfinished", record)
                page.goto(url + path, wait_until="networkidle")
                first = sum(size for _, size in fetched)
                chosen = page.eval_on_selector_all(
                    "figure.photo img", "els => els.map(e => e.currentSrc.split('/').pop())"
                )
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(500)
                page.wait_for_load_state("networkidle")
                total = sum(size for _, size in fetched)
                print(
                    f"  {label}: first screen {first / 1024:.0f} KB of images, whole page "
                    f"{total / 1024:.0f} KB; chosen: {', '.join(filter(None, chosen)) or '-'}"
                )
                context.close()
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--peak-memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_memory_of:
        peak_memory_of(args.peak_memory_of)
        return
    photos = [phone_photo(args.megapixels, seed) for seed in range(3)]
    processing_figures(photos[0], args.runs)
    print("image bytes a reader's screen fetches (a diary entry with three photos):")
    byte_figures(photos)


if __name__ == "__main__":
    main()
