"""Only the participant: which face is theirs, and which part of the person mask is them.

No segmentation model separates people: a colleague beside a speaker, a neighbour in a
group crop or half a face at the frame edge (which no face detector finds) all stay in
the mask. The participant is the largest, most central face; what belongs to them is
decided by geometry, in the output frame:

1. a corridor: above the shoulders only the head (the ellipse the checks leave out of
   the background, a column above it for caps, buns and hijabs, and the drape below the
   chin) is theirs, so a bystander's head at the side of the frame is cut off there;
2. a split: pixels nearer to another detected face than to the participant's (distance
   in face widths) are that person's; a head cut by the frame's side edge that no
   detector found (a part of the mask above the shoulders, outside the corridor, at the
   edge) counts as a face there, so that its body below the shoulders goes
   with it;
3. the connected part of what is left that holds the participant's face.

A second face too close to the participant's head, as large and as central, or posing
beside them (whole, within two face widths: a group photo) cannot be separated honestly:
the caller refuses the photo ("several_faces").
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np

from . import landmarks
from .background import shoulder_line
from .landmarks import Box

# A face is scored by its width times how central it is (1 at the centre, 0.5 at a
# corner). Another face scoring at least AMBIGUOUS of the best one makes the choice a
# guess (two people side by side); another face whose centre is nearer than SPLIT_MIN
# face widths to the participant's overlaps their head (one behind the other).
AMBIGUOUS = 0.85
SPLIT_MIN = 1.2
# A whole face (not cut by the photo's edge) nearer than GROUP_DISTANCE face widths is
# someone posing with the participant, their face partly inside the head-to-chest crop
# (which reaches ±1.1 face widths): a group photo, refused. A face cut by the frame edge
# there is a bystander at the edge of the picture and is removed; a whole face further
# away is outside the crop but for the shoulders (tracking's three men: 2.6 widths).
GROUP_DISTANCE = 2.0
# Above the head's ellipse, a column this many face widths to each side of the face
# centre is kept: a cap, a bun or a hijab rising above the ellipse (Grace Hopper's cap is
# ±0.6), never as wide as the upper side margins the checks measure (±0.78 and beyond).
CROWN_HALFWIDTH = 0.7
# The kept part is grown by this many pixels (at half output size) before it cuts the
# mask, so that its soft edge is not trimmed.
EDGE_GROWTH = 3


# A part of the mask above the shoulders that the corridor cuts off, touches the frame's
# side edge and is at least EDGE_HEAD_AREA face-box widths squared in area
# and EDGE_HEAD_HEIGHT tall is someone's head cut by the edge (the speaker photo's
# colleague: 0.16 and 1.6); its centre is put half a face width beyond its inner edge.
EDGE_HEAD_AREA = 0.1
EDGE_HEAD_HEIGHT = 0.6


class Inseparable(Exception):
    def __init__(self, faces):
        super().__init__(faces)
        self.faces = faces


def choose(faces, shape, second_min):
    """(main, others) among `faces` (landmarks.Face) found in an image of `shape`; raises
    Inseparable when another face of at least `second_min` of the main one's width is as
    plausible, or overlaps the main one's head."""
    if not faces:
        return None, []
    height, width = shape[:2]
    half_diagonal = float(np.hypot(width, height)) / 2

    def score(face):
        off_centre = np.hypot(face.box.cx - width / 2, face.box.cy - height / 2) / half_diagonal
        return face.width * (1 - 0.5 * min(1.0, off_centre))

    ranked = sorted(faces, key=score, reverse=True)
    main, others = ranked[0], ranked[1:]
    counted = [face for face in others if face.width >= second_min * main.width]
    for face in counted:
        distance = np.hypot(face.box.cx - main.box.cx, face.box.cy - main.box.cy) / main.width
        posing = distance < GROUP_DISTANCE and _whole(face, width, height)
        if score(face) >= AMBIGUOUS * score(main) or distance < SPLIT_MIN or posing:
            raise Inseparable(1 + len(counted))
    return main, others


def _whole(face, width, height):
    """Whether the face lies entirely in the photo (not cut by its edge)."""
    oval = face.oval
    return bool((oval[:, 0] >= 0).all() and (oval[:, 0] < width).all() and (oval[:, 1] >= 0).all() and (oval[:, 1] < height).all())


def moved(face, matrix):
    """`face` with its landmarks mapped by the 2×3 affine `matrix`."""
    matrix = np.asarray(matrix, np.float32)
    return replace(face, points=face.points @ matrix[:, :2].T + matrix[:, 2])


