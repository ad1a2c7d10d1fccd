"""Big exports (the ZIP of photos) built by a background task into default storage.

The export page creates an ExportJob and queues build_export_task; the job page shows
its state and, when done, a download link. The export is logged when it is built
(exports.log_export), with the photos that were missing.
"""

import logging
import tempfile

from django.core.files import File
from django.utils import timezone
from django_tasks import task

from profiles.services import exports
from profiles.models import ExportJob

logger = logging.getLogger(__name__)


def start(*, user, batch, scope, fmt="zip"):
    job = ExportJob.objects.create(requested_by=user, batch=batch, format=fmt, scope=scope)
    build_export_task.enqueue(job.pk)
    return job


@task()
def build_export_task(job_id):
    build(job_id)


def build(job_id, now=None):
    """Write the export file; its outcome is stored on the job, never raised to the worker."""
    job = ExportJob.objects.select_related("batch", "requested_by").get(pk=job_id)
    if job.state not in (ExportJob.State.QUEUED, ExportJob.State.FAILED):
        return job
    now = now or timezone.now()
    job.state = ExportJob.State.RUNNING
    job.save(update_fields=["state"])
    queryset = exports.export_queryset(batch=job.batch, scope=job.scope, now=now)
    try:
        without_photo = list(queryset.filter(photo__isnull=True).values_list("nip", flat=True))
        with tempfile.TemporaryFile() as handle:
            files_missing = exports.render(job.format, queryset, handle, now)
            handle.seek(0)
            name = f"{exports.filename_for(job.batch, job.format, now)[:-len(job.format) - 1]}-{job.uuid.hex[:8]}.{job.format}"
            job.file.save(name, File(handle), save=False)
    except OSError as error:
        job.state = ExportJob.State.FAILED
        job.error = f"{type(error).__name__}: {error}"[:1000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        logger.warning("export job %s failed: %s", job.pk, type(error).__name__)
        return job
    job.count = queryset.count()
    job.missing_photos = sorted({*without_photo, *files_missing})
    job.state = ExportJob.State.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "count", "missing_photos", "state", "finished_at"])
    exports.log_export(
        user=job.requested_by, batch=job.batch, fmt=job.format, scope=job.scope, count=job.count,
        source="web-job",
    )
    return job
