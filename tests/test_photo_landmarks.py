"""The landmark face checks: eyes, mouth and roll, on real portraits and on made-up faces
at the thresholds (the portraits have open eyes and closed or smiling mouths only, so
closed eyes and an open mouth are tried on synthetic measures)."""

import io
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image, ImageDraw

from profiles.photos import PhotoConfig, check_photo
from profiles.photos import checks as checks_module
from profiles.photos import landmarks, vendored
from tests.photo_factory import PORTRAIT, make_id_photo


def jpeg(image, quality=90):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def hopper():
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        return Image.open(file).convert("RGB")


def scaled(image, width):
    return image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)


def with_clear_glasses(image, left_eye, right_eye, radius):
    """Thin dark frames around both eyes, the lenses left clear (no real portrait with
    glasses is available; drawn frames are the nearest honest stand-in)."""
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for x, y in (left_eye, right_eye):
        draw.ellipse([x - radius, y - 0.75 * radius, x + radius, y + 0.75 * radius], outline=(25, 25, 30), width=3)
    draw.line([left_eye[0] + radius, left_eye[1], right_eye[0] - radius, right_eye[1]], fill=(25, 25, 30), width=3)
    return image


@pytest.mark.parametrize("width", [300, 512, 900])
@pytest.mark.parametrize("quality", [60, 95])
def test_grace_hopper_gets_no_eye_mouth_or_tilt_warning(width, quality):
    report = check_photo(jpeg(scaled(hopper(), width), quality))
    assert report.get("face_missing").ok
    for code in ("eyes_closed", "mouth_open", "head_tilted"):
        assert report.get(code).ok is True, report.get(code)


@pytest.mark.parametrize("width", [300, 512, 1024])
@pytest.mark.parametrize("quality", [60, 95])
def test_the_astronaut_gets_no_eye_warning(width, quality):
    portrait = scaled(Image.open(PORTRAIT).convert("RGB"), width)
    report = check_photo(jpeg(portrait, quality))
    assert report.get("eyes_closed").ok is True, report.get("eyes_closed").value


@pytest.mark.parametrize("width", [400, 800])
def test_clear_glasses_get_no_eye_warning(width):
    portrait = Image.open(PORTRAIT).convert("RGB")
    portrait = with_clear_glasses(portrait, (204, 101), (246, 103), 17)
    report = check_photo(jpeg(scaled(portrait, width)))
    assert report.get("eyes_closed").ok is True, report.get("eyes_closed").value


@pytest.mark.parametrize("size", [(472, 709), (600, 900), (1200, 1800)])
def test_an_id_photo_at_any_size_gets_no_face_warning(size):
    report = check_photo(make_id_photo(*size, quality=75))
    assert report.ok and report.warnings == []


def test_a_head_rotated_15_degrees_gives_head_tilted():
    image = Image.open(io.BytesIO(make_id_photo())).rotate(15, resample=Image.Resampling.BICUBIC, fillcolor=(215, 69, 50))
    report = check_photo(jpeg(image))
    assert "head_tilted" in report.warnings
    assert abs(report.get("head_tilted").value) == pytest.approx(15, abs=3)
    assert "Kepala miring" in report.get("head_tilted").message


def test_a_head_rotated_4_degrees_is_upright_enough():
    image = Image.open(io.BytesIO(make_id_photo())).rotate(4, resample=Image.Resampling.BICUBIC, fillcolor=(215, 69, 50))
    assert check_photo(jpeg(image)).get("head_tilted").ok is True


def test_the_roll_of_the_portrait_is_its_eye_line():
    face = landmarks.detect(np.asarray(Image.open(PORTRAIT).convert("RGB")))[0]
    # Her eye corners (33 and 263) lie at (195, 101) and (255, 104): about 3°.
    assert face.roll == pytest.approx(3, abs=1.5)


def test_the_face_box_matches_the_box_the_regions_were_calibrated_on():
    face = landmarks.detect(np.asarray(Image.open(PORTRAIT).convert("RGB")))[0]
    assert face.box.x == pytest.approx(177, abs=4) and face.box.y == pytest.approx(66, abs=4)
    assert face.box.w == pytest.approx(95, abs=4)


# Decisions at the thresholds -----------------------------------------------------------

CONFIG = PhotoConfig()


