import io
import json
import random

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from profiles.photos import Check, PhotoConfig, PhotoReport, check_photo, get_config
from profiles.photos import checks as checks_module
from profiles.photos import colours, decode, landmarks, vendored
from tests.photo_factory import (
    HEIC_HEADER,
    HTML_PAGE,
    RED,
    insert_after_soi,
    make_id_photo,
    pad_to_size,
    red_card,
    segment,
    with_dimensions,
)

CODES = [
    "format", "size", "ratio", "background", "resolution", "face_missing", "face_multiple",
    "face_off_center", "head_too_small", "head_too_large", "eyes_closed", "eyes_hidden", "mouth_open",
    "head_tilted", "shirt_not_white",
]
ERRORS = {"format", "size", "ratio", "background"}
MIB = 1_048_576


@pytest.fixture(scope="module")
def good_photo():
    return make_id_photo()


@pytest.fixture(scope="module")
def good_report(good_photo):
    return check_photo(good_photo)


def check(report, code):
    return report.get(code)


# The report ---------------------------------------------------------------------------


def test_a_good_id_photo_passes_every_check(good_report):
    assert good_report.ok
    assert good_report.errors == [] and good_report.warnings == []
    assert all(c.ok for c in good_report.checks)


def test_every_check_appears_in_a_stable_order_with_its_severity(good_report):
    assert [c.code for c in good_report.checks] == CODES
    assert {c.code for c in good_report.checks if c.severity == "error"} == ERRORS
    assert {c.severity for c in good_report.checks} == {"error", "warning"}


def test_the_report_gives_the_size_as_displayed(good_report):
    assert (good_report.width, good_report.height) == (600, 900)


def test_the_report_serialises_to_json(good_report):
    data = json.loads(json.dumps(good_report.to_dict()))
    assert set(data) == {"ok", "errors", "warnings", "checks"}
    assert [c["code"] for c in data["checks"]] == CODES
    assert set(data["checks"][0]) == {"code", "ok", "severity", "value", "message"}


def test_errors_and_warnings_list_the_failed_codes_by_severity():
    report = PhotoReport([
        Check("size", False, "error", 2_000_000, "x"),
        Check("ratio", True, "error", 0.667, "x"),
        Check("face_missing", False, "warning", 0, "x"),
    ])
    assert report.errors == ["size"] and report.warnings == ["face_missing"] and not report.ok


def test_warnings_alone_do_not_refuse_a_photo():
    report = check_photo(make_id_photo(face=False))
    assert report.ok and report.warnings == ["face_missing"]


# Format -------------------------------------------------------------------------------


def assert_refused_as(report, found, problem):
    format_check = check(report, "format")
    assert report.errors[0] == "format" and not report.ok
    assert format_check.value == {"type": found, "problem": problem}
    assert report.width is None and report.height is None


def test_it_rejects_an_empty_file():
    report = check_photo(b"")
    assert_refused_as(report, "kosong", "empty")
    assert "0 byte" in check(report, "format").message


@pytest.mark.parametrize(
    "data, found",
    [
        (red_card("PNG"), "PNG"),
        (red_card("GIF"), "GIF"),
        (red_card("WEBP"), "WebP"),
        (red_card("PDF"), "PDF"),
        (HEIC_HEADER, "HEIC"),
        (HTML_PAGE, "HTML"),
        (b"Foto saya ada di Google Drive: https://drive.google.com/xyz\n", "teks"),
    ],
    ids=["png", "gif", "webp", "pdf", "heic", "html", "text"],
)
def test_it_rejects_another_type_named_jpg_and_names_it(data, found):
    report = check_photo(data)
    assert_refused_as(report, found, "not_jpeg")
    assert f"melainkan {found}" in check(report, "format").message


def test_it_rejects_a_png_named_jpg():
    assert "PNG" in check(check_photo(red_card("PNG")), "format").message


def test_it_rejects_random_bytes():
    data = random.Random(7).randbytes(50_000)
    assert check(check_photo(data), "format").value["problem"] == "not_jpeg"


