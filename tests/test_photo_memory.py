"""Decoding any upload under the pixel cap grows a process by less than 200 MB.

Each file is decoded in a child process that reports how much its peak resident memory
(Linux VmHWM, reset after the imports) grew over its size before decoding: a bound on
memory, not a timing.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 200
SIDE = 7000  # 49 MP, under the 50 MP cap
PNG_SMALL = [cv2.IMWRITE_PNG_COMPRESSION, 9]

CHILD = r"""
import gc, json, sys
import django
django.setup()
from profiles.photos import inputs
from profiles.services import photo_fixes

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
min_side = int(sys.argv[2])
gc.collect()
# The peak so far (imports) is forgotten: VmHWM restarts from the current size.
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
before = status("VmRSS")
try:
    if min_side:
        result = list(inputs.open_upright(data, 50_000_000, min_side).rgb.shape)
    else:
        result = len(photo_fixes.preview_of(data) or b"")
except inputs.InputProblem as problem:
    result = problem.code
grown = (status("VmHWM") - before) / 1024
print(json.dumps({"grown_mb": grown, "result": result}))
"""


def _gradient(width, height, dtype=np.uint8):
    top = np.iinfo(dtype).max
    row = np.linspace(0, top, width, dtype=np.float32).astype(dtype)
    return np.repeat(row[None, :], height, axis=0)


def _write(path, kind):
    """A small file of a large image (the gradient compresses to a few hundred KB)."""
    if kind == "png_rgb16":
        grey = _gradient(SIDE, SIDE, np.uint16)
        cv2.imwrite(str(path), np.stack([grey, grey[:, ::-1], grey], axis=2), PNG_SMALL)
    elif kind == "png_grey16":
        cv2.imwrite(str(path), _gradient(SIDE, SIDE, np.uint16), PNG_SMALL)
    elif kind == "png_rgb8":
        grey = _gradient(SIDE, SIDE)
        cv2.imwrite(str(path), np.stack([grey, grey[:, ::-1], grey], axis=2), PNG_SMALL)
    elif kind == "png_rgba":
        # Transparent images go through Pillow, capped at 20 MP.
        grey = _gradient(4400, 4400)
        cv2.imwrite(str(path), np.stack([grey, grey, grey, grey[:, ::-1]], axis=2), PNG_SMALL)
    elif kind == "webp":
        grey = _gradient(SIDE, SIDE)
        Image.fromarray(np.stack([grey, grey[:, ::-1], grey], axis=2)).save(path, "WEBP", quality=50, method=0)
    elif kind == "jpeg":
        grey = _gradient(SIDE, SIDE)
        Image.fromarray(np.stack([grey, grey[:, ::-1], grey], axis=2)).save(path, "JPEG", quality=80)
    elif kind == "heic_36mp":
        import pillow_heif

        pillow_heif.register_heif_opener()
        grey = _gradient(6900, 5200)
        Image.fromarray(np.stack([grey, grey[:, ::-1], grey], axis=2)).save(path, "HEIF", quality=30)
    return path


def _grown(path, min_side):
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(min_side)],
        capture_output=True, text=True, check=True, cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "smartbangkom.settings_test"},
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "heic_36mp": "heic"}
EXTENSIONS.update({kind: "png" for kind in ("png_rgb16", "png_grey16", "png_rgb8", "png_rgba")})
KINDS = ["png_rgb16", "png_grey16", "png_rgb8", "png_rgba", "webp", "jpeg", "heic_36mp"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    return {kind: _write(folder / f"{kind}.{EXTENSIONS[kind]}", kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_decoding_for_the_fixer_grows_memory_by_less_than_200_mb(files, kind):
    measured = _grown(files[kind], 1240)
    assert isinstance(measured["result"], list) and min(measured["result"][:2]) >= 800, measured
    assert measured["grown_mb"] < LIMIT_MB, measured


@pytest.mark.parametrize("kind", KINDS)
def test_decoding_at_full_size_grows_memory_by_less_than_200_mb(files, kind):
    # The fixer decodes again "at full size" when the face is small: capped at 16 MP.
    measured = _grown(files[kind], 100_000)
    assert measured["grown_mb"] < LIMIT_MB, measured


@pytest.mark.parametrize("kind", ["png_rgb16", "webp"])
def test_the_preview_grows_memory_by_less_than_200_mb(files, kind):
    measured = _grown(files[kind], 0)
    assert measured["result"] > 0 and measured["grown_mb"] < LIMIT_MB, measured


def test_a_16_bit_png_is_read_as_8_bit_rgb(tmp_path):
    from profiles.photos import inputs

    path = tmp_path / "small16.png"
    cv2.imwrite(str(path), np.full((40, 30, 3), (65535, 0, 32768), np.uint16))  # BGR
    upright = inputs.open_upright(path.read_bytes(), 50_000_000, 10)
    assert upright.rgb.dtype == np.uint8 and tuple(upright.rgb[0, 0]) == (128, 0, 255)


def test_a_heic_over_the_heic_cap_is_refused_naming_the_cap(monkeypatch):
    import pillow_heif

    from profiles.photos import inputs

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(buffer, "HEIF", quality=50)
    monkeypatch.setattr(inputs, "HEIF_MAX_PIXELS", 3000)
    with pytest.raises(inputs.InputProblem) as refused:
        inputs.open_upright(buffer.getvalue(), 50_000_000, 10)
    assert refused.value.code == "too_many_pixels" and refused.value.detail["cap"] == 3000
