import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from profiles.photos import check_photo
from tests import walls

BASE_DIR = Path(__file__).resolve().parent.parent
KEYS = {"file", "ok", "output", "changes", "refused", "report"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    files = {
        "good": walls.phone_photo("light_blue", 900, 1200),
        "wall": walls.encode(walls.wall("beige_texture", 600, 800)),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.jpg"
        paths[name].write_bytes(data)
    return paths


def run_json(*args):
    out = StringIO()
    try:
        call_command("fix_photo", *map(str, args), "--json", stdout=out)
    except CommandError as error:
        return json.loads(out.getvalue()), error
    return json.loads(out.getvalue()), None


def test_it_writes_the_fixed_photo_under_the_stem(inputs, tmp_path):
    results, error = run_json(inputs["good"], "--output-dir", tmp_path)
    assert error is None and results[0]["ok"]
    assert results[0]["output"] == str(tmp_path / "good.jpg") and (tmp_path / "good.jpg").read_bytes()[:2] == b"\xff\xd8"


def test_json_gives_one_object_per_file_with_the_report_check_photo_gives(inputs, tmp_path):
    results, _ = run_json(inputs["good"], inputs["wall"], "--output-dir", tmp_path)
    assert [set(result) for result in results] == [KEYS, KEYS]
    good = results[0]
    assert good["report"] == check_photo((tmp_path / "good.jpg").read_bytes()).to_dict()
    assert "latar diganti merah" in good["changes"] and good["refused"] is None


def test_a_refused_file_has_its_code_and_no_output(inputs, tmp_path):
    results, error = run_json(inputs["good"], inputs["wall"], "--output-dir", tmp_path)
    assert results[1]["refused"]["code"] == "no_face" and results[1]["output"] is None
    assert results[1]["report"] is None and not (tmp_path / "wall.jpg").exists()
    assert error.returncode == 1


def test_a_missing_file_is_refused_not_a_traceback(tmp_path):
    results, error = run_json(tmp_path / "tidak-ada.jpg", "--output-dir", tmp_path)
    assert results[0]["refused"] == {"code": "unreadable", "message": "File tidak dapat dibuka: file tidak ditemukan."}
    assert error.returncode == 1


def test_the_text_output_lists_changes_and_refusals(inputs, tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 dari 2 file tidak dapat diperbaiki"):
        call_command("fix_photo", str(inputs["good"]), str(inputs["wall"]), "--output-dir", str(tmp_path), stdout=out)
    assert "DIPERBAIKI" in out.getvalue() and "✗ no_face: Wajah tidak ditemukan" in out.getvalue()


def test_the_command_exits_1_after_printing_the_whole_json(inputs, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartbangkom.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "fix_photo", str(inputs["good"]), str(inputs["wall"]), "--output-dir", str(tmp_path), "--json"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 1
    assert [item["ok"] for item in json.loads(result.stdout)] == [True, False]
    assert "TypeError" not in result.stderr


def test_the_command_exits_0_when_every_file_is_fixed(inputs, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartbangkom.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "fix_photo", str(inputs["good"]), "--output-dir", str(tmp_path)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "TypeError" not in result.stderr