def fake_face(openness=(0.3, 0.3), blink=(0.05, 0.05), mouth_gap=0.02, roll=0.0):
    return SimpleNamespace(
        eye_openness=openness, blink_right=blink[0], blink_left=blink[1], mouth_gap=mouth_gap, roll=roll,
    )


def test_eyes_at_the_openness_limit_count_as_open():
    assert checks_module.check_eyes(fake_face((0.19, 0.19)), CONFIG).ok is True


def test_one_eye_just_under_the_openness_limit_gives_eyes_closed():
    result = checks_module.check_eyes(fake_face((0.3, 0.189)), CONFIG)
    assert result.ok is False and result.message.startswith("Satu mata")


def test_both_eyes_closed_gives_eyes_closed_for_both():
    result = checks_module.check_eyes(fake_face((0.04, 0.05), (0.7, 0.6)), CONFIG)
    assert result.ok is False and result.message.startswith("Kedua mata tampak terpejam")
    assert result.value == {"right": 0.04, "left": 0.05, "blink_right": 0.7, "blink_left": 0.6}


def test_a_high_blink_score_alone_does_not_close_an_open_eye():
    # Broad smiles and older eyelids score up to 0.28 with their eyes open (corpus).
    assert checks_module.check_eyes(fake_face((0.3, 0.3), (0.6, 0.6)), CONFIG).ok is True


def test_the_blink_score_confirms_an_eye_in_the_doubtful_band():
    assert checks_module.check_eyes(fake_face((0.21, 0.3), (0.6, 0.05)), CONFIG).ok is False
    assert checks_module.check_eyes(fake_face((0.21, 0.3), (0.2, 0.05)), CONFIG).ok is True


def test_dark_glasses_give_eyes_hidden():
    assert checks_module.check_eyes_visible((0.12, 0.11), CONFIG).ok is False


def test_one_dark_eye_alone_is_not_eyes_hidden():
    assert checks_module.check_eyes_visible((0.12, 0.6), CONFIG).ok is True


def test_a_mouth_gap_at_the_limit_counts_as_closed():
    assert checks_module.check_mouth(fake_face(mouth_gap=0.12), CONFIG).ok is True


def test_a_mouth_gap_over_the_limit_gives_mouth_open():
    result = checks_module.check_mouth(fake_face(mouth_gap=0.121), CONFIG)
    assert result.ok is False and "mulut tertutup" in result.message


@pytest.mark.parametrize("roll", [8.0, -8.0])
def test_a_roll_of_8_degrees_either_way_is_allowed(roll):
    assert checks_module.check_roll(fake_face(roll=roll), CONFIG).ok is True


@pytest.mark.parametrize("roll", [8.1, -8.1])
def test_a_roll_over_8_degrees_either_way_gives_head_tilted(roll):
    result = checks_module.check_roll(fake_face(roll=roll), CONFIG)
    assert result.ok is False and "8,1°" in result.message


def test_the_thresholds_come_from_the_config():
    config = PhotoConfig(eye_open_min=0.1, eye_open_sure=0.1, mouth_gap_max=0.5, roll_max=20)
    face = fake_face((0.15, 0.15), (0.6, 0.6), 0.4, 15)
    assert checks_module.check_eyes(face, config).ok and checks_module.check_mouth(face, config).ok
    assert checks_module.check_roll(face, config).ok


# Model files ---------------------------------------------------------------------------


def test_the_readme_gives_each_models_sha256():
    assert vendored.expected_sha256("face_landmarker.task").startswith("64184e229b26")
    assert len(vendored.expected_sha256("selfie_segmentation.tflite")) == 64


def test_a_model_file_with_another_sha256_is_refused(tmp_path, monkeypatch):
    (tmp_path / "face_landmarker.task").write_bytes(b"not the model")
    monkeypatch.setattr(vendored, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(vendored, "_verified", set())
    with pytest.raises(vendored.ModelFileError, match="expected 64184e229b26"):
        vendored.model_path("face_landmarker.task")


def test_a_missing_model_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(vendored, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(vendored, "_verified", set())
    with pytest.raises(vendored.ModelFileError, match="cannot be read"):
        vendored.model_path("face_landmarker.task")


def test_the_models_close_at_exit_without_type_errors():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import numpy as np; from profiles.photos import landmarks, segment; "
        "image = np.full((256, 256, 3), 200, np.uint8); landmarks.detect(image); segment.person_mask(image)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "TypeError" not in result.stderr and "Traceback" not in result.stderr
