"""check_photo: every rule measured on one upload, with a message in Indonesian."""

import logging
import math
from fractions import Fraction

from profiles.photos import background, colours, decode, landmarks, shirt, vendored
from profiles.photos.config import get_config
from profiles.photos.report import ERROR, WARNING, Check, PhotoReport

logger = logging.getLogger(__name__)

# Every code, in report order, with its severity.
SEVERITY = {
    "format": ERROR,
    "size": ERROR,
    "ratio": ERROR,
    "background": ERROR,
    "resolution": WARNING,
    "face_missing": WARNING,
    "face_multiple": WARNING,
    "face_off_center": WARNING,
    "head_too_small": WARNING,
    "head_too_large": WARNING,
    "eyes_closed": WARNING,
    "eyes_hidden": WARNING,
    "mouth_open": WARNING,
    "head_tilted": WARNING,
    "shirt_not_white": WARNING,
}
FACE_CODES = (
    "face_missing", "face_multiple", "face_off_center", "head_too_small", "head_too_large",
    "eyes_closed", "eyes_hidden", "mouth_open", "head_tilted",
)

MIB = 1024 * 1024


def check_photo(data, config=None):
    """Check an upload (bytes) against the photo rules; never raises on bad data."""
    config = config or get_config()
    if not isinstance(data, (bytes, bytearray)):
        data = bytes(data)
    try:
        structure = decode.read_structure(data, config)
        large = decode.decode_reduced(data, structure, config, side=config.landmark_side)
    except decode.FormatProblem as problem:
        value = {"type": problem.found, "problem": problem.problem}
        return not_checked(Check("format", False, ERROR, value, format_message(problem)))
    rgb = decode.reduce(large, config.analysis_side)
    width, height = structure.display_size
    faces, face_problem = _detect(large, config)
    # Face boxes in the coordinates of the analysis image, where colours are measured.
    scale = rgb.shape[1] / large.shape[1]
    boxes = [found.box.scaled(scale) for found in faces or []]
    hsv = colours.hsv(rgb)
    checks = [
        Check("format", True, ERROR, {"type": "JPEG", "problem": None}, f"File JPEG asli, {width}×{height} piksel."),
        check_size(len(data), config),
        check_ratio(width, height, config),
        check_background(background.measure(hsv, boxes, config), config),
        check_resolution(width, height, config),
    ]
    if faces is None:
        checks += faces_not_checked(face_problem)
    else:
        checks += [check_face_found(faces), check_one_face(faces)]
        if not faces:
            checks += [
                Check(code, None, WARNING, None, "Tidak diperiksa karena wajah tidak terdeteksi.")
                for code in FACE_CODES[2:]
            ]
        else:
            main = faces[0]
            checks += [
                *check_face_framing(boxes[0], rgb.shape, config),
                check_eyes(main, config),
                check_eyes_visible(landmarks.eye_visibility(large, main), config),
                check_mouth(main, config),
                check_roll(main, config),
            ]
    checks.append(check_shirt(shirt.white_share(hsv, boxes[0] if boxes else None, config), config))
    return PhotoReport(checks, width, height)


def not_checked(format_check):
    """A report where the format check failed and nothing else could be measured."""
    others = [
        Check(code, None, severity, None, "Tidak diperiksa karena file tidak dapat dibaca sebagai foto JPEG.")
        for code, severity in SEVERITY.items()
        if code != "format"
    ]
    return PhotoReport([format_check, *others])


def unreadable_file(reason):
    """The report for a file that could not even be opened (used by the command line)."""
    value = {"type": None, "problem": "unreadable"}
    return not_checked(Check("format", False, ERROR, value, f"File tidak dapat dibuka: {reason}."))


def _detect(rgb, config):
    """(faces, problem): the faces counted (widest first), or None and why detection did not run."""
    try:
        found = landmarks.detect(rgb)
    except (vendored.ModelFileError, ImportError) as error:
        # A damaged or missing model is a deployment fault: loud in the log (vendored.py
        # logs the sha256 mismatch), but the upload goes on without the face checks.
        logger.error("Photo face checks not run: %s", error)
        return None, "pendeteksi wajah tidak tersedia"
    except Exception:
        # Last resort, on purpose: the face step only produces warnings, and an unforeseen
        # failure in MediaPipe or in this code must not refuse a valid photo (the night
        # before the deadline). It is logged with its traceback, and the face checks are
        # reported as not checked, so the admin sees they did not run.
        logger.exception("Photo face checks failed")
        return None, "pemeriksaan wajah gagal"
    if not found:
        return [], None
    return [item for item in found if item.width >= config.face_second_min * found[0].width], None


