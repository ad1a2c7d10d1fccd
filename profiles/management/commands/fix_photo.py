"""Fix photo files as the upload page's "Perbaiki foto otomatis" does:
`manage.py fix_photo FILE... --output-dir DIR [--json]`.

Writes DIR/<stem>.jpg for every file that could be fixed. Exits with status 1 when any
file was refused (or could not be read), 0 otherwise; with --json the whole array is
printed first.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.management.commands.check_photo import read_input
from profiles.photos import fix_photo
from profiles.photos.fix import FixResult, Refusal

def fix_file(name):
    data, problem = read_input(name)
    if problem:
        return FixResult(False, refused=Refusal("unreadable", f"File tidak dapat dibuka: {problem}."))
    return fix_photo(data)


class Command(BaseCommand):
    help = "Perbaiki file foto (potong 4:6, latar merah, JPEG di bawah 1 MB) seperti di halaman unggah."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="file foto yang diperbaiki")
        parser.add_argument("--output-dir", required=True, type=Path, help="folder untuk hasil <nama>.jpg")
        parser.add_argument("--json", action="store_true", help="cetak satu larik JSON, satu objek per file")

    def handle(self, *args, files, output_dir, **options):
        output_dir.mkdir(parents=True, exist_ok=True)
        entries = []
        for name in files:
            result = fix_file(name)
            output = None
            if result.ok:
                output = output_dir / f"{Path(name).stem}.jpg"
                output.write_bytes(result.data)
            entries.append((name, result, output))
        if options["json"]:
            self.stdout.write(json.dumps([self.entry(*entry) for entry in entries], indent=2, ensure_ascii=False))
        else:
            for entry in entries:
                self.write_entry(*entry)
        refused = sum(not result.ok for _, result, _ in entries)
        if refused:
            raise CommandError(f"{refused} dari {len(entries)} file tidak dapat diperbaiki.", returncode=1)

    def entry(self, name, result, output):
        return {
            "file": name,
            "ok": result.ok,
            "output": str(output) if output else None,
            "changes": result.changes,
            "refused": result.refused.to_dict() if result.refused else None,
            "report": result.report.to_dict() if result.report else None,
        }

    def write_entry(self, name, result, output):
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"DIPERBAIKI  {name} → {output}"))
            self.stdout.write(f"  {', '.join(result.changes)}")
            for warning in result.warnings:
                self.stdout.write(f"  ! {warning}")
        else:
            self.stdout.write(self.style.ERROR(f"DITOLAK     {name}"))
            self.stdout.write(f"  ✗ {result.refused.code}: {result.refused.message}")
