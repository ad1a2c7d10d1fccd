"""Jobs that survive a dead worker (services/jobs.py): the lease, the recovery, the outcomes."""

import time
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from profiles.models import CertificateJob, ExportJob, JobLease, PhotoFix
from profiles.services import export_jobs, jobs, photo_fixes, sealed
from profiles.services.certificates import issue
from tests.certificates import validated
from tests.photo_factory import red_card

FIX_TASK = photo_fixes.fix_photo_task.module_path


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def running_fix(alice, *, lease_expires, attempt=1):
    """A fix a worker claimed and was running when it died (or still runs)."""
    fix = PhotoFix.objects.create(participant=alice, state=PhotoFix.State.QUEUED, queued_at=timezone.now())
    fix.source.save("asli", ContentFile(red_card("JPEG")), save=True)
    result = photo_fixes.fix_photo_task.enqueue(fix.pk)
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=5), worker_ids=["mati"]
    )
    PhotoFix.objects.filter(pk=fix.pk).update(state=PhotoFix.State.RUNNING, task_id=str(result.id))
    if lease_expires is not None:
        JobLease.objects.create(task_id=str(result.id), task_path=FIX_TASK, attempt=attempt, expires_at=lease_expires)
    fix.refresh_from_db()
    return fix


def ago(seconds):
    return timezone.now() - timedelta(seconds=seconds)


# Recovery -----------------------------------------------------------------------------------


