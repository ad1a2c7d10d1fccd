"""Certificate export speed and memory: N records to CSV and XLSX (and a ZIP with photos). Prints figures.

    .venv/bin/python bench/export_certificates.py                 # SQLite, 100,000 records
    .venv/bin/python bench/export_certificates.py --records 20000 --zip-photos 0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartbangkom .venv/bin/python bench/export_certificates.py

Fills a throw-away database (an SQLite file in a temporary folder, or `test_<name>` next
to the PostgreSQL database named by DATABASE_URL; dropped afterwards) with N verified
participants, then runs `manage.py export_certificates` in a child process per format
and reads the child's own peak RSS from os.wait4, so the figure is the export's and not
this script's. Targets: CSV under 10 s with peak RSS under 300 MB; XLSX under 60 s.
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")

BATCH = "Bench Ekspor"
PHOTO_BATCH = "Bench Ekspor Foto"
TARGETS = {"csv": (10.0, 300), "xlsx": (60.0, None), "zip": (None, None)}


def fill(count, batch, staff, offset=0, photos=False):
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image

    from profiles.models import Participant, Photo, Status, User

    now = timezone.now()
    jpeg = io.BytesIO()
    Image.new("RGB", (400, 600), (215, 69, 50)).save(jpeg, "JPEG")
    for start in range(offset, offset + count, 5000):
        stop = min(start + 5000, offset + count)
        users = [User(username=f"b{i:017d}", password=make_password(None)) for i in range(start, stop)]
        User.objects.bulk_create(users, batch_size=1000)
        participants = []
        for i, user in zip(range(start, stop), users):
            born = date(1985, 1, 1) + timedelta(days=i // 999)
            participants.append(Participant(
                nip=f"{born:%Y%m%d}201903{1 + i % 2}{i % 999 + 1:03d}", user=user, batch=batch,
                nama="Peserta Uji Nomor, S.E.", tempat_lahir="Jayapura", tanggal_lahir=born,
                jenis_kelamin="Laki-laki" if i % 2 == 0 else "Perempuan", agama="Islam",
                jabatan="Analis Keuangan", pangkat="Penata Muda", golongan="III/a",
                email=f"peserta{i}@kemenkeu.go.id", asal_instansi="Kementerian Keuangan",
                alamat_instansi="Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
                no_telp=f"+62812{i % 100_000_000:08d}", status=Status.TERVERIFIKASI,
                verified_by=staff, verified_at=now,
            ))
        Participant.objects.bulk_create(participants, batch_size=1000)
        if photos:
            for participant in participants:
                photo = Photo(participant=participant, width=400, height=600, size=len(jpeg.getvalue()), sha256="0" * 64)
                photo.file.save(f"{photo.uuid.hex}.jpg", ContentFile(jpeg.getvalue()), save=False)
                photo.save()
                participant.photo = photo
            Participant.objects.bulk_update(participants, ["photo"], batch_size=500)


# The export runs in a child process that reports its own high-water mark. ru_maxrss of a
# child (os.wait4, RUSAGE_CHILDREN) would include the pages it inherited from this process
# at fork time; VmHWM belongs to the memory the child has after exec.
CHILD = """
import os, resource, sys
sys.path.insert(0, {base!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")
import django
django.setup()
from django.core.management import call_command
call_command("export_certificates", *sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(f"PEAK_RSS_MB {{peak:.1f}}")
"""


def run_export(fmt, batch_name, output, env):
    command = [sys.executable, "-c", CHILD.format(base=str(BASE_DIR)),
               "--batch", batch_name, "--format", fmt, "--output", str(output)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"{fmt} export failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    lines = result.stdout.strip().splitlines()
    peak = float(lines[-1].split()[1])
    return elapsed, peak, " ".join(lines[:-1])


def child_database_url(connection, original_url):
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(original_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--zip-photos", type=int, default=1000, help="records with photos for the ZIP figure (0: skip)")
    args = parser.parse_args()

    import django
    from django.conf import settings

    with tempfile.TemporaryDirectory() as workdir:
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3":
            database["TEST"] = {"NAME": str(Path(workdir) / "bench.sqlite3")}
        photos_dir = Path(workdir) / "photos"
        settings.STORAGES["photos"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(photos_dir)},
        }
        django.setup()
        from django.db import connection
        from django.utils import timezone

        from profiles.models import Batch, User

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        failed = False
        try:
            staff = User.objects.create_user("staf-bench", is_staff=True)
            batch = Batch.objects.create(name=BATCH, deadline=timezone.now() + timedelta(days=30))
            started = time.perf_counter()
            fill(args.records, batch, staff)
            print(f"database: {connection.vendor}; {args.records:,} verified records written in "
                  f"{time.perf_counter() - started:.1f} s")
            env = {
                **os.environ,
                "DATABASE_URL": child_database_url(connection, os.environ.get("DATABASE_URL", "")),
                "PHOTO_STORAGE": "local",
                "MEDIA_ROOT": workdir,
                "LOG_LEVEL": "WARNING",
            }
            runs = [("csv", BATCH, args.records), ("xlsx", BATCH, args.records)]
            if args.zip_photos:
                photo_batch = Batch.objects.create(name=PHOTO_BATCH, deadline=timezone.now() + timedelta(days=30))
                fill(args.zip_photos, photo_batch, staff, offset=args.records, photos=True)
                runs.append(("zip", PHOTO_BATCH, args.zip_photos))
            for fmt, batch_name, count in runs:
                output = Path(workdir) / f"export.{fmt}"
                elapsed, peak_mb, said = run_export(fmt, batch_name, output, env)
                max_seconds, max_mb = TARGETS[fmt]
                notes = []
                if max_seconds is not None:
                    notes.append("time OK" if elapsed < max_seconds else f"OVER {max_seconds:.0f} s")
                    failed |= elapsed >= max_seconds
                if max_mb is not None:
                    notes.append("RSS OK" if peak_mb < max_mb else f"RSS OVER {max_mb} MB")
                    failed |= peak_mb >= max_mb
                print(
                    f"{fmt:>4}: {count:>7,} records in {elapsed:5.1f} s ({count / elapsed:,.0f}/s), "
                    f"peak RSS {peak_mb:5.0f} MB, file {output.stat().st_size / 1e6:6.1f} MB"
                    f"{' — ' + ', '.join(notes) if notes else ''}  [{said}]"
                )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
