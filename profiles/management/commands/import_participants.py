import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from django.db import transaction

from profiles.management.batch_option import batch_named
from profiles.services import batches, roster
from profiles.rules.fields import LABELS
from profiles.models import Batch


class Command(BaseCommand):
    help = (
        "Mengimpor roster peserta (CSV atau XLSX) ke sebuah angkatan dan membuat akunnya "
        "(masuk pertama dengan NIP). Satu transaksi; --dry-run hanya memeriksa."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="file roster .csv atau .xlsx")
        parser.add_argument("--batch", required=True, help="nama angkatan")
        parser.add_argument(
            "--create-batch", action="store_true",
            help="buat angkatan bila belum ada (perlu --deadline)",
        )
        parser.add_argument("--deadline", help="tenggat angkatan baru, misalnya \"2026-12-16 23:59\" (WIB)")
        parser.add_argument("--dry-run", action="store_true", help="periksa dan laporkan tanpa menyimpan")
        parser.add_argument("--json", action="store_true", help="satu objek JSON per baris (JSON Lines)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"File {path} tidak dapat dibaca: {error.strerror}.") from None
        reason = "Impor roster (perintah)" + (" — uji" if options["dry_run"] else "")
        with transaction.atomic():
            batch, created = self._batch(options)
            try:
                report = roster.import_roster(data, path.name, batch=batch, dry_run=options["dry_run"], reason=reason)
            except roster.RosterError as error:
                raise CommandError(str(error)) from None
            if created and options["dry_run"]:
                # A dry run leaves nothing behind, the new batch included.
                transaction.set_rollback(True)
        if created:
            verb = "akan dibuat" if options["dry_run"] else "dibuat"
            # With --json, stdout carries only JSON Lines.
            (self.stderr if options["json"] else self.stdout).write(
                f"Angkatan “{batch.name}” {verb}, tenggat {batches.format_deadline_wib(batch.deadline)}."
            )

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

    def _batch(self, options):
        name = options["batch"]
        if options["deadline"] and not options["create_batch"]:
            raise CommandError("--deadline hanya dipakai bersama --create-batch.")
        if not options["create_batch"] or Batch.objects.filter(name=name).exists():
            return batch_named(name), False
        if not options["deadline"]:
            raise CommandError(
                f"Angkatan “{name}” belum ada. Beri tenggatnya: --create-batch --deadline \"2026-12-16 23:59\"."
            )
        try:
            return batches.create_batch(name, options["deadline"]), True
        except batches.BatchError as error:
            raise CommandError(str(error)) from None

    def _file_notes(self, report):
        if report.roster.ignored:
            yield "Kolom tidak dikenal, diabaikan: " + ", ".join(report.roster.ignored)
        missing = [LABELS[name] for name in report.roster.missing]
        if missing:
            yield "Kolom tidak ada di file (dibiarkan kosong untuk diisi peserta): " + ", ".join(missing)
        warned = sum(1 for row in report.rows if row.warnings and not row.errors)
        if warned:
            yield f"{warned} baris punya isian kosong/salah yang dibiarkan untuk peserta (lihat --json)."
