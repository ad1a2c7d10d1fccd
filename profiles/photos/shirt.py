"""The chest below the face: is it a white shirt (no jacket)?"""

import numpy as np

from profiles.photos import colours
from profiles.photos.background import STEP

# Below the face box, the chin (0.3 face widths) and the collar come first.
BELOW_FACE = 0.7
# Half the width of the tie, in face widths, and the reach of the chest to each side.
TIE = 0.25
CHEST = 1.2


def region(shape, face, step=1):
    """A mask of the chest beside the tie, for the pixels [::step, ::step]; without a face,
    the central part of the lowest 15 %."""
    height, width = shape[:2]
    rows = np.arange(0, height, step, dtype=np.float32)[:, None]
    columns = np.arange(0, width, step, dtype=np.float32)[None, :]
    if face is None:
        top, cx, reach, tie = 0.85 * height, width / 2, 0.3 * width, 0.08 * width
    else:
        top = face.y + face.h + BELOW_FACE * face.w
        cx, reach, tie = face.cx, CHEST * face.w, TIE * face.w
    # Always look at the lowest tenth at least, even when the face sits low.
    top = min(top, 0.9 * height)
    offset = np.abs(columns - cx)
    return (rows >= top) & (offset >= tie) & (offset < reach)


def white_share(hsv, face, config):
    """The share of white pixels on the chest, in an image given in 8-bit HSV (colours.hsv)."""
    pixels = hsv[::STEP, ::STEP][region(hsv.shape, face, STEP)]
    if len(pixels) == 0:
        return 0.0
    return float(colours.white_mask(pixels, config.shirt_max_saturation, config.shirt_min_value).mean())
