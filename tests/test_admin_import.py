import os
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import Participant, User
from tests.conftest import client_for
from tests.rosters import csv_bytes, nip_for, person, xlsx_bytes

URL = reverse("roster_import")


def upload(client, batch, data, name="roster.csv"):
    return client.post(URL, {"batch": batch.pk, "file": SimpleUploadedFile(name, data)})


def confirm(client, preview):
    return client.post(URL, {"confirm": "1", "token": preview.context["token"]})


def test_it_shows_the_upload_form(staff_client, batch):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert "Unggah dan pratinjau" in response.content.decode()


def test_the_changelist_links_the_import(staff_client, batch):
    assert URL in staff_client.get(reverse("admin:profiles_participant_changelist")).content.decode()


def test_an_upload_shows_a_preview_with_per_row_results_and_saves_nothing(staff_client, batch):
    response = upload(staff_client, batch, csv_bytes([person(1), person(2, email="a@gmail.com"), person(3, nip="12")]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pratinjau impor" in body
    assert 'data-row="3" data-status="created"' in body and 'data-row="4" data-status="error"' in body
    assert "kedinasan" in body
    assert not Participant.objects.exists()


def test_confirming_the_preview_imports_the_file(staff_client, staff, batch):
    preview = upload(staff_client, batch, csv_bytes([person(1), person(2)]))
    response = confirm(staff_client, preview)
    assert response.status_code == 200
    assert "Hasil impor" in response.content.decode()
    assert Participant.objects.filter(batch=batch).count() == 2
    assert Participant.objects.get(nip=nip_for(1)).history.get().history_user == staff


def test_a_preview_can_be_confirmed_only_once(staff_client, batch):
    preview = upload(staff_client, batch, csv_bytes([person(1)]))
    confirm(staff_client, preview)
    response = confirm(staff_client, preview)
    assert response.status_code == 302 and response["Location"] == URL
    assert Participant.objects.count() == 1


def test_an_unknown_token_imports_nothing(staff_client, batch):
    upload(staff_client, batch, csv_bytes([person(1)]))
    response = staff_client.post(URL, {"confirm": "1", "token": "ffff"})
    assert response.status_code == 302
    assert not Participant.objects.exists()


def test_an_xlsx_upload_is_previewed_too(staff_client, batch):
    response = upload(staff_client, batch, xlsx_bytes([person(1)]), name="roster.xlsx")
    assert response.context["report"].roster.format == "xlsx"


@pytest.mark.parametrize(
    "data, name, message",
    [
        ("NIP,Nama\n199301212020121001,Müller\n".encode("latin-1"), "r.csv", "UTF-8"),
        (b"not a workbook", "r.xlsx", "bukan file Excel"),
        ("Nama,Jabatan\nA,B\n".encode(), "r.csv", "Kolom NIP tidak ditemukan"),
    ],
)
def test_an_unusable_file_is_explained_on_the_form(staff_client, batch, data, name, message):
    response = upload(staff_client, batch, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participant.objects.exists()


def test_an_empty_upload_is_explained_on_the_form(staff_client, batch):
    response = upload(staff_client, batch, b"")
    assert response.status_code == 200
    assert "kosong" in response.content.decode()


def test_the_import_needs_the_import_permission(batch):
    user = User.objects.create_user("staf2", password="Kata-Sandi-Staf-2", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_participant", "change_participant"]))
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert upload(client, batch, csv_bytes([person(1)])).status_code == 403
    assert not Participant.objects.exists()


def test_participants_and_visitors_cannot_open_the_import(alice_client, client, batch):
    assert alice_client.get(URL).status_code == 403
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_import_rejects_other_methods(staff_client):
    assert staff_client.put(URL).status_code == 405


def test_a_preview_that_was_never_confirmed_is_removed_after_a_day(staff_client, batch):
    stale = default_storage.save("roster-imports/old.csv", ContentFile(b"NIP\n"))
    old = (datetime.now(dt_timezone.utc) - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(stale), (old, old))
    preview = upload(staff_client, batch, csv_bytes([person(1)]))
    assert not default_storage.exists(stale)
    assert default_storage.exists(staff_client.session["roster_import"]["path"])
    assert preview.status_code == 200


def test_a_busy_database_at_confirm_gives_a_coba_lagi_page_and_keeps_the_preview(staff_client, batch, monkeypatch):
    from django.db import OperationalError

    from profiles.views import roster_import as view

    preview = upload(staff_client, batch, csv_bytes([person(1)]))

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(view.roster, "import_roster", busy)
    response = confirm(staff_client, preview)
    assert response.status_code == 503 and response["Retry-After"]
    assert "coba lagi" in response.content.decode()
    assert default_storage.exists(staff_client.session["roster_import"]["path"])
    monkeypatch.undo()
    assert confirm(staff_client, preview).status_code == 200
    assert Participant.objects.filter(nip=nip_for(1)).exists()


def test_the_preview_lives_only_in_the_shared_storage_and_is_removed_after_confirm(staff_client, batch, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    preview = upload(staff_client, batch, csv_bytes([person(1)]))
    path = staff_client.session["roster_import"]["path"]
    assert default_storage.exists(path)
    assert confirm(staff_client, preview).status_code == 200
    assert not default_storage.exists(path)
    assert Participant.objects.filter(nip=nip_for(1)).exists()


def test_opening_the_import_page_removes_a_preview_older_than_a_day(staff_client, batch):
    stale = default_storage.save("roster-imports/lama.csv", ContentFile(b"NIP\n"))
    old = (datetime.now(dt_timezone.utc) - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(stale), (old, old))
    fresh = default_storage.save("roster-imports/baru.csv", ContentFile(b"NIP\n"))
    assert staff_client.get(URL).status_code == 200
    assert not default_storage.exists(stale) and default_storage.exists(fresh)
