"""Certificate export speed and memory, SQLite and PostgreSQL side by side: N records to
CSV and XLSX (and a ZIP with photos). Prints figures.

    .venv/bin/python bench/export_certificates.py                 # both databases, 100,000 records
    .venv/bin/python bench/export_certificates.py --records 20000 --zip-photos 0 --db sqlite
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_export .venv/bin/python bench/export_certificates.py

For each database a child process fills a throw-away database (an SQLite file in a
temporary folder, or `test_<name>` next to the PostgreSQL database named by
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/bench_export; dropped
afterwards) with N verified participants, then runs `manage.py export_certificates` in a
grandchild per format, which reports its own peak RSS (VmHWM), so the figure is the
export's. Targets (issue 19): CSV under 3 s, XLSX under 20 s, peak RSS under 200 MB.
"""

import argparse
import io
import json
import os
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
TARGETS = {"csv": (3.0, 200), "xlsx": (20.0, 200), "zip": (None, None)}
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_export")


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
import time
started = time.perf_counter()
call_command("export_certificates", *sys.argv[1:])
print(f"EXPORT_SECONDS {{time.perf_counter() - started:.3f}}")
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
    export_seconds = float(lines[-2].split()[1])
    return export_seconds, elapsed, peak


def child_database_url(connection, original_url):
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(original_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_database(args):
    """In the child for one database: fill, export each format, print one JSON line per format."""
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
        try:
            staff = User.objects.create_user("staf-bench", is_staff=True)
            batch = Batch.objects.create(name=BATCH, deadline=timezone.now() + timedelta(days=30))
            fill(args.records, batch, staff)
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
                seconds, process_seconds, peak_mb = run_export(fmt, batch_name, output, env)
                print(json.dumps({"format": fmt, "count": count, "seconds": seconds, "process": process_seconds,
                                  "rss": peak_mb,
                                  "size": output.stat().st_size}), flush=True)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _json_lines(text):
    return [line for line in text.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--zip-photos", type=int, default=1000, help="records with photos for the ZIP figure (0: skip)")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_database(args)

    results = {}
    for db in args.db.split(","):
        env = {**os.environ}
        if db == "postgres":
            env["DATABASE_URL"] = POSTGRES_URL
        else:
            env.pop("DATABASE_URL", None)
        command = [sys.executable, __file__, "--child", "--records", str(args.records),
                   "--zip-photos", str(args.zip_photos)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode:
            print(f"{db}: failed\n{done.stderr[-2000:]}")
            return 1
        results[db] = {line["format"]: line for line in map(json.loads, _json_lines(done.stdout))}
    failed = False
    print("Seconds: the export command's own run (call_command); in brackets the whole process,")
    print("Python and Django start-up included. RSS: the process's peak (VmHWM).")
    print(f"{'format':<6} {'records':>8} "
          + " ".join(f"{db + ' s':>11} {'(process)':>10} {'rec/s':>8} {'RSS MB':>7}" for db in results) + "  verdict")
    for fmt in ("csv", "xlsx", "zip"):
        lines = [results[db].get(fmt) for db in results]
        if not all(lines):
            continue
        max_seconds, max_mb = TARGETS[fmt]
        problems = []
        for db, line in zip(results, lines):
            if max_seconds is not None and line["seconds"] >= max_seconds:
                problems.append(f"{db} over {max_seconds:.0f} s")
            if max_mb is not None and line["rss"] >= max_mb:
                problems.append(f"{db} RSS over {max_mb} MB")
        failed |= bool(problems)
        figures = " ".join(f"{line['seconds']:>10.2f}s {'(' + format(line['process'], '.2f') + ' s)':>10} "
                           f"{line['count'] / line['seconds']:>8,.0f} {line['rss']:>7.0f}" for line in lines)
        print(f"{fmt:<6} {lines[0]['count']:>8,} {figures}  {'; '.join(problems) or 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
