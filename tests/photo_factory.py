"""ID-like photos and bad uploads built in code for the photo tests and the bench.

`make_id_photo()` composes the head of the real portrait in tests/fixtures/astronaut.png
(see its README) onto a coloured background above a drawn shirt and tie, in head-to-chest
framing: the portrait's face box (as OpenCV finds it at full size) is `face_width` of the
photo width, its centre at `face_center` (fractions of width and height; HivisionIDPhotos
puts it at 50 %, 45 %). The checks, detecting on a reduced image, measure the box 2–7 %
wider. `people=2` puts two smaller portraits side by side; `sunglasses=True` hides the
eyes; `noise` adds sensor grain (the bench uses it to reach 1 MB-class files).
"""

import io
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageDraw, ImageFilter

PORTRAIT = Path(__file__).parent / "fixtures" / "astronaut.png"

# Where OpenCV's frontal-face cascade finds the face in the 512×512 portrait (x, y, size),
# and an outline of her head (hair, face, chin) drawn by hand in the same coordinates.
PORTRAIT_FACE = (177, 66, 95)
HEAD_OUTLINE = [
    (235, 16), (258, 19), (280, 33), (296, 60), (301, 92), (298, 112), (290, 122), (276, 131),
    (272, 146), (265, 166), (248, 178), (224, 183), (203, 178), (189, 165), (181, 145),
    (176, 127), (160, 117), (153, 95), (157, 66), (176, 41), (198, 26), (215, 18),
]
SKIN = (206, 160, 140)

RED = (215, 69, 50)
SHIRTS = {"white": (244, 244, 242), "dark": (38, 40, 52), "blue": (70, 110, 190)}
TIE = (40, 52, 96)

# EXIF orientation → the transposition a viewer applies to display the stored image.
DISPLAY = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
INVERSE = {**DISPLAY, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@lru_cache(maxsize=2)
def _head(sunglasses=False):
    """The portrait's head as RGBA with a soft-edged mask, optionally behind dark glasses."""
    portrait = Image.open(PORTRAIT).convert("RGB")
    if sunglasses:
        draw = ImageDraw.Draw(portrait)
        draw.ellipse([185, 88, 217, 112], fill=(20, 20, 25))
        draw.ellipse([231, 90, 263, 114], fill=(20, 20, 25))
        draw.line([217, 98, 231, 99], fill=(20, 20, 25), width=3)
    mask = Image.new("L", portrait.size, 0)
    ImageDraw.Draw(mask).polygon(HEAD_OUTLINE, fill=255)
    head = portrait.copy()
    head.putalpha(mask.filter(ImageFilter.GaussianBlur(1)))
    return head


def _paste_person(canvas, cx, cy, fw, shirt, sunglasses=False):
    """Draw a shirt, tie and neck, then paste the head so its face box is fw wide at (cx, cy)."""
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas)
    chin = cy + 0.72 * fw
    if shirt is not None:
        colour = SHIRTS.get(shirt, shirt)
        draw.rectangle([cx - 0.27 * fw, cy + 0.3 * fw, cx + 0.27 * fw, chin + 0.3 * fw], fill=SKIN)
        draw.polygon(
            [
                (cx - 0.5 * fw, chin + 0.25 * fw), (cx - 1.35 * fw, chin + 0.6 * fw),
                (cx - 1.7 * fw, chin + 1.2 * fw), (cx - 1.8 * fw, height),
                (cx + 1.8 * fw, height), (cx + 1.7 * fw, chin + 1.2 * fw),
                (cx + 1.35 * fw, chin + 0.6 * fw), (cx + 0.5 * fw, chin + 0.25 * fw),
            ],
            fill=colour,
        )
        draw.polygon(
            [
                (cx - 0.07 * fw, chin + 0.3 * fw), (cx + 0.07 * fw, chin + 0.3 * fw),
                (cx + 0.14 * fw, height), (cx - 0.14 * fw, height),
            ],
            fill=TIE,
        )
    x, y, size = PORTRAIT_FACE
    scale = fw / size
    head = _head(sunglasses)
    scaled = head.resize((round(head.width * scale), round(head.height * scale)), Image.Resampling.LANCZOS)
    left = round(cx - (x + size / 2) * scale)
    top = round(cy - (y + size / 2) * scale)
    canvas.paste(scaled, (left, top), scaled)


