"""Thresholds of the photo checks, with where each default comes from.

`settings.PHOTO_CHECKS` overrides any of them by name, e.g.
`PHOTO_CHECKS = {"background_min_red": 0.5}`.
"""

from dataclasses import dataclass, fields, replace

from django.core.exceptions import ImproperlyConfigured

# Shared by the checks (PhotoConfig) and the fixer (FixConfig): one rule, one number.
# Rule 4, eyes open, from the eye aspect ratio (landmarks.Face.eye_openness) of each eye,
# measured on the real-photo corpus (tests/corpus.py) at the fixer's 384 px analysis side:
# 39 open-eyed faces (broad smiles, older eyelids, clear glasses, video frames) 0.227–0.408
# per eye; 3 closed eyes 0.039–0.046; one half-closed blink (franck_02888) 0.106–0.174.
# An eye under EYE_OPEN_MIN is closed or narrowed; the eyeBlink blendshape (open
# 0.00–0.28, closed 0.58–0.73 in the same photos) only confirms an eye in the doubtful
# band below EYE_OPEN_SURE, above EYE_BLINK_CLOSED.
EYE_OPEN_MIN = 0.19
EYE_OPEN_SURE = 0.22
EYE_BLINK_CLOSED = 0.5
# Rule 4, eyes visible: the brightest tenth of the eye opening over the cheek
# (landmarks.eye_visibility). Corpus: 39 open eyes 0.42–1.53 (tinted clear glasses 0.42),
# closed lids 0.39–0.55, dark sunglasses 0.11–0.12.
EYE_VISIBLE_MIN = 0.25
# Glare on glasses: clipped white around an eye (landmarks.eye_glare). None in the corpus
# (0.000 for all 50 photos); a reflection on a lens covers a few percent of the box.
GLARE_MIN_SHARE = 0.02
# Rule 4, mouth closed: the inner-lip gap over the eye-to-chin distance (OFIQ's measure).
# Corpus: 37 closed mouths and smiles showing the teeth 0.001–0.095; a laugh with the
# mouth open (franck_04117) 0.148. OFIQ's MouthOpen sigmoid is centred at 0.2.
MOUTH_GAP_MAX = 0.12
ROLL_MAX = 8.0


