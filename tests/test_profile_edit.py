from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Participant, Status
from profiles.services import review
from tests.conftest import client_for
from tests.rosters import give_photo

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


def test_after_the_deadline_it_shows_the_data_without_a_form(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    body = alice_client.get(URL).content.decode()
    assert "data hanya dapat dilihat" in body and "Siti Rahmawati, S.E." in body
    assert 'name="nama"' not in body and "Simpan" not in body


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


def confirmed(participant):
    give_photo(participant)
    participant.refresh_from_db()
    review.confirm(participant, by=participant.user, expected_version=participant.version,
                   expected_photo=participant.photo.uuid)
    participant.refresh_from_db()
    return participant


def test_it_warns_before_saving_that_a_confirmation_will_be_cancelled(alice_client, alice):
    confirmed(alice)
    body = alice_client.get(URL).content.decode()
    assert 'data-at-stake="confirmed"' in body and "membatalkan konfirmasi Anda" in body


def test_it_warns_before_saving_that_a_verification_will_be_cancelled(alice_client, alice):
    Participant.objects.filter(pk=alice.pk).update(status=Status.TERVERIFIKASI)
    body = alice_client.get(URL).content.decode()
    assert 'data-at-stake="verified"' in body


def test_there_is_no_warning_before_a_confirmation(alice_client, alice):
    assert "reconfirm-notice" not in alice_client.get(URL).content.decode()


def test_after_saving_it_says_the_confirmation_was_cancelled(alice_client, alice):
    alice = confirmed(alice)
    response = post(alice_client, alice, jabatan="Auditor Ahli Pertama")
    page = alice_client.get(response["Location"]).content.decode()
    assert "Berhasil di Update" in page and "Konfirmasi Anda dibatalkan" in page
    assert "Konfirmasi ulang" in page


def test_a_save_that_changes_nothing_keeps_the_confirmation(alice_client, alice):
    alice = confirmed(alice)
    stored = {**GOOD, "nama": alice.nama, "tempat_tanggal_lahir": "Jayapura;21-1-1993",
              "jabatan": alice.jabatan, "email": alice.email, "alamat_instansi": alice.alamat_instansi,
              "no_telp": "0812-3456-7890"}
    response = alice_client.post(URL, {**stored, "version": alice.version})
    page = alice_client.get(response["Location"]).content.decode()
    assert "dibatalkan" not in page
    alice.refresh_from_db()
    assert alice.confirmed_at is not None


def test_it_accepts_a_space_instead_of_the_semicolon_and_stores_it_canonically(alice_client, alice):
    assert post(alice_client, alice, tempat_tanggal_lahir="jayapura 21-1-1993").status_code == 302
    alice.refresh_from_db()
    assert (alice.tempat_lahir, alice.tanggal_lahir.isoformat()) == ("Jayapura", "1993-01-21")


def test_it_accepts_a_comma_instead_of_the_semicolon(alice_client, alice):
    assert post(alice_client, alice, tempat_tanggal_lahir="Jayapura, 21-1-1993").status_code == 302


def test_the_semicolon_reminder_appears_once(alice_client, alice):
    assert alice_client.get(URL).content.decode().count("JANGAN MENGHAPUS") == 1
    body = post(alice_client, alice, tempat_tanggal_lahir="Jayapura").content.decode()
    assert body.count("JANGAN MENGHAPUS") == 1


def test_the_error_summary_links_to_each_bad_field(alice_client, alice):
    body = post(alice_client, alice, email="siti@gmail.com", nama="Siti 2").content.decode()
    summary = body[body.index('id="error-summary"'):body.index("</div>", body.index('id="error-summary"'))]
    assert 'href="#id_email"' in summary and 'href="#id_nama"' in summary
    assert 'tabindex="-1"' in body[body.index("<div", body.index("error-summary") - 80):]


def test_it_shows_how_the_typed_name_will_print(alice_client, alice):
    body = post(alice_client, alice, nama="ahmad yani se", email="x@gmail.com").content.decode()
    assert "Akan tercetak: <strong>Ahmad Yani, S.E.</strong>" in body


def test_the_name_preview_endpoint_uses_the_name_rule(alice_client, alice):
    response = alice_client.get(reverse("name_preview"), {"nama": "muhamad ilyasa, SH, SE, MM"})
    assert response.json() == {"printed": "Muhamad Ilyasa, S.H., S.E., M.M.", "error": ""}


def test_the_name_preview_endpoint_explains_a_bad_name(alice_client, alice):
    data = alice_client.get(reverse("name_preview"), {"nama": "Siti 2"}).json()
    assert data["printed"] == "" and "angka" in data["error"]


def test_the_name_preview_endpoint_refuses_a_huge_value(alice_client, alice):
    data = alice_client.get(reverse("name_preview"), {"nama": "a" * 1000}).json()
    assert data["printed"] == "" and data["error"]


def test_the_name_preview_is_for_participants_only(client, staff_client, alice):
    url = reverse("name_preview")
    assert client.get(url, {"nama": "x"})["Location"].startswith(reverse("login"))
    assert staff_client.get(url, {"nama": "x"})["Location"] == reverse("admin:index")


def test_the_name_preview_rejects_post(alice_client, alice):
    assert alice_client.post(reverse("name_preview"), {"nama": "x"}).status_code == 405


def test_the_page_shows_the_nip_spaced(alice_client, alice):
    assert "19930121 202012 2 004" in alice_client.get(URL).content.decode()
