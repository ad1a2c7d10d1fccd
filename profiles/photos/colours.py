"""Colour measurements in HSV: is it red, and what do people call it (in Indonesian).

Works on OpenCV's 8-bit HSV (hue in 2° steps 0–179, saturation and value 0–255): one
C call for the whole image, integer comparisons after. The thresholds in the config are
in degrees and 0–1 fractions and are converted here.
"""

import cv2
import numpy as np

MERAH = "merah"
# The names a participant would use, by index in the array that name_indices returns.
NAMES = (
    MERAH, "merah tua", "merah muda", "oranye", "cokelat", "kuning", "hijau", "biru",
    "ungu", "putih", "abu-abu", "hitam",
)
_INDEX = {name: index for index, name in enumerate(NAMES)}
# Saturated, non-red hues: upper bound in degrees → name.
HUE_BANDS = ((45.0, "oranye"), (70.0, "kuning"), (170.0, "hijau"), (255.0, "biru"), (315.0, "ungu"))
# Orange this dark reads as brown; pale reds as pink.
BROWN_MAX_VALUE = 0.55
PINK_MIN_VALUE = 0.6


def hsv(rgb):
    """8-bit HSV of an (..., 3) uint8 RGB array, same shape."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim == 3:
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    return cv2.cvtColor(rgb.reshape(1, -1, 3), cv2.COLOR_RGB2HSV).reshape(rgb.shape)


def _hue(degrees):
    return int(round(degrees / 2))


def _level(fraction):
    return int(round(fraction * 255))


def _red_hue(hue, config):
    return (hue >= _hue(config.red_hue_min)) | (hue <= _hue(config.red_hue_max))


def red_mask(pixels, config):
    """Which pixels (8-bit HSV, (..., 3)) are red."""
    hue, saturation, value = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (
        _red_hue(hue, config)
        & (saturation >= _level(config.red_min_saturation))
        & (value >= _level(config.red_min_value))
    )


def white_mask(pixels, max_saturation, min_value):
    return (pixels[..., 1] <= _level(max_saturation)) & (pixels[..., 2] >= _level(min_value))


def name_indices(pixels, config):
    """The index in NAMES of each pixel's colour name (pixels in 8-bit HSV)."""
    hue, saturation, value = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    names = np.full(hue.shape, _INDEX["merah muda"], dtype=np.uint8)  # 315° up to red
    for upper, name in reversed(HUE_BANDS):
        names[hue < _hue(upper)] = _INDEX[name]
    names[(names == _INDEX["oranye"]) & (value < _level(BROWN_MAX_VALUE))] = _INDEX["cokelat"]
    red_hue = _red_hue(hue, config)
    names[red_hue & (value >= _level(PINK_MIN_VALUE))] = _INDEX["merah muda"]
    names[red_hue & (value < _level(PINK_MIN_VALUE))] = _INDEX["cokelat"]
    names[red_hue & (saturation >= _level(config.red_min_saturation))] = _INDEX["merah tua"]
    names[red_mask(pixels, config)] = _INDEX[MERAH]
    grey = saturation < _level(config.grey_max_saturation)
    names[grey] = _INDEX["abu-abu"]
    names[grey & (value >= _level(config.white_min_value))] = _INDEX["putih"]
    names[value < _level(config.black_max_value)] = _INDEX["hitam"]
    return names


def name_of(rgb, config):
    """The colour name of one (r, g, b) colour."""
    return NAMES[int(name_indices(hsv(np.array([rgb], dtype=np.uint8)), config)[0])]


def is_red(rgb, config):
    return bool(red_mask(hsv(np.array([rgb], dtype=np.uint8)), config)[0])


def dominant(indices):
    """(name, share) of the most frequent colour name among the given name indices."""
    if indices.size == 0:
        return None, 0.0
    counts = np.bincount(indices.ravel(), minlength=len(NAMES))
    best = int(counts.argmax())
    return NAMES[best], float(counts[best]) / indices.size
