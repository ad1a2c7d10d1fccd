"""The stored copy of an accepted photo: as displayed, without metadata, same quality.

A photo already upright, baseline and in RGB/greyscale keeps its compressed data byte
for byte; only the metadata segments go. Otherwise (EXIF rotation, progressive, CMYK)
it is decoded and re-encoded once, baseline, with its own quantisation tables, so
neither quality nor size changes noticeably.
"""

import io
import struct

from PIL import Image, ImageCms, JpegImagePlugin, UnidentifiedImageError

from profiles.photos import jpeg
from profiles.photos.config import get_config
from profiles.photos.decode import TRANSPOSE, pixel_cap

# Quality for the rare image whose own tables cannot be reused.
FALLBACK_QUALITY = 95


def sanitize_jpeg(data, config=None):
    """A clean JPEG of data, which must be a JPEG (as accepted by check_photo).

    Raises ValueError (jpeg.NotJpeg, jpeg.BrokenJpeg) when data is not a JPEG, is cut short
    or is over the pixel cap; never for data that passed check_photo.
    """
    config = config or get_config()
    data = bytes(data)
    structure = jpeg.parse(data, config.max_segments)
    if structure.width * structure.height > pixel_cap(config):
        raise jpeg.BrokenJpeg("too_many_pixels", "over the pixel cap")
    keep = _keeper(icc_profile_is_valid(data, structure))
    if structure.orientation == 1 and structure.frame_marker in jpeg.SEQUENTIAL and structure.components in (1, 3):
        stripped = strip_metadata(data, structure, keep)
        if stripped is not None:
            return stripped
    try:
        return reencode(data, structure, keep)
    except jpeg.BrokenJpeg:
        # Decoded at reduced size for the checks but not at full size: keep the image
        # data as it is, still without the metadata, rather than lose the upload.
        return jpeg.rebuild(data, structure, keep, extra=_jfif(data, structure))


def icc_profile(data, structure):
    """The embedded ICC profile, its APP2 chunks joined in their sequence order; b"" if none."""
    chunks = []
    for segment in structure.header:
        payload = segment.payload(data)
        if jpeg.is_icc_profile(segment.marker, payload) and len(payload) >= 14:
            chunks.append((payload[12], payload[14:]))
    return b"".join(chunk for _, chunk in sorted(chunks, key=lambda item: item[0]))


def icc_profile_is_valid(data, structure):
    """Only a profile that LittleCMS parses is kept: the label "ICC_PROFILE" alone proves
    nothing, and any bytes (an HTML page included) can follow it."""
    profile = icc_profile(data, structure)
    if not profile:
        return False
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return False
    return True


def _keeper(icc_ok):
    def keep(marker, payload):
        """Metadata worth keeping: a valid colour profile and the Adobe colour-transform flag."""
        if jpeg.is_icc_profile(marker, payload):
            return icc_ok
        return jpeg.is_adobe(marker, payload)

    return keep


def _jfif(data, structure):
    """The JFIF header without its thumbnail, keeping the density (used for printing);
    empty when there was none (adding one could change how the colours are read)."""
    for segment in structure.header:
        payload = segment.payload(data)
        if segment.marker == jpeg.APP0 and payload.startswith(b"JFIF\x00") and len(payload) >= 12:
            units = payload[7]
            x_density, y_density = struct.unpack(">HH", payload[8:12])
            if units > 2 or not x_density or not y_density:
                units, x_density, y_density = 0, 1, 1
            density = struct.pack(">BHHBB", units, x_density, y_density, 0, 0)
            return b"\xff\xe0\x00\x10JFIF\x00\x01\x02" + density
    return b""


def strip_metadata(data, structure, keep):
    """The same compressed image without EXIF, XMP, IPTC, comments and anything after its
    end; None when the image data cannot be walked."""
    parts = [jpeg.header(data, structure, keep, extra=_jfif(data, structure))]
    for marker, start, end in jpeg.walk_image_data(data, structure.scan_start):
        if not jpeg.is_metadata(marker) or keep(marker, data[start + 4 : end]):
            parts.append(data[start:end])
        if marker == jpeg.EOI:
            return b"".join(parts)
    return None


def reencode(data, structure, keep):
    data = jpeg.rebuild(data, structure, keep, extra=_jfif(data, structure))
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            tables = [table for _, table in sorted(getattr(image, "quantization", {}).items())]
            sampling = JpegImagePlugin.get_sampling(image)
            icc = image.info.get("icc_profile")
            dpi = image.info.get("dpi")
            mode = image.mode
            image.load()
            shown = image.transpose(TRANSPOSE[structure.orientation]) if structure.orientation in TRANSPOSE else image.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError, Image.DecompressionBombError):
        raise jpeg.BrokenJpeg("unreadable", "cannot be decoded") from None
    if mode not in ("RGB", "L"):
        # CMYK (and the rare YCCK/YCbCr-tagged files) are stored as plain RGB: certificate
        # and PDF tools read it everywhere. A CMYK colour profile no longer applies.
        shown = shown.convert("RGB")
        icc = icc if mode == "YCbCr" else None
    options = {"progressive": False, "optimize": False}
    if icc:
        options["icc_profile"] = icc
    if dpi:
        options["dpi"] = dpi
    if sampling != -1 and shown.mode == "RGB":
        options["subsampling"] = sampling
    wanted = 1 if shown.mode == "L" else 2
    if len(tables) >= wanted and mode in ("RGB", "L", "YCbCr"):
        try:
            return _save(shown, qtables=tables[:wanted], **options)
        except (ValueError, OSError):
            pass
    return _save(shown, quality=FALLBACK_QUALITY, **options)


def _save(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()