@pytest.mark.parametrize("keep", [0.6, 0.99], ids=["cut-in-the-middle", "cut-near-the-end"])
def test_it_rejects_a_truncated_jpeg(good_photo, keep):
    report = check_photo(good_photo[: int(len(good_photo) * keep)])
    assert_refused_as(report, "JPEG", "truncated")
    assert "terpotong" in check(report, "format").message


def test_it_rejects_a_jpeg_missing_only_its_end_marker(good_photo):
    assert_refused_as(check_photo(good_photo[:-2]), "JPEG", "truncated")


def test_it_rejects_a_jpeg_cut_inside_its_header(good_photo):
    assert_refused_as(check_photo(good_photo[:300]), "JPEG", "truncated")


def test_it_rejects_a_jpeg_with_a_broken_frame_header(good_photo):
    broken = with_dimensions(good_photo, 0, 900)
    assert check(check_photo(broken), "format").value["problem"] == "unreadable"


def test_when_the_format_fails_the_other_checks_are_reported_as_not_run():
    report = check_photo(red_card("PNG"))
    assert [c.code for c in report.checks] == CODES
    for item in report.checks[1:]:
        assert item.ok is None and item.value is None
        assert "Tidak diperiksa" in item.message


def test_it_refuses_a_decompression_bomb_from_its_header_without_decoding(good_photo, monkeypatch):
    bomb = with_dimensions(good_photo, 20_000, 30_000)

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded a bomb")

    monkeypatch.setattr(decode.Image, "open", no_decoding)
    report = check_photo(bomb)
    assert_refused_as(report, "JPEG", "too_many_pixels")
    assert "20.000×30.000 piksel" in check(report, "format").message and "batas 50 MP" in check(report, "format").message


def test_the_pixel_cap_comes_from_the_config(good_photo):
    report = check_photo(good_photo, PhotoConfig(max_pixels=500_000))
    assert check(report, "format").value["problem"] == "too_many_pixels"


def test_it_stays_under_pillows_own_bomb_limit_without_a_warning(good_photo, monkeypatch, recwarn):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    report = check_photo(good_photo, PhotoConfig(max_pixels=10**9))
    assert check(report, "format").value["problem"] == "too_many_pixels"
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


def test_pillows_bomb_error_is_reported_not_raised(good_photo, monkeypatch):
    def bomb(*args, **kwargs):
        raise Image.DecompressionBombError("too big")

    monkeypatch.setattr(decode.Image, "open", bomb)
    assert check(check_photo(good_photo), "format").value["problem"] == "too_many_pixels"


def test_it_reads_a_cmyk_jpeg():
    report = check_photo(make_id_photo(mode="CMYK"))
    assert report.ok and check(report, "background").ok


def test_it_reads_a_greyscale_jpeg_whose_background_is_not_red():
    report = check_photo(make_id_photo(mode="L"))
    assert check(report, "format").ok
    assert report.errors == ["background"]
    assert check(report, "background").value["dominant"] == "abu-abu"


def test_it_reads_a_progressive_jpeg():
    assert check_photo(make_id_photo(progressive=True)).ok


def test_it_copes_with_a_huge_exif_block(good_photo):
    exif = segment(0xE1, b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + bytes(65_000))
    data = insert_after_soi(good_photo, *[exif] * 10)
    report = check_photo(data)
    assert len(data) > 650_000 and report.ok


def test_it_ignores_a_corrupt_exif_block(good_photo, recwarn):
    exif = segment(0xE1, b"Exif\x00\x00MM\x00*\xff\xff\xff\xff" + b"\xff" * 40)
    report = check_photo(insert_after_soi(good_photo, exif))
    assert report.ok and not recwarn.list


