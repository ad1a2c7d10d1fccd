from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from profiles.services import review
from profiles.models import Participant, Status
from profiles.services.accounts import create_participant
from profiles.services.participants import save_participant_data
from tests.conftest import ALICE_VALUES
from tests.rosters import give_photo


@pytest.fixture
def complete_alice(alice):
    give_photo(alice)
    return alice


def past_deadline(participant, hours=1):
    participant.batch.deadline = timezone.now() - timedelta(hours=hours)
    participant.batch.save()


def validated_nips(now=None):
    return set(Participant.objects.validated(now or timezone.now()).values_list("nip", flat=True))


def test_confirm_moves_a_complete_record_to_dikonfirmasi(complete_alice):
    confirmed = review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    assert confirmed.status == Status.DIKONFIRMASI and confirmed.confirmation_code


def test_confirm_twice_keeps_the_first_code(complete_alice):
    code = review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice)).confirmation_code
    assert review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice)).confirmation_code == code


def test_confirm_names_what_is_missing(alice):
    with pytest.raises(review.NotComplete) as raised:
        review.confirm(alice, by=alice.user, **review.seen(alice))
    assert raised.value.missing == ["Foto"]


def test_verify_records_who_and_when_with_history(complete_alice, staff):
    verified = review.verify(complete_alice, by=staff, **review.seen(complete_alice))
    assert verified.status == Status.TERVERIFIKASI
    assert verified.verified_by == staff and verified.verified_at is not None
    record = complete_alice.history.first()
    assert record.history_user == staff and record.history_change_reason == "Verifikasi admin"


def test_verify_refuses_an_incomplete_record(alice, staff):
    with pytest.raises(review.NotComplete):
        review.verify(alice, by=staff, **review.seen(alice))
    alice.refresh_from_db()
    assert alice.status == Status.BELUM_DIPERBARUI


def test_request_revision_stores_the_note_and_reopens_editing(complete_alice, staff):
    review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    past_deadline(complete_alice, hours=48)
    now = timezone.now()
    flagged = review.request_revision(complete_alice, by=staff, note="Latar foto harus merah.", days=3, now=now)
    assert flagged.status == Status.PERLU_REVISI
    assert flagged.revision_note == "Latar foto harus merah."
    assert flagged.confirmed_at is None
    assert flagged.reopened_until == now + timedelta(days=3)
    assert flagged.can_edit(now)
    assert complete_alice.history.first().history_change_reason == "Permintaan revisi"


def test_request_revision_before_the_deadline_reopens_from_the_deadline(complete_alice, staff):
    flagged = review.request_revision(complete_alice, by=staff, note="Periksa nama.", days=2)
    assert flagged.reopened_until == complete_alice.batch.deadline + timedelta(days=2)


def test_request_revision_takes_its_default_days_from_settings(complete_alice, staff, settings):
    settings.REVISION_REOPEN_DAYS = 5
    flagged = review.request_revision(complete_alice, by=staff, note="Periksa nama.")
    assert flagged.reopened_until == complete_alice.batch.deadline + timedelta(days=5)


def test_request_revision_requires_a_note(complete_alice, staff):
    with pytest.raises(review.ReviewError):
        review.request_revision(complete_alice, by=staff, note="  ")


def test_a_revised_record_goes_back_to_diperbarui_when_the_participant_edits(complete_alice, staff):
    flagged = review.request_revision(complete_alice, by=staff, note="Periksa jabatan.")
    saved = save_participant_data(flagged, {"jabatan": "Auditor"}, expected_version=flagged.version, by=flagged.user)
    assert saved.status == Status.DIPERBARUI


# Validated: verified, or deemed valid after the deadline -------------------------------

def test_a_verified_record_is_validated_before_the_deadline(complete_alice, staff):
    review.verify(complete_alice, by=staff, **review.seen(complete_alice))
    assert validated_nips() == {complete_alice.nip}


def test_a_confirmed_record_is_not_validated_before_the_deadline(complete_alice):
    review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    assert validated_nips() == set()


def test_after_the_deadline_untouched_and_confirmed_records_are_deemed_valid(complete_alice, bob):
    review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))
    past_deadline(bob)
    assert validated_nips() == {complete_alice.nip, bob.nip}
    bob.refresh_from_db()
    assert review.effective_status(bob) == Status.DIANGGAP_VALID


def test_a_record_flagged_for_revision_is_never_deemed_valid(complete_alice, staff):
    review.request_revision(complete_alice, by=staff, note="Periksa nama.", days=1)
    now = timezone.now() + timedelta(days=30)
    assert validated_nips(now) == set()


