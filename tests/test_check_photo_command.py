import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.photo_factory import make_id_photo, red_card

BASE_DIR = Path(__file__).resolve().parent.parent
CODES = {"code", "ok", "severity", "value", "message"}


@pytest.fixture
def photos(tmp_path):
    files = {
        "good": make_id_photo(),
        "landscape": make_id_photo(width=900, height=600),
        "png": red_card("PNG"),
        "no_face": make_id_photo(face=False),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.jpg"
        paths[name].write_bytes(data)
    return paths


def run(*args):
    out = StringIO()
    call_command("check_photo", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_good_photo_passes(photos):
    assert run(photos["good"]).startswith(f"LOLOS    {photos['good']}")


def test_a_photo_with_warnings_passes_and_lists_them(photos):
    output = run(photos["no_face"])
    assert "LOLOS" in output and "(1 catatan)" in output
    assert "! face_missing: Wajah tidak terdeteksi" in output


def test_a_failing_photo_prints_the_failed_checks_and_fails(photos):
    out = StringIO()
    with pytest.raises(CommandError, match="1 dari 2 file tidak lolos") as raised:
        call_command("check_photo", str(photos["good"]), str(photos["landscape"]), stdout=out)
    assert raised.value.returncode == 1
    output = out.getvalue()
    assert f"DITOLAK  {photos['landscape']}" in output
    assert "✗ ratio: Rasio 3:2 (1,5), foto landscape" in output


def test_a_png_named_jpg_is_refused_naming_its_type(photos):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_photo", str(photos["png"]), stdout=out)
    assert "melainkan PNG" in out.getvalue()
    assert "pemeriksaan lain tidak dijalankan" in out.getvalue()


def test_a_missing_file_counts_as_a_format_error(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_photo", str(tmp_path / "tidak-ada.jpg"), "--json", stdout=out)
    [result] = json.loads(out.getvalue())
    assert result["errors"][0] == "format" and not result["ok"]
    assert "file tidak ditemukan" in result["checks"][0]["message"]


def test_a_folder_counts_as_a_format_error(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_photo", str(tmp_path), stdout=out)
    assert "bukan file" in out.getvalue()


def test_json_prints_one_array_with_an_object_per_file(photos):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_photo", str(photos["good"]), str(photos["landscape"]), "--json", stdout=out)
    results = json.loads(out.getvalue())
    assert [r["file"] for r in results] == [str(photos["good"]), str(photos["landscape"])]
    assert set(results[0]) == {"file", "ok", "errors", "warnings", "checks"}
    assert all(set(check) == CODES for check in results[0]["checks"])
    assert results[0]["ok"] and results[1]["errors"] == ["ratio"]


def test_json_gives_the_same_report_as_the_upload(photos):
    from profiles.photos import check_photo

    [result] = json.loads(run(photos["no_face"], "--json"))
    assert {k: v for k, v in result.items() if k != "file"} == check_photo(photos["no_face"].read_bytes()).to_dict()


def manage(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartbangkom.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "check_photo", *map(str, args)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_command_exits_0_when_every_file_passes(photos):
    result = manage(photos["good"], photos["no_face"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("LOLOS") == 2


def test_the_command_exits_1_when_a_file_fails_and_json_stays_clean(photos):
    result = manage(photos["good"], photos["png"], "--json")
    assert result.returncode == 1
    assert [r["ok"] for r in json.loads(result.stdout)] == [True, False]
    assert "1 dari 2 file tidak lolos" in result.stderr


def test_checks_that_could_not_run_are_listed_as_not_checked(photos):
    output = run(photos["no_face"])
    assert "– tidak diperiksa: face_off_center, head_too_small, head_too_large, eyes_closed, eyes_hidden" in output