@dataclass(frozen=True)
class PhotoConfig:
    # Rule 2 of the guide, "under 1 MB": strictly less than 1 MiB, as file managers show it.
    max_bytes: int = 1_048_576
    # Refused from the header, before any decoding: a small file can claim a huge frame
    # (decompression bomb). 50 MP is above any phone camera's default output.
    max_pixels: int = 50_000_000
    # Segments before the image data; real files have a few dozen.
    max_segments: int = 1_000

    # Rule 9: width:height = 4:6, portrait, judged on the image as displayed (EXIF
    # orientation applied). Tolerance relative to 4/6: 0.6533–0.6800.
    ratio_width: int = 4
    ratio_height: int = 6
    ratio_tolerance: float = 0.02

    # 4×6 cm printed at 300 dpi: 4 / 2.54 × 300 = 472, 6 / 2.54 × 300 = 709 pixels.
    min_width: int = 472
    min_height: int = 709

    # The analysis runs on an image reduced while decoding (JPEG draft mode), its
    # shorter side about this long: 1200×1800 decodes at 1/8 scale to 150×225.
    analysis_side: int = 150

    # Rule 3, red background. Hue in degrees (wrapping through 0), saturation and value
    # 0–1 (HSV; measured in OpenCV's 8-bit HSV, hue in 2° steps). Public ID-photo tools
    # use reds from #d74532 (hue 7°) through #e02424 to #ff0000 (0°); crimson (348°),
    # tomato (9°) and dark studio reds (#8b0000, value 0.55) stay inside, while orange-red
    # #ff4500 (16°), orange (24–40°), pink (#ffc0cb: saturation 0.25; deep pink 328°),
    # salmon and light coral (saturation ≈ 0.5) and purple (300°) fall outside.
    red_hue_min: float = 340.0
    red_hue_max: float = 14.0
    red_min_saturation: float = 0.55
    red_min_value: float = 0.3
    # Share of red pixels the background region must have.
    background_min_red: float = 0.6
    # Background region without a detected face: a band along the top and strips along
    # both sides down to half the height (fractions of height and width).
    background_top: float = 0.06
    background_side: float = 0.15
    background_bottom: float = 0.5
    # With a face, each head is left out, in face widths around the face centre: an
    # ellipse `head_halfwidth` wide and `head_halfheight` high, centred `head_rise` above
    # (in the portrait the hair reaches 0.79 to each side and 1.03 above, the chin 0.72
    # below), and below `drape_below` a band `drape_halfwidth` to each side (a hijab, the
    # neck). The region stops at the shoulders, `shoulders_below` under the face centre.
    # When less than `background_min_area` of the photo is left (the head fills it), the
    # top band and side strips are used.
    head_halfwidth: float = 0.95
    head_halfheight: float = 1.0
    head_rise: float = 0.15
    drape_below: float = 0.4
    drape_halfwidth: float = 1.15
    shoulders_below: float = 0.9
    background_min_area: float = 0.005

    # Colour names: darker than this is black; less saturated is white or grey.
    black_max_value: float = 0.2
    grey_max_saturation: float = 0.2
    white_min_value: float = 0.85

    # Faces are found by MediaPipe's Face Landmarker (landmarks.py) on a second reduced
    # image, its shorter side about `landmark_side` (1200×1800 decodes at 1/4 scale to
    # 300×450): in a head-to-chest photo the face is then ~130 px wide. At 150 px (the
    # analysis image) the portrait's face is only 30–70 px and open eyes start to score
    # as blinking (0.1–0.25 measured at 20–30 px of face width). A second face counts
    # when at least `face_second_min` of the widest.
    landmark_side: int = 300
    face_second_min: float = 0.5
    # Rule 4, eyes open and visible, mouth closed: see EYE_OPEN_MIN and the others above.
    eye_open_min: float = EYE_OPEN_MIN
    eye_open_sure: float = EYE_OPEN_SURE
    eye_blink_closed: float = EYE_BLINK_CLOSED
    eye_visible_min: float = EYE_VISIBLE_MIN
    mouth_gap_max: float = MOUTH_GAP_MAX
    # Rule 4, looking straight ahead: ISO/IEC 19794-5 allows a head roll of ±8°, measured
    # on the eye line.
    roll_max: float = ROLL_MAX
    # Rule 8, head to chest. The face box (landmarks.Face.box, made like the Haar
    # cascade's box the numbers below were measured with: about brow to mouth) as a share of
    # the photo width. In the test portrait crown to chin is 1.75 box widths, so at 4:6 a
    # box of share w is a head of 1.17·w of the height. The framing accepted without a
    # note, box 0.35–0.55 (HivisionIDPhotos' crops: about 0.5), is a head of 0.4–0.65 of
    # the height, around OFIQ's 0.45 for passport crops. A box over 0.65 (head over 0.76
    # of the height) leaves no chest in view; under 0.25 (head under 0.3) it is a
    # half-body shot.
    face_min_width: float = 0.25
    face_max_width: float = 0.65
    # Face centre as a share of width and height (HivisionIDPhotos: 50 %, 45 %).
    face_center_x_tolerance: float = 0.1
    face_center_y_min: float = 0.25
    face_center_y_max: float = 0.55

    # Rule 5, white shirt, no jacket: the chest below the face (beside the tie) must be
    # mostly light and unsaturated.
    shirt_max_saturation: float = 0.25
    shirt_min_value: float = 0.55
    shirt_min_white: float = 0.4


