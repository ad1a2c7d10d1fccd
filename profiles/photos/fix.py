"""fix_photo: a phone photo turned into a certificate photo that passes the checks.

Pure: bytes in, FixResult out; no request, no ORM. Steps: decode upright (JPEG, PNG,
WebP, HEIC/HEIF), find exactly one face with its landmarks, crop 4:6 head to chest with
the eye line levelled (one affine warp), replace the background by red through the
selfie-segmentation mask refined with a guided filter, encode a metadata-free baseline
JPEG at the highest quality under the byte limit, and run check_photo on it.

Only geometry (crop, scale, a rotation up to 20°) and the background change: inside the
person the output is the resampled input, no smoothing, no colour grading. Where the
photo cannot be fixed without inventing the person (no face, several people, eyes hidden
behind dark glasses, too little resolution, tilted beyond levelling, head cut off, too
close), the result is a refusal with a stable code and an Indonesian message the
participant can act on. Eyes closed and an open mouth are the participant's to judge: the
fix is made and they are warned (FixResult.warnings) before "Gunakan foto ini". Only the headroom above the hair may lie outside
the photo; it is filled with the background colour.

A damaged or missing model file raises vendored.ModelFileError: that is a deployment
fault, not the participant's, and must not read as a refusal of their photo.
"""

import io
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from profiles.photos import checks, detail, framing, inputs, landmarks, matte, people, segment
from profiles.photos.config import get_config, get_fix_config
from profiles.photos.report import PhotoReport

logger = logging.getLogger(__name__)

# One OpenCV thread per process: a worker scales by processes (several db_worker
# processes, one per core), and on a busy machine OpenCV's own thread pool only waits for
# cores the others hold: measured here, the guided filter and the warp take half the time
# single-threaded (20 ms instead of 40–50 ms with a load of 4 on 2 cores).
cv2.setNumThreads(1)

PIPELINE_VERSION = "fix-2"

# A JPEG is decoded reduced (draft mode, 1/2–1/8) as long as its shorter side stays at
# least this many output widths: a 12 MP phone photo then decodes at 1500×2000, in about
# half the time. When the crop turns out to need more pixels than that (a face under a
# quarter of the width), the photo is decoded again at full size.
DRAFT_MIN_SIDE = 1.5
REDECODE_UPSCALE = 1.1

# Warping from much larger than the output with bilinear sampling would alias (moiré in
# shirts and hair): above this reduction the crop is first reduced by pixel averaging.
MAX_WARP_REDUCTION = 0.5
PREREDUCED_SCALE = 0.8

