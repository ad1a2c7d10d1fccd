"""A previewed roster file kept between "preview" and "confirm".

The two requests may land on different app servers, so the file goes through Django's
default storage (S3 when the deployment switches it on), never a server's own disk or the
session alone; the session keeps only the token and the storage name. The file is
removed when it is confirmed, when it is replaced by a new preview, and a day after it
was staged if nobody confirmed it (previews are personal data).
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STAGING_DIR = "roster-imports"
MAX_AGE = timedelta(days=1)


@dataclass
class Staged:
    token: str
    path: str
    filename: str
    batch_id: int

    def as_session(self):
        return {"token": self.token, "path": self.path, "filename": self.filename, "batch": self.batch_id}

    @classmethod
    def from_session(cls, value):
        try:
            return cls(value["token"], value["path"], value["filename"], value["batch"])
        except (KeyError, TypeError):
            return None


def stage(data, filename, batch, *, now=None):
    remove_stale(now or timezone.now())
    token = uuid.uuid4().hex
    suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
    path = default_storage.save(f"{STAGING_DIR}/{token}{suffix}", ContentFile(data))
    return Staged(token, path, filename, batch.pk)


def read(staged):
    """The staged bytes, or None when the file is gone (expired, or confirmed elsewhere)."""
    try:
        with default_storage.open(staged.path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def drop(staged):
    if staged is not None:
        default_storage.delete(staged.path)


def remove_stale(now):
    try:
        _, names = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{STAGING_DIR}/{name}"
        try:
            if now - default_storage.get_modified_time(path) > MAX_AGE:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
