"""Faces found by MediaPipe's Face Landmarker (vendored model): the 478-point mesh in pixels,
the eye-blink scores, and the measures the photo rules need.

Runs on an RGB image whose shorter side is a few hundred pixels: in a head-to-chest photo
the face is then 100–200 px wide. Below ~30 px of face width the blink scores of open eyes
climb to 0.2 and more (measured on the test portraits), so the caller decodes large enough.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from profiles.photos import vendored

MODEL = "face_landmarker.task"

# Mesh indices (MediaPipe canonical face mesh).
FOREHEAD = 10  # top of the face oval, about the hairline
CHIN = 152
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263  # the person's right eye is on the image's left
RIGHT_EYE_INNER, LEFT_EYE_INNER = 133, 362
UPPER_LIP_INNER, LOWER_LIP_INNER = 13, 14
# The eye aspect ratio (Soukupová and Čech 2016) on the mesh: two lid-to-lid distances over
# the corner-to-corner width, per eye, as (outer, inner, (upper, lower), (upper, lower)).
RIGHT_EYE_LIDS = (33, 133, (160, 144), (158, 153))
LEFT_EYE_LIDS = (263, 362, (385, 380), (387, 373))
# The eye openings (lid contours), for how much of each eye can be seen.
RIGHT_EYE_CONTOUR = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE_CONTOUR = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
RIGHT_CHEEK, LEFT_CHEEK = 205, 425

# The model's face detector sees the whole image at 128×128, so faces under about a fifth
# of the image (a group, a person far away) are not found: the six people round a table in
# the corpus (faces 0.1 of the width) give no face at all. When the widest face found is
# under TILE_BELOW of the shorter side, the image is searched again in overlapping square
# tiles, TILE_SIDE of the shorter side, moved by half a tile (12–15 tiles, ~100 ms at a
# 384 px side); that finds all 6, 5, 4, 3 people of the corpus groups, whose widest face
# found at first is 0.15–0.17 of the shorter side (or none). A lone head-to-chest face is
# 0.35–0.5 of the shorter side, a selfie at arm's length 0.25 or more: not searched again.
TILE_BELOW = 0.2
TILE_SIDE = 0.5
MAX_FACES = 8
# A face in a smaller tile is too small to judge anyway.
MIN_TILE = 96
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)

# The face box is made to match the box OpenCV's frontal-face cascade drew, on which the
# background and shirt regions were calibrated: on the test portrait that box is 1.064
# face-oval widths wide, centred on the oval, its centre 0.15 of the eye-to-chin distance
# below the eye line.
BOX_WIDTH = 1.064
BOX_CENTRE_BELOW_EYES = 0.15


class Box(NamedTuple):
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    def scaled(self, factor):
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)


@dataclass(frozen=True)
class Face:
    points: np.ndarray  # (478, 2) float32, pixels of the image it was found in
    blink_left: float  # MediaPipe blendshapes eyeBlinkLeft/Right, 0 open – 1 closed
    blink_right: float

    @property
    def eye_centres(self):
        right = (self.points[RIGHT_EYE_OUTER] + self.points[RIGHT_EYE_INNER]) / 2
        left = (self.points[LEFT_EYE_OUTER] + self.points[LEFT_EYE_INNER]) / 2
        return right, left

    @property
    def roll(self):
        """Degrees the eye line is turned from horizontal; positive is clockwise on screen
        (the person's left eye, on the image's right, lower)."""
        right, left = self.eye_centres
        return math.degrees(math.atan2(left[1] - right[1], left[0] - right[0]))

    @property
    def eye_openness(self):
        """(right, left) eye aspect ratios: lid-to-lid height over eye width, about 0.25–0.4
        for an open eye and under 0.1 for a closed one."""
        return tuple(_aspect(self.points, lids) for lids in (RIGHT_EYE_LIDS, LEFT_EYE_LIDS))

    @property
    def eye_to_chin(self):
        right, left = self.eye_centres
        return float(np.linalg.norm(self.points[CHIN] - (right + left) / 2))

    @property
    def mouth_gap(self):
        """Inner-lip distance relative to the eye-to-chin distance (as OFIQ measures it)."""
        gap = np.linalg.norm(self.points[UPPER_LIP_INNER] - self.points[LOWER_LIP_INNER])
        return float(gap / max(self.eye_to_chin, 1e-6))

    @property
    def oval(self):
        return self.points[list(FACE_OVAL)]

    @property
    def width(self):
        """Cheek to cheek along the eye line (pixels), independent of the roll."""
        right, left = self.eye_centres
        direction = (left - right) / max(np.linalg.norm(left - right), 1e-6)
        along = self.oval @ direction
        return float(along.max() - along.min())

    @property
    def box(self):
        """A square box like the Haar cascade's (see BOX_WIDTH), in pixels."""
        right, left = self.eye_centres
        oval = self.oval
        cx = (oval[:, 0].min() + oval[:, 0].max()) / 2
        eye_y = (right[1] + left[1]) / 2
        cy = eye_y + BOX_CENTRE_BELOW_EYES * (self.points[CHIN][1] - eye_y)
        size = BOX_WIDTH * self.width
        return Box(float(cx - size / 2), float(cy - size / 2), float(size), float(size))