# Messages ---------------------------------------------------------------------------


def number(value, places=0, rounding=round):
    """Indonesian notation: 1.234,5 (thousands dot, decimal comma), trailing zeros dropped."""
    factor = 10**places
    value = rounding(value * factor) / factor
    text = f"{value:,.{places}f}"
    if places:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(share, limit=None):
    """A share as "93%"; with one decimal when rounding would make it equal the limit."""
    value = share * 100
    if limit is not None and round(value) == round(limit * 100) and not math.isclose(value, limit * 100):
        return number(value, 1, math.floor if value < limit * 100 else math.ceil) + "%"
    return number(value) + "%"


def filesize(size):
    # Rounded down, so a file just under the limit never reads as the limit itself.
    if size < MIB:
        return f"{number(size / 1024, 1, math.floor)} KB"
    return f"{number(size / MIB, 2, math.floor)} MB"


def format_message(problem):
    found = problem.found
    if problem.problem == "empty":
        return "File kosong (0 byte). Pilih file foto .jpg."
    if problem.problem == "not_jpeg":
        kind = "jenisnya tidak dikenal" if found == "tidak dikenal" else f"melainkan {found}"
        return (
            f"File ini bukan JPEG asli, {kind}; mengganti nama menjadi .jpg tidak mengubah isinya. "
            "Simpan atau ekspor ulang foto sebagai JPEG."
        )
    if problem.problem == "truncated":
        return (
            "File JPEG terpotong (tidak lengkap), mungkin unggahan atau unduhan terputus. "
            "Ambil file aslinya lalu unggah lagi."
        )
    if problem.problem == "too_many_pixels":
        detail = problem.detail
        size = f"{number(detail['width'])}×{number(detail['height'])} piksel, " if "width" in detail else ""
        return (
            f"Gambar terlalu besar: {size}{number(detail['pixels'] / 1e6, 1)} MP; "
            f"batas {number(detail['cap'] / 1e6, 1)} MP. Perkecil ukuran fotonya."
        )
    return (
        "File JPEG rusak atau jenisnya tidak didukung sehingga tidak dapat dibaca. "
        "Simpan ulang foto sebagai JPEG biasa."
    )


def check_size(size, config):
    limit = filesize(config.max_bytes)
    if size < config.max_bytes:
        return Check("size", True, ERROR, size, f"Ukuran file {filesize(size)}, di bawah batas {limit}.")
    return Check(
        "size", False, ERROR, size,
        f"Ukuran file {filesize(size)} ({number(size)} byte); harus di bawah {limit} "
        f"({number(config.max_bytes)} byte). Kompres atau perkecil fotonya.",
    )


def ratio_name(width, height):
    """"3:4" for a simple ratio (2:3 reads as the guide's 4:6), else None."""
    divisor = math.gcd(width, height)
    a, b = width // divisor, height // divisor
    if (a, b) == (2, 3):
        return "4:6"
    return f"{a}:{b}" if max(a, b) <= 16 else None


