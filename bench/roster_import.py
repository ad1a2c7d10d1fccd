"""Roster import speed: N rows with their accounts, in one transaction. Prints figures.

    .venv/bin/python bench/roster_import.py                     # SQLite, 10,000 and 100,000 rows
    .venv/bin/python bench/roster_import.py --sizes 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartbangkom .venv/bin/python bench/roster_import.py

Runs against a throw-away database made by Django's test machinery: an SQLite file in a
temporary folder, or `test_<name>` next to the PostgreSQL database named by DATABASE_URL
(created, migrated and dropped; your own database is not touched). Each size imports a
freshly built CSV (valid NIPs, every field filled) into its own batch, then imports the
same file again (every row unchanged). Targets: 10,000 rows under 10 s, 100,000 under 100 s.
"""

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")

TARGETS = {10_000: 10.0, 100_000: 100.0}
HEADER = ["NIP", "Nama", "Tempat, Tanggal Lahir", "Jenis Kelamin", "Agama", "Jabatan", "Pangkat",
          "Golongan", "Email", "Asal Instansi", "Alamat Instansi", "No. Telp"]
GIVEN = ("Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Intan", "Agus", "Rina", "Hendra", "Putri")
FAMILY = ("Santoso", "Rahmawati", "Hartono", "Lestari", "Wijaya", "Kusuma", "Saputra", "Nugroho")


def roster_csv(count, offset=0):
    """`count` valid rows: the birth date moves one day per 999 serials, so every NIP differs."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(offset, offset + count):
        born = date(1985, 1, 1) + timedelta(days=i // 999)
        gender = 1 + i % 2
        nip = f"{born:%Y%m%d}201903{gender}{i % 999 + 1:03d}"
        writer.writerow([
            nip,
            f"{GIVEN[i % 10]} {FAMILY[i % 8]}, S.E.",
            f"Jayapura;{born.day}-{born.month}-{born.year}",
            "Laki-laki" if gender == 1 else "Perempuan",
            "Islam",
            "Analis Keuangan",
            "Penata Muda",
            "III/a",
            f"peserta{i}@kemenkeu.go.id",
            "Kementerian Keuangan",
            "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
            f"0812{i % 10_000_000:08d}"[:12],
        ])
    return out.getvalue().encode()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated row counts")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    import django
    from django.conf import settings

    with tempfile.TemporaryDirectory() as workdir:
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3":
            database["TEST"] = {"NAME": str(Path(workdir) / "bench.sqlite3")}
        settings.STORAGES["photos"]["OPTIONS"] = {"location": workdir}
        django.setup()
        from django.db import connection
        from django.utils import timezone

        from profiles.models import Batch
        from profiles.services.roster import import_roster

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        failed = False
        try:
            offset = 0
            for size in sizes:
                batch = Batch.objects.create(name=f"Bench {size}", deadline=timezone.now() + timedelta(days=30))
                data = roster_csv(size, offset)
                offset += size
                started = time.perf_counter()
                report = import_roster(data, "bench.csv", batch=batch)
                first = time.perf_counter() - started
                started = time.perf_counter()
                again = import_roster(data, "bench.csv", batch=batch)
                second = time.perf_counter() - started
                counts = report.counts
                target = TARGETS.get(size)
                verdict = "" if target is None else (" OK" if first < target else f" OVER TARGET {target:.0f} s")
                failed |= target is not None and first >= target
                print(
                    f"{size:>7} rows: import {first:6.1f} s ({size / first:,.0f} rows/s){verdict}; "
                    f"re-import {second:6.1f} s; created {counts['created']}, errors {counts['error']}, "
                    f"unchanged on re-import {again.counts['unchanged']}; peak RSS {peak_rss_mb():.0f} MB"
                )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
