from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Participant, Status
from profiles.services.participants import save_participant_data
from tests.conftest import client_for
from tests.rosters import give_photo

RESPONSIBILITY = (
    "Perubahan data yang dilakukan peserta menjadi tanggung jawab peserta apabila terjadi "
    "ketidakcocokan antara data di sertifikat Latsar dengan data di SK CPNS"
)


@pytest.fixture
def complete_alice(alice):
    give_photo(alice)
    return alice


def confirm(client, participant, **data):
    photo = participant.photo.uuid if participant.photo_id else ""
    return client.post(reverse("confirm"), {"setuju": "on", "version": participant.version, "photo": photo, **data})


def test_it_shows_the_data_photo_and_responsibility_statement(alice_client, complete_alice):
    response = alice_client.get(reverse("confirm"))
    body = response.content.decode()
    assert response.status_code == 200
    assert RESPONSIBILITY in body
    assert "Jayapura;21-1-1993" in body
    assert reverse("photo", args=[complete_alice.photo.uuid]) in body


def test_it_confirms_a_complete_record(alice_client, complete_alice):
    response = confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.DIKONFIRMASI
    assert complete_alice.confirmed_at is not None
    assert len(complete_alice.confirmation_code) == 8
    assert response.status_code == 302
    assert response["Location"] == reverse("receipt", args=[complete_alice.confirmation_code])


def test_it_records_the_confirmation_in_the_history(alice_client, complete_alice):
    confirm(alice_client, complete_alice)
    record = complete_alice.history.first()
    assert record.status == Status.DIKONFIRMASI
    assert record.history_user == complete_alice.user
    assert record.history_change_reason == "Konfirmasi peserta"


def test_it_requires_the_checkbox(alice_client, complete_alice):
    response = alice_client.post(reverse("confirm"), {"version": complete_alice.version})
    assert response.status_code == 200
    assert "Centang pernyataan ini" in response.content.decode()
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_it_refuses_a_record_without_a_photo(alice_client, alice):
    response = alice_client.get(reverse("confirm"))
    assert "Belum dapat dikonfirmasi" in response.content.decode()
    assert 'name="setuju"' not in response.content.decode()
    confirm(alice_client, alice)
    alice.refresh_from_db()
    assert alice.confirmed_at is None and alice.status == Status.BELUM_DIPERBARUI


def test_it_refuses_a_record_with_a_blank_field(alice_client, complete_alice):
    Participant.objects.filter(pk=complete_alice.pk).update(agama="")
    response = confirm(alice_client, complete_alice)
    assert response.status_code == 302
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_it_refuses_after_the_deadline(alice_client, complete_alice):
    complete_alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    complete_alice.batch.save()
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_it_refuses_when_the_data_changed_since_the_page_was_opened(alice_client, complete_alice, superuser):
    opened_version = complete_alice.version
    save_participant_data(complete_alice, {"jabatan": "Auditor"}, expected_version=opened_version, by=superuser)
    response = alice_client.post(reverse("confirm"), {"setuju": "on", "version": opened_version}, follow=True)
    assert "baru saja berubah" in response.content.decode()
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_the_receipt_shows_the_code_time_in_wib_data_and_photo(alice_client, complete_alice):
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    response = alice_client.get(reverse("receipt", args=[complete_alice.confirmation_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert complete_alice.confirmation_code in body
    assert "WIB" in body
    assert "Siti Rahmawati, S.E." in body and "Jayapura;21-1-1993" in body
    assert reverse("photo", args=[complete_alice.photo.uuid]) in body
    assert "css/receipt.css" in body


def test_the_receipt_shows_the_record_and_photo_as_confirmed_not_as_stored_now(alice_client, complete_alice):
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    confirmed_photo = complete_alice.photo
    # Behind every service's back (no history, no status rule): the receipt must still
    # show what the participant declared, from the history as of the confirmation.
    Participant.objects.filter(pk=complete_alice.pk).update(nama="Nama Lain", photo=None)
    body = alice_client.get(reverse("receipt", args=[complete_alice.confirmation_code])).content.decode()
    assert "Siti Rahmawati, S.E." in body and "Nama Lain" not in body
    assert f'data-photo-id="{confirmed_photo.uuid}"' in body


def test_participant_cannot_open_another_participants_receipt(alice_client, complete_alice, bob):
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    response = client_for(bob.user).get(reverse("receipt", args=[complete_alice.confirmation_code]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, complete_alice):
    for url in (reverse("confirm"), reverse("receipt", args=["ABCD1234"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_have_no_receipt_page(staff_client, alice_client, complete_alice):
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    response = staff_client.get(reverse("receipt", args=[complete_alice.confirmation_code]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_the_receipt_is_withdrawn_when_the_data_changes(alice_client, complete_alice):
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    code = complete_alice.confirmation_code
    save_participant_data(complete_alice, {"jabatan": "Auditor"}, expected_version=complete_alice.version, by=complete_alice.user)
    response = alice_client.get(reverse("receipt", args=[code]))
    assert response.status_code == 302 and response["Location"] == reverse("profile")


def test_the_profile_offers_confirmation_then_links_the_receipt(alice_client, complete_alice):
    assert reverse("confirm") in alice_client.get(reverse("profile")).content.decode()
    confirm(alice_client, complete_alice)
    complete_alice.refresh_from_db()
    body = alice_client.get(reverse("profile")).content.decode()
    assert reverse("receipt", args=[complete_alice.confirmation_code]) in body


def test_it_rejects_other_methods(alice_client, complete_alice):
    assert alice_client.put(reverse("confirm")).status_code == 405
    assert alice_client.post(reverse("receipt", args=["ABCD1234"])).status_code == 405


def test_the_page_carries_the_version_and_photo_it_shows(alice_client, complete_alice):
    body = alice_client.get(reverse("confirm")).content.decode()
    assert f'name="version" value="{complete_alice.version}"' in body
    assert f'name="photo" value="{complete_alice.photo.uuid}"' in body


def test_a_photo_changed_in_another_tab_makes_the_confirmation_fail(alice_client, complete_alice):
    shown = complete_alice.photo.uuid
    give_photo(complete_alice)
    response = alice_client.post(
        reverse("confirm"), {"setuju": "on", "version": complete_alice.version, "photo": shown}, follow=True
    )
    assert "baru saja berubah" in response.content.decode()
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_the_photo_notes_are_shown_next_to_the_photo(alice_client, alice):
    give_photo(alice, warnings=["shirt_not_white"])
    body = alice_client.get(reverse("confirm")).content.decode()
    assert "Catatan shirt_not_white." in body and "Ganti foto" in body


def test_after_the_deadline_there_is_no_confirmation_form(alice_client, complete_alice):
    complete_alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    complete_alice.batch.save()
    body = alice_client.get(reverse("confirm")).content.decode()
    assert 'name="setuju"' not in body and "Dianggap valid" in body
