from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from profiles.services import exports
from profiles.management.batch_option import batch_named


class Command(BaseCommand):
    help = (
        "Mengekspor data sertifikat satu angkatan (CSV, XLSX, atau ZIP berisi foto <NIP>.jpg dan data). "
        "Hanya data tervalidasi, kecuali dengan --all. Setiap ekspor dicatat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", required=True, help="nama angkatan")
        parser.add_argument("--format", required=True, choices=sorted(exports.FORMATS), dest="fmt")
        parser.add_argument("--output", required=True, help="file tujuan")
        parser.add_argument("--all", action="store_true", help="semua peserta, termasuk yang belum tervalidasi")

    def handle(self, *args, **options):
        batch = batch_named(options["batch"])
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"{output} adalah folder; sebutkan nama file, misalnya {output / exports.filename_for(batch, options['fmt'])}.")
        now = timezone.now()
        scope = exports.SCOPE_ALL if options["all"] else exports.SCOPE_VALIDATED
        queryset = exports.export_queryset(batch=batch, scope=scope, now=now)
        count = queryset.count()
        try:
            with output.open("wb") as handle:
                missing = exports.render(options["fmt"], queryset, handle, now)
        except OSError as error:
            raise CommandError(f"Tidak dapat menulis {output}: {error.strerror}.") from None
        exports.log_export(user=None, batch=batch, fmt=options["fmt"], scope=scope, count=count, source="cli")
        if missing:
            self.stderr.write(f"Foto tidak ditemukan di penyimpanan untuk {len(missing)} peserta: {', '.join(missing[:20])}")
        self.stdout.write(f"{count} peserta diekspor ke {output} ({options['fmt']}, {exports.SCOPES[scope].lower()}).")
