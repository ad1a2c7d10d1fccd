import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles import roster
from profiles.fields import LABELS
from profiles.models import Batch


def find_batch(name):
    try:
        return Batch.objects.get(name=name)
    except Batch.DoesNotExist:
        known = ", ".join(f"“{n}”" for n in Batch.objects.values_list("name", flat=True)[:20]) or "(belum ada)"
        raise CommandError(f"Angkatan “{name}” tidak ditemukan. Angkatan yang ada: {known}.") from None


class Command(BaseCommand):
    help = (
        "Mengimpor roster peserta (CSV atau XLSX) ke sebuah angkatan dan membuat akunnya "
        "(masuk pertama dengan NIP). Satu transaksi; --dry-run hanya memeriksa."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="file roster .csv atau .xlsx")
        parser.add_argument("--batch", required=True, help="nama angkatan (harus sudah ada)")
        parser.add_argument("--dry-run", action="store_true", help="periksa dan laporkan tanpa menyimpan")
        parser.add_argument("--json", action="store_true", help="satu objek JSON per baris (JSON Lines)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"File {path} tidak dapat dibaca: {error.strerror}.") from None
        batch = find_batch(options["batch"])
        reason = "Impor roster (perintah)" + (" — uji" if options["dry_run"] else "")
        try:
            report = roster.import_roster(data, path.name, batch=batch, dry_run=options["dry_run"], reason=reason)
        except roster.RosterError as error:
            raise CommandError(str(error)) from None

        if options["json"]:
            for row in report.rows:
                self.stdout.write(json.dumps(row.as_json(), ensure_ascii=False))
            return
        for note in self._file_notes(report):
            self.stdout.write(note)
        for row in report.rows:
            if row.errors or row.status == roster.CONFLICT:
                shown = row.as_json()
                problems = shown["errors"] if row.errors else shown["warnings"]
                for field, messages in problems.items():
                    for message in messages:
                        self.stdout.write(f"baris {row.row} ({row.nip or '-'}) {row.status} {field}: {message}")
        counts = report.counts
        summary = ", ".join(f"{counts[s]} {roster.STATUS_LABELS[s].lower()}" for s in roster.STATUSES)
        prefix = "Uji (tidak disimpan)" if report.dry_run else "Selesai"
        self.stdout.write(f"{prefix}: {len(report.rows)} baris — {summary}.")

    def _file_notes(self, report):
        if report.roster.ignored:
            yield "Kolom tidak dikenal, diabaikan: " + ", ".join(report.roster.ignored)
        missing = [LABELS[name] for name in report.roster.missing]
        if missing:
            yield "Kolom tidak ada di file (dibiarkan kosong untuk diisi peserta): " + ", ".join(missing)
        warned = sum(1 for row in report.rows if row.warnings and not row.errors)
        if warned:
            yield f"{warned} baris punya isian kosong/salah yang dibiarkan untuk peserta (lihat --json)."
