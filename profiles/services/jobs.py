"""Background jobs that survive a dead worker: a lease renewed while the job runs.

django-tasks-db marks a job RUNNING when a worker claims it and never looks at it again:
a worker killed by SIGKILL, the out-of-memory killer or a lost machine leaves the job
RUNNING for good, and whatever the job was making (a photo fix, a ZIP export) waits for
ever. So each job declared here holds a lease (models.JobLease): the worker renews it
every JOB_LEASE_SECONDS / 3 from a small heartbeat thread while the job runs, and deletes
it when the job ends. A lease that has run out means nobody is running the job any more
(a slow job keeps renewing; only a dead one stops), and the recovery step then either
retries the job once or marks it failed, through the two hooks the job's module gives.

Declaring a job, for any task (photo_fixes.py and export_jobs.py do this)::

    from profiles.services import jobs

    def _retry_build(job_id):
        # Put the work back in the queue if it is still ours to redo; return the new
        # task result's id, or None when there is nothing to retry.
        if not ExportJob.objects.filter(pk=job_id, state=RUNNING).update(state=QUEUED):
            return None
        return build_export_task.enqueue(job_id).id

    def _fail_build(job_id):
        # Tell the person: the job ended as failed, with a way to try again.
        ExportJob.objects.filter(pk=job_id, state=RUNNING).update(state=FAILED, ...)

    @jobs.leased_task(retry=_retry_build, fail=_fail_build)
    def build_export_task(job_id):
        build(job_id)

``leased_task`` takes the options of django_tasks' ``task()`` as well (priority, queue_name)
and returns the same kind of Task, so ``build_export_task.enqueue(job_id)`` is unchanged.
Arguments must identify the work (primary keys), as for any task. The hooks must be
idempotent and act only on work still in its running state: the job may have finished
after all, or another worker's recovery may have come first.

- **retries**: how many times a job whose worker died is run again (default 1). After
  that, or when ``retry`` returns None, ``fail`` is called.
- An exception inside the job calls ``fail`` too (then the worker records the error as
  usual): a result that cannot be stored ends failed, never running.
- **Recovery** (``recover_abandoned``) runs in every worker (``manage.py worker``, every
  JOB_LEASE_SECONDS / 2) and on every health probe (/sehat/). It also catches a job a
  worker claimed but died before its lease was written (RUNNING, no lease, started more
  than a lease ago).
- With the immediate backend (tests, or TASK_BACKEND set so) a job runs inside the
  request and needs no lease.
"""

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from profiles.models import JobLease

logger = logging.getLogger(__name__)

RUNNING = "RUNNING"
FAILED = "FAILED"
LOST_WORKER = "profiles.services.jobs.WorkerLost"


@dataclass(frozen=True)
class Recovery:
    task: object
    retry: Callable
    fail: Callable
    retries: int


# task path (module.function) -> Recovery, filled by leased_task at import.
REGISTRY = {}


def lease_seconds():
    return settings.JOB_LEASE_SECONDS


def leased_task(*, retry, fail, retries=1, **task_options):
    """Like django_tasks.task(), for a job that holds a lease while it runs (see above)."""

    def decorate(function):
        @functools.wraps(function)
        def run(context, *args, **kwargs):
            result = context.task_result
            try:
                if not isinstance(task_backends[result.backend], DatabaseBackend):
                    return function(*args, **kwargs)
                with held(str(result.id), recovery.task.module_path, (result.worker_ids or [""])[-1]):
                    return function(*args, **kwargs)
            except BaseException:
                fail(*args, **kwargs)
                raise

        # The Task is found by module and name (the wrapped function's), but its signature
        # must show the context argument: no __wrapped__ for inspect.signature to follow.
        del run.__wrapped__
        leased = task(takes_context=True, **task_options)(run)
        recovery = Recovery(task=leased, retry=retry, fail=fail, retries=retries)
        REGISTRY[leased.module_path] = recovery
        return leased

    return decorate


