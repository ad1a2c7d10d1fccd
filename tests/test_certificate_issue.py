"""Issuing: numbers from the batch's pattern, frozen content, never twice, revoke and re-issue."""

import pytest
from django.core import mail
from django.utils import timezone

from profiles.models import Certificate, CertificateJob, Participant, Status
from profiles.services import sealed
from profiles.services.certificates import issue
from profiles.services.participants import save_participant_data
from tests.certificates import issued, page_text, pdf_bytes, validated


@pytest.fixture(autouse=True)
def _pattern(batch):
    batch.certificate_code = "XII"
    batch.save()


def test_the_number_follows_the_batchs_pattern(alice):
    certificate = issued(alice)
    assert certificate.number == f"0001/LATSAR-XII/{timezone.localdate().year}"


def test_numbers_follow_each_other_within_a_batch(alice, bob):
    first, second = issued(alice), issued(bob)
    assert (first.serial, second.serial) == (1, 2)


def test_a_pattern_without_a_serial_is_refused(batch):
    batch.number_pattern = "LATSAR-{angkatan}/{tahun}"
    with pytest.raises(issue.InvalidPattern):
        issue.check_pattern(batch)


def test_a_pattern_with_an_unknown_field_is_refused(batch):
    batch.number_pattern = "{urut}/{kelas}"
    with pytest.raises(issue.InvalidPattern):
        issue.check_pattern(batch)


def test_a_record_that_is_not_validated_gets_no_certificate(alice):
    assert issue.issue_one(alice.pk) == "skipped"
    assert not Certificate.objects.exists()


def test_a_record_without_a_photo_gets_no_certificate(alice):
    Participant.objects.filter(pk=alice.pk).update(status=Status.TERVERIFIKASI)
    assert issue.issue_one(alice.pk) == "skipped"


