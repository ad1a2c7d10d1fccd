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


def _create(path):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=path),
        running_mode=vision.RunningMode.IMAGE,
        num_faces=3,
        output_face_blendshapes=True,
    )
    return vision.FaceLandmarker.create_from_options(options)


def detect(rgb):
    """The faces in an RGB uint8 image (height, width, 3), widest first."""
    import mediapipe as mp

    height, width = rgb.shape[:2]
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    result = vendored.task(MODEL, _create).detect(image)
    faces = []
    for marks, shapes in zip(result.face_landmarks, result.face_blendshapes or [[]] * len(result.face_landmarks)):
        points = np.array([(mark.x * width, mark.y * height) for mark in marks], dtype=np.float32)
        scores = {shape.category_name: shape.score for shape in shapes}
        faces.append(Face(points, scores.get("eyeBlinkLeft", 0.0), scores.get("eyeBlinkRight", 0.0)))
    return sorted(faces, key=lambda face: face.width, reverse=True)
