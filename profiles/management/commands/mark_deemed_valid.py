from django.core.management.base import BaseCommand
from django.utils import timezone

from profiles.services import review
from profiles.management.batch_option import batch_named


class Command(BaseCommand):
    help = (
        "Mencatat status “dianggap valid” (dengan riwayat) untuk peserta yang tenggatnya lewat dan "
        "tidak diminta revisi. Ekspor dan dasbor sudah menghitungnya tanpa perintah ini; perintah ini "
        "menuliskannya ke data dan riwayat. Aman dijalankan berulang (misalnya dari cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", help="hanya angkatan ini")
        parser.add_argument("--dry-run", action="store_true", help="hitung saja tanpa menyimpan")

    def handle(self, *args, **options):
        batch = batch_named(options["batch"]) if options["batch"] else None
        now = timezone.now()
        if options["dry_run"]:
            count = review.deemed_valid_queryset(now, batch).count()
            self.stdout.write(f"{count} peserta akan ditandai dianggap valid (uji, tidak disimpan).")
            return
        count = review.mark_deemed_valid(now=now, batch=batch)
        self.stdout.write(f"{count} peserta ditandai dianggap valid.")
