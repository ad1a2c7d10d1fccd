import io
import zipfile

import pytest
from django.urls import reverse

from profiles.services import export_jobs, exports, review
from profiles.models import ExportJob, ExportLog, Participant, Status, User
from tests.conftest import client_for
from tests.rosters import give_photo

EXPORT = reverse("export")


@pytest.fixture
def verified_pair(alice, bob, staff):
    give_photo(alice)
    review.verify(alice, by=staff, **review.seen(alice))
    # Validated without a photo, as a record deemed valid after the deadline would be.
    Participant.objects.filter(pk=bob.pk).update(status=Status.TERVERIFIKASI)
    return alice, bob


def test_the_job_builds_a_zip_with_photos_by_nip_and_counts_the_missing(verified_pair, staff, batch):
    alice, bob = verified_pair
    job = export_jobs.start(user=staff, batch=batch, scope=exports.SCOPE_VALIDATED)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.count == 2
    assert job.missing_photos == [bob.nip]
    with job.file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert f"{alice.nip}.jpg" in names and f"{bob.nip}.jpg" not in names and "data.csv" in names
    log = ExportLog.objects.get()
    assert (log.format, log.count, log.user) == ("zip", 2, staff)


def test_the_job_page_says_how_many_lack_a_photo(staff_client, verified_pair, batch):
    response = staff_client.post(EXPORT, {"batch": batch.pk, "format": "zip"})
    page = staff_client.get(response["Location"]).content.decode()
    assert "1 tanpa foto" in page and "Unduh ZIP" in page


def test_the_export_page_shows_missing_photos_before_export(staff_client, verified_pair, batch):
    response = staff_client.get(EXPORT)
    [row] = [r for r in response.context["batches"] if r["batch"] == batch]
    assert (row["validated"], row["validated_no_photo"], row["no_photo"]) == (2, 1, 1)


def test_another_staff_member_cannot_download_my_export(verified_pair, staff, batch, db):
    job = export_jobs.start(user=staff, batch=batch, scope=exports.SCOPE_VALIDATED)
    other = User.objects.create_user("staf2", password="x", is_staff=True)
    other.user_permissions.set(staff.user_permissions.all())
    assert client_for(other).get(reverse("export_job_download", args=[job.uuid])).status_code == 404


def test_a_participant_cannot_open_an_export_job(verified_pair, staff, batch, alice_client):
    job = export_jobs.start(user=staff, batch=batch, scope=exports.SCOPE_VALIDATED)
    assert alice_client.get(reverse("export_job", args=[job.uuid])).status_code == 403


def test_a_job_not_built_yet_has_no_download(staff_client, staff, batch):
    job = ExportJob.objects.create(requested_by=staff, batch=batch, format="zip", scope="validated")
    assert staff_client.get(reverse("export_job_download", args=[job.uuid])).status_code == 404
    assert "Menunggu" in staff_client.get(reverse("export_job", args=[job.uuid])).content.decode()


def test_the_download_rejects_post(staff_client, staff, batch):
    job = ExportJob.objects.create(requested_by=staff, batch=batch, format="zip", scope="validated")
    assert staff_client.post(reverse("export_job_download", args=[job.uuid])).status_code == 405