def corridor(shape, main, config):
    """Where the participant may be (bool, `shape`): below the shoulders anywhere; above
    them the head ellipse, the column above it and the drape under the chin, with the
    numbers of the checks' background region (config: PhotoConfig)."""
    height, width = shape[:2]
    rows = np.arange(height, dtype=np.float32)[:, None]
    columns = np.arange(width, dtype=np.float32)[None, :]
    # The checks measure in widths of the face box (landmarks.BOX_WIDTH).
    w, cx, cy = main.box.w, main.box.cx, main.box.cy
    centre_y = cy - config.head_rise * w
    ellipse = ((columns - cx) / (config.head_halfwidth * w)) ** 2 + ((rows - centre_y) / (config.head_halfheight * w)) ** 2 <= 1
    crown = (rows < centre_y) & (np.abs(columns - cx) <= CROWN_HALFWIDTH * w)
    drape = (rows > cy + config.drape_below * w) & (np.abs(columns - cx) < config.drape_halfwidth * w)
    below = rows >= shoulder_line(main.box, config)
    return ellipse | crown | drape | below


def nearer_to_others(shape, main, others):
    """Pixels nearer (in face widths) to another face's centre than to the participant's."""
    height, width = shape[:2]
    rows = np.arange(height, dtype=np.float32)[:, None]
    columns = np.arange(width, dtype=np.float32)[None, :]

    def distance(face):
        # Horizontal distance counts in full, vertical a third: a body hangs below its
        # face, so the split between two people is about vertical.
        return np.hypot(columns - face.box.cx, (rows - face.box.cy) / 3) / face.box.w

    mine = distance(main)
    theirs = np.zeros(shape[:2], bool)
    for face in others:
        theirs |= distance(face) < mine
    return theirs


@dataclass(frozen=True)
class EdgeHead:
    """A head at the frame's edge that no detector found: what nearer_to_others reads."""

    box: Box


def edge_heads(mask, main, allowed, config, threshold=0.5):
    """[EdgeHead] for the heads cut by the frame's side edges: the parts of `mask` above
    the shoulders that the corridor (`allowed`) cuts off, as large as EDGE_HEAD_* asks."""
    height, width = mask.shape
    w = main.box.w
    shoulders = int(np.clip(shoulder_line(main.box, config), 0, height))
    if shoulders == 0:
        return []
    cut = ((mask[:shoulders] > threshold) & ~allowed[:shoulders]).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(cut, connectivity=8)
    heads = []
    for label in range(1, count):
        x, _, columns, rows, area = stats[label]
        at_left, at_right = x == 0, x + columns == width
        if at_left == at_right or area < EDGE_HEAD_AREA * w * w or rows < EDGE_HEAD_HEIGHT * w:
            continue
        # Half a face width from the inner edge: the rest of the head is outside the frame.
        half = w / landmarks.BOX_WIDTH / 2
        cx = (x + columns) - half if at_left else x + half
        # Its height is not known either (the frame may cut its top too): level with the
        # participant's, so that the split between the two runs straight down.
        heads.append(EdgeHead(Box(cx - w / 2, main.box.y, w, w)))
    return heads


def keep_participant(mask, main, others, config, threshold=0.5):
    """`mask` (float 0–1, the person mask in the output frame at any scale, faces in the
    same frame) with everything that is not the participant set to 0."""
    allowed = corridor(mask.shape, main, config)
    others = list(others) + edge_heads(mask, main, allowed, config, threshold)
    if others:
        allowed &= ~nearer_to_others(mask.shape, main, others)
    solid = ((mask > threshold) & allowed).astype(np.uint8)
    count, labels = cv2.connectedComponents(solid, connectivity=8)
    if count > 2:
        label = _label_of_face(labels, main)
        if label:
            solid = (labels == label).astype(np.uint8)
    grown = cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EDGE_GROWTH + 1,) * 2))
    return mask * (grown.astype(bool) & allowed)


def _label_of_face(labels, main):
    """The component that covers most of the participant's face oval (0: none)."""
    height, width = labels.shape
    xs = np.clip(np.rint(main.oval[:, 0]).astype(int), 0, width - 1)
    ys = np.clip(np.rint(main.oval[:, 1]).astype(int), 0, height - 1)
    inner = np.vstack([np.c_[xs, ys], [[int(np.clip(main.box.cx, 0, width - 1)), int(np.clip(main.box.cy, 0, height - 1))]]])
    found = labels[inner[:, 1], inner[:, 0]]
    found = found[found > 0]
    if len(found) == 0:
        return 0
    return int(np.bincount(found).argmax())
