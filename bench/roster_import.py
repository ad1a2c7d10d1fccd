"""Roster import speed and memory, SQLite and PostgreSQL side by side. Prints figures.

    .venv/bin/python bench/roster_import.py                      # 10,000 and 100,000 rows, both databases
    .venv/bin/python bench/roster_import.py --sizes 1000 --db sqlite --formats xlsx
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_roster .venv/bin/python bench/roster_import.py

Each (format, database, size) runs in a child process of its own, so its peak RSS (VmHWM)
is the import's: it reads a freshly built CSV or XLSX (valid NIPs, every field filled;
the XLSX written by openpyxl's write-only mode, inline strings and no declared dimension,
the costlier kind to read) from disk
as the command does, imports it into a new batch (accounts and history included), then
imports the same file again (every row unchanged). It also times the write step alone,
the only part that holds SQLite's write lock. The databases are throw-away ones made by
Django's test machinery: an SQLite file in a temporary folder, and `test_<name>` next to
the PostgreSQL database named by BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/bench_roster; created, migrated and dropped).
Targets (issue 19): 10,000 rows under 3 s, 100,000 under 30 s, peak RSS under 300 MB,
re-import faster than the import.
"""

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

TARGETS = {10_000: 3.0, 100_000: 30.0}
MAX_RSS_MB = 300
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_roster")
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


def roster_xlsx(count):
    """The same rows as roster_csv, as an XLSX."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    for row in csv.reader(io.StringIO(roster_csv(count).decode())):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def peak_rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))


class WriterProbe:
    """Another writer during the import (as a sign-in is: it writes the session and the last
    login): a short write transaction every 50 ms on its own connection; the longest wait
    is what a participant signing in at that moment would feel. SQLite only: PostgreSQL
    locks rows, and the import touches no row a sign-in writes."""

    def __init__(self, database_file):
        import sqlite3
        import threading

        self.connection = sqlite3.connect(database_file, timeout=20, isolation_level=None, check_same_thread=False)
        self.longest, self.stop = 0.0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("UPDATE profiles_batch SET name = name WHERE id = (SELECT MIN(id) FROM profiles_batch)")
            self.connection.execute("COMMIT")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.connection.close()


def child(path, workdir):
    """One database, one size: import, re-import; prints one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"] = {"NAME": str(Path(workdir) / "bench.sqlite3")}
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from profiles.models import Batch
    from profiles.services.roster import import_roster

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        batch = Batch.objects.create(name="Bench", deadline=timezone.now() + timedelta(days=30))
        probe = WriterProbe(connection.settings_dict["NAME"]) if connection.vendor == "sqlite" else None
        started = time.perf_counter()
        if probe:
            with probe:
                report = import_roster(Path(path).read_bytes(), Path(path).name, batch=batch)
        else:
            report = import_roster(Path(path).read_bytes(), Path(path).name, batch=batch)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_roster(Path(path).read_bytes(), Path(path).name, batch=batch)
        second = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps({
        "vendor": connection.vendor, "import": first, "reimport": second, "write": report.write_seconds,
        "created": report.counts["created"], "errors": report.counts["error"],
        "unchanged": again.counts["unchanged"], "rss": peak_rss_mb(),
        "writer_wait": probe.longest if probe else None,
    }))


def run_child(db, path, workdir):
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    if db == "postgres":
        env["DATABASE_URL"] = POSTGRES_URL
    else:
        env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--workdir", workdir],
        env=env, capture_output=True, text=True,
    )
    if result.returncode:
        return {"failed": (result.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated row counts")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")
    parser.add_argument("--child")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.workdir)

    databases = args.db.split(",")
    failed = False
    print("write txn: the import's one write transaction; other writer: the longest wait of another")
    print("connection writing every 50 ms during the import (SQLite's lock; a sign-in writes too).")
    print(f"{'rows':>8} {'file':<5} {'database':<9} {'import':>8} {'rows/s':>8} {'write txn':>10} {'other writer':>12} "
          f"{'re-import':>9} {'peak RSS':>8}  verdict")
    with tempfile.TemporaryDirectory() as workdir:
        for size, fmt in ((int(s), f) for s in args.sizes.split(",") for f in args.formats.split(",")):
            path = Path(workdir) / f"roster-{size}.{fmt}"
            path.write_bytes(roster_csv(size) if fmt == "csv" else roster_xlsx(size))
            for db in databases:
                figures = run_child(db, path, workdir)
                if "failed" in figures:
                    print(f"{size:>8,} {fmt:<5} {db:<9} failed: {figures['failed']}")
                    failed = True
                    continue
                target = TARGETS.get(size)
                problems = []
                if target is not None and figures["import"] >= target:
                    problems.append(f"over {target:.0f} s")
                if figures["rss"] >= MAX_RSS_MB:
                    problems.append(f"RSS over {MAX_RSS_MB} MB")
                if figures["writer_wait"] is not None and figures["writer_wait"] >= 5:
                    problems.append("another writer waited 5 s or more")
                if figures["reimport"] >= figures["import"]:
                    problems.append("re-import not faster")
                if figures["created"] != size or figures["unchanged"] != size:
                    problems.append(f"created {figures['created']}, unchanged {figures['unchanged']}")
                failed |= bool(problems)
                wait = "-" if figures["writer_wait"] is None else f"{figures['writer_wait']:.2f}s"
                print(
                    f"{size:>8,} {fmt:<5} {db:<9} {figures['import']:>7.2f}s {size / figures['import']:>8,.0f} "
                    f"{figures['write']:>9.2f}s {wait:>12} {figures['reimport']:>8.2f}s {figures['rss']:>6.0f} MB  "
                    f"{'; '.join(problems) or 'OK'}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
