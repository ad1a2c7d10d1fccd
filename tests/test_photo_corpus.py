"""The real-photo corpus (tests/corpus.py): every photo gets the outcome its label says, and
the eyes and mouth are judged as a person looking at the photo judged them."""

import pytest
from PIL import Image

from profiles.photos import checks, fix, inputs, landmarks
from profiles.photos.config import get_config, get_fix_config
from tests import corpus

SINGLE = [
    name for name, label in corpus.LABELS.items()
    if label not in (corpus.refuse("several_faces"), corpus.refuse("no_face")) and name not in corpus.GROUPS
]
FACE_CODES = {"eyes_closed", "mouth_open", "eyes_hidden", "glasses_glare"}


@pytest.fixture(scope="module")
def fixed():
    """Each photo's FixResult, made once per module (the 12 MP variants take a second)."""
    results = {}

    def get(name):
        if name not in results:
            results[name] = fix.fix_photo(corpus.photo(name))
        return results[name]

    return get


def test_the_corpus_files_are_installed():
    # `make test` runs npm ci and `make corpus`; without them this fails, never skips.
    originals = corpus.originals()
    assert len(originals) == 40 and all(data[:2] in (b"\xff\xd8", b"\x89P") for data in originals.values())


@pytest.mark.parametrize("name", sorted(corpus.LABELS))
def test_each_corpus_photo_gets_its_label(name, fixed):
    label = corpus.LABELS[name]
    result = fixed(name)
    if label.startswith("refuse:"):
        assert not result.ok and result.refused.code == label.split(":", 1)[1], result.to_dict()
    elif label.startswith("warn:"):
        code = label.split(":", 1)[1]
        assert result.ok, result.to_dict()
        assert code in result.warning_codes
    else:
        assert result.ok, result.to_dict()
        assert not FACE_CODES & set(result.warning_codes)


def _main_face(name):
    upright = inputs.open_upright(corpus.photo(name), get_fix_config().max_pixels, 1240)
    small = fix._reduce(upright.rgb, get_fix_config().analysis_side)
    return landmarks.detect(small)[0]


@pytest.mark.parametrize("name", sorted(name for name in SINGLE if name != "clm_ironman"))
def test_eyes_are_closed_only_where_a_person_saw_them_closed(name):
    face = _main_face(name)
    closed = checks.eyes_closed(face, get_config())
    assert bool(closed) == (name in corpus.EYES_CLOSED), face.eye_openness


@pytest.mark.parametrize("name", sorted(name for name in SINGLE if name != "clm_ironman"))
def test_the_mouth_is_open_only_where_a_person_saw_it_open(name):
    face = _main_face(name)
    assert checks.mouth_open(face, get_config()) == (name in corpus.MOUTH_OPEN), face.mouth_gap


def test_a_six_person_photo_is_refused_as_six_faces(fixed):
    result = fixed("insightface_t1")
    assert result.refused.code == "several_faces" and "6 wajah" in result.refused.message


def test_a_small_photo_is_refused_naming_its_resolution(fixed):
    message = fixed("astronaut").refused.message
    assert "512×512 piksel" in message and "wajahnya 91 piksel" in message and "minimal 142 piksel" in message


def test_a_face_enlarged_to_12_mp_is_refused_as_resolution_too_low(fixed):
    result = fixed("insightface_tom_hanks_12mp")
    assert result.refused.code == "resolution_low" and "3000×4000 piksel" in result.refused.message


def test_dark_glasses_are_refused_as_eyes_hidden_not_head_cut_off(fixed):
    result = fixed("clm_terminator_crop")
    assert result.refused.code == "eyes_hidden" and "kacamata" in result.refused.message


def test_closed_eyes_are_fixed_with_a_warning_shown_before_use(fixed):
    result = fixed("franck_04000_white_3x4")
    assert result.ok and result.data
    warnings = " ".join(result.warnings) + " ".join(check.message for check in result.report.checks if check.ok is False)
    assert "terpejam" in warnings


def test_the_check_counts_every_person_in_a_group_photo():
    report = checks.check_photo(corpus.photo("insightface_t1"))
    assert report.get("face_missing").ok is True
    assert report.get("face_multiple").ok is False and report.get("face_multiple").value == 6


def test_the_check_reports_dark_glasses_as_eyes_hidden():
    report = checks.check_photo(corpus.photo("clm_terminator_crop"))
    assert report.get("eyes_hidden").ok is False


def test_glare_on_glasses_is_fixed_with_a_warning():
    # Grace Hopper's glasses (12 MP) with a reflection painted on one lens.
    import cv2
    import numpy as np

    from tests import walls

    rgb = walls.upright(corpus.photo("grace_hopper_12mp_3x4")).copy()
    scale = fix._reduce(rgb, get_fix_config().analysis_side).shape[1] / rgb.shape[1]
    face = landmarks.detect(fix._reduce(rgb, get_fix_config().analysis_side))[0]
    points = face.points[list(landmarks.RIGHT_EYE_CONTOUR)] / scale
    centre = tuple(int(v) for v in points.mean(axis=0))
    size = int(np.ptp(points[:, 0]))
    cv2.ellipse(rgb, centre, (size // 3, size // 5), 0, 0, 360, (255, 255, 255), -1)
    result = fix.fix_photo(walls.encode(Image.fromarray(rgb), "JPEG", 92))
    assert result.ok and "glasses_glare" in result.warning_codes
    assert fix.WARNINGS["glasses_glare"] in result.warnings