def _build(config_class, setting, overrides):
    """The defaults of config_class with `overrides` (a dict of field names) applied."""
    overrides = dict(overrides or {})
    known = {field.name for field in fields(config_class)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ImproperlyConfigured(f"{setting}: unknown key(s) {', '.join(unknown)}")
    return replace(config_class(), **overrides)


def _overrides(setting):
    """settings.<setting>, or None when Django settings are not configured."""
    from django.conf import settings

    try:
        return getattr(settings, setting, None)
    except ImproperlyConfigured:
        return None


def build_config(overrides=None):
    """The check defaults with `overrides` (a dict of field names) applied."""
    return _build(PhotoConfig, "PHOTO_CHECKS", overrides)


def get_config():
    """The check defaults merged with settings.PHOTO_CHECKS."""
    return build_config(_overrides("PHOTO_CHECKS"))


@dataclass(frozen=True)
class FixConfig:
    """Settings of the photo fixer (fix.py); `settings.PHOTO_FIX` overrides them by name,
    e.g. `PHOTO_FIX = {"max_bytes": 204_800}` for a portal that takes 200 KB (SSCASN)."""

    # Rule 3: the red of public ID-photo tools (#d74532 = 215, 69, 50; DOMAIN.md).
    background: str = "#d74532"
    # 4:6 at 827×1240 px: 7×10.5 cm at 300 dpi, more than the check's 472×709 minimum.
    output_width: int = 827
    output_height: int = 1240
    # Rule 2, "under 1 MB": strictly less than 1,048,576 bytes.
    max_bytes: int = 1_048_576
    max_pixels: int = 50_000_000
    # Rule 8, head to chest: the face (cheek to cheek) about 45 % of the photo width and
    # the top of the hair 10 % below the top edge (HivisionIDPhotos: 10–12 % above the
    # crown). When the photo ends too close to the face at a side or the bottom, the crop
    # narrows around the face, up to a face of `max_face_share` of the width (the check
    # warns from 0.65 of the wider Haar-like box); closer than that is too_close.
    face_share: float = 0.45
    headroom: float = 0.10
    max_face_share: float = 0.58
    # Resolution: the guide's print is 4×6 cm at 300 dpi, 472×709 px (the check's
    # minimum), where the face (face_share of the width) is 212 px. Enlarging it more than
    # 1.5× shows as blur in print, so the face must be min_face_pixels wide (cheek to
    # cheek) in the photo, and not blown up from a much smaller one (detail.py). The
    # output is 827 px wide, so the crop itself may enlarge up to 1.5 × 827 / 472.
    min_face_pixels: int = 142
    max_upscale: float = 2.65
    # Rule 4, a roll (eye line) up to max_roll is levelled in the crop's one warp: the
    # output's eye line is then level whatever the roll; the shoulders turn with the head,
    # which at 20° still reads as a person sitting slightly askew. More is refused as
    # head_tilted. The corpus' video frames roll 0.7–14.9°.
    max_roll: float = 20.0
    # Eyes and mouth are the participant's to judge: the fix is made, with a warning.
    eye_open_min: float = EYE_OPEN_MIN
    eye_open_sure: float = EYE_OPEN_SURE
    eye_blink_closed: float = EYE_BLINK_CLOSED
    eye_visible_min: float = EYE_VISIBLE_MIN
    glare_min_share: float = GLARE_MIN_SHARE
    mouth_gap_max: float = MOUTH_GAP_MAX
    # A second face counts from half the width of the first, as in the checks.
    face_second_min: float = 0.5
    # Landmarks and the first mask run on the photo reduced to this shorter side.
    analysis_side: int = 384
    # The mask is sane when it covers 20–85 % of the output, holds at least 95 % of the
    # face landmarks and leaves the top rows (headroom) clear.
    min_person_share: float = 0.2
    max_person_share: float = 0.85
    min_landmarks_inside: float = 0.95
    # Share of the output where the refined matte is undecided (between 0.05 and 0.95):
    # about 0.02 on the test walls (hair, edges), 0.2 for a flat white shirt on a white
    # wall, where the result showed pink patches: refused as mask_failed above this.
    max_uncertain_share: float = 0.08
    # The preview of the original shown beside the result (browsers cannot show HEIC).
    preview_height: int = 800
    preview_quality: int = 85
    # The lowest JPEG quality tried under the byte limit before giving up.
    min_quality: int = 40


def build_fix_config(overrides=None):
    """The fixer's defaults with `overrides` (a dict of field names) applied."""
    return _build(FixConfig, "PHOTO_FIX", overrides)


def get_fix_config():
    """The fixer's defaults merged with settings.PHOTO_FIX."""
    return build_fix_config(_overrides("PHOTO_FIX"))