class held:
    """The lease of one running job: written at start, renewed by a thread, deleted at the end."""

    def __init__(self, task_id, task_path, worker_id):
        self.task_id, self.task_path, self.worker_id = task_id, task_path, worker_id[:64]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{task_id}", daemon=True)

    def __enter__(self):
        now = timezone.now()
        lease, created = JobLease.objects.get_or_create(
            task_id=self.task_id,
            defaults={"task_path": self.task_path, "worker_id": self.worker_id,
                      "expires_at": now + timedelta(seconds=lease_seconds())},
        )
        if not created:  # a retry: its row was written by the recovery, with its attempt
            JobLease.objects.filter(pk=lease.pk).update(
                worker_id=self.worker_id, expires_at=now + timedelta(seconds=lease_seconds())
            )
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=lease_seconds())
        JobLease.objects.filter(task_id=self.task_id).delete()
        return False

    def _renew(self):
        interval = max(0.5, lease_seconds() / 3)
        try:
            while not self.stop.wait(interval):
                try:
                    JobLease.objects.filter(task_id=self.task_id).update(
                        expires_at=timezone.now() + timedelta(seconds=lease_seconds())
                    )
                except Exception:  # noqa: BLE001 - a missed beat is retried; the job goes on
                    logger.warning("could not renew the lease of job %s", self.task_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()  # this thread's own connection


def recover_abandoned(now=None):
    """Retry once, or fail, every job whose worker stopped renewing its lease.

    Returns (retried, failed) counts. Safe to run from many processes at once: each job is
    taken by whoever first moves its task result from RUNNING to FAILED.
    """
    now = now or timezone.now()
    retried = failed = 0
    leases = {task_id: (expires, attempt) for task_id, expires, attempt in
              JobLease.objects.values_list("task_id", "expires_at", "attempt")}
    candidates = [task_id for task_id, (expires, _) in leases.items() if expires is not None and expires < now]
    # Claimed, but the worker died before it wrote the lease.
    started_before = now - timedelta(seconds=lease_seconds())
    for task_id, task_path in DBTaskResult.objects.running().filter(started_at__lt=started_before).values_list(
        "id", "task_path"
    ):
        if str(task_id) not in leases and recovery_for(task_path) is not None:
            candidates.append(str(task_id))
    for task_id in candidates:
        outcome = _recover_one(task_id, leases.get(task_id, (None, 1))[1], now)
        retried += outcome == "retried"
        failed += outcome == "failed"
    return retried, failed


def recovery_for(task_path):
    """The hooks of a leased task; its module is imported first if this process has not yet."""
    if task_path not in REGISTRY:
        try:
            import_string(task_path)
        except ImportError:
            return None
    return REGISTRY.get(task_path)


def _recover_one(task_id, attempt, now):
    with transaction.atomic():
        result = DBTaskResult.objects.filter(id=task_id).values("task_path", "args_kwargs", "worker_ids").first()
        taken = DBTaskResult.objects.filter(id=task_id, status=RUNNING).update(
            status=FAILED, finished_at=now, exception_class_path=LOST_WORKER,
            traceback=f"Lease expired: worker {(result or {}).get('worker_ids')} stopped renewing it (attempt {attempt}).",
        )
        JobLease.objects.filter(task_id=task_id).delete()
        if not taken or result is None:
            return None
        recovery = recovery_for(result["task_path"])
    if recovery is None:
        return "failed"
    args, kwargs = result["args_kwargs"]["args"], result["args_kwargs"]["kwargs"]
    if attempt <= recovery.retries:
        new_id = recovery.retry(*args, **kwargs)
        if new_id is not None:
            JobLease.objects.update_or_create(
                task_id=str(new_id), defaults={"task_path": result["task_path"], "attempt": attempt + 1}
            )
            logger.warning("job %s lost its worker; retried as %s", task_id, new_id)
            return "retried"
    recovery.fail(*args, **kwargs)
    logger.warning("job %s lost its worker; marked failed", task_id)
    return "failed"
