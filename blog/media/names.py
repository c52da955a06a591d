"""How photos are named: in the Markdown the owner writes, and as the files readers get.

The owner's Markdown names a photo by the address `/media/<digest>-<W>x<H>.jpg`: the digest
is a hash of the uploaded file's bytes (so the same photo uploaded twice is one photo, and no
served name carries the owner's file name, which may hold a name or a date), and W×H is its
size the right way up. With the size in the address, the renderer builds `srcset`, `sizes` and
`width`/`height` from the text alone, without asking the database, and an exported text
still says which photo it shows.

Readers get variants made at upload: each width of VARIANT_WIDTHS the photo has (never
enlarged), in WebP and in JPEG, named `<digest>-<width>.webp` / `.jpg`. The address in the
Markdown answers the largest JPEG. The uploaded file itself is kept under `originals/`, for
the owner's export only: it may carry EXIF and GPS, so it is never served.
"""

import re
from dataclasses import dataclass

VARIANT_WIDTHS = (480, 960, 1600)
FORMATS = ("webp", "jpg")  # the first is offered first (<source>); the last is the fallback
URL_PREFIX = "/media/"
DIGEST_LENGTH = 32  # hex characters of SHA-256: 128 bits

_DIGEST = rf"[0-9a-f]{{{DIGEST_LENGTH}}}"
# A photo as the owner's Markdown names it.
PHOTO_ADDRESS = re.compile(
    rf"/media/(?P<digest>{_DIGEST})-(?P<width>[1-9][0-9]{{0,4}})x(?P<height>[1-9][0-9]{{0,4}})\.jpg"
)
# A file readers may get: a variant, or the address above.
SERVED_NAME = re.compile(
    rf"(?P<digest>{_DIGEST})-(?:(?P<variant>[1-9][0-9]{{0,4}})\.(?P<format>webp|jpg)"
    rf"|(?P<width>[1-9][0-9]{{0,4}})x(?P<height>[1-9][0-9]{{0,4}})\.jpg)"
)


@dataclass(frozen=True)
class PhotoName:
    """One photo as its address says: its digest and its size the right way up."""

    digest: str
    width: int
    height: int

    @classmethod
    def from_address(cls, address: str) -> "PhotoName | None":
        match = PHOTO_ADDRESS.fullmatch(address)
        if match is None:
            return None
        return cls(match["digest"], int(match["width"]), int(match["height"]))

    @property
    def address(self) -> str:
        return f"{URL_PREFIX}{self.digest}-{self.width}x{self.height}.jpg"

    @property
    def key(self) -> str:
        """What a post keeps of its first photo (Post.cover_photo): the address less its
        prefix and extension."""
        return f"{self.digest}-{self.width}x{self.height}"

    @classmethod
    def from_key(cls, key: str) -> "PhotoName | None":
        return cls.from_address(f"{URL_PREFIX}{key}.jpg") if key else None

    def widths(self) -> list[int]:
        return variant_widths(self.width)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def variant(self, width: int, format: str) -> str:
        return f"{URL_PREFIX}{variant_name(self.digest, width, format)}"

    def srcset(self, format: str) -> str:
        return ", ".join(f"{self.variant(width, format)} {width}w" for width in self.widths())

    @property
    def largest(self) -> int:
        return self.widths()[-1]


def variant_widths(width: int) -> list[int]:
    """The widths a photo `width` pixels wide is served in: each of VARIANT_WIDTHS it is wider
    than, and its own width when that is narrower than the largest."""
    largest = min(width, VARIANT_WIDTHS[-1])
    return [w for w in VARIANT_WIDTHS if w < largest] + [largest]


def variant_name(digest: str, width: int, format: str) -> str:
    return f"{digest}-{width}.{format}"


def original_name(digest: str, extension: str) -> str:
    return f"originals/{digest}.{extension}"


def photos_in(text: str) -> list[PhotoName]:
    """The photos a text names, in order, each once."""
    seen: dict[str, PhotoName] = {}
    for match in PHOTO_ADDRESS.finditer(text or ""):
        name = PhotoName(match["digest"], int(match["width"]), int(match["height"]))
        seen.setdefault(name.digest, name)
    return list(seen.values())


_WITHOUT_ALT = re.compile(r"!\[\s*\]\(\s*" + PHOTO_ADDRESS.pattern)


def photos_without_alt(text: str | None) -> bool:
    """Whether the text shows a photo of this site with no alt text: `![](/media/…)`."""
    return bool(text) and _WITHOUT_ALT.search(text) is not None