def check_ratio(width, height, config):
    target = Fraction(config.ratio_width, config.ratio_height)
    measured = Fraction(width, height)
    # Exact arithmetic, so that a boundary (612×900 = 0.68 = 4/6 + 2 %) is decided exactly.
    tolerance = Fraction(str(config.ratio_tolerance))
    value = {"width": width, "height": height, "ratio": round(width / height, 4)}
    wanted = f"{config.ratio_width}:{config.ratio_height} ({number(float(target), 3)})"
    name = ratio_name(width, height)
    ratio = number(width / height, 3)
    shown = f"{name} ({ratio})" if name else f"{ratio} ({width}×{height} piksel)"
    if measured == target:
        return Check("ratio", True, ERROR, value, f"Rasio {shown}, sesuai {wanted}.")
    if abs(measured / target - 1) <= tolerance:
        return Check("ratio", True, ERROR, value, f"Rasio {shown}, sesuai {wanted} ± {percent(config.ratio_tolerance)}.")
    if width * config.ratio_height > height * config.ratio_width:
        crop = (height * config.ratio_width // config.ratio_height, height)
    else:
        crop = (width, width * config.ratio_height // config.ratio_width)
    landscape = ", foto landscape (melebar), bukan potret (tegak)" if width > height else ""
    return Check(
        "ratio", False, ERROR, value,
        f"Rasio {shown}{landscape}; harus {wanted}, boleh selisih {percent(config.ratio_tolerance)}. "
        f"Potong foto menjadi {crop[0]}×{crop[1]} piksel.",
    )


def check_background(measured, config):
    value = {
        "red_share": round(measured.red_share, 3),
        "dominant": measured.dominant,
        "dominant_share": round(measured.dominant_share, 3),
    }
    if measured.red_share >= config.background_min_red:
        return Check("background", True, ERROR, value, f"Latar belakang merah ({percent(measured.red_share)} piksel merah).")
    return Check(
        "background", False, ERROR, value,
        f"Latar belakang bukan merah: warna dominan {measured.dominant} ({percent(measured.dominant_share)}), "
        f"piksel merah hanya {percent(measured.red_share, config.background_min_red)} "
        f"(minimal {percent(config.background_min_red)}). Gunakan latar merah polos.",
    )


def check_resolution(width, height, config):
    value = {"width": width, "height": height}
    minimum = f"{config.min_width}×{config.min_height}"
    if width >= config.min_width and height >= config.min_height:
        return Check("resolution", True, WARNING, value, f"Resolusi {width}×{height} piksel cukup (minimal {minimum}).")
    return Check(
        "resolution", False, WARNING, value,
        f"Resolusi {width}×{height} piksel, di bawah {minimum} (300 dpi untuk cetak 4×6 cm); "
        "foto bisa tampak pecah saat dicetak.",
    )


def faces_not_checked(problem):
    return [
        Check(code, None, WARNING, None, f"Tidak diperiksa ({problem}); petugas akan memeriksa wajah pada foto ini.")
        for code in FACE_CODES
    ]


def check_face_found(faces):
    if faces:
        return Check("face_missing", True, WARNING, len(faces), "Wajah terdeteksi.")
    return Check(
        "face_missing", False, WARNING, 0,
        "Wajah tidak terdeteksi. Pastikan wajah menghadap lurus ke kamera, tidak tertutup, cukup terang, "
        "dan foto dari kepala sampai dada (bukan setengah badan).",
    )


def check_one_face(faces):
    if len(faces) <= 1:
        return Check("face_multiple", True, WARNING, len(faces), "Tidak ada lebih dari satu wajah.")
    return Check("face_multiple", False, WARNING, len(faces), f"Terdeteksi {len(faces)} wajah; foto harus berisi satu orang saja.")


def check_face_framing(main, shape, config):
    """face_off_center, head_too_small and head_too_large for the main face."""
    height, width = shape[:2]
    x, y, size = main.cx / width, main.cy / height, main.w / width
    centre = {"x": round(x, 3), "y": round(y, 3)}
    where = f"pusat wajah pada {percent(x)} lebar dan {percent(y)} tinggi foto"
    if abs(x - 0.5) <= config.face_center_x_tolerance and config.face_center_y_min <= y <= config.face_center_y_max:
        position = Check("face_off_center", True, WARNING, centre, f"Posisi wajah baik: {where}.")
    else:
        position = Check(
            "face_off_center", False, WARNING, centre,
            f"Wajah tidak di tengah: {where}; seharusnya sekitar 50% lebar dan "
            f"{percent(config.face_center_y_min)}–{percent(config.face_center_y_max)} tinggi.",
        )
    share = f"lebar wajah {percent(size)} dari lebar foto"
    frame = "Bingkai foto dari kepala sampai dada."
    small = Check("head_too_small", True, WARNING, round(size, 3), f"Ukuran kepala cukup: {share}.")
    if size < config.face_min_width:
        small = Check(
            "head_too_small", False, WARNING, round(size, 3),
            f"Kepala terlalu kecil: {share} (minimal {percent(config.face_min_width)}). {frame}",
        )
    large = Check("head_too_large", True, WARNING, round(size, 3), f"Ukuran kepala tidak berlebihan: {share}.")
    if size > config.face_max_width:
        large = Check(
            "head_too_large", False, WARNING, round(size, 3),
            f"Kepala terlalu besar: {share} (maksimal {percent(config.face_max_width)}), dada tidak terlihat. {frame}",
        )
    return [position, small, large]


def check_eyes(face, config):
    right, left = face.eye_openness
    value = {
        "right": round(right, 3), "left": round(left, 3),
        "blink_right": round(face.blink_right, 3), "blink_left": round(face.blink_left, 3),
    }
    closed = eyes_closed(face, config)
    if not closed:
        return Check("eyes_closed", True, WARNING, value, "Kedua mata terbuka.")
    # One eye or both; which one is not named, since the person's left and right are easy
    # to misread as the viewer's.
    which = "Kedua mata" if len(closed) == 2 else "Satu mata"
    return Check(
        "eyes_closed", False, WARNING, value,
        f"{which} tampak terpejam atau menyipit. Foto ulang dengan kedua mata terbuka, menatap kamera; "
        "kacamata boleh asal tidak gelap dan tidak memantulkan cahaya.",
    )


def eyes_closed(face, config):
    """The eyes ("right", "left": the person's) that are closed or narrowed: an eye aspect
    ratio under eye_open_min, or under eye_open_sure with the blink blendshape agreeing."""
    closed = []
    blinks = (face.blink_right, face.blink_left)
    for side, openness, blink in zip(("right", "left"), face.eye_openness, blinks):
        if openness < config.eye_open_min or (openness < config.eye_open_sure and blink > config.eye_blink_closed):
            closed.append(side)
    return tuple(closed)


def check_eyes_visible(visibility, config):
    value = {"right": round(visibility[0], 3), "left": round(visibility[1], 3)}
    if not eyes_hidden(visibility, config):
        return Check("eyes_hidden", True, WARNING, value, "Mata terlihat jelas.")
    return Check(
        "eyes_hidden", False, WARNING, value,
        "Mata tertutup kacamata gelap atau tidak terlihat. Foto ulang tanpa kacamata hitam, kedua mata terlihat jelas.",
    )


def eyes_hidden(visibility, config):
    """Both eyes dark as glass: no white of the eye anywhere (landmarks.eye_visibility)."""
    return all(share < config.eye_visible_min for share in visibility)


def check_mouth(face, config):
    gap = face.mouth_gap
    if not mouth_open(face, config):
        return Check("mouth_open", True, WARNING, round(gap, 3), "Mulut tertutup.")
    return Check(
        "mouth_open", False, WARNING, round(gap, 3),
        "Mulut tampak terbuka. Foto ulang dengan ekspresi biasa dan mulut tertutup.",
    )


def mouth_open(face, config):
    return face.mouth_gap > config.mouth_gap_max


def check_roll(face, config):
    roll = face.roll
    value = round(roll, 1)
    if not head_tilted(face, config.roll_max):
        return Check("head_tilted", True, WARNING, value, f"Kepala tegak (miring {number(abs(roll), 1)}°).")
    return Check(
        "head_tilted", False, WARNING, value,
        f"Kepala miring {number(abs(roll), 1)}° (maksimal {number(config.roll_max)}°). "
        "Foto ulang dengan kepala tegak dan kedua mata sejajar.",
    )


def head_tilted(face, limit):
    return abs(face.roll) > limit


def check_shirt(white, config):
    if white >= config.shirt_min_white:
        return Check("shirt_not_white", True, WARNING, round(white, 3), f"Area dada tampak putih ({percent(white)}).")
    return Check(
        "shirt_not_white", False, WARNING, round(white, 3),
        f"Area di bawah wajah tidak tampak putih (putih hanya {percent(white, config.shirt_min_white)}, "
        f"minimal {percent(config.shirt_min_white)}); gunakan kemeja putih tanpa jas.",
    )
