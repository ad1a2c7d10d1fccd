"""A revision request must be acted on: it names fields or the photo, and stays until they change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import Participant, Status
from profiles.services import review
from tests.conftest import ALICE_VALUES
from tests.photo_factory import make_id_photo
from tests.rosters import give_photo

EDIT = {
    "nama": ALICE_VALUES["nama"],
    "tempat_tanggal_lahir": "Jayapura;21-1-1993",
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": ALICE_VALUES["jabatan"],
    "golongan": "III/a",
    "pangkat": "Penata Muda",
    "email": ALICE_VALUES["email"],
    "asal_instansi": ALICE_VALUES["asal_instansi"],
    "alamat_instansi": ALICE_VALUES["alamat_instansi"],
    "no_telp": "0812 3456 7890",
}


@pytest.fixture
def confirmed_alice(alice):
    give_photo(alice)
    return review.confirm(alice, by=alice.user, **review.seen(alice))


def ask(staff_client, participant, reasons, note=""):
    url = reverse("desk_revision", args=[participant.batch_id, participant.user_id])
    staff_client.post(url, {"alasan": reasons, "catatan": note})
    return Participant.objects.get(pk=participant.pk)


def edit(client, participant, **changes):
    participant.refresh_from_db()
    return client.post(reverse("profile_edit"), {**EDIT, "version": participant.version, **changes})


def upload(client):
    data = make_id_photo()
    return client.post(reverse("photo_upload"), {"foto": SimpleUploadedFile("foto.jpg", data, content_type="image/jpeg")})


def confirm(client, participant):
    participant.refresh_from_db()
    photo = participant.photo.uuid if participant.photo_id else ""
    return client.post(reverse("confirm"), {"setuju": "on", "version": participant.version, "photo": photo})


def steps(response):
    return {step.key: step for step in response.context["steps"]}


def test_a_photo_revision_keeps_the_photo_step_open(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian"])
    response = alice_client.get(reverse("profile"))
    assert not steps(response)["foto"].done
    assert "Panitia meminta foto baru" in steps(response)["foto"].text


def test_the_status_sentence_names_what_the_revision_waits_for(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian", "nama"])
    response = alice_client.get(reverse("profile"))
    assert "Panitia meminta perbaikan foto dan nama" in response.context["status_text"]


def test_the_page_does_not_claim_a_change_that_did_not_happen(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian"])
    body = alice_client.get(reverse("profile")).content.decode()
    assert "dibatalkan karena data atau foto berubah" not in body
    assert "Konfirmasi ulang" not in body


def test_the_confirmation_page_shows_the_note(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian"], "Dasi belum terlihat.")
    body = alice_client.get(reverse("confirm")).content.decode()
    assert "Pakaian tidak sesuai: kemeja putih berdasi, tanpa jas." in body
    assert "Dasi belum terlihat." in body


def test_confirming_an_unchanged_record_is_refused(staff_client, alice_client, confirmed_alice):
    old_code = confirmed_alice.confirmation_code
    ask(staff_client, confirmed_alice, ["pakaian"])
    response = confirm(alice_client, confirmed_alice)
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.PERLU_REVISI
    assert confirmed_alice.confirmation_code == old_code
    assert "belum berubah" in alice_client.get(response.url).content.decode()


def test_changing_other_data_does_not_answer_a_photo_revision(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian"])
    edit(alice_client, confirmed_alice, jabatan="Analis Keuangan Ahli Pertama")
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.PERLU_REVISI


def test_a_new_photo_answers_a_photo_revision(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["pakaian"])
    upload(alice_client)
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.DIPERBARUI


def test_the_record_can_be_confirmed_once_the_revision_is_answered(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["nama"])
    edit(alice_client, confirmed_alice, nama="Siti Rahmawati, S.E., M.M.")
    confirm(alice_client, confirmed_alice)
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.DIKONFIRMASI


def test_a_reason_with_two_fields_is_answered_by_either(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["lahir"])
    edit(alice_client, confirmed_alice, tempat_tanggal_lahir="Jayapura Kota;21-1-1993")
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.DIPERBARUI


def test_every_reason_must_be_answered(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, ["nama", "jabatan"])
    edit(alice_client, confirmed_alice, nama="Siti Rahmawati, S.E., M.M.")
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.PERLU_REVISI
    assert [reason.code for reason in confirmed_alice.pending_revision()] == ["jabatan"]


def test_a_note_without_a_reason_is_answered_by_any_change(staff_client, alice_client, confirmed_alice):
    ask(staff_client, confirmed_alice, [], "Mohon periksa kembali.")
    edit(alice_client, confirmed_alice, no_telp="0812 9999 0000")
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.DIPERBARUI


def test_the_admin_revision_records_its_reasons(client, superuser, confirmed_alice):
    client.force_login(superuser)
    url = reverse("admin:profiles_participant_revision", args=[confirmed_alice.pk])
    client.post(url, {"alasan": ["latar"], "note": "", "days": 3})
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.PERLU_REVISI
    assert [reason.code for reason in confirmed_alice.pending_revision()] == ["latar"]
