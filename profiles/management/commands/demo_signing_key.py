from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from profiles.services.certificates import sign


class Command(BaseCommand):
    help = (
        "Membuat kunci dan sertifikat penandatanganan DEMO (PKCS#12) di CERTIFICATE_SIGNING_P12 bila "
        "belum ada, agar penerbitan sertifikat dapat dicoba. Bukan untuk produksi."
    )

    def handle(self, *args, **options):
        if settings.CERTIFICATE_SIGNING_PKCS11_MODULE:
            self.stdout.write("Kunci penandatanganan ada di token PKCS#11; tidak ada yang dibuat.")
            return
        path = Path(settings.CERTIFICATE_SIGNING_P12)
        if path.exists():
            self.stdout.write(f"Kunci penandatanganan sudah ada: {path}")
            return
        sign.create_demo_signing_key(path, settings.CERTIFICATE_SIGNING_PASSWORD)
        self.stdout.write(self.style.WARNING(
            f"Kunci DEMO dibuat di {path} ({sign.DEMO_SUBJECT}). Sertifikat yang ditandatangani dengannya "
            "bukan sertifikat resmi; atur CERTIFICATE_SIGNING_P12 dan CERTIFICATE_SIGNING_PASSWORD untuk kunci lembaga."
        ))