def test_a_reopened_record_is_deemed_valid_only_when_its_reopening_ends(complete_alice, staff):
    flagged = review.request_revision(complete_alice, by=staff, note="Periksa nama.", days=2)
    save_participant_data(flagged, {"jabatan": "Auditor"}, expected_version=flagged.version, by=flagged.user)
    deadline = complete_alice.batch.deadline
    assert validated_nips(deadline + timedelta(days=1)) == set()
    assert validated_nips(deadline + timedelta(days=3)) == {complete_alice.nip}


def test_is_validated_agrees_with_the_query(complete_alice, bob, staff):
    review.verify(complete_alice, by=staff, **review.seen(complete_alice))
    for now in (timezone.now(), timezone.now() + timedelta(days=30)):
        expected = validated_nips(now)
        for participant in Participant.objects.select_related("batch"):
            assert participant.is_validated(now) == (participant.nip in expected)


# The stored status, written by mark_deemed_valid -----------------------------------------

def test_mark_deemed_valid_stores_the_status_with_history(closed_batch, staff):
    untouched = create_participant("199301212020121001", closed_batch, dict(ALICE_VALUES, jenis_kelamin="Laki-laki"))
    flagged = create_participant("199301212020122004", closed_batch, dict(ALICE_VALUES))
    Participant.objects.filter(pk=flagged.pk).update(status=Status.PERLU_REVISI)
    assert review.mark_deemed_valid(by=staff) == 1
    untouched.refresh_from_db()
    assert untouched.status == Status.DIANGGAP_VALID
    record = untouched.history.first()
    assert record.status == Status.DIANGGAP_VALID and record.history_change_reason == "Dianggap valid setelah tenggat"
    flagged.refresh_from_db()
    assert flagged.status == Status.PERLU_REVISI


def test_mark_deemed_valid_leaves_open_batches_alone_and_runs_twice_safely(alice, closed_batch):
    assert review.mark_deemed_valid() == 0
    alice.refresh_from_db()
    assert alice.status == Status.BELUM_DIPERBARUI


def test_the_stored_status_does_not_change_which_records_are_validated(closed_batch):
    create_participant("199301212020121001", closed_batch, dict(ALICE_VALUES, jenis_kelamin="Laki-laki"))
    before = validated_nips()
    review.mark_deemed_valid()
    assert validated_nips() == before


def test_the_mark_deemed_valid_command_reports_the_count(closed_batch, batch):
    create_participant("199301212020121001", closed_batch, dict(ALICE_VALUES, jenis_kelamin="Laki-laki"))
    out = StringIO()
    call_command("mark_deemed_valid", "--dry-run", stdout=out)
    assert "1 peserta akan ditandai" in out.getvalue()
    call_command("mark_deemed_valid", "--batch", closed_batch.name, stdout=out)
    assert "1 peserta ditandai dianggap valid." in out.getvalue()
    assert Participant.objects.get().status == Status.DIANGGAP_VALID


# The dashboard's "complete" query and the confirm/verify check agree, field by field.

from profiles.rules.fields import EDITABLE  # noqa: E402


def _blank(participant, field):
    for column in field.columns:
        setattr(participant, column, None if column == "tanggal_lahir" else "")
    Participant.objects.filter(pk=participant.pk).update(
        **{column: getattr(participant, column) for column in field.columns}
    )


def test_a_complete_record_is_complete_for_both_checks(complete_alice):
    assert review.missing_items(complete_alice) == []
    assert Participant.objects.filter(review.complete_q(), pk=complete_alice.pk).exists()


@pytest.mark.parametrize("field", EDITABLE, ids=[field.name for field in EDITABLE])
def test_a_blank_field_is_missing_for_both_checks(complete_alice, field):
    _blank(complete_alice, field)
    complete_alice.refresh_from_db()
    assert field.label in review.missing_items(complete_alice)
    assert not Participant.objects.filter(review.data_complete_q(), pk=complete_alice.pk).exists()
    assert not Participant.objects.filter(review.complete_q(), pk=complete_alice.pk).exists()
    with pytest.raises(review.NotComplete):
        review.confirm(complete_alice, by=complete_alice.user, **review.seen(complete_alice))


def test_a_missing_photo_is_missing_for_both_checks(alice):
    assert review.missing_items(alice) == ["Foto"]
    assert Participant.objects.filter(review.data_complete_q(), pk=alice.pk).exists()
    assert not Participant.objects.filter(review.complete_q(), pk=alice.pk).exists()
