import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from profiles.services import review

from profiles.rules import statuses
from profiles.models import Participant, Status
from profiles.services.participants import save_participant_data
from tests.rosters import give_photo
from profiles.rules.nip import format_nip


def test_it_shows_all_data_of_the_owner(alice_client, alice):
    response = alice_client.get(reverse("profile"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "My profile" in body
    for text in (format_nip(alice.nip), "Siti Rahmawati, S.E.", "Jayapura;21-1-1993", "Penata Muda", "0812-3456-7890"):
        assert text in body


def test_it_shows_the_deadline_with_its_time_zone_and_time_left(alice_client, alice):
    body = alice_client.get(reverse("profile")).content.decode()
    assert "WIB" in body and "WITA" in body and "WIT)" in body
    assert "hari" in body and "lagi" in body


def test_it_lists_what_is_still_missing(alice_client, alice):
    Participant.objects.filter(pk=alice.pk).update(no_telp="", agama="")
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Belum lengkap: Agama, No. Telp." in body
    assert "Belum ada foto." in body


def test_it_shows_a_placeholder_when_there_is_no_photo(alice_client, alice):
    assert "Belum ada foto" in alice_client.get(reverse("profile")).content.decode()


def test_it_shows_the_participant_only_their_own_record(alice_client, alice, bob):
    body = alice_client.get(reverse("profile")).content.decode()
    assert format_nip(alice.nip) in body
    assert bob.nip not in body and format_nip(bob.nip) not in body and "Bob Hartono" not in body


def test_it_sends_anonymous_visitors_to_sign_in(client, alice):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_rejects_post(alice_client):
    assert alice_client.post(reverse("profile")).status_code == 405


def test_staff_without_a_participant_record_go_to_the_admin(staff_client):
    response = staff_client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_after_the_deadline_it_says_the_data_is_read_only(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    assert "sudah lewat" in body


def steps_of(body):
    return re.findall(r'data-step="(\w+)" data-state="(\w+)"', body)


def test_my_profile_is_a_checklist_of_data_foto_konfirmasi(alice_client, alice):
    body = alice_client.get(reverse("profile")).content.decode()
    assert steps_of(body) == [("data", "done"), ("foto", "todo"), ("konfirmasi", "todo")]


def test_konfirmasi_is_not_offered_while_something_is_missing(alice_client, alice):
    body = alice_client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("confirm")}"' not in body
    assert 'data-action="photo_upload"' in body


def test_konfirmasi_is_offered_once_data_and_photo_are_complete(alice_client, alice):
    give_photo(alice)
    body = alice_client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("confirm")}"' in body


def test_the_status_badge_explains_the_state(alice_client, alice):
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Belum diperbarui" in body
    assert statuses.explain(Status.BELUM_DIPERBARUI) in body


def test_the_photo_warnings_stay_next_to_the_photo_with_ganti_foto(alice_client, alice):
    give_photo(alice, checks=[
        {"code": "shirt_not_white", "ok": False, "severity": "warning", "message": "Area dada tidak tampak putih."},
        {"code": "eyes_missing", "ok": None, "severity": "warning", "message": "Mata tidak diperiksa."},
    ])
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Area dada tidak tampak putih." in body and "Mata tidak diperiksa." in body
    assert 'data-note="unchecked"' in body
    assert "Ganti foto" in body and reverse("photo_upload") in body


def test_the_committee_contact_is_on_the_page(alice_client, alice):
    alice.batch.contact_name = "Ibu Rina (Panitia)"
    alice.batch.contact_phone = "0812-9999-0000"
    alice.batch.contact_email = "latsar@lan.go.id"
    alice.batch.contact_hours = "Senin–Jumat 08.00–16.00 WIB"
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    for text in ("Ibu Rina (Panitia)", "0812-9999-0000", "latsar@lan.go.id", "Senin–Jumat 08.00–16.00 WIB"):
        assert text in body


def test_the_sign_in_page_shows_the_current_batch_contact(client, alice):
    alice.batch.contact_phone = "0812-9999-0000"
    alice.batch.save()
    assert "0812-9999-0000" in client.get(reverse("login")).content.decode()


def test_after_the_deadline_the_status_is_dianggap_valid_and_no_button_leads_to_a_form(alice_client, alice):
    give_photo(alice)
    alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    alice.batch.contact_phone = "0812-9999-0000"
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Dianggap valid" in body and "dianggap valid" in body
    assert "Lengkapi dulu" not in body and "Belum diperbarui" not in body
    for url in (reverse("profile_edit"), reverse("photo_upload"), reverse("confirm")):
        assert f'href="{url}"' not in body
    assert "Lihat data" in body and "0812-9999-0000" in body


def test_after_the_deadline_a_revision_request_points_to_the_committee(alice_client, alice):
    give_photo(alice)
    Participant.objects.filter(pk=alice.pk).update(status=Status.PERLU_REVISI, revision_note="Gelar salah")
    alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Perlu revisi" in body and statuses.REVISION_CLOSED in body


def test_a_verified_participant_sees_terverifikasi_after_the_deadline(alice_client, alice):
    give_photo(alice)
    Participant.objects.filter(pk=alice.pk).update(status=Status.TERVERIFIKASI)
    alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Terverifikasi" in body and statuses.explain(Status.TERVERIFIKASI) in body


def test_after_a_save_that_cancels_the_confirmation_my_profile_asks_to_confirm_again(alice_client, alice):
    give_photo(alice)
    alice.refresh_from_db()
    review.confirm(alice, by=alice.user, expected_version=alice.version, expected_photo=alice.photo.uuid)
    alice.refresh_from_db()
    save_participant_data(alice, {"jabatan": "Auditor"}, expected_version=alice.version, by=alice.user)
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Konfirmasi ulang" in body and "dibatalkan" in body
