import io
import random

import numpy as np
import pytest
from PIL import Image, ImageOps

from profiles.photos import check_photo, sanitize_jpeg
from profiles.photos import jpeg
from tests.photo_factory import insert_after_soi, make_id_photo, red_card, segment

SOF0 = b"\xff\xc0"
SOF2 = b"\xff\xc2"


def open_image(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixels(image):
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def markers(data):
    """The header markers of a JPEG, up to its first scan."""
    structure = jpeg.parse(data)
    return [s.marker for s in structure.header]


@pytest.fixture(scope="module")
def tagged_photo():
    """An upright photo carrying the metadata a phone adds."""
    return make_id_photo(gps=True, comment=b"Diambil di rumah, Jl. Mawar 12", xmp=b"<x:xmpmeta>GPS</x:xmpmeta>")


def test_it_removes_exif_and_gps(tagged_photo):
    assert open_image(tagged_photo).getexif()  # the input has them
    clean = sanitize_jpeg(tagged_photo)
    image = open_image(clean)
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in clean and b"Kamera Uji" not in clean


def test_it_removes_xmp_and_comments(tagged_photo):
    clean = sanitize_jpeg(tagged_photo)
    assert b"xmpmeta" not in clean and b"Mawar" not in clean
    assert jpeg.COM not in markers(clean) and jpeg.APP1 not in markers(clean)


def test_an_upright_photo_keeps_its_compressed_data_byte_for_byte(tagged_photo):
    clean = sanitize_jpeg(tagged_photo)
    original, stripped = jpeg.parse(tagged_photo), jpeg.parse(clean)
    assert clean[stripped.scan_start :] == tagged_photo[original.scan_start :]
    assert (pixels(open_image(clean)) == pixels(open_image(tagged_photo))).all()


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_it_applies_the_exif_orientation(orientation):
    data = make_id_photo(exif_orientation=orientation, gps=True)
    clean = sanitize_jpeg(data)
    image = open_image(clean)
    assert image.size == (600, 900) and not image.getexif()
    shown = ImageOps.exif_transpose(open_image(data))
    assert np.abs(pixels(image) - pixels(shown)).mean() < 2


def test_a_rotated_photo_keeps_its_quality_and_size():
    data = make_id_photo(exif_orientation=6, width=1200, height=1800, noise=5, quality=92)
    clean = sanitize_jpeg(data)
    assert open_image(clean).quantization == open_image(data).quantization
    assert 0.9 < len(clean) / len(data) < 1.1


def test_the_output_is_a_baseline_jpeg_even_from_a_progressive_one():
    data = make_id_photo(progressive=True)
    assert SOF2 in data
    clean = sanitize_jpeg(data)
    assert jpeg.parse(clean).frame_marker == 0xC0
    assert np.abs(pixels(open_image(clean)) - pixels(open_image(data))).mean() < 2


def test_a_cmyk_photo_is_stored_as_rgb():
    image = open_image(sanitize_jpeg(make_id_photo(mode="CMYK")))
    assert image.mode == "RGB" and image.size == (600, 900)


def test_a_greyscale_photo_stays_greyscale():
    image = open_image(sanitize_jpeg(make_id_photo(mode="L", exif_orientation=8)))
    assert image.mode == "L" and image.size == (600, 900)


def srgb_profile():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_it_keeps_the_colour_profile():
    profile = srgb_profile()
    data = make_id_photo(icc_profile=profile, gps=True)
    assert open_image(sanitize_jpeg(data)).info["icc_profile"] == profile
    rotated = make_id_photo(icc_profile=profile, exif_orientation=6)
    assert open_image(sanitize_jpeg(rotated)).info["icc_profile"] == profile


def test_it_drops_whatever_follows_the_end_of_the_image():
    data = make_id_photo() + b"PK\x03\x04 a zip file appended to the photo"
    clean = sanitize_jpeg(data)
    assert clean.endswith(b"\xff\xd9") and b"PK\x03\x04" not in clean


def test_it_drops_a_thumbnail_in_the_jfif_header():
    thumbnail = b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x02" + bytes(12)
    data = make_id_photo()
    structure = jpeg.parse(data)
    first = structure.header[0]
    assert first.marker == 0xE0
    data = data[: first.start] + segment(0xE0, thumbnail) + data[first.end :]
    clean = sanitize_jpeg(data)
    jfif = jpeg.parse(clean).header[0]
    assert jfif.payload(clean) == b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00"


def test_the_stored_photo_passes_the_checks_again(tagged_photo):
    clean = sanitize_jpeg(tagged_photo)
    assert check_photo(clean).ok and len(clean) < len(tagged_photo)


def test_a_huge_exif_block_is_gone():
    exif = segment(0xE1, b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + bytes(65_000))
    data = insert_after_soi(make_id_photo(), exif, exif)
    assert len(sanitize_jpeg(data)) < len(data) - 130_000


def test_it_never_raises_on_data_that_passed_the_check():
    base = make_id_photo(width=120, height=180, gps=True, exif_orientation=6)
    rng = random.Random(11)
    passed = 0
    for _ in range(150):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
        if "format" not in check_photo(data).errors:
            passed += 1
            open_image(sanitize_jpeg(data))
    assert passed > 50


def test_it_refuses_data_that_is_not_a_jpeg():
    with pytest.raises(ValueError):
        sanitize_jpeg(red_card("PNG"))
    with pytest.raises(ValueError):
        sanitize_jpeg(make_id_photo()[:5000])


@pytest.mark.parametrize("payload", [
    b"\x00\x00\x02\x0cfake ICC profile for the test" + bytes(200),
    b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
])
@pytest.mark.parametrize("orientation", [None, 6])
def test_it_drops_bytes_labelled_icc_that_are_no_profile(payload, orientation):
    data = make_id_photo(icc_profile=payload, exif_orientation=orientation)
    clean = sanitize_jpeg(data)
    assert "icc_profile" not in open_image(clean).info
    assert b"ICC_PROFILE" not in clean and b"<html" not in clean


def test_a_profile_split_over_several_segments_is_kept_whole():
    profile = srgb_profile() + bytes(70000)  # padding past one 64 KB segment; LittleCMS ignores it
    data = make_id_photo(icc_profile=profile)
    assert data.count(b"ICC_PROFILE\x00") == 2
    assert open_image(sanitize_jpeg(data)).info["icc_profile"] == profile