MESSAGES = {
    "unreadable": "File tidak dapat dibaca sebagai foto. Pilih file foto asli dari kamera atau galeri (JPEG, PNG, WebP atau HEIC).",
    "unsupported_format": "File ini {found}, bukan foto yang bisa diperbaiki. Gunakan foto JPEG, PNG, WebP atau HEIC.",
    "too_many_pixels": "Gambar terlalu besar ({megapixels} MP; batas {cap} MP). Perkecil ukuran fotonya lalu coba lagi.",
    "no_face": "Wajah tidak ditemukan. Gunakan foto wajah menghadap lurus ke kamera, cukup terang, tanpa masker atau kacamata gelap.",
    "several_faces": "Terdeteksi {faces} wajah. Gunakan foto yang hanya berisi Anda sendiri.",
    "eyes_hidden": (
        "Mata tidak terlihat: tertutup kacamata gelap atau benda lain. Foto ulang tanpa kacamata hitam, "
        "kedua mata terbuka dan terlihat jelas."
    ),
    "resolution_low": (
        "Resolusi foto terlalu rendah: foto {width}×{height} piksel ini tampak diperbesar dari gambar yang "
        "jauh lebih kecil, sehingga detail wajahnya kabur saat dicetak 4×6 cm. Kirim file asli dari kamera, "
        "bukan tangkapan layar atau foto yang diperbesar."
    ),
    "head_cut_off": "Bagian atas kepala terpotong oleh tepi foto. Foto ulang dengan ruang kosong di atas kepala.",
    "too_close": "Kamera terlalu dekat: dada tidak cukup terlihat untuk bingkai kepala sampai dada. Foto ulang dari jarak lebih jauh, bahu dan dada ikut terlihat.",
    "face_too_small": (
        "Resolusi foto terlalu rendah untuk pasfoto: foto ini hanya {width}×{height} piksel, wajahnya {face} piksel "
        "lebarnya, dan bingkai kepala sampai dada perlu diperbesar {upscale}× (paling banyak {max_upscale}×; "
        "wajah minimal {needed} piksel) sehingga kabur saat dicetak 4×6 cm. Foto ulang lebih dekat, dari kepala "
        "sampai dada, dengan kamera belakang, dan kirim file aslinya."
    ),
    "head_tilted": "Kepala miring {roll}° (maksimal {max_roll}°). Foto ulang dengan kepala tegak dan kedua mata sejajar.",
    "mask_failed": (
        "Latar belakang tidak dapat dipisahkan dari badan dengan rapi. Foto ulang di depan dinding polos "
        "yang warnanya berbeda dari baju dan rambut Anda (misalnya kemeja putih di depan dinding berwarna "
        "muda, bukan putih), tanpa benda atau orang lain di belakang."
    ),
    "check_failed": "Hasil perbaikan belum memenuhi syarat ({problems}). Foto ulang di depan dinding polos, atau unggah foto yang sudah sesuai.",
}
# Shown with the fixed photo, before "Gunakan foto ini": the participant decides.
WARNINGS = {
    "eyes_closed": "Mata tampak terpejam atau menyipit. Periksa hasilnya; pasfoto harus dengan kedua mata terbuka menatap kamera.",
    "mouth_open": "Mulut tampak terbuka. Periksa hasilnya; pasfoto memakai ekspresi biasa dengan mulut tertutup.",
    "glasses_glare": (
        "Kacamata tampak memantulkan cahaya di depan mata. Periksa hasilnya; jika mata tertutup pantulan, "
        "foto ulang dengan cahaya dari samping atau kepala sedikit menunduk."
    ),
}
LIGHT_HEADWEAR = "Periksa bagian atas kepala: jilbab/peci putih bisa terpotong pada dinding terang."


@dataclass
class Refusal:
    code: str
    message: str

    def to_dict(self):
        return {"code": self.code, "message": self.message}


@dataclass
class FixResult:
    ok: bool
    data: bytes | None = None  # the fixed JPEG
    changes: list[str] = field(default_factory=list)  # Indonesian, for the participant
    refused: Refusal | None = None
    report: PhotoReport | None = None  # check_photo of the output
    warnings: list[str] = field(default_factory=list)  # Indonesian
    # The codes of what the participant is warned about (the fixer's and the output check's).
    warning_codes: list[str] = field(default_factory=list)
    original_preview: bytes | None = None  # the input upright, JPEG ~800 px tall, no metadata
    pipeline_version: str = PIPELINE_VERSION
    # The 2×3 affine map from the upright input (full size) to the output, row-major.
    transform: list | None = None

    def to_dict(self):
        return {
            "ok": self.ok,
            "bytes": len(self.data) if self.data is not None else None,
            "changes": list(self.changes),
            "refused": self.refused.to_dict() if self.refused else None,
            "report": self.report.to_dict() if self.report else None,
            "warnings": list(self.warnings),
            "warning_codes": list(self.warning_codes),
            "pipeline_version": self.pipeline_version,
        }


