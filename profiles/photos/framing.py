"""Where the 4:6 head-to-chest crop lies in a photo, levelled on the eye line.

Everything is measured on the reduced analysis image, in its "levelled" frame: rotated
about the face so that the eye line is horizontal. The crop is an upright rectangle in
that frame; the fixer maps it back with one affine warp (rotate, scale, crop together).
"""

from dataclasses import dataclass

import cv2
import numpy as np

from profiles.photos import landmarks

# Above the forehead point (10, about the hairline) the skull reaches at least ~0.4 of
# the forehead-to-chin height (the astronaut portrait's hair: 0.53). Used when the mask
# ends lower (white headwear lost on a light wall) or finds nothing.
CROWN_ABOVE_FOREHEAD = 0.4
# The crown is the first row in which the person covers half of a band of ±0.3 face
# widths around the face centre, searched up to 1.2 face heights above the forehead.
CROWN_BAND = 0.3
CROWN_SEARCH = 1.2
# The head is cut off when the person reaches the top edge of the photo over 30 % of
# that band.
CUT_OFF_SHARE = 0.3


class FramingProblem(Exception):
    def __init__(self, code, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Crop:
    matrix: np.ndarray  # 2×3 affine map, analysis-image pixels → output pixels
    face_share: float  # face width over the crop width
    upscale: float  # output pixels per pixel of the full-size photo
    crown_from_mask: bool  # False: the crown was estimated from the landmarks
    crown_row: float  # in output pixels
    roll: float


def plan(face, mask, full_width, config):
    """The crop for `face` (landmarks.Face) in the analysis image whose person mask is
    `mask`; `full_width` is the photo's width at full size. Raises FramingProblem."""
    height, width = mask.shape
    centre = (float(face.box.cx), float(face.box.cy))
    rotation = cv2.getRotationMatrix2D(centre, face.roll, 1.0)
    points = face.points @ rotation[:, :2].T + rotation[:, 2]
    oval = points[list(landmarks.FACE_OVAL)]
    face_width = face.width
    cx = float(oval[:, 0].min() + oval[:, 0].max()) / 2
    forehead = float(points[landmarks.FOREHEAD][1])
    face_height = float(points[landmarks.CHIN][1]) - forehead

    # The top of the photo cuts the head: the person touches the top edge above the face.
    band = slice(max(0, round(face.box.cx - CROWN_BAND * face_width)), round(face.box.cx + CROWN_BAND * face_width) + 1)
    if (mask[:2, band] > 0.5).mean() > CUT_OFF_SHARE:
        raise FramingProblem("head_cut_off")

    levelled = cv2.warpAffine(mask, rotation, (width, height), flags=cv2.INTER_LINEAR, borderValue=0)
    estimate = forehead - CROWN_ABOVE_FOREHEAD * face_height
    crown, from_mask = estimate, False
    top = max(0, int(forehead - CROWN_SEARCH * face_height))
    columns = slice(max(0, round(cx - CROWN_BAND * face_width)), round(cx + CROWN_BAND * face_width) + 1)
    rows = np.flatnonzero((levelled[top : max(top, int(forehead)), columns] > 0.5).mean(axis=1) >= 0.5)
    if len(rows) and top + rows[0] < estimate:
        crown, from_mask = float(top + rows[0]), True
    if _to_photo(rotation, (cx, crown))[1] < 0:
        raise FramingProblem("head_cut_off")

    source = cv2.transform(np.array([[[0, 0], [width, 0], [width, height], [0, height]]], np.float32), rotation)[0]
    aspect = config.output_height / config.output_width
    crop_width = face_width / config.face_share
    while True:
        crop_height = aspect * crop_width
        crop_top = crown - config.headroom * crop_height
        left, right, bottom = cx - crop_width / 2, cx + crop_width / 2, crop_top + crop_height
        # Only the headroom above the hair may lie outside the photo (it is filled with
        # the background); from the crown down, the crop must be real pixels.
        corners = [(left, crown), (right, crown), (left, bottom), (right, bottom)]
        if all(cv2.pointPolygonTest(source, corner, True) >= -0.5 for corner in corners):
            break
        crop_width *= 0.98
        if face_width / crop_width > config.max_face_share:
            raise FramingProblem("too_close")

    scale = config.output_width / crop_width
    upscale = scale * width / full_width
    if upscale > config.max_upscale:
        raise FramingProblem("face_too_small", upscale=upscale)
    placing = np.array([[scale, 0, -scale * left], [0, scale, -scale * crop_top]])
    matrix = placing @ np.vstack([rotation, [0, 0, 1]])
    return Crop(matrix, face_width / crop_width, upscale, from_mask, (crown - crop_top) * scale, face.roll)


def _to_photo(rotation, point):
    inverse = cv2.invertAffineTransform(rotation)
    return inverse @ np.array([point[0], point[1], 1.0])
