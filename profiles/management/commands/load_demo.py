from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from profiles.models import Batch, Participant, User
from profiles.services.accounts import create_participant

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Latsar-Admin-2026"

OPEN_BATCH = "Latsar CPNS Demo Angkatan I"
CLOSED_BATCH = "Latsar CPNS Demo Angkatan 0 (tenggat lewat)"

# Shown on every participant page and in every e-mail (fictitious, .invalid domain).
DEMO_CONTACT = {
    "contact_name": "Panitia Latsar PPSDM (demo)",
    "contact_phone": "0812-0000-0000",
    "contact_email": "panitia.latsar@ppsdm.invalid",
    "contact_hours": "Senin–Jumat 08.00–16.00 WIB",
}

# NIPs from the public test vectors in DOMAIN.md, so they are valid by construction.
PARTICIPANTS = [
    (OPEN_BATCH, "199301212020121001", {
        "nama": "Ahmad Yani, S.E.", "tempat_lahir": "Jayapura", "tanggal_lahir": date(1993, 1, 21),
        "jenis_kelamin": "Laki-laki", "agama": "Islam", "jabatan": "Analis Keuangan",
        "pangkat": "Penata Muda", "golongan": "III/a", "email": "ahmad.yani@kemenkeu.go.id",
        "asal_instansi": "Kementerian Keuangan", "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
        "no_telp": "+6281234567890",
    }),
    (OPEN_BATCH, "199301212020122004", {
        # An imported record with blanks: the participant fills them in.
        "nama": "SITI RAHMAWATI", "tempat_lahir": "Makassar", "tanggal_lahir": date(1993, 1, 21),
        "jenis_kelamin": "Perempuan", "golongan": "III/a", "pangkat": "Penata Muda",
        "asal_instansi": "PPATK",
    }),
    (OPEN_BATCH, "200012312024121001", {
        "nama": "Budi Santoso", "jenis_kelamin": "Laki-laki", "golongan": "II/a", "pangkat": "Pengatur Muda",
        "asal_instansi": "Lembaga Administrasi Negara",
    }),
    (CLOSED_BATCH, "199505152019031002", {
        "nama": "Rudi Hartono, S.T.", "tempat_lahir": "Medan", "tanggal_lahir": date(1995, 5, 15),
        "jenis_kelamin": "Laki-laki", "agama": "Kristen", "jabatan": "Pranata Komputer Ahli Pertama",
        "pangkat": "Penata Muda", "golongan": "III/a", "email": "rudi.hartono@pu.go.id",
        "asal_instansi": "Kementerian Pekerjaan Umum", "alamat_instansi": "Jl. Pattimura No. 20, Jakarta Selatan",
        "no_telp": "+6281398765432",
    }),
]


class Command(BaseCommand):
    help = "Memuat data demo: dua angkatan, beberapa peserta, dan satu admin. Aman dijalankan berulang."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="alamat server, untuk daftar login yang dicetak"
        )

    @transaction.atomic
    def handle(self, *args, url, **options):
        url = url.rstrip("/") + "/"
        now = timezone.now()
        open_batch, _ = Batch.objects.get_or_create(
            name=OPEN_BATCH, defaults={
                "deadline": timezone.localtime(now + timedelta(days=14)).replace(hour=23, minute=59, second=0, microsecond=0),
                **DEMO_CONTACT,
            }
        )
        closed_batch, _ = Batch.objects.get_or_create(
            name=CLOSED_BATCH, defaults={"deadline": now - timedelta(days=1), **DEMO_CONTACT}
        )
        batches = {OPEN_BATCH: open_batch, CLOSED_BATCH: closed_batch}
        for batch_name, nip, values in PARTICIPANTS:
            if not Participant.objects.filter(nip=nip).exists():
                create_participant(nip, batches[batch_name], values)
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create_superuser(ADMIN_USERNAME, "admin@lan.go.id", ADMIN_PASSWORD)

        self.stdout.write("")
        self.stdout.write(f"Login demo ({url}):")
        for batch_name, nip, _ in PARTICIPANTS:
            user = User.objects.get(username=nip)
            password = "NIP (masuk pertama)" if not user.has_usable_password() else "kata sandi yang sudah Anda buat"
            self.stdout.write(f"  Peserta  {nip}  kata sandi: {password}  [{batch_name}]")
        self.stdout.write(f"  Admin    {ADMIN_USERNAME}  kata sandi: {ADMIN_PASSWORD}  ({url}admin/)")
        self.stdout.write("")
