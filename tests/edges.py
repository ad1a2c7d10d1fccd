"""The wall left at the edge of a fixed photo: a measure for the edge tests and
bench/photo_fix.py."""

import cv2
import numpy as np

from tests.photo_factory import RED


def edge_residue(source, output, band=30, radius=40, tolerance=15.0, where=False):
    """Output pixels within `band` px of the person's edge that still show the wall: their
    input pixel (`source`, the input warped into the output) lies within `tolerance` (CIE
    Lab) of the local wall colour (the mean of the input where the output is red, within
    `radius`), and the output pixel is not red but on the way from red to that wall colour
    (more wall than red). Returns (pixels, band pixels)."""
    def lab(rgb):
        return cv2.cvtColor(np.ascontiguousarray(rgb).astype(np.float32) / 255, cv2.COLOR_RGB2LAB)

    out, src = lab(output), lab(source)
    red = lab(np.array([[RED]], np.uint8))[0, 0]
    is_red = np.linalg.norm(out - red, axis=2) < 10
    person = (~is_red).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1,) * 2)
    near_edge = (cv2.dilate(person, kernel) > 0) & (cv2.erode(person, kernel) == 0)
    wall = cv2.erode(is_red.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(np.float32)
    size = (2 * radius + 1,) * 2
    weight = cv2.boxFilter(wall, -1, size)
    local = cv2.boxFilter(src * wall[..., None], -1, size) / np.maximum(weight, 1e-6)[..., None]
    known = near_edge & (weight > 0.05)
    towards = local - red
    position = ((out - red) * towards).sum(axis=2) / np.maximum((towards**2).sum(axis=2), 1e-6)
    position = np.clip(position, 0, 1)
    off = np.linalg.norm(out - (red + position[..., None] * towards), axis=2)
    source_wall = np.linalg.norm(src - local, axis=2) < tolerance
    left = known & ~is_red & source_wall & (position > 0.5) & (off < 12)
    if where:
        return left
    return int(left.sum()), int(known.sum())


def wall_left(source, truth, output):
    """Against the person's true alpha (`truth`, 0–1, warped into the output like `source`):
    (wall pixels left, person pixels lost). A pixel of pure wall (truth < 0.05) is left when
    its output is more wall than red (nearer its own input colour than the red, along the
    line between them); a pixel of the sure person (truth > 0.95) is lost when its output is
    more red than person."""
    out, src = output.astype(np.float32), source.astype(np.float32)
    red = np.array(RED, np.float32)
    towards = src - red
    position = ((out - red) * towards).sum(axis=2) / np.maximum((towards**2).sum(axis=2), 1.0)
    separated = np.linalg.norm(towards, axis=2) > 30
    left = (truth < 0.05) & separated & (position > 0.5)
    lost = (truth > 0.95) & separated & (position < 0.5)
    return int(left.sum()), int(lost.sum())


def perfect_cutout(source, truth):
    """The output a perfect matte would give (the person's true alpha over the red): what
    edge_residue should find no wall in, and wall_left finds none in."""
    alpha = truth.astype(np.float32)[..., None]
    ideal = alpha * source.astype(np.float32) + (1 - alpha) * np.array(RED, np.float32)
    return np.clip(np.rint(ideal), 0, 255).astype(np.uint8)
