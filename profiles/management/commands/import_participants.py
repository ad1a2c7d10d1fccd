from django.core.management.base import BaseCommand, CommandError

from profiles.services import roster


class Command(BaseCommand):
    help = (
        "Mengimpor roster peserta (CSV atau XLSX) ke sebuah angkatan dan membuat akunnya "
        "(masuk pertama dengan NIP). Semua atau tidak sama sekali; --dry-run hanya memeriksa."
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
        try:
            done = roster.import_file(
                options["file"], batch_name=options["batch"], create_batch=options["create_batch"],
                deadline=options["deadline"], dry_run=options["dry_run"],
            )
        except roster.RosterError as error:
            raise CommandError(str(error)) from None
        if done.batch_created:
            # With --json, stdout carries only JSON Lines.
            (self.stderr if options["json"] else self.stdout).write(done.batch_note())
        lines = roster.json_lines(done.report) if options["json"] else roster.text_lines(done.report)
        for line in lines:
            self.stdout.write(line)