def compose(
    width=600,
    height=900,
    background=RED,
    face=True,
    shirt="white",
    people=1,
    face_width=0.45,
    face_center=(0.5, 0.42),
    noise=0.0,
    seed=1,
    sunglasses=False,
):
    """The photo as displayed, an RGB PIL image."""
    canvas = Image.new("RGB", (width, height), background)
    if people == 1:
        if face:
            _paste_person(canvas, face_center[0] * width, face_center[1] * height, face_width * width, shirt, sunglasses)
        elif shirt is not None:
            ImageDraw.Draw(canvas).rectangle([0.1 * width, 0.7 * height, 0.9 * width, height], fill=SHIRTS.get(shirt, shirt))
    else:
        for i in range(people):
            cx = (i + 0.5) / people * width
            _paste_person(canvas, cx, face_center[1] * height, face_width * width / people * 1.1, shirt)
    if noise:
        # Sensor grain as phones leave it: in brightness only (their processing removes
        # colour noise), `noise` the standard deviation in levels.
        pixels = np.asarray(canvas, dtype=np.float32)
        grain = np.random.default_rng(seed).normal(0, noise, pixels.shape[:2]).astype(np.float32)
        canvas = Image.fromarray(np.clip(pixels + grain[..., None], 0, 255).astype(np.uint8))
    return canvas


def make_id_photo(
    width=600,
    height=900,
    background=RED,
    face=True,
    shirt="white",
    quality=90,
    exif_orientation=None,
    mode="RGB",
    people=1,
    face_width=0.45,
    face_center=(0.5, 0.42),
    noise=0.0,
    gps=False,
    comment=None,
    xmp=None,
    progressive=False,
    icc_profile=None,
    seed=1,
    sunglasses=False,
):
    """A JPEG whose *displayed* image is width×height.

    With exif_orientation the pixels are stored transposed, as a phone does, and the
    EXIF tag tells viewers how to turn them back.
    """
    image = compose(width, height, background, face, shirt, people, face_width, face_center, noise, seed, sunglasses)
    exif = Image.Exif()
    if exif_orientation is not None:
        exif[ExifTags.Base.Orientation] = exif_orientation
        if exif_orientation in INVERSE:
            image = image.transpose(INVERSE[exif_orientation])
    if gps:
        exif[ExifTags.Base.Make] = "Kamera Uji"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "S"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (6.0, 10.0, 30.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 40.0)
    if mode != "RGB":
        image = image.convert(mode)
    options = {"quality": quality, "progressive": progressive}
    if len(exif):
        options["exif"] = exif
    if comment:
        options["comment"] = comment
    if xmp:
        options["xmp"] = xmp
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def red_card(fmt, width=400, height=600):
    """A plain red 4:6 image in another format (PNG, GIF, WEBP, PDF...)."""
    return encode(Image.new("RGB", (width, height), RED), fmt)


HEIC_HEADER = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Foto</title></head><body>foto</body></html>\n"


def segment(marker, payload):
    """A JPEG marker segment (APPn, COM) holding payload."""
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def insert_after_soi(jpeg, *segments):
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def pad_to_size(jpeg, size):
    """The same JPEG padded with COM segments right after SOI to exactly `size` bytes."""
    missing = size - len(jpeg)
    if missing == 0:
        return jpeg
    assert missing >= 4, "no room for a COM segment"
    comments = []
    while missing:
        # A segment carries at most 65,533 payload bytes; never leave fewer than 4 for the next.
        take = min(missing, 65_537)
        if 0 < missing - take < 4:
            take -= 4
        comments.append(segment(0xFE, b"x" * (take - 4)))
        missing -= take
    padded = insert_after_soi(jpeg, *comments)
    assert len(padded) == size
    return padded


def with_dimensions(jpeg, width, height):
    """The same JPEG with the frame header (SOF) claiming other dimensions."""
    position = 2
    while True:
        marker = jpeg[position + 1]
        length = struct.unpack(">H", jpeg[position + 2 : position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            start = position + 5
            return jpeg[:start] + struct.pack(">HH", height, width) + jpeg[start + 4 :]
        position += 2 + length
