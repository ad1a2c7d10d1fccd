"""Faces and eyes found offline with the Haar cascades shipped in the opencv-python 4.x wheel.

Runs on the reduced image (shorter side ~150 px): a frontal face in a head-to-chest photo
is 40–80 px wide there, plenty for a cascade and a few milliseconds of work.
"""

import os
import threading
from typing import NamedTuple

import cv2

# Eye search inside the face box: the band from 15 % to 60 % of its height, scaled to a
# fixed width at which an eye with its brow fills the cascade's 20 px window.
EYE_BAND = (0.15, 0.6)
EYE_ROI_WIDTH = 72
# A face found in the first pass is flattened with this margin (face widths) around its
# box, which covers the hair and chin; a second person's face lies beyond it.
HEAD_MARGIN = 0.4


class Box(NamedTuple):
    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    def contains(self, x, y):
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h


class DetectorUnavailable(RuntimeError):
    """The cascade files are not there (opencv-python 5.x wheels no longer ship them)."""


# One classifier per thread: detectMultiScale on a shared CascadeClassifier is not
# documented as thread-safe, and loading one takes ~20 ms, so not per call either.
_local = threading.local()


def _cascade(name):
    cascades = getattr(_local, "cascades", None)
    if cascades is None:
        cascades = _local.cascades = {}
    if name not in cascades:
        folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
        path = os.path.join(folder, name) if folder else None
        if path is None or not os.path.exists(path):
            raise DetectorUnavailable(f"Haar cascade {name} not found")
        classifier = cv2.CascadeClassifier(path)
        if classifier.empty():
            raise DetectorUnavailable(f"Haar cascade {name} could not be loaded")
        cascades[name] = classifier
    return cascades[name]


def grey(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def detect_faces(grey_image, config):
    """Frontal faces, largest first; a box overlapping a larger one and faces much smaller
    than the largest (texture, a badge) are left out.

    Two passes, large faces first. OpenCV scans windows more than twice its 20 px base at
    every pixel rather than every other one, and the windows somewhat smaller than a face
    (on its eyes, on the hair) pass most cascade stages: they were most of the time. The
    heads found first are flattened before the second pass looks for smaller faces (a
    second person, a half-body shot), so that pass is cheap on a normal photo. On the
    test set this finds the same faces as one pass in about 60 % of the time.
    """
    height, width = grey_image.shape[:2]
    search = grey_image[: max(1, round(config.face_search_height * height))]
    smallest = max(20, round(config.face_min_size * width))
    split = max(smallest, round(config.face_split * width))
    largest = max(split, min(width, search.shape[0]))
    cascade = _cascade(config.face_cascade)
    large = _detect(cascade, search, split, largest, config)
    if large:
        search = search.copy()
        for box in large:
            margin = round(HEAD_MARGIN * box.w)
            patch = search[max(0, box.y - margin) : box.y + box.h + margin, max(0, box.x - margin) : box.x + box.w + margin]
            patch[...] = int(patch.mean())
        # A second face counts only from face_second_min of the first: no need to look
        # for smaller ones.
        smallest = max(smallest, round(config.face_second_min * max(box.w for box in large)))
    small = _detect(cascade, search, smallest, round(1.25 * split), config)
    boxes = sorted(large + small, key=lambda box: box.w, reverse=True)
    faces = []
    for box in boxes:
        if faces and box.w < config.face_second_min * faces[0].w:
            break
        if not any(face.contains(box.cx, box.cy) or box.contains(face.cx, face.cy) for face in faces):
            faces.append(box)
    return faces


def _detect(cascade, image, smallest, largest, config):
    if largest < smallest or min(image.shape[:2]) < smallest:
        return []
    found = cascade.detectMultiScale(
        image,
        scaleFactor=config.face_scale_factor,
        minNeighbors=config.face_min_neighbors,
        minSize=(smallest, smallest),
        maxSize=(largest, largest),
    )
    return [Box(*map(int, box)) for box in found]


def find_eyes(grey_image, face, config):
    """(left, right): whether an eye was found in each half of the face."""
    top = face.y + round(EYE_BAND[0] * face.h)
    bottom = face.y + round(EYE_BAND[1] * face.h)
    band = grey_image[top:bottom, face.x : face.x + face.w]
    if band.size == 0:
        return False, False
    scale = EYE_ROI_WIDTH / band.shape[1]
    size = (EYE_ROI_WIDTH, max(1, round(band.shape[0] * scale)))
    band = cv2.resize(band, size, interpolation=cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA)
    cascade = _cascade(config.eye_cascade)
    middle = EYE_ROI_WIDTH // 2
    overlap = EYE_ROI_WIDTH // 8
    # Each half on its own (with a little of the other, for an eye near the middle):
    # two small searches cost less than one over the band.
    left = _eyes(cascade, band[:, : middle + overlap], 0)
    right = _eyes(cascade, band[:, middle - overlap :], middle - overlap)
    return any(centre < middle for centre in left), any(centre >= middle for centre in right)


def _eyes(cascade, image, offset):
    if min(image.shape[:2]) < 20:
        return []
    found = cascade.detectMultiScale(
        image, scaleFactor=1.25, minNeighbors=2, maxSize=(round(0.45 * EYE_ROI_WIDTH),) * 2
    )
    return [offset + x + w / 2 for x, _, w, _ in found]