def test_issuing_again_does_not_issue_twice(alice):
    first = issued(alice)
    assert issue.issue_one(alice.pk) == "already"
    assert list(Certificate.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_certificate_freezes_the_lines_the_record_and_photo_versions_and_the_template(alice, staff):
    certificate = issued(alice, by=staff)
    assert certificate.lines[0] == ["Nama", "Siti Rahmawati, S.E."]
    assert certificate.record_version == alice.version
    assert certificate.photo_id == alice.photo_id
    assert certificate.template["batch_name"] == "Latsar Uji"
    assert certificate.issued_by == staff
    assert certificate.issued_at is not None


def test_a_later_edit_does_not_change_an_issued_certificate(alice):
    certificate = issued(alice)
    before = pdf_bytes(certificate)
    save_participant_data(alice, {"nama": "Siti Rahmawati Putri, S.E."}, by=alice.user, expected_version=alice.version)
    certificate.refresh_from_db()
    assert certificate.lines[0] == ["Nama", "Siti Rahmawati, S.E."]
    assert pdf_bytes(certificate) == before


def test_a_worker_that_died_after_the_number_is_finished_with_the_same_number(alice):
    validated(alice)
    claimed = issue.claim(alice.pk)  # numbered, then the worker "dies" before the PDF
    assert claimed.state == Certificate.State.PENDING
    assert issue.issue_one(alice.pk) == "issued"
    claimed.refresh_from_db()
    assert (claimed.state, claimed.serial) == (Certificate.State.ISSUED, 1)
    assert Certificate.objects.count() == 1


def test_revoking_needs_a_reason(alice, staff):
    certificate = issued(alice)
    with pytest.raises(issue.RevokeRefused):
        issue.revoke(certificate, by=staff, reason="  ")


def test_revoking_records_who_when_and_why(alice, staff):
    certificate = issue.revoke(issued(alice), by=staff, reason="Nama salah ketik")
    assert certificate.state == Certificate.State.REVOKED
    assert (certificate.revoked_by, certificate.revoke_reason) == (staff, "Nama salah ketik")
    assert certificate.revoked_at is not None


def test_the_participant_is_told_of_a_revocation(alice, staff):
    certificate = issued(alice)
    mail.outbox.clear()
    issue.revoke(certificate, by=staff, reason="Nama salah ketik")
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "Nama salah ketik" in mail.outbox[0].body


def test_a_correction_is_a_new_certificate_with_a_new_number(alice, staff):
    first = issued(alice)
    issue.revoke(first, by=staff, reason="Nama salah ketik")
    save_participant_data(alice, {"nama": "Siti Rahmawati Putri, S.E."}, by=staff, expected_version=alice.version)
    second = issued(Participant.objects.get(pk=alice.pk))
    assert second.number != first.number
    assert second.serial == 2
    assert "Siti Rahmawati Putri, S.E." in page_text(pdf_bytes(second))


def test_the_participant_gets_an_email_with_the_link(alice):
    mail.outbox.clear()
    certificate = issued(alice)
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert certificate.number in mail.outbox[0].body
    assert f"/v/{certificate.code}/" in mail.outbox[0].body


def test_a_job_issues_every_eligible_record_of_the_batch(alice, bob, staff):
    validated(alice), validated(bob)
    job = issue.start(alice.batch, by=staff)  # tasks run inline in tests
    job.refresh_from_db()
    assert (job.state, job.total, job.issued) == (CertificateJob.State.DONE, 2, 2)
    assert issue.job_progress(job) == "2 dari 2"


def test_progress_uses_the_indonesian_thousands_separator(batch):
    job = CertificateJob(batch=batch, total=3000, issued=1200, skipped=30, failed=10)
    assert issue.job_progress(job) == "1.240 dari 3.000"


def test_a_job_without_heartbeat_for_ten_minutes_is_stalled(batch):
    job = CertificateJob.objects.create(
        batch=batch, state=CertificateJob.State.RUNNING, total=5,
        heartbeat_at=timezone.now() - issue.STALL_AFTER - timezone.timedelta(seconds=1),
    )
    assert issue.is_stalled(job)


def test_starting_again_while_a_job_runs_returns_that_job(alice, batch):
    running = CertificateJob.objects.create(batch=batch, state=CertificateJob.State.RUNNING, total=1,
                                            heartbeat_at=timezone.now())
    assert issue.start(batch) == running


def test_starting_again_after_a_stalled_job_marks_it_failed_and_issues(alice, batch):
    validated(alice)
    stalled = CertificateJob.objects.create(batch=batch, state=CertificateJob.State.RUNNING, total=1,
                                            heartbeat_at=timezone.now() - issue.STALL_AFTER * 2)
    job = issue.start(batch)
    stalled.refresh_from_db()
    assert stalled.state == CertificateJob.State.FAILED
    assert Certificate.objects.get(job=job).state == Certificate.State.ISSUED


def test_counts_are_issued_revoked_and_pending(alice, bob, staff):
    issue.revoke(issued(alice), by=staff, reason="Salah")
    validated(bob)
    assert issue.counts(alice.batch) == {"issued": 0, "revoked": 1, "pending": 2}


def test_pruning_old_photos_keeps_a_certificates_photo(alice):
    from profiles.services import retention
    from tests.rosters import give_photo

    certificate = issued(alice)
    for _ in range(3):
        give_photo(alice)
    retention.prune_photos(keep=0)
    certificate.photo.refresh_from_db()
    assert certificate.photo.file


def test_a_chunk_retried_after_its_worker_died_issues_what_is_left(alice, bob, batch):
    validated(alice), validated(bob)
    job = CertificateJob.objects.create(batch=batch, state=CertificateJob.State.RUNNING, total=2)
    issue.issue_one(alice.pk, job=job)  # the first attempt got this far
    assert issue.retry_chunk(job.pk, sealed.seal([alice.pk, bob.pk])) is not None
    assert Certificate.objects.filter(state=Certificate.State.ISSUED).count() == 2


def test_a_chunk_given_up_counts_its_records_without_a_certificate_as_failed(alice, bob, batch):
    validated(alice), validated(bob)
    job = CertificateJob.objects.create(batch=batch, state=CertificateJob.State.RUNNING, total=2, issued=1)
    issue.issue_one(alice.pk, job=job)
    issue.fail_chunk(job.pk, sealed.seal([alice.pk, bob.pk]))
    job.refresh_from_db()
    assert (job.failed, job.state) == (1, CertificateJob.State.DONE)
