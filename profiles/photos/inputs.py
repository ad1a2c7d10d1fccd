"""A phone photo of any supported type (JPEG, PNG, WebP, HEIC/HEIF) decoded upright, for the
fixer: the pixel cap checked from the header before any decoding, EXIF/HEIF orientation
applied, transparency flattened onto white.
"""

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from profiles.photos import decode, jpeg

try:
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
        return _other(data, kind, cap)
    except Image.DecompressionBombError:
        raise InputProblem("too_many_pixels", kind, cap=cap) from None
    except DECODE_ERRORS:
        raise InputProblem("unreadable", kind) from None


def _too_many(kind, width, height, cap):
    if width * height > cap:
        raise InputProblem("too_many_pixels", kind, width=width, height=height, pixels=width * height, cap=cap)


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
        short = min(image.size)
        if short >= 2 * min_side:
            scale = short / min_side
            image.draft("RGB", (int(image.width / scale), int(image.height / scale)))
        image.decodermaxblock = max(image.decodermaxblock, len(clean))
        image.load()
        if image.mode != "RGB":  # converting an RGB image would only copy it
            image = image.convert("RGB")
    rotated = structure.orientation in decode.TRANSPOSE
    if rotated:
        image = image.transpose(decode.TRANSPOSE[structure.orientation])
    return Upright(np.asarray(image), width, height, "JPEG", rotated)


def _other(data, kind, cap):
    with warnings.catch_warnings():
        # Above Pillow's own limit it only warns; here that is a refusal like ours.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                _too_many(kind, image.width, image.height, cap)
                image.load()
                rotated = False
                if kind in ("PNG", "WebP"):
                    orientation = image.getexif().get(0x0112, 1)
                    if orientation in decode.TRANSPOSE:
                        image = image.transpose(decode.TRANSPOSE[orientation])
                        rotated = True
                # libheif applies the HEIF transforms (irot, imir) itself; an EXIF
                # orientation in a HEIF is only informative (pillow-heif resets it to 1),
                # so the photo was turned only when the file carries such a box.
                else:
                    rotated = any(box in data for box in HEIF_TRANSFORMS)
                image = _flatten(image)
        except Image.DecompressionBombWarning:
            raise InputProblem("too_many_pixels", kind, cap=cap) from None
    return Upright(np.asarray(image), image.width, image.height, kind, rotated)


def _flatten(image):
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image).convert("RGB")
    return image.convert("RGB")
