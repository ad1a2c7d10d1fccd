import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from profiles.models import Participant
from tests.rosters import csv_bytes, nip_for, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def import_file(path, *args):
    out = StringIO()
    call_command("import_participants", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_imports_a_file_and_prints_a_summary(batch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1), person(2), person(3, nip="123")]))
    output = import_file(path, "--batch", batch.name)
    assert "Selesai: 3 baris — 2 baru, 0 diperbarui, 0 tetap, 0 konflik, 1 galat, 0 baris ganda." in output
    assert "baris 4 (123) error nip:" in output
    assert Participant.objects.count() == 2


def test_it_imports_an_xlsx_file(batch, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([person(1)]))
    import_file(path, "--batch", batch.name)
    assert Participant.objects.filter(nip=nip_for(1), batch=batch).exists()


def test_it_prints_one_json_object_per_row(batch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1, email="a@gmail.com"), person(2, nip="12")]))
    lines = import_file(path, "--batch", batch.name, "--json").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["row"], r["status"]) for r in rows] == [(2, "created"), (3, "error")]
    assert set(rows[0]) == {"row", "nip", "status", "errors", "warnings"}
    assert list(rows[0]["warnings"]) == ["email"] and list(rows[1]["errors"]) == ["nip"]


def test_a_dry_run_saves_nothing(batch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1)]))
    output = import_file(path, "--batch", batch.name, "--dry-run")
    assert output.startswith("Uji (tidak disimpan): 1 baris — 1 baru")
    assert not Participant.objects.exists()


def test_it_stops_with_a_clear_message_for_an_unknown_batch(batch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1)]))
    with pytest.raises(CommandError, match="Angkatan “Tidak Ada” tidak ditemukan.*Latsar Uji"):
        import_file(path, "--batch", "Tidak Ada")


def test_it_stops_with_a_clear_message_for_a_file_it_cannot_read(batch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("NIP,Nama\n199301212020121001,Müller\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        import_file(path, "--batch", batch.name)


def test_it_stops_with_a_clear_message_for_a_missing_file(batch, tmp_path):
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        import_file(tmp_path / "tidak-ada.csv", "--batch", batch.name)


def test_an_imported_participant_signs_in_with_the_nip(batch, tmp_path, client):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1)]))
    import_file(path, "--batch", batch.name)
    response = client.post(reverse("login"), {"username": nip_for(1), "password": nip_for(1)})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
