"""Check photo files exactly as the upload does: `manage.py check_photo FILE... [--json]`.

Exits with status 1 when any file fails a blocking check (or cannot be read), 0 otherwise.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.photos import check_photo
from profiles.photos.checks import unreadable_file

READ_ERRORS = {
    FileNotFoundError: "file tidak ditemukan",
    IsADirectoryError: "ini sebuah folder, bukan file",
    PermissionError: "tidak ada izin membaca file ini",
}


def read_input(name):
    """(bytes, None), or (None, why the file cannot be read, in Indonesian); fix_photo
    reads its inputs the same way."""
    try:
        return Path(name).read_bytes(), None
    except OSError as error:
        return None, READ_ERRORS.get(type(error), error.strerror or str(error))


def read_report(name):
    data, problem = read_input(name)
    if problem:
        return unreadable_file(problem)
    return check_photo(data)


class Command(BaseCommand):
    help = "Periksa file foto seperti saat diunggah (format, ukuran, rasio, latar, wajah)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="file foto yang diperiksa")
        parser.add_argument("--json", action="store_true", help="cetak satu larik JSON, satu objek per file")

    def handle(self, *args, files, **options):
        results = [(name, read_report(name)) for name in files]
        if options["json"]:
            self.stdout.write(json.dumps([{"file": name, **report.to_dict()} for name, report in results], indent=2))
        else:
            for name, report in results:
                self.write_report(name, report)
        failed = sum(not report.ok for _, report in results)
        if failed:
            raise CommandError(f"{failed} dari {len(results)} file tidak lolos pemeriksaan.", returncode=1)

    def write_report(self, name, report):
        if report.ok:
            notes = f" ({len(report.warnings)} catatan)" if report.warnings else ""
            self.stdout.write(self.style.SUCCESS(f"LOLOS    {name}{notes}"))
        else:
            self.stdout.write(self.style.ERROR(f"DITOLAK  {name}"))
        unreadable = "format" in report.errors
        for check in report.checks:
            if check.ok is False:
                mark = "✗" if check.severity == "error" else "!"
                self.stdout.write(f"  {mark} {check.code}: {check.message}")
        if unreadable:
            self.stdout.write(f"  (pemeriksaan lain tidak dijalankan: {len(report.checks) - 1})")
        elif report.not_checked:
            self.stdout.write(f"  – tidak diperiksa: {', '.join(report.not_checked)}")
