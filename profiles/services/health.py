"""Whether this server can serve: what /sehat/ (views/health.py) reports to a load balancer.

The database and the file storage are checked for real (a query, a lookup in the bucket):
a server that cannot reach either is unhealthy and is taken out of rotation. The age of the
oldest job waiting in the queue is reported for monitoring, but never makes a server
unhealthy: a slow queue is the workers' business, and taking every app server out would
not help it.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django_tasks_db.models import DBTaskResult

from profiles.services.files import STORAGE_ERRORS


# A name that is never written: looking it up proves the storage answers.
PROBE_NAME = "sehat/probe"


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def storage_ok():
    try:
        storages["default"].exists(PROBE_NAME)
        return True
    except STORAGE_ERRORS:
        return False


def queue_report(now):
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"backend": "immediate"}
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "ready": DBTaskResult.objects.ready().count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_ready_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }


def report(now):
    """(healthy, report): the report holds no personal data, only states and counts."""
    found = {"database": "ok" if database_ok() else "error", "storage": "ok" if storage_ok() else "error"}
    if found["database"] == "ok":
        found["queue"] = queue_report(now)
    return found["database"] == "ok" and found["storage"] == "ok", found
