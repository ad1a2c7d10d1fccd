"""A phone photo of any supported type (JPEG, PNG, WebP, HEIC/HEIF) decoded upright, for the
fixer: the pixel cap checked from the header before any decoding, EXIF/HEIF orientation
applied, transparency flattened onto white.

Memory stays bounded whatever the file (measured growth of a process decoding an
8064×6048 image, tests/test_photo_memory.py): a JPEG is decoded reduced by libjpeg (draft
mode); PNG and WebP through OpenCV's reduced decode, which holds the full image once at
3 bytes a pixel, 16-bit samples included (~150 MB at 49 MP, where Pillow took 465 MB
and 750 MB for WebP); an image with transparency through Pillow, reduced before it is
flattened, capped at ALPHA_MAX_PIXELS; HEIC through libheif, which needs ~4.6 bytes a pixel
while it decodes (222 MB at 48.8 MP), so HEIC/HEIF is capped at HEIF_MAX_PIXELS. Nothing
is decoded to more than MAX_DECODED_PIXELS: a larger photo is reduced by 2, 4 or 8.
"""

import io
import struct
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from profiles.photos import decode, jpeg

try:
    import pillow_heif
    from pillow_heif import register_heif_opener
except ImportError:  # HEIC uploads are then refused as unsupported
    register_heif_opener = None
else:
    register_heif_opener()

# Pillow's format names for the types the fixer reads, by what the file really is.
PILLOW_FORMATS = {"PNG": "PNG", "WebP": "WEBP", "HEIC": "HEIF", "HEIF": "HEIF"}
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"heif")
# HEIF rotation and mirror item properties, with their fixed 9-byte box size.
HEIF_TRANSFORMS = (b"\x00\x00\x00\x09irot", b"\x00\x00\x00\x09imir")
# Decoded sizes above this are reduced by 2, 4 or 8 while decoding (JPEG: 4 bytes a pixel
# in Pillow plus 3 in the array, 112 MB at 16 MP).
MAX_DECODED_PIXELS = 16_000_000
# libheif holds ~4.6 bytes a pixel while decoding: 36 MP is ~165 MB. Phones save 12 or
# 24 MP HEIC by default (48 MP only in a "max" mode).
HEIF_MAX_PIXELS = 36_000_000
# Transparent PNG/WebP go through Pillow (OpenCV's reduced decode drops the alpha), which
# needs ~8 bytes a pixel (284 MB measured at 36 MP): cut-outs from apps are 12 MP or less.
ALPHA_MAX_PIXELS = 20_000_000
# Pillow reports broken data, unsupported flavours and short reads through these.
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError)


class InputProblem(Exception):
    """Why an upload cannot be fixed: code "unreadable", "unsupported_format" or
    "too_many_pixels"; found names the type ("PNG", "GIF", "kosong"...)."""

    def __init__(self, code, found, **detail):
        super().__init__(code)
        self.code = code
        self.found = found
        self.detail = detail


@dataclass
class Upright:
    rgb: np.ndarray  # (height, width, 3) uint8, as displayed; maybe reduced while decoding
    width: int  # the full size as displayed, before any reduction
    height: int
    kind: str  # "JPEG", "PNG", "WebP", "HEIC" or "HEIF"
    rotated: bool  # an orientation tag turned the stored pixels