def test_it_never_raises_on_damaged_jpegs(good_photo):
    small = make_id_photo(width=120, height=180, gps=True, exif_orientation=6)
    rng = random.Random(3)
    for _ in range(150):
        data = bytearray(small)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data[: rng.randrange(len(data) // 2, len(data) + 1)])
        report = check_photo(data)
        assert [c.code for c in report.checks] == CODES


def test_it_accepts_a_bytearray_or_memoryview(good_photo):
    assert check_photo(bytearray(good_photo)).ok and check_photo(memoryview(good_photo)).ok


# Size ---------------------------------------------------------------------------------


def test_a_file_one_byte_under_1_mib_passes_the_size_check(good_photo):
    report = check_photo(pad_to_size(good_photo, MIB - 1))
    assert check(report, "size").ok and check(report, "size").value == MIB - 1
    assert "1.023,9 KB" in check(report, "size").message


def test_a_file_of_exactly_1_mib_fails_the_size_check(good_photo):
    report = check_photo(pad_to_size(good_photo, MIB))
    assert report.errors == ["size"]
    assert "1 MB (1.048.576 byte)" in check(report, "size").message


def test_the_size_message_gives_megabytes_with_a_decimal_comma(good_photo):
    report = check_photo(pad_to_size(good_photo, 1_300_000))
    assert "Ukuran file 1,23 MB (1.300.000 byte)" in check(report, "size").message


# Ratio --------------------------------------------------------------------------------


def test_a_3_4_photo_fails_the_ratio_with_its_numbers():
    report = check_photo(make_id_photo(width=600, height=800))
    assert report.errors == ["ratio"]
    assert "Rasio 3:4 (0,75); harus 4:6 (0,667)" in check(report, "ratio").message
    assert check(report, "ratio").value == {"width": 600, "height": 800, "ratio": 0.75}


def test_a_landscape_photo_fails_the_ratio_and_says_so():
    message = check(check_photo(make_id_photo(width=900, height=600)), "ratio").message
    assert "Rasio 3:2 (1,5)" in message and "landscape" in message


@pytest.mark.parametrize(
    "width, ok",
    [(612, True), (613, False), (588, True), (587, False)],
    ids=["plus-2-percent", "just-over", "minus-2-percent", "just-under"],
)
def test_the_ratio_may_differ_by_2_percent_of_4_6_either_way(width, ok):
    # 612/900 = 0.68 = 4/6 × 1.02 and 588/900 = 4/6 × 0.98 exactly.
    report = check_photo(make_id_photo(width=width, height=900))
    assert check(report, "ratio").ok is ok


@pytest.mark.parametrize("orientation", [6, 8])
def test_a_rotated_phone_photo_is_judged_as_displayed(orientation):
    data = make_id_photo(width=600, height=900, exif_orientation=orientation)
    assert Image.open(io.BytesIO(data)).size == (900, 600)  # stored sideways
    report = check_photo(data)
    assert report.ok and report.warnings == []
    assert (report.width, report.height) == (600, 900)


def test_an_upright_photo_tagged_as_rotated_is_landscape_as_displayed():
    data = make_id_photo(width=900, height=600, exif_orientation=6)
    assert Image.open(io.BytesIO(data)).size == (600, 900)  # stored upright
    assert check_photo(data).errors == ["ratio"]


def test_a_photo_upside_down_keeps_its_ratio():
    assert check(check_photo(make_id_photo(exif_orientation=3)), "ratio").ok


# Background ---------------------------------------------------------------------------

REDS = {
    "d74532": (215, 69, 50),
    "e02424": (224, 36, 36),
    "ff0000": (255, 0, 0),
    "dark-studio-red": (150, 20, 25),
    "deep-red": (139, 0, 0),
    "light-studio-red": (240, 90, 80),
    "crimson": (220, 20, 60),
}
NOT_RED = {
    "orange": ((255, 128, 0), "oranye"),
    "dark-orange": ((255, 165, 0), "oranye"),
    "orange-red": ((255, 69, 0), "oranye"),
    "pink": ((255, 192, 203), "merah muda"),
    "hot-pink": ((255, 105, 180), "merah muda"),
    "purple": ((128, 0, 128), "ungu"),
    "blue-628bce": ((98, 139, 206), "biru"),
    "blue-1e50e0": ((30, 80, 224), "biru"),
    "white": ((255, 255, 255), "putih"),
    "grey": ((128, 128, 128), "abu-abu"),
}


@pytest.mark.parametrize("colour", REDS.values(), ids=REDS.keys())
def test_studio_reds_pass_the_background_check(colour):
    background = check(check_photo(make_id_photo(background=colour)), "background")
    assert background.ok
    assert background.value["red_share"] > 0.95 and background.value["dominant"] == "merah"


@pytest.mark.parametrize("colour, name", NOT_RED.values(), ids=NOT_RED.keys())
def test_other_colours_fail_the_background_check_naming_the_colour(colour, name):
    report = check_photo(make_id_photo(background=colour))
    background = check(report, "background")
    assert report.errors == ["background"]
    assert background.value["red_share"] < 0.05 and background.value["dominant"] == name
    assert f"warna dominan {name}" in background.message


@pytest.mark.parametrize("colour", REDS.values(), ids=REDS.keys())
def test_the_colour_rule_calls_studio_reds_red(colour):
    assert colours.is_red(colour, get_config()) and colours.name_of(colour, get_config()) == "merah"


@pytest.mark.parametrize("colour, name", NOT_RED.values(), ids=NOT_RED.keys())
def test_the_colour_rule_names_other_colours(colour, name):
    assert not colours.is_red(colour, get_config()) and colours.name_of(colour, get_config()) == name


def test_a_red_background_passes_when_the_head_nearly_fills_the_frame():
    assert check(check_photo(make_id_photo(face_width=0.6)), "background").ok


def test_a_blue_background_fails_without_a_face_too():
    report = check_photo(make_id_photo(face=False, background=(30, 80, 224)))
    assert report.errors == ["background"]


def test_the_background_message_gives_the_share_of_red():
    message = check(check_photo(make_id_photo()), "background").message
    assert message == "Latar belakang merah (100% piksel merah)."


# Resolution ---------------------------------------------------------------------------


def test_a_small_photo_gets_a_resolution_warning():
    report = check_photo(make_id_photo(width=300, height=450))
    assert report.ok and "resolution" in report.warnings
    assert "300×450" in check(report, "resolution").message


def test_300_dpi_at_4_by_6_cm_is_enough():
    assert check(check_photo(make_id_photo(width=472, height=709)), "resolution").ok


# Faces --------------------------------------------------------------------------------


def test_a_good_photo_has_one_face_with_both_eyes_open(good_report):
    assert check(good_report, "face_missing").value == 1
    assert check(good_report, "eyes_closed").ok is True


def test_a_plain_red_card_gives_face_missing():
    report = check_photo(make_id_photo(face=False))
    assert report.warnings == ["face_missing"]


def test_without_a_face_the_face_checks_are_not_checked():
    report = check_photo(make_id_photo(face=False))
    for code in ["face_off_center", "head_too_small", "head_too_large", "eyes_closed", "eyes_hidden", "mouth_open", "head_tilted"]:
        assert check(report, code).ok is None and check(report, code).value is None
        assert code not in report.warnings


def test_a_not_checked_check_serialises_as_null_outside_errors_and_warnings():
    data = check_photo(make_id_photo(face=False)).to_dict()
    by_code = {item["code"]: item for item in data["checks"]}
    assert by_code["eyes_closed"]["ok"] is None and '"ok": null' in json.dumps(by_code["eyes_closed"])
    assert data["ok"] is True and data["warnings"] == ["face_missing"]


def test_a_report_with_only_not_checked_warnings_is_ok_and_clean():
    report = PhotoReport([Check("size", True, "error", 1, "x"), Check("eyes_closed", None, "warning", None, "x")])
    assert report.ok and report.errors == [] and report.warnings == [] and report.not_checked == ["eyes_closed"]


def test_two_portraits_side_by_side_give_face_multiple():
    report = check_photo(make_id_photo(people=2))
    assert "face_multiple" in report.warnings and check(report, "face_multiple").value == 2


def test_a_face_far_from_the_centre_gives_face_off_center():
    report = check_photo(make_id_photo(face_center=(0.3, 0.42)))
    assert "face_off_center" in report.warnings
    assert check(report, "face_off_center").value["x"] == pytest.approx(0.3, abs=0.05)


def test_a_head_filling_the_frame_gives_head_too_large():
    report = check_photo(make_id_photo(face_width=0.8))
    assert "head_too_large" in report.warnings and "head_too_small" not in report.warnings


def test_a_face_narrower_than_the_minimum_gives_head_too_small(good_photo):
    report = check_photo(good_photo, PhotoConfig(face_min_width=0.55))
    assert report.warnings == ["head_too_small"]
    assert "minimal 55%" in check(report, "head_too_small").message




@pytest.mark.parametrize("face_width", [0.35, 0.45, 0.55])
@pytest.mark.parametrize("centre", [0.40, 0.45])
def test_realistic_head_to_chest_framing_gets_no_warning(face_width, centre):
    report = check_photo(make_id_photo(face_width=face_width, face_center=(0.5, centre)))
    assert report.ok and report.warnings == []


def test_faces_are_found_on_a_large_noisy_photo():
    report = check_photo(make_id_photo(width=1200, height=1800, noise=6, quality=95))
    assert report.ok and report.warnings == []


def test_it_analyses_a_reduced_image():
    data = make_id_photo(width=1200, height=1800)
    structure = decode.read_structure(data, get_config())
    assert decode.decode_reduced(data, structure, get_config()).shape == (225, 150, 3)


def test_a_damaged_model_file_does_not_block_the_upload(good_photo, monkeypatch, caplog):
    def damaged(*args):
        raise vendored.ModelFileError("model face_landmarker.task has sha256 0000")

    monkeypatch.setattr(landmarks, "detect", damaged)
    report = check_photo(good_photo)
    assert report.ok and report.warnings == []
    assert check(report, "face_missing").ok is None and check(report, "face_missing").value is None
    assert "Tidak diperiksa (pendeteksi wajah tidak tersedia)" in check(report, "face_missing").message
    assert "Photo face checks not run" in caplog.text


def test_an_unexpected_failure_in_the_face_step_is_logged_not_raised(good_photo, monkeypatch, caplog):
    def bug(*args):
        raise ZeroDivisionError

    monkeypatch.setattr(landmarks, "detect", bug)
    report = check_photo(good_photo)
    assert report.ok and report.warnings == []
    assert set(report.not_checked) == {
        "face_missing", "face_multiple", "face_off_center", "head_too_small", "head_too_large",
        "eyes_closed", "eyes_hidden", "mouth_open", "head_tilted",
    }
    assert "Photo face checks failed" in caplog.text


# Shirt --------------------------------------------------------------------------------


def test_a_white_shirt_passes(good_report):
    assert check(good_report, "shirt_not_white").value > 0.8


def test_a_dark_jacket_gives_shirt_not_white():
    report = check_photo(make_id_photo(shirt="dark"))
    assert report.ok and report.warnings == ["shirt_not_white"]


# Config -------------------------------------------------------------------------------


def test_settings_photo_checks_override_a_threshold(settings, good_photo):
    settings.PHOTO_CHECKS = {"max_bytes": 10_000}
    assert check_photo(good_photo).errors == ["size"]


def test_an_unknown_photo_setting_is_refused(settings):
    settings.PHOTO_CHECKS = {"max_megabytes": 2}
    with pytest.raises(ImproperlyConfigured, match="max_megabytes"):
        get_config()


def test_the_defaults_are_the_guides_rules():
    config = PhotoConfig()
    assert config.max_bytes == MIB and (config.ratio_width, config.ratio_height) == (4, 6)
    assert (config.min_width, config.min_height) == (472, 709)


# Messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, places, text",
    [(1234567, 0, "1.234.567"), (0.75, 3, "0,75"), (2 / 3, 3, "0,667"), (1.5, 3, "1,5"), (1.0, 2, "1")],
)
def test_numbers_are_written_the_indonesian_way(value, places, text):
    assert checks_module.number(value, places) == text


def test_a_share_just_under_a_limit_is_not_rounded_up_to_it():
    assert checks_module.percent(0.596, 0.6) == "59,6%"
    assert checks_module.percent(0.93) == "93%"


def test_messages_are_indonesian_with_the_numbers():
    report = check_photo(make_id_photo(width=300, height=400, background=(30, 80, 224)))
    messages = " ".join(c.message for c in report.checks if not c.ok)
    assert "Rasio 3:4 (0,75)" in messages and "warna dominan biru" in messages


def test_the_grid_of_pixels_has_the_expected_colour_names():
    pixels = colours.hsv(np.array([[RED, (255, 255, 255)]], dtype=np.uint8))
    names = colours.name_indices(pixels, get_config())
    assert [colours.NAMES[i] for i in names[0]] == ["merah", "putih"]

