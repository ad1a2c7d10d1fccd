"""The one switch that puts every file the app writes in object storage (settings.FILE_STORAGE).

Each test runs a fresh copy of smartbangkom/settings.py with its own environment, so the
running test settings are untouched.
"""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "smartbangkom" / "settings.py"
S3 = "storages.backends.s3.S3Storage"


def load_settings(monkeypatch, **environ):
    for name in ("FILE_STORAGE", "PHOTO_STORAGE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ADDRESSING_STYLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_files_stay_on_the_local_disk_by_default(monkeypatch):
    storages = load_settings(monkeypatch)["STORAGES"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["photos"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_file_storage_s3_puts_the_default_and_the_photo_storage_in_one_private_bucket(monkeypatch):
    storages = load_settings(monkeypatch, FILE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="latsar")["STORAGES"]
    for alias in ("default", "photos"):
        assert storages[alias]["BACKEND"] == S3
        assert storages[alias]["OPTIONS"]["bucket_name"] == "latsar"
        assert storages[alias]["OPTIONS"]["default_acl"] == "private"
        assert storages[alias]["OPTIONS"]["file_overwrite"] is False


def test_the_older_photo_storage_name_still_switches_every_file(monkeypatch):
    storages = load_settings(monkeypatch, PHOTO_STORAGE="s3")["STORAGES"]
    assert storages["default"]["BACKEND"] == S3
    assert storages["photos"]["BACKEND"] == S3


def test_the_addressing_style_is_read_from_the_environment(monkeypatch):
    storages = load_settings(monkeypatch, FILE_STORAGE="s3", AWS_S3_ADDRESSING_STYLE="path")["STORAGES"]
    assert storages["default"]["OPTIONS"]["addressing_style"] == "path"


def test_it_refuses_the_two_names_disagreeing(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="FILE_STORAGE"):
        load_settings(monkeypatch, FILE_STORAGE="local", PHOTO_STORAGE="s3")


def test_it_refuses_an_unknown_storage(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="'local' or 's3'"):
        load_settings(monkeypatch, FILE_STORAGE="gcs")