def test_a_fix_whose_worker_died_is_queued_again(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    assert jobs.recover_abandoned() == (1, 0)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.QUEUED
    assert DBTaskResult.objects.get(id=fix.task_id).status == "READY"


def test_the_dead_run_is_recorded_as_failed_by_a_lost_worker(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    dead = fix.task_id
    jobs.recover_abandoned()
    result = DBTaskResult.objects.get(id=dead)
    assert result.status == "FAILED" and result.exception_class_path == jobs.LOST_WORKER


def test_the_retry_is_counted_as_the_second_attempt(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    jobs.recover_abandoned()
    fix.refresh_from_db()
    assert JobLease.objects.get(task_id=fix.task_id).attempt == 2


def test_a_fix_whose_retry_also_lost_its_worker_ends_failed(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1), attempt=2)
    assert jobs.recover_abandoned() == (0, 1)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.FAILED
    assert DBTaskResult.objects.count() == 1


def test_the_participant_is_told_and_can_retry_a_failed_fix(alice, alice_client, database_queue):
    fix = running_fix(alice, lease_expires=ago(1), attempt=2)
    jobs.recover_abandoned()
    page = alice_client.get(reverse("photo_fix", args=[fix.uuid])).content.decode()
    assert "gagal" in page and reverse("photo_fix_retry", args=[fix.uuid]) in page
    alice_client.post(reverse("photo_fix_retry", args=[fix.uuid]))
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.QUEUED


def test_a_job_whose_lease_is_renewed_is_left_running(alice, database_queue):
    fix = running_fix(alice, lease_expires=timezone.now() + timedelta(seconds=30))
    assert jobs.recover_abandoned() == (0, 0)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.RUNNING


def test_a_job_claimed_by_a_worker_that_died_before_its_lease_is_recovered(alice, database_queue):
    running_fix(alice, lease_expires=None)
    assert jobs.recover_abandoned() == (1, 0)


def test_a_job_claimed_a_moment_ago_without_a_lease_yet_is_left_alone(alice, database_queue):
    fix = running_fix(alice, lease_expires=None)
    DBTaskResult.objects.filter(id=fix.task_id).update(started_at=timezone.now())
    assert jobs.recover_abandoned() == (0, 0)


def test_a_job_that_finished_meanwhile_is_not_run_again(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    PhotoFix.objects.filter(pk=fix.pk).update(state=PhotoFix.State.DONE)
    jobs.recover_abandoned()
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE
    assert DBTaskResult.objects.count() == 1


def test_two_recoveries_at_once_retry_a_job_once(alice, database_queue):
    running_fix(alice, lease_expires=ago(1))
    jobs.recover_abandoned()
    jobs.recover_abandoned()
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_the_health_probe_recovers_abandoned_jobs(alice, client, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    client.get(reverse("health"))
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.QUEUED


# Exports -----------------------------------------------------------------------------------


def running_export(staff, batch, *, lease_expires, attempt=1):
    job = ExportJob.objects.create(requested_by=staff, batch=batch, format="zip", scope="all")
    result = export_jobs.build_export_task.enqueue(job.pk)
    DBTaskResult.objects.filter(id=result.id).update(status="RUNNING", started_at=ago(300))
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    JobLease.objects.create(
        task_id=str(result.id), task_path=export_jobs.build_export_task.module_path, attempt=attempt,
        expires_at=lease_expires,
    )
    return job


def test_an_export_whose_worker_died_twice_ends_failed_with_a_rebuild_button(staff, staff_client, batch, database_queue):
    job = running_export(staff, batch, lease_expires=ago(1), attempt=2)
    jobs.recover_abandoned()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    page = staff_client.get(reverse("export_job", args=[job.uuid])).content.decode()
    assert "Buat ulang" in page and reverse("export_job_rebuild", args=[job.uuid]) in page


def test_buat_ulang_builds_a_failed_export_again(staff, staff_client, batch):
    job = ExportJob.objects.create(
        requested_by=staff, batch=batch, format="zip", scope="all", state=ExportJob.State.FAILED, error="x"
    )
    response = staff_client.post(reverse("export_job_rebuild", args=[job.uuid]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file


def test_buat_ulang_leaves_a_finished_export_alone(staff, staff_client, batch):
    job = ExportJob.objects.create(requested_by=staff, batch=batch, format="zip", scope="all",
                                   state=ExportJob.State.DONE)
    staff_client.post(reverse("export_job_rebuild", args=[job.uuid]))
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE


def refusing_storage(monkeypatch, storage):
    def refuse(name, content, max_length=None):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "refused"}}, "PutObject")

    monkeypatch.setattr(storage, "_save", refuse)


def test_an_export_the_storage_refuses_ends_failed(staff, batch, monkeypatch):
    job = ExportJob.objects.create(requested_by=staff, batch=batch, format="zip", scope="all")
    refusing_storage(monkeypatch, storages["default"])
    export_jobs.build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "AccessDenied" in job.error


def test_a_fix_whose_result_the_storage_refuses_ends_failed(alice, monkeypatch):
    from tests.test_photo_fix_flow import white_wall_photo

    fix = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    refusing_storage(monkeypatch, fix.source.storage)
    fix = photo_fixes.queue_kept_upload(alice, fix.uuid, by=alice.user)
    assert fix.state == PhotoFix.State.FAILED


# The lease while a job runs -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_renews_the_lease_while_the_job_runs(settings):
    settings.JOB_LEASE_SECONDS = 3
    with jobs.held("a-task", FIX_TASK, "pekerja-1"):
        first = JobLease.objects.get(task_id="a-task").expires_at
        time.sleep(1.6)  # the heartbeat beats every second at this lease
        renewed = JobLease.objects.get(task_id="a-task").expires_at
    assert renewed > first


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_gone_when_the_job_ends():
    with jobs.held("a-task", FIX_TASK, "pekerja-1"):
        assert JobLease.objects.filter(task_id="a-task").exists()
    assert not JobLease.objects.filter(task_id="a-task").exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_leased_job_and_leaves_no_lease(alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from tests.test_photo_fix_flow import white_wall_photo

    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE
    assert not JobLease.objects.exists()
    assert DBTaskResult.objects.get(id=fix.task_id).status == "SUCCESSFUL"


def test_a_fix_whose_worker_died_before_starting_it_is_queued_again(alice, database_queue):
    fix = running_fix(alice, lease_expires=ago(1))
    PhotoFix.objects.filter(pk=fix.pk).update(state=PhotoFix.State.QUEUED)
    assert jobs.recover_abandoned() == (1, 0)
    assert DBTaskResult.objects.filter(status="READY").count() == 1


# Certificate issuing -----------------------------------------------------------------------


def running_chunk(alice, staff, *, lease_expires, attempt=1):
    """A chunk of a "Terbitkan sertifikat" job whose worker died before it issued anything."""
    validated(alice)
    job = CertificateJob.objects.create(batch=alice.batch, requested_by=staff, total=1,
                                        state=CertificateJob.State.RUNNING)
    result = issue.issue_chunk_task.enqueue(job.pk, sealed.seal([alice.pk]))
    DBTaskResult.objects.filter(id=result.id).update(status="RUNNING", started_at=ago(300))
    JobLease.objects.create(task_id=str(result.id), task_path=issue.issue_chunk_task.module_path,
                            attempt=attempt, expires_at=lease_expires)
    return job, result


# Committed: the real db_worker closes the connection between jobs (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_certificate_chunk_whose_worker_died_is_queued_again_and_issues(alice, staff, database_queue):
    job, dead = running_chunk(alice, staff, lease_expires=ago(1))
    assert jobs.recover_abandoned() == (1, 0)
    assert DBTaskResult.objects.filter(status="READY", task_path=issue.issue_chunk_task.module_path).count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert issue.live_certificate(alice) is not None


def test_a_certificate_chunk_that_lost_its_worker_twice_counts_as_failed(alice, staff, database_queue):
    job, dead = running_chunk(alice, staff, lease_expires=ago(1), attempt=2)
    jobs.recover_abandoned()
    job.refresh_from_db()
    assert job.failed == 1 and "terhenti" in job.error


# Committed: the real db_worker closes the connection between jobs (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_certificate_chunks_carry_no_nip_in_the_task_table_and_still_issue(alice, staff, database_queue):
    validated(alice)
    job = issue.start(alice.batch, by=staff)
    stored = str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert job.total == 1 and alice.nip not in stored and alice.nip[:8] not in stored
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert issue.live_certificate(alice) is not None


def test_a_chunk_that_cannot_be_unsealed_issues_nothing(alice, staff, settings, caplog):
    validated(alice)
    job = CertificateJob.objects.create(batch=alice.batch, requested_by=staff, total=1,
                                        state=CertificateJob.State.RUNNING)
    token = sealed.seal([alice.pk])
    settings.SECRET_KEY = "a key from after a rotation, not the one that sealed it " * 2
    result = issue.issue_chunk_task.enqueue(job.pk, token)  # the immediate backend: run here
    assert issue.live_certificate(alice) is None
    assert result.status == "SUCCESSFUL" and "could not be read" in caplog.text


PREVIEW_TASK = photo_fixes.preview_task.module_path


def running_preview(alice, *, state=PhotoFix.State.AWAITING):
    """A kept upload whose preview a worker was making when it died."""
    fix = PhotoFix.objects.create(participant=alice, state=state)
    fix.source.save("asli", ContentFile(red_card("JPEG")), save=True)
    result = photo_fixes.preview_task.enqueue(fix.pk)
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=5), worker_ids=["mati"]
    )
    JobLease.objects.create(task_id=str(result.id), task_path=PREVIEW_TASK, attempt=1, expires_at=ago(1))
    return fix, str(result.id)


@pytest.mark.django_db(transaction=True)
def test_a_preview_whose_worker_died_is_queued_again_and_made(alice, database_queue):
    fix, dead = running_preview(alice)
    assert jobs.recover_abandoned() == (1, 0)
    retry = DBTaskResult.objects.exclude(id=dead).get(task_path=PREVIEW_TASK)
    assert retry.status == "READY"
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    fix.refresh_from_db()
    assert fix.preview


def test_a_preview_no_longer_wanted_is_not_made_again(alice, database_queue):
    _, dead = running_preview(alice, state=PhotoFix.State.DISCARDED)
    assert jobs.recover_abandoned() == (0, 1)
    assert not DBTaskResult.objects.exclude(id=dead).filter(task_path=PREVIEW_TASK).exists()
