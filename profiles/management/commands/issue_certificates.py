from django.core.management.base import BaseCommand, CommandError

from profiles.management.batch_option import batch_named
from profiles.services.certificates import issue, sign


class Command(BaseCommand):
    help = (
        "Menerbitkan sertifikat (bernomor, ditandatangani) untuk setiap peserta angkatan yang "
        "tervalidasi dan berfoto, di proses ini (tanpa pekerja). --dry-run hanya menghitung."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", required=True, help="nama angkatan")
        parser.add_argument("--dry-run", action="store_true", help="hitung saja, tanpa menerbitkan")

    def handle(self, *args, **options):
        batch = batch_named(options["batch"])
        try:
            report = issue.issue_batch(batch, dry_run=options["dry_run"])
        except (issue.InvalidPattern, sign.SigningKeyMissing) as error:
            raise CommandError(str(error)) from None
        plan = report.plan
        if report.job is None:
            self.stdout.write(f"Uji (tidak diterbitkan) — {batch.name}:")
            self.stdout.write(f"  akan diterbitkan: {plan.to_issue}")
        else:
            job = report.job
            self.stdout.write(f"Sertifikat {batch.name}:")
            self.stdout.write(f"  terbit: {job.issued}")
            self.stdout.write(f"  dilewati: {job.skipped}")
            self.stdout.write(f"  gagal: {job.failed}")
        self.stdout.write(f"  sudah terbit sebelumnya: {plan.already_issued}")
        self.stdout.write(f"  tervalidasi tanpa foto (tidak dapat diterbitkan): {plan.without_photo}")
        if report.job is not None and report.job.failed:
            raise CommandError(f"{report.job.failed} sertifikat gagal; jalankan lagi untuk mencoba ulang.")
