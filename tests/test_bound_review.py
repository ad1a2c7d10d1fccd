"""Confirm and verify cover exactly what the person saw: the record version and the photo."""

import uuid

import pytest
from django.urls import reverse

from profiles.services import review
from profiles.rules.fields import display_rows
from profiles.models import Status
from profiles.services.participants import save_participant_data
from tests.rosters import give_photo

CHANGELIST = reverse("admin:profiles_participant_changelist")


@pytest.fixture
def complete_alice(alice):
    give_photo(alice)
    return alice


def change_url(participant):
    return reverse("admin:profiles_participant_change", args=[participant.pk])


def test_it_refuses_a_confirmation_after_a_photo_change(complete_alice):
    shown = review.seen(complete_alice)
    give_photo(complete_alice)
    with pytest.raises(review.StaleData):
        review.confirm(complete_alice, by=complete_alice.user, **shown)
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None


def test_it_refuses_a_confirmation_after_a_data_change(complete_alice, staff):
    shown = review.seen(complete_alice)
    save_participant_data(complete_alice, {"jabatan": "Analis Anggaran"},
                          expected_version=complete_alice.version, by=staff, check_deadline=False)
    with pytest.raises(review.StaleData):
        review.confirm(complete_alice, by=complete_alice.user, **shown)


def test_it_refuses_a_confirmation_naming_a_photo_when_there_is_none(alice):
    with pytest.raises(review.StaleData):
        review.confirm(alice, by=alice.user, expected_version=alice.version,
                       expected_photo="00000000-0000-0000-0000-000000000000")


def test_it_refuses_a_confirmation_with_a_garbled_photo_id(complete_alice):
    with pytest.raises(review.StaleData):
        review.confirm(complete_alice, by=complete_alice.user, expected_version=complete_alice.version,
                       expected_photo="not-a-uuid")


def test_a_confirmation_records_the_version_and_photo_it_covers(complete_alice):
    confirmed = review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    assert confirmed.confirmed_version == complete_alice.version
    assert confirmed.confirmed_photo_id == complete_alice.photo_id


def test_a_confirmation_accepts_the_photo_id_as_text(complete_alice):
    confirmed = review.confirm(complete_alice, by=complete_alice.user, expected_version=complete_alice.version,
                               expected_photo=str(complete_alice.photo.uuid))
    assert confirmed.status == Status.DIKONFIRMASI


def test_it_refuses_a_stale_verification(complete_alice, staff):
    shown = review.seen(complete_alice)
    save_participant_data(complete_alice, {"nama": "Siti Rahma, S.E."},
                          expected_version=complete_alice.version, by=complete_alice.user)
    with pytest.raises(review.StaleData):
        review.verify(complete_alice, by=staff, **shown)
    complete_alice.refresh_from_db()
    assert complete_alice.status != Status.TERVERIFIKASI


def test_it_refuses_a_verification_after_a_photo_change(complete_alice, staff):
    shown = review.seen(complete_alice)
    give_photo(complete_alice)
    with pytest.raises(review.StaleData):
        review.verify(complete_alice, by=staff, **shown)


# The receipt: what was confirmed --------------------------------------------------------

def test_the_snapshot_holds_the_data_as_confirmed(complete_alice):
    confirmed = review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    snapshot = review.confirmed_snapshot(confirmed)
    assert dict(display_rows(snapshot))["Nama"] == "Siti Rahmawati, S.E."
    assert snapshot.photo_id == complete_alice.photo_id
    assert snapshot.history_date == confirmed.confirmed_at


def test_there_is_no_snapshot_once_a_change_revoked_the_confirmation(complete_alice, staff):
    confirmed = review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    changed = save_participant_data(confirmed, {"nama": "Siti Aminah, S.E."},
                                    expected_version=confirmed.version, by=staff, check_deadline=False)
    assert review.confirmed_snapshot(changed) is None


# Admin pages ------------------------------------------------------------------------------

def test_the_change_page_verify_button_carries_the_version_and_photo(staff_client, complete_alice):
    body = staff_client.get(change_url(complete_alice)).content.decode()
    assert f'name="version" value="{complete_alice.version}"' in body
    assert f'name="photo" value="{complete_alice.photo.uuid}"' in body


def test_the_change_page_refuses_to_verify_a_record_changed_since_it_was_shown(staff_client, complete_alice):
    shown = {"version": complete_alice.version, "photo": complete_alice.photo.uuid}
    save_participant_data(complete_alice, {"nama": "Siti Aminah, S.E."},
                          expected_version=complete_alice.version, by=complete_alice.user)
    response = staff_client.post(reverse("admin:profiles_participant_verify", args=[complete_alice.pk]), shown,
                                 follow=True)
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.DIPERBARUI
    assert "baru saja berubah" in response.content.decode()


