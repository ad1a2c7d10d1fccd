"""Shared people: alice (participant, owner), bob (another participant), staff, outsider."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from django.core.files.storage import storages

from profiles.models import Batch, Photo, PhotoFix, User
from profiles.services.accounts import create_participant

ALICE_NIP = "199301212020122004"
BOB_NIP = "199301212020121001"

ALICE_VALUES = {
    "nama": "Siti Rahmawati, S.E.",
    "tempat_lahir": "Jayapura",
    "tanggal_lahir": date(1993, 1, 21),
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": "Analis Keuangan",
    "pangkat": "Penata Muda",
    "golongan": "III/a",
    "email": "siti@kemenkeu.go.id",
    "asal_instansi": "Kementerian Keuangan",
    "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
    "no_telp": "+6281234567890",
}


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "photos"},
        },
    }
    # The field resolved its callable storage at import; point it at the test one.
    monkeypatch.setattr(Photo._meta.get_field("file"), "storage", storages["photos"])
    for model, name in [(Photo, "original"), (PhotoFix, "source"), (PhotoFix, "preview"), (PhotoFix, "result")]:
        monkeypatch.setattr(model._meta.get_field(name), "storage", storages["photos"])


@pytest.fixture
def batch(db):
    return Batch.objects.create(name="Latsar Uji", deadline=timezone.now() + timedelta(days=7))


@pytest.fixture
def closed_batch(db):
    return Batch.objects.create(name="Latsar Lewat", deadline=timezone.now() - timedelta(hours=1))


@pytest.fixture
def alice(batch):
    participant = create_participant(ALICE_NIP, batch, dict(ALICE_VALUES))
    participant.user.set_password("Kata-Sandi-Alice-1")
    participant.user.save()
    return participant


@pytest.fixture
def bob(batch):
    participant = create_participant(
        BOB_NIP, batch, {**ALICE_VALUES, "nama": "Bob Hartono", "jenis_kelamin": "Laki-laki"}
    )
    participant.user.set_password("Kata-Sandi-Bob-1")
    participant.user.save()
    return participant


@pytest.fixture
def staff(db):
    user = User.objects.create_user("staf", password="Kata-Sandi-Staf-1", is_staff=True)
    codenames = ["view_participant", "change_participant", "import_roster",
                 "export_certificates", "view_dashboard", "view_photo"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@lan.go.id", "Kata-Sandi-Admin-1")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return client_for(alice.user)


@pytest.fixture
def bob_client(bob):
    return client_for(bob.user)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)
