"""`manage.py worker`: django-tasks-db's `db_worker` (same options), plus the recovery of
jobs whose worker died (services/jobs.py), every JOB_LEASE_SECONDS / 2 in a side thread."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from profiles.services import jobs

logger = logging.getLogger(__name__)


def recover_forever(stop):
    while not stop.wait(settings.JOB_LEASE_SECONDS / 2):
        try:
            retried, failed = jobs.recover_abandoned()
            if retried or failed:
                logger.warning("jobs whose worker died: %d retried, %d failed", retried, failed)
        except DatabaseError:
            logger.warning("job recovery could not reach the database; trying again later", exc_info=True)
        finally:
            connection.close()  # this thread's own


class Command(db_worker.Command):
    help = "Run queued jobs (db_worker), and retry or fail those whose worker died."

    def handle(self, *args, **options):
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(target=recover_forever, args=(stop,), name="job-recovery", daemon=True).start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
