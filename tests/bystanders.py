"""Photos with a bystander, built in code: a speaker with a colleague at the edge of the
frame, from the drawn test portrait or from a real group photo (tracking's faces.jpg)."""

import io

import numpy as np
from PIL import Image

from tests import photo_factory, walls


def drawn_speaker_with_colleague(width=1200, height=1600, wall="light_blue", offset=1.3):
    """A JPEG: the participant in the middle (face box 0.3 of the width) and a colleague
    standing behind, `offset` face widths to the right, half cut by the crop's edge."""
    canvas = walls.wall(wall, width, height)
    face = 0.3 * width
    cx, cy = 0.5 * width, 0.36 * height
    photo_factory._paste_person(canvas, cx + offset * face, cy - 0.02 * height, 0.95 * face, "blue")
    photo_factory._paste_person(canvas, cx, cy, face, "white")
    grain = np.random.default_rng(0).normal(0, 2.0, (height, width)).astype(np.float32)
    pixels = np.clip(np.asarray(canvas, np.float32) + grain[..., None], 0, 255).astype(np.uint8)
    return walls.encode(Image.fromarray(pixels))


# tracking's faces.jpg (600×346): three men, face centres at x ≈ 92, 275, 502 and about
# 88 px wide. The right one is moved next to the one in the middle.
SPEAKER_X = 275
COLLEAGUE = (445, 600)  # the right man's columns
COLLEAGUE_X = 502


def real_speaker_with_colleague(faces_jpg, offset=1.45, scale=2.0):
    """A phone-like JPEG from faces.jpg: the man in the middle, the man on the right pasted
    `offset` face widths from him (his face half inside the fixer's crop), cropped to 3:4
    around the speaker and enlarged `scale` times (enough for the print, short of what the
    fixer refuses as resolution_low)."""
    with Image.open(io.BytesIO(faces_jpg)) as image:
        image = image.convert("RGB")
    colleague = image.crop((COLLEAGUE[0], 0, COLLEAGUE[1], image.height))
    left = round(SPEAKER_X + offset * 88 - (COLLEAGUE_X - COLLEAGUE[0]))
    image.paste(colleague, (left, 0))
    width = round(image.height * 3 / 4)
    x0 = SPEAKER_X - width // 2
    crop = image.crop((x0, 0, x0 + width, image.height))
    crop = crop.resize((round(scale * crop.width), round(scale * crop.height)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    crop.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()