def test_the_change_page_refuses_a_verification_without_the_version(staff_client, complete_alice):
    staff_client.post(reverse("admin:profiles_participant_verify", args=[complete_alice.pk]))
    complete_alice.refresh_from_db()
    assert complete_alice.status != Status.TERVERIFIKASI


def test_the_bulk_action_first_shows_the_records_with_their_version_and_photo(staff_client, complete_alice):
    response = staff_client.post(CHANGELIST, {"action": "verify_selected", "_selected_action": [complete_alice.pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="version_{complete_alice.pk}" value="{complete_alice.version}"' in body
    assert f'name="photo_{complete_alice.pk}" value="{complete_alice.photo.uuid}"' in body
    assert reverse("photo", args=[complete_alice.photo.uuid]) in body
    complete_alice.refresh_from_db()
    assert complete_alice.status != Status.TERVERIFIKASI


def test_the_bulk_action_refuses_the_records_changed_since_the_page_and_verifies_the_others(
    staff_client, complete_alice, bob
):
    give_photo(bob)
    data = {"action": "verify_selected", "apply": "1", "_selected_action": [complete_alice.pk, bob.pk]}
    for p in (complete_alice, bob):
        data[f"version_{p.pk}"] = p.version
        data[f"photo_{p.pk}"] = p.photo.uuid
    give_photo(bob)  # a new photo after the page was shown
    response = staff_client.post(CHANGELIST, data, follow=True)
    complete_alice.refresh_from_db()
    bob.refresh_from_db()
    assert complete_alice.status == Status.TERVERIFIKASI
    assert bob.status != Status.TERVERIFIKASI
    assert f"Tidak diverifikasi — {bob.nip}" in response.content.decode()


# The participant's confirmation page ------------------------------------------------------

def test_the_confirm_page_carries_the_photo_it_shows(alice_client, complete_alice):
    body = alice_client.get(reverse("confirm")).content.decode()
    assert f'value="{complete_alice.photo.uuid}"' in body and 'name="photo"' in body


def test_a_photo_uploaded_in_another_tab_makes_the_pending_confirmation_fail(alice_client, complete_alice):
    import re

    page = alice_client.get(reverse("confirm")).content.decode()
    shown = dict(re.findall(r'name="(version|photo)" value="([^"]*)"', page))
    give_photo(complete_alice)  # the other tab
    response = alice_client.post(reverse("confirm"), {"setuju": "on", **shown}, follow=True)
    complete_alice.refresh_from_db()
    assert complete_alice.confirmed_at is None
    assert "baru saja berubah" in response.content.decode()


# What a posted form says was seen: one parser for the admin and the desk -----------------

PHOTO = "0b7e4c1e-5a7f-4c55-9d6b-1f2a3c4d5e6f"


def test_seen_from_post_reads_the_version_and_the_photo():
    seen = review.seen_from_post({"version": "7", "photo": PHOTO})
    assert seen == {"expected_version": 7, "expected_photo": uuid.UUID(PHOTO)}


def test_seen_from_post_reads_a_record_without_a_photo():
    assert review.seen_from_post({"version": "3", "photo": ""}) == {"expected_version": 3, "expected_photo": None}


def test_seen_from_post_reads_the_fields_of_one_record_on_a_page_of_several():
    data = {"version": "1", "version_42": "5", "photo_42": PHOTO}
    assert review.seen_from_post(data, 42) == {"expected_version": 5, "expected_photo": uuid.UUID(PHOTO)}


@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "tujuh"}, {"version": "7", "photo": "bukan-uuid"}])
def test_seen_from_post_refuses_a_missing_or_garbled_value(data):
    with pytest.raises(review.UnreadableSeen):
        review.seen_from_post(data)


def test_the_desk_and_the_admin_refuse_a_garbled_photo_alike(complete_alice, staff_client):
    desk_url = reverse("desk_verify", args=[complete_alice.batch_id, complete_alice.user_id])
    admin_url = reverse("admin:profiles_participant_verify", args=[complete_alice.pk])
    for url in (desk_url, admin_url):
        staff_client.post(url, {"version": complete_alice.version, "photo": "bukan-uuid"}, follow=True)
        complete_alice.refresh_from_db()
        assert complete_alice.status != Status.TERVERIFIKASI
    # The same form with what the page showed verifies.
    staff_client.post(desk_url, {"version": complete_alice.version, "photo": complete_alice.photo.uuid})
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.TERVERIFIKASI
