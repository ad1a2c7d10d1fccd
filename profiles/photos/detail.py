"""Whether a face was enlarged after it was taken: the pixels a photo claims are not always
the detail it holds. A 112×112 face crop enlarged to 12 MP has a 1,400-pixel face with no
more detail than the 112 pixels it came from.

The measure is the face's power spectrum (grey, Hann-windowed): the frequency below which
99.5 % of its energy (above the lowest frequencies) lies, in cycles per pixel (0.5 is the
finest a pixel grid holds), at the size the fixer decodes the photo. Measured on the
real-photo corpus (tests/corpus.py): 45 faces photographed at their size, soft video
frames, TV stills and group photos included, 0.185–0.457; Grace Hopper, Audrey Hepburn and
Sean Connery enlarged 5.8–8.5× to 12 MP (decoded at half size, so 2.9–4.3× there)
0.13–0.15; the 112-px Tom Hanks crop enlarged 18× to 12 MP 0.079. Under ENLARGED_BELOW
the photo was enlarged about 4× or more (a screenshot of a zoom, a small crop blown up).

How much detail a face really has cannot be told apart from how soft the photo is: a soft
but genuine 200-px face (the face-api groups, 0.20) measures like an 80-px face enlarged.
So only the strong enlargement is refused (fix.py: resolution_low), not softness.
"""

import numpy as np

ENERGY = 0.995
ENLARGED_BELOW = 0.1
# The lowest frequencies (shading across the face) say nothing about detail.
LOWEST = 0.02
# The spectrum of a face box larger than this is measured on the box reduced by pixel
# averaging, which keeps every frequency below the new Nyquist limit (and the cost flat).
MAX_SIDE = 512


def cutoff(grey):
    """Cycles per pixel below which ENERGY of the detail in `grey` (2-D array) lies."""
    grey = np.asarray(grey, np.float32)
    height, width = grey.shape
    if min(height, width) < 16:
        return 0.5
    grey = grey - grey.mean()
    window = np.outer(np.hanning(height), np.hanning(width)).astype(np.float32)
    power = np.abs(np.fft.fft2(grey * window)) ** 2
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.fftfreq(width)[None, :]
    radius = np.hypot(fy, fx)
    keep = (radius > LOWEST) & (radius <= 0.5)
    radius, power = radius[keep], power[keep]
    order = np.argsort(radius)
    energy = np.cumsum(power[order])
    if energy[-1] <= 0:
        return 0.5
    return float(radius[order][np.searchsorted(energy, ENERGY * energy[-1])])


def enlarged(rgb, box):
    """Whether the face in `box` (landmarks.Box, in rgb's pixels) of the decoded photo
    `rgb` was enlarged about 4× or more (see the module docstring)."""
    import cv2

    height, width = rgb.shape[:2]
    x0, y0 = max(0, int(box.x)), max(0, int(box.y))
    x1, y1 = min(width, int(box.x + box.w)), min(height, int(box.y + box.h))
    if x1 - x0 < 16 or y1 - y0 < 16:
        return False
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    factor = max(1, int(np.ceil(max(grey.shape) / MAX_SIDE)))
    if factor > 1:
        grey = cv2.resize(grey, (grey.shape[1] // factor, grey.shape[0] // factor), interpolation=cv2.INTER_AREA)
    return cutoff(grey) / factor < ENLARGED_BELOW
