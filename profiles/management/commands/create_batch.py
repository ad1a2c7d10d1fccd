from django.core.management.base import BaseCommand, CommandError

from profiles.services import batches


class Command(BaseCommand):
    help = "Membuat angkatan baru. Tenggat dibaca dalam WIB kecuali diberi zona (+08:00, WITA, WIT)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="nama angkatan, misalnya \"Latsar CPNS Angkatan 12\"")
        parser.add_argument("--deadline", required=True, help="tenggat, misalnya \"2026-12-16 23:59\"")
        parser.add_argument("--contact-name", default="", help="nama panitia yang dihubungi peserta")
        parser.add_argument("--contact-phone", default="", help="WhatsApp/telepon panitia")
        parser.add_argument("--contact-email", default="", help="email panitia")

    def handle(self, *args, **options):
        try:
            batch = batches.create_batch(
                options["name"], options["deadline"],
                contact_name=options["contact_name"], contact_phone=options["contact_phone"],
                contact_email=options["contact_email"],
            )
        except batches.BatchError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Angkatan “{batch.name}” dibuat, tenggat {batches.format_deadline_wib(batch.deadline)}.")
