from django.core.management.base import BaseCommand, CommandError

from profiles.services import notifications
from profiles.management.batch_option import batch_named


class Command(BaseCommand):
    help = (
        "Mengirim email pengingat ke setiap peserta angkatan yang belum selesai dan masih dapat mengisi. "
        "Dilewati: pengisian sudah ditutup, sudah diverifikasi atau konfirmasi, atau sudah menerima email "
        "dalam 24 jam terakhir. --dry-run hanya menghitung."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", required=True, help="nama angkatan")
        parser.add_argument("--dry-run", action="store_true", help="hitung saja, tanpa mengirim")
        parser.add_argument("--limit", type=int, help="paling banyak sekian email (bawaan REMINDER_MAX_PER_RUN)")

    def handle(self, *args, **options):
        batch = batch_named(options["batch"])
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit harus bilangan 1 atau lebih.")
        # The command is itself the background job: it delivers in this process, no worker needed.
        run = notifications.send_reminders(
            batch, by=None, dry_run=options["dry_run"], send_now=True, limit=options["limit"]
        )
        if run.dry_run:
            self.stdout.write(f"Uji (tidak dikirim) — {batch.name}:")
            self.stdout.write(f"  akan dikirim: {run.to_send}")
        else:
            self.stdout.write(f"Pengingat {batch.name}:")
            self.stdout.write(f"  terkirim: {run.sent}")
            if run.queued:
                self.stdout.write(f"  dalam antrean: {run.queued}")
            self.stdout.write(f"  gagal: {run.failed}")
        skipped = run.skipped()
        self.stdout.write(f"  dilewati: {sum(count for count, _ in skipped)}")
        for count, why in skipped:
            self.stdout.write(f"    {why}: {count}")
        if run.failed:
            raise CommandError(f"{run.failed} pengingat gagal dikirim; lihat log email di admin. Jalankan lagi untuk mencoba ulang.")
