"""Phone-style photos built in code: the test portrait's head (photo_factory) above a drawn
shirt and tie, on walls people photograph themselves against (white, light blue, a grey
gradient, textured beige), in 3:4 and 9:16, optionally stored sideways with an EXIF
orientation, or as PNG, WebP or HEIC.

The person's mask is known exactly (the hand-drawn head outline and the drawn shirt), so
the fixer's segmentation is measured against an independent truth, not against itself.
"""

import io
from functools import lru_cache

import numpy as np
from PIL import ExifTags, Image

from tests import photo_factory

WALLS = ("white", "light_blue", "grey_gradient", "beige_texture")


@lru_cache(maxsize=16)
def _wall(kind, width, height, seed):
    rng = np.random.default_rng(seed)
    if kind == "white":
        base = np.full((height, width, 3), (243, 243, 240), np.float32)
    elif kind == "light_blue":
        base = np.full((height, width, 3), (196, 218, 238), np.float32)
    elif kind == "grey_gradient":
        shade = np.linspace(205, 140, height, dtype=np.float32)[:, None, None]
        base = np.repeat(np.repeat(shade, width, axis=1), 3, axis=2) * np.array([1.0, 1.0, 1.02], np.float32)
    elif kind == "beige_texture":
        blotches = rng.normal(0, 1, (height // 16 + 1, width // 16 + 1)).astype(np.float32)
        blotches = np.asarray(Image.fromarray(blotches).resize((width, height), Image.Resampling.BICUBIC))
        base = np.array((222, 202, 168), np.float32) + 9 * blotches[..., None]
    else:
        raise ValueError(kind)
    return np.clip(base, 0, 255).astype(np.uint8)


def wall(kind, width, height, seed=0):
    return Image.fromarray(_wall(kind, width, height, seed))


def compose(wall_kind="white", width=1200, height=1600, face_width=0.3, face_center=(0.5, 0.36), people=1, shirt="white", noise=2.0, seed=0):
    """(image, person mask as a bool array) of the photo as displayed."""
    canvas = wall(wall_kind, width, height, seed)
    truth = Image.new("RGB", (width, height), (0, 0, 0))
    centres = [face_center[0] * width] if people == 1 else [(i + 0.5) / people * width for i in range(people)]
    size = face_width * width if people == 1 else face_width * width / people * 1.1
    for cx in centres:
        photo_factory._paste_person(canvas, cx, face_center[1] * height, size, shirt)
        _paste_silhouette(truth, cx, face_center[1] * height, size, shirt)
    pixels = np.asarray(canvas, dtype=np.float32)
    if noise:
        grain = np.random.default_rng(seed).normal(0, noise, pixels.shape[:2]).astype(np.float32)
        pixels = pixels + grain[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image, np.asarray(truth)[..., 0] > 127


def _paste_silhouette(canvas, cx, cy, fw, shirt):
    """The same person as photo_factory._paste_person draws, in white on black."""
    layer = Image.new("RGB", canvas.size, (0, 0, 0))
    photo_factory._paste_person(layer, cx, cy, fw, shirt and (255, 255, 255))
    # The head is pasted through its alpha: paint it white through the same alpha.
    x, y, size = photo_factory.PORTRAIT_FACE
    scale = fw / size
    head = photo_factory._head()
    alpha = head.getchannel("A").resize((round(head.width * scale), round(head.height * scale)), Image.Resampling.LANCZOS)
    left = round(cx - (x + size / 2) * scale)
    top = round(cy - (y + size / 2) * scale)
    layer.paste((255, 255, 255), (left, top), alpha)
    grey = np.asarray(layer)[..., 0]
    mask = Image.fromarray(((grey > 127) * 255).astype(np.uint8))
    canvas.paste((255, 255, 255), (0, 0), mask)


def encode(image, fmt="JPEG", quality=92, exif_orientation=None):
    """The image as a file of type fmt; with exif_orientation stored turned, as phones do."""
    options = {}
    if exif_orientation is not None:
        image = image.transpose(photo_factory.INVERSE[exif_orientation])
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = exif_orientation
        options["exif"] = exif
    if fmt in ("JPEG", "WEBP", "HEIF"):
        options["quality"] = quality
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def phone_photo(wall_kind="white", width=1200, height=1600, fmt="JPEG", exif_orientation=None, quality=92, **options):
    image, _ = compose(wall_kind, width, height, **options)
    return encode(image, fmt, quality, exif_orientation)


def upright(data):
    """The pixels of a test file as displayed (what the fixer starts from)."""
    from PIL import ImageOps

    import pillow_heif

    pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def enlarged(data, side=3000):
    """A photo (bytes) enlarged to `side` pixels on its shorter side, as a 92 % JPEG: a small
    real photo as a phone would deliver it (12 MP at 3:4 for 3000)."""
    with Image.open(io.BytesIO(data)) as image:
        scale = side / min(image.size)
        image = image.convert("RGB").resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    return encode(image, "JPEG", 92)
