"""Making an uploaded photo fit to serve, with Pillow: checked before it is decoded, turned the
right way up, in sRGB, and written again in each served width and format with nothing of the
uploaded file's metadata (EXIF, GPS, the camera's serial, XMP, IPTC, an embedded thumbnail).

Nothing here touches storage or the database (see library.py): bytes in, bytes out.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .names import DIGEST_LENGTH, PhotoName, variant_name

try:  # iPhones' HEIC, through the maintained plugin when it is installed (it is a dependency)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_READABLE = True
except ImportError:  # pragma: no cover - the dependency is declared
    HEIC_READABLE = False

# What Pillow may read: photos, never a format that can carry script (SVG is no Pillow format
# at all; it is refused by name below so the owner hears why).
# (A phone's JPEG holding a second picture opens as "MPO" through the JPEG opener.)
READABLE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "AVIF") + (("HEIF",) if HEIC_READABLE else ())
EXTENSIONS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "AVIF": "avif",
    "HEIF": "heic",
}
JPEG_QUALITY = 82
WEBP_QUALITY = 78
# Where a transparent image (a PNG screenshot) is laid on for JPEG, and for WebP alike.
BACKGROUND = (255, 255, 255)
_SRGB = ImageCms.createProfile("sRGB")


class PhotoRefused(ValueError):
    """A file that is not a photo the site can serve, with what to tell the owner."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


NOT_AN_IMAGE = _l(
    "This file is not a photo the site can read (JPEG, PNG, WebP, GIF, AVIF or HEIC)."
)
SVG = _l("SVG drawings cannot be uploaded: they can carry scripts. Save it as PNG or JPEG.")
ANIMATED = _l("Moving images (animated GIF or WebP) cannot be uploaded. Save one frame as a photo.")
DAMAGED = _l("This photo file is damaged or incomplete. Upload it again or save it anew.")
HEIC_UNREADABLE = _l("HEIC photos cannot be read here: export the photo as JPEG and upload that.")


def too_many_pixels(limit: int):
    return _l(
        "This image is too large: at most %(megapixels)s megapixels. Make it smaller first.",
        megapixels=f"{limit / 1_000_000:g}",
    )


@dataclass
class ProcessedPhoto:
    """An upload made fit to serve: its name, what it was, and every file to store."""

    name: PhotoName
    original_extension: str
    files: dict[str, bytes] = field(default_factory=dict)  # served name -> bytes


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def process(data: bytes, max_pixels: int) -> ProcessedPhoto:
    """Every variant of the photo in `data`, or PhotoRefused saying why not. The size is read
    from the file's header and checked before any pixel is decoded (a few kilobytes may claim
    30,000 × 30,000)."""
    image = _opened(data, max_pixels)
    extension = EXTENSIONS[image.format]
    upright_width, upright_height, turned = _upright_size(image)
    name = PhotoName(digest_of(data), upright_width, upright_height)
    # A JPEG decodes at 1/2, 1/4 or 1/8 scale far faster: as small as still makes the
    # largest variant without enlarging (a 48-megapixel photo decodes at half its size).
    scale = name.largest / upright_width
    image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    try:
        image.load()
        # The full image is only made smaller: turning it upright and converting its colours
        # happen on the largest variant, a fifth of its pixels or fewer.
        stored = (name.height_at(name.largest), name.largest) if turned else None
        largest = _eight_bit(image).resize(
            stored or (name.largest, name.height_at(name.largest)),
            Image.Resampling.LANCZOS,
            reducing_gap=3.0,
        )
        largest = _in_srgb(ImageOps.exif_transpose(largest))
    except (OSError, ValueError, SyntaxError) as error:
        raise PhotoRefused(DAMAGED) from error
    finally:
        image.close()  # the decoded upload (36 MB at 12 megapixels) is not needed any more
    photo = ProcessedPhoto(name, extension)
    variant = largest
    for width in reversed(name.widths()):  # each from the next larger: far less to read
        if variant.width != width:
            variant = variant.resize((width, name.height_at(width)), Image.Resampling.LANCZOS)
        variant.info = {}  # nothing of the upload's metadata rides along into a save
        photo.files[variant_name(name.digest, width, "webp")] = _encoded(
            variant, "WEBP", quality=WEBP_QUALITY, method=4
        )
        photo.files[variant_name(name.digest, width, "jpg")] = _encoded(
            variant, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
    return photo


def _opened(data: bytes, max_pixels: int) -> Image.Image:
    if _looks_like_svg(data):
        raise PhotoRefused(SVG)
    try:
        with warnings.catch_warnings():
            # Past Pillow's own bound it warns, past twice that it refuses: both are ours to say.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READABLE_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PhotoRefused(too_many_pixels(max_pixels)) from error
    except UnidentifiedImageError as error:
        raise PhotoRefused(HEIC_UNREADABLE if _looks_like_heic(data) else NOT_AN_IMAGE) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise PhotoRefused(DAMAGED) from error
    if image.width * image.height > max_pixels:
        raise PhotoRefused(too_many_pixels(max_pixels))
    # A phone's JPEG may hold a second, smaller picture (MPO): the first is the photo.
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise PhotoRefused(ANIMATED)
    return image


def _upright_size(image: Image.Image) -> tuple[int, int, bool]:
    """The size once turned as its EXIF orientation says, and whether that turns it a
    quarter (orientations 5–8)."""
    try:
        orientation = image.getexif().get(0x0112, 1)
    except (OSError, ValueError, SyntaxError):
        orientation = 1
    width, height = image.size
    turned = orientation in (5, 6, 7, 8)
    return (height, width, True) if turned else (width, height, False)


def _eight_bit(image: Image.Image) -> Image.Image:
    """8 bits a channel and opaque, in a mode Pillow resizes smoothly (L, RGB, CMYK…):
    16-bit grey scaled down, a palette expanded, transparency laid on BACKGROUND. The upload's
    info (its orientation, its colour profile) stays with it for the steps after resizing."""
    info = image.info
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Converting straight to 8 bits would clip everything above 255 to white.
        peak = 65535 if image.mode.startswith("I;16") or image.getextrema()[1] > 255 else 255
        image = image.convert("I").point(lambda value: value * (255 / peak)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in info):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, BACKGROUND)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode in ("P", "1"):
        image = image.convert("RGB")
    image.info = dict(info)
    return image


def _in_srgb(image: Image.Image) -> Image.Image:
    """RGB in sRGB, as every browser shows an untagged image: a phone's Display P3 or a
    scanner's CMYK converted through its ICC profile."""
    profile = image.info.get("icc_profile")
    if profile:
        try:
            return ImageCms.profileToProfile(
                image if image.mode in ("RGB", "CMYK", "L") else image.convert("RGB"),
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _SRGB,
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the colours as they are
    return image.convert("RGB")


def _encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def _looks_like_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")
