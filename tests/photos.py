"""Real image files for the photo tests, made with Pillow as a phone would make them."""

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
CAMERA_SERIAL = 0xA431  # BodySerialNumber, in the Exif IFD
EXIF_IFD = 0x8769
SECRET_SERIAL = "SN-4417-OWNER"


def phone_jpeg(width=4032, height=3024, orientation=6, color=(200, 120, 60)) -> bytes:
    """A phone's JPEG: stored sideways with orientation 6 (turn 90° clockwise to view), with
    GPS coordinates, the camera's make, model and serial number in its EXIF."""
    image = Image.new("RGB", (width, height), color)
    # A mark in the stored image's top-left corner: upright, it is in the top-right.
    image.paste((0, 0, 0), (0, 0, width // 8, height // 8))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 15"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)})
    exif.get_ifd(EXIF_IFD)[CAMERA_SERIAL] = SECRET_SERIAL
    return encoded(image, "JPEG", exif=exif, quality=90)


def noisy_jpeg(width=800, height=600) -> bytes:
    """A JPEG of noise: large for its size, so cutting its end cuts pixels."""
    return encoded(Image.effect_noise((width, height), 64).convert("RGB"), "JPEG", quality=95)


def encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def png(width=640, height=480, mode="RGB") -> bytes:
    color = {"RGB": (10, 120, 200), "RGBA": (10, 120, 200, 128), "L": 128, "I;16": 40000}[mode]
    return encoded(Image.new(mode, (width, height), color), "PNG")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def cmyk_jpeg() -> bytes:
    return encoded(Image.new("CMYK", (800, 600), (0, 80, 160, 0)), "JPEG")


def heic() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return encoded(Image.new("RGB", (1200, 900), (90, 160, 90)), "HEIF")


def decompression_bomb(side=30_000) -> bytes:
    """A few kilobytes of PNG claiming side × side pixels (made by writing a small image and
    changing the size its header claims: decoding it would need gigabytes)."""
    import struct
    import zlib

    data = bytearray(encoded(Image.new("L", (8, 8)), "PNG"))
    # IHDR starts at byte 8: length(4) type(4) width(4) height(4) ...; then its CRC.
    data[16:24] = struct.pack(">II", side, side)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def served_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