def kind_of(data):
    head = data[:32]
    if head.startswith(b"\xff\xd8"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIC" if head[8:12].startswith(b"he") else "HEIF"
    return None


def open_upright(data, max_pixels, min_side):
    """The upload decoded upright; JPEGs are reduced while decoding (draft mode) as long
    as their shorter side stays at least `min_side`. Raises InputProblem."""
    if not data:
        raise InputProblem("unreadable", "kosong")
    kind = kind_of(data)
    if kind is None:
        found = decode.identify(data)
        code = "unreadable" if found in ("tidak dikenal", "teks") else "unsupported_format"
        raise InputProblem(code, found)
    if kind in ("HEIC", "HEIF") and register_heif_opener is None:
        raise InputProblem("unsupported_format", kind)
    cap = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    try:
        if kind == "JPEG":
            return _jpeg(data, cap, min_side)
        return _other(data, kind, cap, min_side)
    except Image.DecompressionBombError:
        raise InputProblem("too_many_pixels", kind, cap=cap) from None
    except DECODE_ERRORS:
        raise InputProblem("unreadable", kind) from None


def _too_many(kind, width, height, cap):
    if width * height > cap:
        raise InputProblem("too_many_pixels", kind, width=width, height=height, pixels=width * height, cap=cap)


def reduction(width, height, min_side):
    """The factor (1, 2, 4 or 8) a decoder may reduce by, keeping the shorter side at least
    `min_side`, and reducing further when the decoded image would exceed
    MAX_DECODED_PIXELS."""
    factor = 1
    while factor < 8 and (
        min(width, height) / (2 * factor) >= min_side or width * height / factor**2 > MAX_DECODED_PIXELS
    ):
        factor *= 2
    return factor


def _jpeg(data, cap, min_side):
    try:
        structure = jpeg.parse(data)
    except (jpeg.NotJpeg, jpeg.BrokenJpeg):
        raise InputProblem("unreadable", "JPEG") from None
    width, height = structure.display_size
    _too_many("JPEG", width, height, cap)
    # Without its metadata: the orientation is known, and Pillow's EXIF parser has
    # nothing to trip over.
    clean = jpeg.rebuild(data, structure, jpeg.is_adobe)
    with Image.open(io.BytesIO(clean), formats=["JPEG"]) as image:
        factor = reduction(image.width, image.height, min_side)
        if factor > 1:
            image.draft("RGB", (-(-image.width // factor), -(-image.height // factor)))
        image.decodermaxblock = max(image.decodermaxblock, len(clean))
        image.load()
        if image.mode != "RGB":  # converting an RGB image would only copy it
            image = image.convert("RGB")
    rotated = structure.orientation in decode.TRANSPOSE
    if rotated:
        image = image.transpose(decode.TRANSPOSE[structure.orientation])
    return Upright(np.asarray(image), width, height, "JPEG", rotated)


def _other(data, kind, cap, min_side):
    with warnings.catch_warnings():
        # Above Pillow's own limit it only warns; here that is a refusal like ours.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Only the header is read here.
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                _too_many(kind, width, height, cap)
                orientation = _orientation(image) if kind in ("PNG", "WebP") else 1
                transparent = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
                factor = reduction(width, height, min_side)
                if kind in ("HEIC", "HEIF"):
                    _too_many(kind, width, height, HEIF_MAX_PIXELS)
                    rgb = _heif(data, factor)
                elif transparent:
                    _too_many(kind, width, height, ALPHA_MAX_PIXELS)
                    image.load()
                    rgb = np.asarray(_flatten(image.reduce(factor) if factor > 1 else image))
                else:
                    rgb = _opencv(data, factor)
        except Image.DecompressionBombWarning:
            raise InputProblem("too_many_pixels", kind, cap=cap) from None
    rotated = False
    if kind in ("PNG", "WebP"):
        if orientation in decode.TRANSPOSE:
            rgb = np.asarray(Image.fromarray(rgb).transpose(decode.TRANSPOSE[orientation]))
            rotated = True
    else:
        # libheif applies the HEIF transforms (irot, imir) itself; an EXIF orientation in
        # a HEIF is only informative (pillow-heif resets it to 1), so the photo was turned
        # only when the file carries such a box.
        rotated = any(box in data for box in HEIF_TRANSFORMS)
    if kind in ("PNG", "WebP") and orientation in (5, 6, 7, 8):
        width, height = height, width
    return Upright(rgb, width, height, kind, rotated)


def _orientation(image):
    """The EXIF orientation from the header. Pillow's getexif() on a PNG decodes the whole
    image to look for an eXIf chunk after the pixels; one before them (as written by
    phones and by Pillow) is in image.info already."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    exif.load(raw)
    return exif.get(0x0112, 1)


OPENCV_REDUCED = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


def _opencv(data, factor):
    """PNG or WebP without transparency, 8 or 16 bits, reduced by `factor`, as RGB uint8."""
    flags = OPENCV_REDUCED[factor] | cv2.IMREAD_IGNORE_ORIENTATION
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if bgr is None:
        raise OSError("OpenCV could not decode the image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=bgr)


def _heif(data, factor):
    """The primary HEIC/HEIF image as RGB uint8, reduced by `factor` (after decoding:
    libheif has no reduced decode)."""
    heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
    if heif.mode not in ("RGB", "RGBA"):
        return np.asarray(_flatten(heif.to_pillow()))
    channels = len(heif.mode)
    width, height = heif.size
    pixels = np.frombuffer(heif.data, np.uint8).reshape(height, heif.stride)[:, : width * channels]
    pixels = pixels.reshape(height, width, channels)
    if factor > 1:
        pixels = cv2.resize(pixels, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    else:
        pixels = pixels.copy()
    del heif
    if channels == 4:
        alpha = pixels[..., 3:4].astype(np.float32) / 255
        return (pixels[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return pixels


def _flatten(image):
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image).convert("RGB")
    return image.convert("RGB")