class Refused(Exception):
    def __init__(self, code, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def fix_photo(data, config=None):
    """Fix an upload (bytes); never raises on bad data (see the module docstring)."""
    config = config or get_fix_config()
    if not isinstance(data, (bytes, bytearray)):
        data = bytes(data)
    preview = None
    try:
        try:
            upright = inputs.open_upright(data, config.max_pixels, round(DRAFT_MIN_SIDE * config.output_width))
        except inputs.InputProblem as problem:
            raise Refused(problem.code, **_input_values(problem)) from None
        preview = _preview(upright.rgb, config)
        small = _reduce(preview, config.analysis_side)
        # The person's mask does not depend on the face, nor the preview's JPEG on anything:
        # both are made meanwhile, on the other core.
        masking = _helper().submit(lambda: segment.person_mask(small))
        preview = _helper().submit(_preview_jpeg, preview, config)
        result = _fix(data, upright, small, masking, config)
    except Refused as refusal:
        logger.info("Photo fix refused: %s", refusal.code)
        message = MESSAGES[refusal.code].format(**refusal.values)
        preview = preview.result() if isinstance(preview, Future) else None
        return FixResult(False, refused=Refusal(refusal.code, message), original_preview=preview)
    result.original_preview = preview.result()
    return result


def _input_values(problem):
    if problem.code == "too_many_pixels":
        pixels = problem.detail.get("pixels")
        return {
            "megapixels": checks.number(pixels / 1e6, 1) if pixels else "lebih dari batas",
            "cap": checks.number(problem.detail["cap"] / 1e6, 1),
        }
    return {"found": problem.found}


def _fix(data, upright, small, masking, config):
    rgb = upright.rgb
    try:
        main, others = _participant(landmarks.detect(small), small.shape, config)
        face = _one_face([main] if main else [], small, config)
    finally:
        mask = masking.result()
    resolution = _enough_resolution(face, upright, small, config)
    try:
        crop = framing.plan(face, mask, upright.width, config)
    except framing.FramingProblem as problem:
        if problem.code == "face_too_small":
            resolution["upscale"] = checks.number(problem.detail["upscale"], 1)
        raise Refused(problem.code, **resolution) from None

    to_small = small.shape[1] / rgb.shape[1]
    # Up to 10 % of enlargement from the reduced decode is not visible; more is.
    if crop.upscale * upright.width / rgb.shape[1] > REDECODE_UPSCALE and rgb.shape[1] < upright.width:
        rgb = inputs.open_upright(data, config.max_pixels, max(upright.width, upright.height)).rgb
        to_small = small.shape[1] / rgb.shape[1]
    matrix = crop.matrix @ np.diag([to_small, to_small, 1.0])  # decoded pixels → output
    size = (config.output_width, config.output_height)
    colour = _colour(config.background)
    out, valid = _warp(rgb, matrix, size, colour)

    # The model sees 256×256 whatever it is given, and the matte's coefficients are fitted
    # at half size: the mask is made at half size too.
    half = cv2.resize(out, (round(size[0] / 2), round(size[1] / 2)), interpolation=cv2.INTER_LINEAR)
    person = _only_participant(segment.person_mask(half), face, others, crop.matrix, half.shape[1] / size[0])
    alpha = matte.refine(out, person)
    if valid is not None:
        alpha *= valid
    out_points = face.points @ crop.matrix[:, :2].T + crop.matrix[:, 2]
    _check_matte(alpha, out_points, config)
    warnings, codes = [], []
    if _light_headwear_risk(half, person, alpha, crop, config):
        warnings.append(LIGHT_HEADWEAR)
    alpha, out = matte.clean(out, alpha, _carve_rows(out_points))
    fixed = matte.put_behind(out, alpha, colour)

    encoded = _encode_under(fixed, config)
    if encoded is None:
        raise Refused("check_failed", problems="ukuran file")
    data, _quality = encoded
    report = checks.check_photo(data, get_config())
    if not report.ok:
        raise Refused("check_failed", problems=", ".join(report.errors))
    # The output check measures the eyes and mouth again; what it flags is shown with its
    # own message, what only the fixer saw is added here.
    codes = list(report.warnings)
    for code in _face_warnings(face, small, config):
        if code not in codes:
            codes.append(code)
            warnings.append(WARNINGS[code])

    full = np.diag([to_small * rgb.shape[1] / upright.width] * 2 + [1.0])
    transform = (crop.matrix @ full).tolist()
    return FixResult(
        True, data=data, changes=_changes(upright, crop, len(data), config), report=report,
        warnings=warnings, warning_codes=codes, transform=transform,
    )


_helper_pool = None
_helper_lock = threading.Lock()


def _helper():
    """One helper thread per process, for the model run that can overlap another one:
    MediaPipe releases the GIL while it works. It keeps its own Task instances (vendored.py
    gives one per thread), so fixes from several threads only queue there."""
    global _helper_pool
    with _helper_lock:
        if _helper_pool is None:
            _helper_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-fix")
        return _helper_pool


def _reduce(rgb, side):
    """rgb with its shorter side about `side`: by a whole factor with pixel averaging
    (OpenCV's fast path), the last step of less than 2× bilinear."""
    height, width = rgb.shape[:2]
    rgb = _shrink(rgb, int(min(height, width) // side))
    height, width = rgb.shape[:2]
    scale = side / min(height, width)
    if scale >= 1:
        return rgb
    return cv2.resize(rgb, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_LINEAR)


def _shrink(rgb, factor):
    """rgb reduced by a whole factor, averaging factor×factor blocks (OpenCV's fast path)."""
    # Never below one pixel on the shorter side (a 1×4000 strip stays a strip).
    factor = min(factor, *rgb.shape[:2])
    if factor <= 1:
        return rgb
    height, width = (rgb.shape[0] // factor) * factor, (rgb.shape[1] // factor) * factor
    return cv2.resize(rgb[:height, :width], (width // factor, height // factor), interpolation=cv2.INTER_AREA)


def _participant(faces, shape, config):
    """(main face, other faces): the participant is the largest, most central face."""
    try:
        return people.choose(faces, shape, config.face_second_min)
    except people.Inseparable as problem:
        raise Refused("several_faces", faces=problem.faces) from None


def _only_participant(person, face, others, matrix, scale):
    """The person mask (made at `scale` of the output) without bystanders: `face` and
    `others` are in the analysis image, `matrix` maps it to the output."""
    to_mask = np.diag([scale, scale]) @ matrix
    return people.keep_participant(
        person, people.moved(face, to_mask), [people.moved(other, to_mask) for other in others], get_config(),
    )


# The rows where the edge cleanup carves the matte (matte.clean), in face heights
# (hairline to chin) below the hairline: above CARVE_TOP (under the eyes) only before a
# plain wall (matte.PLAIN_NEAR), below it down to half a face height under the chin
# whatever the wall. Carving everywhere (the first stop) punched red holes between hair
# strands before a busy wall; not carving above the eyes left a light headscarf's halo
# on a wall of its colour. Measured (bench/photo_fix.py; tests/corpus.py's drawn
# headscarves; red pixels inside the hair's outline above the eyes of tracking's man
# before a bookshelf), for carving everywhere / only below the eyes / as chosen / never:
#   red holes in the hair                      196 /     42 /     43 /     42
#   sure person lost, 11 known-alpha variants 44,131 / 39,469 / 42,728 / 30,526
#   wall left around a white headscarf on a white wall, two faces:
#                           2,379, 1,134 / 14,881, 16,136 / 2,379, 1,134 / 19,289, 19,996
# Below the eyes it takes out the pale wall beside a jaw that the model counts as person
# (the drawn head's own backdrop in tests/walls.py), which may differ from the rest of the
# wall (a window), so there it does not ask for a plain wall.
CARVE_TOP = 0.5


def _carve_rows(points):
    """(top, bottom) for matte.clean: the matte is carved to the wall colour above the
    output row `bottom`, half a face height under the chin (the gap between jaw and
    collar), and above `top`, under the eyes, only before a plain wall."""
    chin, forehead = float(points[landmarks.CHIN][1]), float(points[landmarks.FOREHEAD][1])
    return round(forehead + CARVE_TOP * (chin - forehead)), round(chin + 0.5 * (chin - forehead))


def _one_face(faces, small, config):
    """The participant's face; refuses what no fix can change: no face, several people of
    a size, eyes hidden behind dark glasses, a roll beyond levelling."""
    if not faces:
        raise Refused("no_face")
    counted = [face for face in faces if face.width >= config.face_second_min * faces[0].width]
    if len(counted) > 1:
        raise Refused("several_faces", faces=len(counted))
    face = counted[0]
    if checks.eyes_hidden(landmarks.eye_visibility(small, face), config):
        raise Refused("eyes_hidden")
    if abs(face.roll) > config.max_roll:
        raise Refused("head_tilted", roll=checks.number(abs(face.roll)), max_roll=checks.number(config.max_roll))
    return face


def _enough_resolution(face, upright, small, config):
    """The face must be at least config.min_face_pixels wide in the photo (face_too_small)
    and not blown up from a much smaller picture (resolution_low, see detail.py).
    Returns the figures the messages name."""
    rgb = upright.rgb
    to_rgb = rgb.shape[1] / small.shape[1]
    pixels = face.width * to_rgb * upright.width / rgb.shape[1]
    values = {
        "width": upright.width, "height": upright.height,
        "face": checks.number(pixels), "needed": checks.number(config.min_face_pixels),
        "upscale": checks.number(config.face_share * config.output_width / pixels, 1),
        "max_upscale": checks.number(config.max_upscale, 1),
    }
    if pixels < config.min_face_pixels:
        raise Refused("face_too_small", **values)
    if detail.enlarged(rgb, face.box.scaled(to_rgb)):
        raise Refused("resolution_low", **values)
    return values


def _face_warnings(face, small, config):
    """The codes of what the participant should look at before using the fix."""
    codes = []
    if landmarks.eye_glare(small, face) >= config.glare_min_share:
        codes.append("glasses_glare")
    if checks.eyes_closed(face, config):
        codes.append("eyes_closed")
    if checks.mouth_open(face, config):
        codes.append("mouth_open")
    return codes


def _colour(text):
    text = text.lstrip("#")
    return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))


def _warp(rgb, matrix, size, colour):
    """The output pixels and where they come from the photo (1) or lie outside it (0)."""
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    source = rgb
    if scale < MAX_WARP_REDUCTION:
        # Reduce just the region the crop covers, by pixel averaging, then warp the rest.
        inverse = cv2.invertAffineTransform(matrix)
        corners = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float64)
        mapped = corners @ inverse[:, :2].T + inverse[:, 2]
        height, width = rgb.shape[:2]
        x0, y0 = (max(0, int(np.floor(mapped[:, i].min())) - 2) for i in (0, 1))
        x1 = min(width, int(np.ceil(mapped[:, 0].max())) + 2)
        y1 = min(height, int(np.ceil(mapped[:, 1].max())) + 2)
        # By a whole factor (fast), leaving a warp scale of 0.6–0.9.
        factor = max(2, int(PREREDUCED_SCALE / scale))
        source = _shrink(rgb[y0:y1, x0:x1], factor)
        undo = np.array([[factor, 0, x0 + (factor - 1) / 2], [0, factor, y0 + (factor - 1) / 2], [0, 0, 1]])
        matrix = matrix @ undo
    out = cv2.warpAffine(source, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=colour)
    if _inside(matrix, size, source.shape):
        return out, None  # the usual case: the whole crop lies in the photo
    inside = cv2.warpAffine(np.full(source.shape[:2], 255, np.uint8), matrix, size, flags=cv2.INTER_LINEAR, borderValue=0)
    # A pixel half outside the photo is background too.
    return out, (inside == 255).astype(np.float32)


def _inside(matrix, size, shape):
    """Whether every output pixel samples the photo with all four bilinear neighbours
    (the crop is convex: its corners decide)."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], np.float64)
    mapped = corners @ inverse[:, :2].T + inverse[:, 2]
    height, width = shape[:2]
    return bool((mapped[:, 0] >= 0).all() and (mapped[:, 0] <= width - 1).all() and (mapped[:, 1] >= 0).all() and (mapped[:, 1] <= height - 1).all())


def _check_matte(alpha, points, config):
    height, width = alpha.shape
    share = float(alpha.mean())
    xs = np.clip(np.rint(points[:, 0]).astype(int), 0, width - 1)
    ys = np.clip(np.rint(points[:, 1]).astype(int), 0, height - 1)
    landmarks_inside = float((alpha[ys, xs] > 0.5).mean())
    top_touched = float((alpha[:2] > 0.5).mean())
    uncertain = float(((alpha > 0.05) & (alpha < 0.95)).mean())
    if (
        uncertain > config.max_uncertain_share
        or not config.min_person_share <= share <= config.max_person_share
        or landmarks_inside < config.min_landmarks_inside
        or top_touched > 0.01
    ):
        logger.info(
            "Photo fix mask refused: share %.2f, landmarks %.2f, top %.3f, uncertain %.3f",
            share, landmarks_inside, top_touched, uncertain,
        )
        raise Refused("mask_failed")


def _light_headwear_risk(half, person, alpha, crop, config):
    """Light headwear on a light wall: the mask may have lost part of it. Measured on the
    half-size output (`half`, with its person mask), where the means are the same."""
    height, width = person.shape
    step = alpha.shape[0] / height
    # Only the rows down to a little below the crown are looked at.
    rows = min(height, max(1, round((crop.crown_row + 0.15 * alpha.shape[0]) / step)))
    hsv = cv2.cvtColor(np.ascontiguousarray(half[:rows]), cv2.COLOR_RGB2HSV)
    wall = hsv[person[:rows] < 0.1]
    if len(wall) == 0:
        return False
    light_wall = wall[:, 2].mean() > 0.7 * 255 and wall[:, 1].mean() < 0.2 * 255
    if not light_wall:
        return False
    if not crop.crown_from_mask:
        return True
    crown = int(max(0, crop.crown_row / step))
    band = (slice(crown, crown + round(0.08 * height)), slice(round(0.3 * width), round(0.7 * width)))
    head_alpha = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_AREA)[band]
    head = hsv[band][head_alpha > 0.5]
    return bool(len(head)) and head[:, 2].mean() > 0.7 * 255 and head[:, 1].mean() < 0.25 * 255


def _encode(rgb, quality, subsampling, optimize=False):
    buffer = io.BytesIO()
    # Baseline (not progressive); no EXIF, ICC or comment.
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality, subsampling=subsampling, optimize=optimize)
    return buffer.getvalue()


# Under the guide's 1 MB, 827×1240 at quality 95 without chroma subsampling weighs
# 200–350 KB: one encode. Huffman optimisation would save ~4 % for ~70 % more encoding
# time, so it is only used when the limit is tight (a 200 KB portal), where every byte
# buys quality; the search there starts at a quality that usually fits (~140 KB).
FIRST_QUALITY = 95
SEARCH_GUESS = 90


def _encode_under(rgb, config):
    """(JPEG, quality) at the highest quality strictly under config.max_bytes, or None."""
    best = _encode(rgb, FIRST_QUALITY, "4:4:4")
    if len(best) < config.max_bytes:
        return best, FIRST_QUALITY
    found = None
    low, high = config.min_quality, FIRST_QUALITY - 1
    guess = min(max(SEARCH_GUESS, low), high)
    while low <= high:
        quality = guess if guess is not None else (low + high + 1) // 2
        guess = None
        data = _encode(rgb, quality, "4:2:0", optimize=True)
        if len(data) < config.max_bytes:
            found, low = (data, quality), quality + 1
        else:
            high = quality - 1
    return found


def _preview(rgb, config):
    """The input reduced by a whole factor to about preview_height (RGB array)."""
    return _shrink(rgb, round(rgb.shape[0] / config.preview_height))


def _preview_jpeg(preview, config):
    buffer = io.BytesIO()
    Image.fromarray(preview).save(buffer, "JPEG", quality=config.preview_quality)
    return buffer.getvalue()


def _changes(upright, crop, size, config):
    changes = []
    if upright.kind != "JPEG":
        changes.append(f"diubah dari {upright.kind} ke JPEG")
    if upright.rotated:
        changes.append("diputar tegak sesuai orientasi kamera")
    changes.append("latar diganti merah" if config.background.lower() == "#d74532" else f"latar diganti {config.background}")
    changes.append("dipotong 4:6")
    dimensions = f"{config.output_width}×{config.output_height}"
    changes.append(f"diperbesar ke {dimensions}" if crop.upscale > 1.0 else f"diperkecil ke {dimensions}")
    if round(abs(crop.roll)) >= 1:
        changes.append(f"diputar {checks.number(abs(crop.roll))}°")
    changes.append(f"{size // 1024} KB")
    return changes
