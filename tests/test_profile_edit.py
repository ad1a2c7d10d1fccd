from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Participant, Status
from tests.conftest import client_for

URL = reverse("profile_edit")

GOOD = {
    "nama": "siti rahmawati, SE",
    "tempat_tanggal_lahir": "jayapura ; 21-01-1993",
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": "Analis Keuangan Ahli Pertama",
    "golongan": "III/a",
    "pangkat": "Penata Muda",
    "email": "Siti.Rahmawati@Kemenkeu.go.id",
    "asal_instansi": "Kementerian Keuangan",
    "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
    "no_telp": "0812 1111 2222",
}


def post(client, participant, **changes):
    return client.post(URL, {**GOOD, "version": participant.version, **changes})


def form_error_codes(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_it_shows_the_form_with_the_stored_values(alice_client, alice):
    body = alice_client.get(URL).content.decode()
    assert "Update Profil" in body
    assert 'value="Jayapura;21-1-1993"' in body
    assert 'name="tempat_tanggal_lahir"' in body


def test_it_saves_canonical_values_and_says_berhasil_di_update(alice_client, alice):
    response = post(alice_client, alice)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.nama == "Siti Rahmawati, S.E."
    assert alice.tempat_lahir == "Jayapura"
    assert alice.tanggal_lahir.isoformat() == "1993-01-21"
    assert alice.email == "siti.rahmawati@kemenkeu.go.id"
    assert alice.no_telp == "+6281211112222"
    assert alice.status == Status.DIPERBARUI
    page = alice_client.get(response["Location"]).content.decode()
    assert "Berhasil di Update" in page


def test_choosing_a_golongan_fills_the_pangkat(alice_client, alice):
    response = post(alice_client, alice, golongan="III/b", pangkat="")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.pangkat == "Penata Muda Tingkat I"


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("tempat_tanggal_lahir", "Jayapura", "birth_semicolon"),
        ("tempat_tanggal_lahir", "Jayapura;29-2-2001", "birth_date_invalid"),
        ("tempat_tanggal_lahir", "Jayapura;22-1-1993", "nip_birth_mismatch"),
        ("jenis_kelamin", "Laki-laki", "nip_gender_mismatch"),
        ("pangkat", "Penata", "pangkat_mismatch"),
        ("email", "siti@gmail.com", "email_not_official"),
        ("no_telp", "021-3456789", "phone_not_mobile"),
        ("nama", "Siti 2", "name_digits"),
        ("nama", "<b>Siti</b>", "name_markup"),
    ],
)
def test_it_rejects_a_bad_value_with_its_code_and_changes_nothing(alice_client, alice, field, value, code):
    before = Participant.objects.get(pk=alice.pk)
    response = post(alice_client, alice, **{field: value})
    assert response.status_code == 200
    assert code in form_error_codes(response, field)
    after = Participant.objects.get(pk=alice.pk)
    assert (after.nama, after.email, after.version) == (before.nama, before.email, before.version)


def test_the_semicolon_message_carries_the_guides_reminder(alice_client, alice):
    response = post(alice_client, alice, tempat_tanggal_lahir="Jayapura")
    assert "JANGAN MENGHAPUS tanda titik koma" in response.content.decode()


def test_every_field_is_required(alice_client, alice):
    response = post(alice_client, alice, agama="", jabatan="")
    assert response.status_code == 200
    assert "Agama wajib diisi." in response.content.decode()
    assert form_error_codes(response, "jabatan") == ["required"]


def test_after_the_deadline_the_form_is_read_only(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    body = alice_client.get(URL).content.decode()
    assert "disabled" in body
    assert "Simpan" not in body


def test_after_the_deadline_a_post_is_refused_and_changes_nothing(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    response = post(alice_client, alice, jabatan="Diubah Setelah Tenggat")
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "Batas waktu pembaruan data sudah lewat" in page
    alice.refresh_from_db()
    assert alice.jabatan == "Analis Keuangan"


def test_an_admin_can_reopen_one_participant_after_the_deadline(alice_client, alice, bob):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    Participant.objects.filter(pk=alice.pk).update(reopened_until=timezone.now() + timedelta(days=1))
    alice.refresh_from_db()
    assert post(alice_client, alice, jabatan="Dibuka Kembali").status_code == 302
    alice.refresh_from_db()
    assert alice.jabatan == "Dibuka Kembali"
    bob_client = client_for(bob.user)
    bob.refresh_from_db()
    assert post(bob_client, bob, jabatan="Tetap Tertutup", jenis_kelamin="Laki-laki").status_code == 302
    bob.refresh_from_db()
    assert bob.jabatan != "Tetap Tertutup"


def test_a_stale_tab_gets_a_conflict_and_keeps_what_was_typed(alice_client, alice):
    stale_version = alice.version
    assert post(alice_client, alice, jabatan="Dari Tab Pertama").status_code == 302
    response = alice_client.post(URL, {**GOOD, "jabatan": "Dari Tab Kedua", "version": stale_version})
    assert response.status_code == 200
    body = response.content.decode()
    assert "baru saja diubah di tempat lain" in body
    assert 'value="Dari Tab Kedua"' in body  # what they typed is not lost
    assert "Dari Tab Pertama" in body  # and the stored value is shown
    alice.refresh_from_db()
    assert alice.jabatan == "Dari Tab Pertama"


def test_saving_again_after_the_conflict_goes_through(alice_client, alice):
    stale_version = alice.version
    post(alice_client, alice, jabatan="Dari Tab Pertama")
    response = alice_client.post(URL, {**GOOD, "jabatan": "Dari Tab Kedua", "version": stale_version})
    retry = response.context["form"].data
    assert alice_client.post(URL, retry).status_code == 302
    alice.refresh_from_db()
    assert alice.jabatan == "Dari Tab Kedua"


def test_a_participant_can_only_change_their_own_record(alice_client, alice, bob):
    response = alice_client.post(URL, {**GOOD, "nip": bob.nip, "version": alice.version})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.nama == "Bob Hartono"
    alice.refresh_from_db()
    assert alice.nip != bob.nip and alice.nama == "Siti Rahmawati, S.E."


def test_it_records_who_changed_what_in_the_history(alice_client, alice):
    post(alice_client, alice, jabatan="Analis Baru")
    latest = alice.history.first()
    previous = latest.prev_record
    assert latest.history_user == alice.user
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["jabatan"] == ("Analis Keuangan", "Analis Baru")


def test_it_sends_anonymous_visitors_to_sign_in(client, alice):
    assert client.post(URL, GOOD)["Location"].startswith(reverse("login"))


def test_it_rejects_other_methods(alice_client):
    assert alice_client.put(URL).status_code == 405
