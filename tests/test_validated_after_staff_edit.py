"""The validated export holds only what a person verified, or what was deemed valid untouched."""

from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.models import Participant
from profiles.services import review
from tests.conftest import client_for
from tests.rosters import give_photo
from tests.test_admin_edit import admin_form, url_for
from tests.test_export import parse_csv, web_export


@pytest.fixture
def verified_alice(alice, staff):
    give_photo(alice)
    return review.verify(alice, by=staff, **review.seen(alice))


def close_batch(participant):
    participant.batch.deadline = timezone.now() - timedelta(hours=1)
    participant.batch.save()


def admin_edit(superuser, participant, **changes):
    participant.refresh_from_db()
    client_for(superuser).post(url_for(participant), admin_form(participant, **changes))


def exported_nips(staff_client, batch):
    _, content = web_export(staff_client, batch, "csv")
    return [row[0] for row in parse_csv(content)[1:]]


def test_an_admin_edit_after_the_deadline_drops_a_verified_record_from_the_export(
        staff_client, superuser, verified_alice):
    close_batch(verified_alice)
    admin_edit(superuser, verified_alice, jabatan="Analis Anggaran")
    assert verified_alice.nip not in exported_nips(staff_client, verified_alice.batch)


def test_an_admin_edit_before_the_deadline_stays_out_after_it(staff_client, superuser, verified_alice):
    admin_edit(superuser, verified_alice, jabatan="Analis Anggaran")
    close_batch(verified_alice)
    assert verified_alice.nip not in exported_nips(staff_client, verified_alice.batch)


def test_a_new_verification_brings_the_edited_record_back(staff_client, superuser, staff, verified_alice):
    close_batch(verified_alice)
    admin_edit(superuser, verified_alice, jabatan="Analis Anggaran")
    edited = Participant.objects.get(pk=verified_alice.pk)
    review.verify(edited, by=staff, **review.seen(edited))
    assert verified_alice.nip in exported_nips(staff_client, verified_alice.batch)


def test_an_untouched_record_is_still_deemed_valid_after_the_deadline(staff_client, alice):
    close_batch(alice)
    assert alice.nip in exported_nips(staff_client, alice.batch)


def test_the_admin_names_a_record_that_needs_a_new_verification(superuser, verified_alice):
    close_batch(verified_alice)
    admin_edit(superuser, verified_alice, jabatan="Analis Anggaran")
    verified_alice.refresh_from_db()
    assert verified_alice.needs_verification
    assert not verified_alice.is_validated()
