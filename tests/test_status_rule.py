"""One status rule: every change to the data or the photo, by anyone, revokes confirmation and
verification the same way (review.revoke_approval)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.services import review, roster
from profiles.models import Participant, Status
from profiles.services.participants import EditingClosed, save_participant_data
from profiles.services.uploads import receive_upload
from tests.conftest import client_for
from tests.photo_factory import make_id_photo
from tests.rosters import csv_bytes, give_photo, nip_for, person
from tests.test_admin_edit import admin_form


@pytest.fixture
def confirmed_alice(alice):
    give_photo(alice)
    return review.confirm(alice, by=alice.user, **review.seen(alice))


@pytest.fixture
def verified_alice(alice, staff):
    give_photo(alice)
    return review.verify(alice, by=staff, **review.seen(alice))


def assert_revoked(participant):
    participant.refresh_from_db()
    assert participant.confirmed_at is None
    assert participant.confirmed_version is None and participant.confirmed_photo_id is None
    assert participant.verified_at is None and participant.verified_by_id is None
    assert participant.status not in (Status.DIKONFIRMASI, Status.TERVERIFIKASI)


def test_a_participants_edit_revokes_the_confirmation(confirmed_alice):
    save_participant_data(confirmed_alice, {"jabatan": "Analis Anggaran"},
                          expected_version=confirmed_alice.version, by=confirmed_alice.user)
    assert_revoked(confirmed_alice)
    assert confirmed_alice.status == Status.DIPERBARUI


def test_an_admin_edit_through_the_admin_form_revokes_the_confirmation(confirmed_alice, superuser):
    response = client_for(superuser).post(
        reverse("admin:profiles_participant_change", args=[confirmed_alice.pk]),
        admin_form(confirmed_alice, nama="Siti Aminah, S.E."),
    )
    assert response.status_code == 302
    assert_revoked(confirmed_alice)
    assert confirmed_alice.nama == "Siti Aminah, S.E."


def test_an_admin_edit_through_the_admin_form_revokes_the_verification(verified_alice, superuser):
    client_for(superuser).post(
        reverse("admin:profiles_participant_change", args=[verified_alice.pk]),
        admin_form(verified_alice, jabatan="Analis Anggaran"),
    )
    assert_revoked(verified_alice)


def test_an_admin_save_without_a_data_change_keeps_the_confirmation(confirmed_alice, superuser):
    client_for(superuser).post(
        reverse("admin:profiles_participant_change", args=[confirmed_alice.pk]), admin_form(confirmed_alice)
    )
    confirmed_alice.refresh_from_db()
    assert confirmed_alice.status == Status.DIKONFIRMASI and confirmed_alice.confirmed_at is not None


def test_the_receipt_never_shows_the_new_name_under_the_old_time(confirmed_alice, superuser, alice_client):
    code = confirmed_alice.confirmation_code
    client_for(superuser).post(
        reverse("admin:profiles_participant_change", args=[confirmed_alice.pk]),
        admin_form(confirmed_alice, nama="Siti Aminah, S.E."),
    )
    response = alice_client.get(reverse("receipt", args=[code]))
    assert response.status_code == 302
    assert response["Location"] != reverse("receipt", args=[code])
    confirmed_alice.refresh_from_db()
    assert review.confirmed_snapshot(confirmed_alice) is None


def test_a_photo_upload_by_staff_revokes_the_verification(verified_alice, staff):
    outcome = receive_upload(verified_alice, make_id_photo(), by=staff, check_deadline=False)
    assert outcome.stored, outcome.report.errors
    assert_revoked(verified_alice)


def test_a_photo_upload_by_the_participant_revokes_the_confirmation(confirmed_alice):
    outcome = receive_upload(confirmed_alice, make_id_photo(), by=confirmed_alice.user)
    assert outcome.stored, outcome.report.errors
    assert_revoked(confirmed_alice)
    assert confirmed_alice.status == Status.DIPERBARUI


def test_a_roster_import_that_changes_the_data_revokes_the_confirmation(batch, staff):
    roster.import_roster(csv_bytes([person(7)]), "roster.csv", batch=batch, by=staff)
    participant = Participant.objects.get(nip=nip_for(7))
    give_photo(participant)
    review.confirm(participant, by=participant.user, **review.seen(participant))
    report = roster.import_roster(csv_bytes([person(7, jabatan="Analis Anggaran")]), "roster.csv",
                                  batch=batch, by=staff)
    assert "confirmation_revoked" in report.rows[0].codes("warnings")["status"]
    assert_revoked(participant)
    assert participant.jabatan == "Analis Anggaran"


def test_a_roster_import_that_changes_nothing_keeps_the_confirmation(batch, staff):
    roster.import_roster(csv_bytes([person(7)]), "roster.csv", batch=batch, by=staff)
    participant = Participant.objects.get(nip=nip_for(7))
    give_photo(participant)
    review.confirm(participant, by=participant.user, **review.seen(participant))
    roster.import_roster(csv_bytes([person(7)]), "roster.csv", batch=batch, by=staff)
    participant.refresh_from_db()
    assert participant.status == Status.DIKONFIRMASI


# The deadline is decided in the services, at the exact instant -------------------------

def at_deadline(participant):
    now = timezone.now().replace(microsecond=0)
    participant.batch.deadline = now
    participant.batch.save()
    return now


def test_saving_at_the_exact_deadline_is_refused_by_the_service(alice):
    now = at_deadline(alice)
    with pytest.raises(EditingClosed):
        save_participant_data(alice, {"jabatan": "X"}, expected_version=alice.version, by=alice.user, now=now)


def test_saving_just_before_the_deadline_is_accepted(alice):
    now = at_deadline(alice)
    saved = save_participant_data(alice, {"jabatan": "Analis Anggaran"}, expected_version=alice.version,
                                  by=alice.user, now=now - timedelta(microseconds=1))
    assert saved.jabatan == "Analis Anggaran"


def test_a_photo_at_the_exact_deadline_is_refused_by_the_service(alice):
    now = at_deadline(alice)
    with pytest.raises(EditingClosed):
        receive_upload(alice, make_id_photo(), by=alice.user, now=now)


def test_a_confirmation_at_the_exact_deadline_is_refused_by_the_service(alice):
    give_photo(alice)
    now = at_deadline(alice)
    with pytest.raises(review.EditingClosed):
        review.confirm(alice, by=alice.user, **review.seen(alice), now=now)


def test_a_confirmation_just_before_the_deadline_is_accepted(alice):
    give_photo(alice)
    now = at_deadline(alice)
    confirmed = review.confirm(alice, by=alice.user, **review.seen(alice), now=now - timedelta(microseconds=1))
    assert confirmed.status == Status.DIKONFIRMASI


def test_the_edit_page_shows_the_services_refusal_after_the_deadline(alice, alice_client):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    response = alice_client.post(reverse("profile_edit"), {"version": alice.version, "jabatan": "X"}, follow=True)
    assert "Batas waktu pembaruan data sudah lewat" in response.content.decode()
    alice.refresh_from_db()
    assert alice.jabatan == "Analis Keuangan"
