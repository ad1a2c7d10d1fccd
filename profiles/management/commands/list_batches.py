from django.core.management.base import BaseCommand

from profiles.services import batches


class Command(BaseCommand):
    help = "Menampilkan angkatan: nama, tenggat (WIB) dan jumlah peserta."

    def handle(self, *args, **options):
        rows = list(batches.batches_with_counts())
        if not rows:
            self.stdout.write("Belum ada angkatan. Buat dengan: manage.py create_batch NAMA --deadline \"2026-12-16 23:59\"")
            return
        width = max(len(batch.name) for batch in rows)
        for batch in rows:
            self.stdout.write(
                f"{batch.name.ljust(width)}  {batches.format_deadline_wib(batch.deadline)}  "
                f"{batch.participant_count} peserta"
            )