def _aspect(points, lids):
    outer, inner, (top_a, bottom_a), (top_b, bottom_b) = lids
    height = np.linalg.norm(points[top_a] - points[bottom_a]) + np.linalg.norm(points[top_b] - points[bottom_b])
    return float(height / max(2 * np.linalg.norm(points[outer] - points[inner]), 1e-6))


def _create(path):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=path),
        running_mode=vision.RunningMode.IMAGE,
        num_faces=8,
        output_face_blendshapes=True,
    )
    return vision.FaceLandmarker.create_from_options(options)


def detect(rgb):
    """The faces in an RGB uint8 image (height, width, 3), widest first; small faces are
    searched for in tiles (see TILE_BELOW)."""
    faces = _detect(rgb)
    side = min(rgb.shape[:2])
    if (not faces or faces[0].width < TILE_BELOW * side) and TILE_SIDE * side >= MIN_TILE:
        faces = _merge(faces, _detect_tiled(rgb, round(TILE_SIDE * side)))
    return sorted(faces, key=lambda face: face.width, reverse=True)


def _detect(rgb):
    import mediapipe as mp

    height, width = rgb.shape[:2]
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    result = vendored.task(MODEL, _create).detect(image)
    faces = []
    for marks, shapes in zip(result.face_landmarks, result.face_blendshapes or [[]] * len(result.face_landmarks)):
        points = np.array([(mark.x * width, mark.y * height) for mark in marks], dtype=np.float32)
        scores = {shape.category_name: shape.score for shape in shapes}
        faces.append(Face(points, scores.get("eyeBlinkLeft", 0.0), scores.get("eyeBlinkRight", 0.0)))
    return faces


def _starts(length, tile):
    starts = list(range(0, max(1, length - tile + 1), max(1, tile // 2)))
    if starts[-1] + tile < length:
        starts.append(length - tile)
    return starts


def _detect_tiled(rgb, tile):
    height, width = rgb.shape[:2]
    found = []
    for y in _starts(height, tile):
        for x in _starts(width, tile):
            for face in _detect(rgb[y : y + tile, x : x + tile]):
                oval = face.oval
                # A face cut by a tile's inner edge is found whole in the next tile.
                cut = (
                    (x > 0 and oval[:, 0].min() < 1) or (y > 0 and oval[:, 1].min() < 1)
                    or (x + tile < width and oval[:, 0].max() > tile - 1)
                    or (y + tile < height and oval[:, 1].max() > tile - 1)
                )
                if not cut:
                    found.append(Face(face.points + np.array([x, y], np.float32), face.blink_left, face.blink_right))
    return found


def _merge(faces, more):
    """faces, plus those of `more` whose centre lies in none of the faces kept so far."""
    kept = list(faces)
    for face in sorted(more, key=lambda face: face.width, reverse=True):
        centre = face.oval.mean(axis=0)
        if not any(_inside_oval(centre, other) for other in kept):
            kept.append(face)
    return kept


def _inside_oval(point, face):
    oval = face.oval
    return bool(oval[:, 0].min() <= point[0] <= oval[:, 0].max() and oval[:, 1].min() <= point[1] <= oval[:, 1].max())


def eye_visibility(rgb, face):
    """(right, left): the brightest tenth of each eye opening over the cheek's median
    brightness. An open eye shows its white (0.4–1.5 in the corpus), a closed lid is skin
    (0.4–0.55); dark glasses hide both (0.11–0.12)."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    shares = []
    for contour, cheek in ((RIGHT_EYE_CONTOUR, RIGHT_CHEEK), (LEFT_EYE_CONTOUR, LEFT_CHEEK)):
        polygon = np.round(face.points[list(contour)]).astype(np.int32)
        x0, y0 = np.clip(polygon.min(axis=0), 0, [width - 1, height - 1])
        x1, y1 = np.clip(polygon.max(axis=0) + 1, 1, [width, height])
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mask, [polygon - [x0, y0]], 1)
        eye = grey[y0:y1, x0:x1][mask > 0]
        cx, cy = face.points[cheek]
        r = max(2, round(0.06 * face.width))
        skin = grey[max(0, int(cy) - r) : int(cy) + r, max(0, int(cx) - r) : int(cx) + r]
        if eye.size == 0 or skin.size == 0:
            shares.append(1.0)  # off the image: nothing to say
            continue
        shares.append(float(np.percentile(eye, 90) / max(float(np.median(skin)), 1.0)))
    return tuple(shares)


def eye_glare(rgb, face):
    """The larger share, over the two eyes, of clipped white pixels (every channel at least
    250) in a box around the eye 1.8 eye widths wide: light reflected by glasses. No eye
    of the corpus has any (0.000 for all 50 photos)."""
    height, width = rgb.shape[:2]
    shares = []
    for contour in (RIGHT_EYE_CONTOUR, LEFT_EYE_CONTOUR):
        points = face.points[list(contour)]
        cx, cy = points.mean(axis=0)
        size = float(np.ptp(points[:, 0]))
        x0, x1 = max(0, int(cx - 0.9 * size)), min(width, int(cx + 0.9 * size) + 1)
        y0, y1 = max(0, int(cy - 0.6 * size)), min(height, int(cy + 0.6 * size) + 1)
        box = rgb[y0:y1, x0:x1]
        shares.append(float((box.min(axis=2) >= 250).mean()) if box.size else 0.0)
    return max(shares)
