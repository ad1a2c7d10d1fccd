"""The background ZIP export (profiles.services.export_jobs.build) for 5,000 photos: prints time and peak memory.

    .venv/bin/python bench/export_zip.py               # 5,000 records with photos, SQLite
    .venv/bin/python bench/export_zip.py --photos 500

A throw-away SQLite database and photo folder in a temporary directory; the records are
written by bench/export_certificates.py's fill() (one small JPEG reused). The job runs in
this process as the worker would run it; the peak RSS is this process's ru_maxrss.
"""

import argparse
import resource
import sys
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_certificates as base  # noqa: E402  (sets sys.path and the settings module)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=5000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    with tempfile.TemporaryDirectory() as workdir:
        settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(workdir) / "bench.sqlite3")}
        settings.STORAGES["photos"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(Path(workdir) / "photos")},
        }
        settings.STORAGES["default"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(Path(workdir) / "media")},
        }
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        django.setup()
        from django.db import connection
        from django.utils import timezone

        from profiles.services import export_jobs, exports
        from profiles.models import Batch, User

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            staff = User.objects.create_user("staf-bench", is_staff=True)
            batch = Batch.objects.create(name="Bench ZIP", deadline=timezone.now() + timedelta(days=30))
            started = time.perf_counter()
            base.fill(args.photos, batch, staff, photos=True)
            print(f"{args.photos:,} records with photos written in {time.perf_counter() - started:.1f} s")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            job = export_jobs.start(user=staff, batch=batch, scope=exports.SCOPE_VALIDATED)
            started = time.perf_counter()
            job = export_jobs.build(job.pk)
            elapsed = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            with job.file.open("rb") as handle:
                names = zipfile.ZipFile(handle).namelist()
            photos = sum(1 for name in names if name.endswith(".jpg"))
            print(
                f"zip job: {job.state}, {job.count:,} records, {photos:,} photos named <NIP>.jpg, "
                f"{len(job.missing_photos)} missing; {elapsed:.1f} s ({job.count / elapsed:,.0f}/s); "
                f"peak RSS {peak:.0f} MB (before the job {before:.0f} MB); file {job.file.size / 1e6:.1f} MB"
            )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
