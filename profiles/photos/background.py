"""The background above the shoulders: how much of it is red, and what colour it is."""

from dataclasses import dataclass

import numpy as np

from profiles.photos import colours


@dataclass(frozen=True)
class Background:
    red_share: float
    dominant: str | None
    dominant_share: float
    pixels: int


# Colours are measured on every other pixel in both directions: a quarter of the work,
# and still thousands of pixels on the ~150×225 analysis image.
STEP = 2


def shoulder_line(box, config):
    """The row (float) of the shoulders below a face box: the background region ends
    there, and below it the fixer counts everything as the participant's body."""
    return box.cy + config.shoulders_below * box.w


def region(shape, faces, config, step=1):
    """A mask of the background, for the pixels [::step, ::step] of an image of the given
    shape: with faces, the part above the shoulders outside each head (an ellipse around
    hair or hijab, widening below the chin); without, a top band and two side strips down
    to half the height."""
    height, width = shape[:2]
    rows = np.arange(0, height, step, dtype=np.float32)[:, None]
    columns = np.arange(0, width, step, dtype=np.float32)[None, :]
    if faces:
        main = faces[0]
        above_shoulders = rows < shoulder_line(main, config)
        # When the head nearly fills the frame, the zones shrink towards the hair line
        # before giving up on them.
        for tightness in (1.0, 0.9, 0.8):
            mask = np.repeat(above_shoulders, len(columns[0]), axis=1)
            for face in faces:
                dx = ((columns - face.cx) / (tightness * config.head_halfwidth * face.w)) ** 2
                dy = ((rows - (face.cy - config.head_rise * face.w)) / (tightness * config.head_halfheight * face.w)) ** 2
                mask &= dx + dy > 1
                drape = (rows > face.cy + config.drape_below * face.w) & (
                    np.abs(columns - face.cx) < tightness * config.drape_halfwidth * face.w
                )
                mask &= ~drape
            if mask.sum() >= config.background_min_area * mask.size:
                return mask
    top = rows < round(config.background_top * height)
    side = round(config.background_side * width)
    strips = ((columns < side) | (columns >= width - side)) & (rows < round(config.background_bottom * height))
    return top | strips


def measure(hsv, faces, config):
    """The background of an image given in 8-bit HSV (colours.hsv)."""
    pixels = hsv[::STEP, ::STEP][region(hsv.shape, faces, config, STEP)]
    if len(pixels) == 0:
        return Background(0.0, None, 0.0, 0)
    red = colours.red_mask(pixels, config)
    name, share = colours.dominant(colours.name_indices(pixels, config))
    return Background(float(red.mean()), name, share, len(pixels))


def side_margins(shape, face, config):
    """The upper side margins outside the participant's head (bool, `shape`): the side
    strips of the checks' background region (config.background_side of the width on each
    side), down to the shoulders, without the head ellipse and the drape of `face` (a
    landmarks.Box, or anything with cx, cy and w). A bystander shows here."""
    height, width = shape[:2]
    side = round(config.background_side * width)
    columns = np.arange(width)[None, :]
    strips = (columns < side) | (columns >= width - side)
    return region(shape, [face], config) & strips


def ghost_share(rgb, face, config):
    """The share of the upper side margins (side_margins) that is not red, for an RGB image."""
    margins = side_margins(rgb.shape, face, config)
    if not margins.any():
        return 0.0
    red = colours.red_mask(colours.hsv(rgb)[margins], config)
    return float(1 - red.mean())
