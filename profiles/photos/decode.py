"""What an upload really is, and its pixels decoded small.

The file name and the browser's content type are the participant's word; the bytes are
not. A JPEG is read at the marker level first (size, orientation, end of image), refused
above the pixel cap before any decoding, then decoded in JPEG draft mode at 1/2–1/8 scale:
the analysis needs a few hundred pixels, not megapixels, and memory stays bounded.
"""

import io
import struct

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from profiles.photos import jpeg

try:
    import magic
except ImportError:  # libmagic missing: the signatures below still name the common types
    magic = None

# What the participant should recognise, by MIME type as libmagic reports it.
TYPE_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/apng": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/heic-sequence": "HEIC",
    "image/heif": "HEIF",
    "image/heif-sequence": "HEIF",
    "image/avif": "AVIF",
    "image/bmp": "BMP",
    "image/x-ms-bmp": "BMP",
    "image/tiff": "TIFF",
    "image/svg+xml": "SVG",
    "image/vnd.adobe.photoshop": "PSD",
    "image/x-icon": "ICO",
    "image/vnd.microsoft.icon": "ICO",
    "application/pdf": "PDF",
    "text/html": "HTML",
    "text/xml": "XML",
    "application/xml": "XML",
    "image/x-canon-cr2": "RAW",
    "image/x-nikon-nef": "RAW",
    "image/x-adobe-dng": "RAW",
    "application/zip": "ZIP",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "video/mp4": "video MP4",
    "video/quicktime": "video MOV",
}

# Used when libmagic is not installed: (offset, bytes, name).
SIGNATURES = [
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (8, b"WEBP", "WebP"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
    (0, b"%PDF-", "PDF"),
    (0, b"BM", "BMP"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"PK\x03\x04", "ZIP"),
]

SNIFF_BYTES = 8192


class FormatProblem(Exception):
    """Why data cannot be checked as a JPEG photo.

    problem is one of "empty", "not_jpeg", "truncated", "unreadable", "too_many_pixels";
    found names the real type ("PNG", "JPEG"...); detail holds measured numbers.
    """

    def __init__(self, problem, found, **detail):
        super().__init__(problem)
        self.problem = problem
        self.found = found
        self.detail = detail


def identify(data):
    """A short name of the real type of data, for messages ("PNG", "HTML", "teks"...)."""
    if not data:
        return "kosong"
    head = data[:SNIFF_BYTES]
    if head.startswith(b"\xff\xd8"):
        return "JPEG"
    if magic is not None:
        try:
            mime = magic.from_buffer(head, mime=True)
        except magic.MagicException:
            mime = None
        if mime:
            if mime in TYPE_NAMES:
                return TYPE_NAMES[mime]
            if mime.startswith("text/"):
                return "teks"
    for offset, signature, name in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return name
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "HTML"
    return "tidak dikenal"


def pixel_cap(config):
    # Never above Pillow's own limit: an image we accept must not make Pillow warn
    # (DecompressionBombWarning) or refuse (DecompressionBombError) halfway.
    if Image.MAX_IMAGE_PIXELS is None:
        return config.max_pixels
    return min(config.max_pixels, Image.MAX_IMAGE_PIXELS)


def read_structure(data, config):
    """The JPEG structure of data; FormatProblem when it is not a complete, sane JPEG."""
    if not data:
        raise FormatProblem("empty", "kosong")
    try:
        structure = jpeg.parse(data, config.max_segments)
    except jpeg.NotJpeg:
        raise FormatProblem("not_jpeg", identify(data)) from None
    except jpeg.BrokenJpeg as error:
        raise FormatProblem(error.problem, "JPEG") from None
    pixels = structure.width * structure.height
    if pixels > pixel_cap(config):
        width, height = structure.display_size
        raise FormatProblem("too_many_pixels", "JPEG", width=width, height=height, pixels=pixels, cap=pixel_cap(config))
    return structure


def decode_reduced(data, structure, config, side=None):
    """The image as displayed (EXIF orientation applied), RGB, its shorter side about
    `side` pixels (default config.analysis_side), as a uint8 array (height, width, 3)."""
    side = side or config.analysis_side
    # Pillow gets the image without its metadata: the orientation is known already, and
    # its EXIF parser has nothing to trip (or warn) over in a damaged or huge EXIF block.
    data = jpeg.rebuild(data, structure, jpeg.is_adobe)
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            short = min(image.size)
            if short >= 2 * side:
                scale = short / side
                image.draft("RGB", (max(1, int(image.width / scale)), max(1, int(image.height / scale))))
            # The data is in memory: hand it to the decoder at once rather than in 64 KB
            # blocks (a few percent faster, libjpeg stays on its fast Huffman path).
            image.decodermaxblock = max(image.decodermaxblock, len(data))
            image = image.convert("RGB")
    except Image.DecompressionBombError:
        raise FormatProblem("too_many_pixels", "JPEG", pixels=structure.width * structure.height, cap=pixel_cap(config)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError):
        # Pillow reports broken entropy-coded data, unsupported JPEG flavours (arithmetic,
        # 12-bit, lossless) and short reads through these.
        raise FormatProblem("unreadable", "JPEG") from None
    short = min(image.size)
    if short > side:
        scale = side / short
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    if structure.orientation in TRANSPOSE:
        image = image.transpose(TRANSPOSE[structure.orientation])
    return np.asarray(image)


def reduce(rgb, side):
    """An RGB array reduced (pixel averaging) so its shorter side is `side`."""
    height, width = rgb.shape[:2]
    short = min(height, width)
    if short <= side:
        return rgb
    factor = short // side
    if short == factor * side and width % factor == 0 and height % factor == 0:
        # A whole factor (300×450 → 150×225, the usual case): OpenCV's block mean, the same
        # averaging as Pillow's BOX in a tenth of the time.
        return cv2.resize(rgb, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    scale = side / short
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX))


# EXIF orientation → the transposition that shows the image as intended.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
