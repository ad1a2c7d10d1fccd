"""Old photo versions are pruned; photo files go with their participant."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from profiles.models import Participant, Photo
from profiles.services.retention import prune_photos
from tests.rosters import give_photo


@pytest.fixture(autouse=True)
def _original_storage(monkeypatch):
    monkeypatch.setattr(Photo._meta.get_field("original"), "storage", storages["photos"])


def versions(participant, count):
    """count photos, oldest first; the last is the current one."""
    photos = []
    for age in range(count, 0, -1):
        photo = give_photo(participant)
        Photo.objects.filter(pk=photo.pk).update(uploaded_at=timezone.now() - timedelta(hours=age))
        photos.append(photo)
    participant.refresh_from_db()
    return photos


def has_file(photo):
    photo.refresh_from_db()
    return bool(photo.file) and photo.file.storage.exists(photo.file.name)


def test_it_keeps_the_current_and_the_last_versions(alice):
    photos = versions(alice, 6)
    report = prune_photos(keep=3)
    assert [has_file(p) for p in photos] == [False, False, False, True, True, True]
    assert report.files == 3 and report.participants == 1
    assert sorted(report.photo_ids) == sorted(p.pk for p in photos[:3])


def test_it_keeps_the_confirmed_version_however_old(alice):
    photos = versions(alice, 2)
    Participant.objects.filter(pk=alice.pk).update(photo=photos[0], confirmed_photo=photos[0])
    versions(alice, 4)
    prune_photos(keep=1)
    assert has_file(photos[0])
    assert not has_file(photos[1])


def test_the_current_photo_is_kept_even_with_keep_zero(alice):
    photos = versions(alice, 3)
    prune_photos(keep=0)
    assert [has_file(p) for p in photos] == [False, False, True]


def test_it_removes_the_original_upload_of_a_pruned_version(alice):
    photos = versions(alice, 3)
    old = photos[0]
    old.refresh_from_db()
    old.original.save("x", ContentFile(b"original upload"), save=True)
    name = old.original.name
    report = prune_photos(keep=1)
    assert report.files == 3
    assert not storages["photos"].exists(name)


def test_a_dry_run_removes_nothing(alice):
    photos = versions(alice, 5)
    report = prune_photos(keep=1, dry_run=True)
    assert report.files == 4
    assert all(has_file(p) for p in photos)


def test_a_pruned_version_keeps_its_row_and_answers_not_found(alice, alice_client):
    photos = versions(alice, 3)
    prune_photos(keep=1)
    assert Photo.objects.filter(participant=alice).count() == 3
    assert alice_client.get(f"/foto/{photos[0].uuid}.jpg").status_code == 404
    assert alice_client.get(f"/foto/{photos[2].uuid}.jpg").status_code == 200


def test_the_command_logs_counts_and_ids_but_no_nip(alice, caplog):
    photos = versions(alice, 4)
    out = StringIO()
    with caplog.at_level(logging.INFO, logger="profiles.services.retention"):
        call_command("prune_photos", "--keep", "2", stdout=out)
    assert "2 file dari 2 versi foto dihapus (1 peserta)" in out.getvalue()
    logged = caplog.text
    assert str(photos[0].pk) in logged and alice.nip not in logged


def test_the_command_refuses_a_negative_keep(alice):
    with pytest.raises(CommandError):
        call_command("prune_photos", "--keep", "-1", stdout=StringIO())


def test_the_command_has_a_dry_run(alice):
    photos = versions(alice, 5)
    out = StringIO()
    call_command("prune_photos", "--dry-run", stdout=out)
    assert "akan dihapus" in out.getvalue()
    assert all(has_file(p) for p in photos)


# Photo files go with their participant ----------------------------------------------------

def test_deleting_a_participant_deletes_their_photo_files(alice, django_capture_on_commit_callbacks):
    photos = versions(alice, 2)
    photos[0].original.save("x", ContentFile(b"original"), save=True)
    names = [p.file.name for p in photos] + [photos[0].original.name]
    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()
    assert not any(storages["photos"].exists(name) for name in names)


def test_a_rolled_back_delete_keeps_the_files(alice):
    from django.db import transaction

    photo = give_photo(alice)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            alice.delete()
            raise RuntimeError
    assert storages["photos"].exists(photo.file.name)
