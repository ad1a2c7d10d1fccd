from django.core.management.base import BaseCommand, CommandError

from profiles.services.retention import prune_photos, versions_kept


class Command(BaseCommand):
    help = (
        "Hapus file foto versi lama. Disimpan: foto saat ini, foto yang dikonfirmasi, "
        "dan N versi terakhir per peserta."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=None,
                            help=f"versi terakhir yang disimpan per peserta (bawaan {versions_kept()})")
        parser.add_argument("--dry-run", action="store_true", help="hanya tampilkan, tidak menghapus")

    def handle(self, *args, keep, dry_run, **options):
        if keep is not None and keep < 0:
            raise CommandError("--keep harus 0 atau lebih.")
        report = prune_photos(keep=keep, dry_run=dry_run)
        verb = "akan dihapus" if dry_run else "dihapus"
        self.stdout.write(
            f"{report.files} file dari {len(report.photo_ids)} versi foto {verb} "
            f"({report.participants} peserta)."
        )
