from django.core.management.base import BaseCommand

from profiles.models import User
from profiles.services import demo


class Command(BaseCommand):
    help = (
        "Memuat data demo: dua angkatan, sekitar 30 peserta dalam setiap keadaan, satu admin, dan contoh roster "
        "(var/contoh-roster.csv dan .xlsx). Aman dijalankan berulang."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="alamat server, untuk daftar login yang dicetak"
        )
        parser.add_argument("--roster-dir", default="var", help="folder untuk contoh roster (CSV dan XLSX)")

    def handle(self, *args, url, roster_dir, **options):
        url = url.rstrip("/") + "/"
        loaded = demo.load_demo()
        written = demo.write_example_roster(roster_dir)
        self.stdout.write("")
        self.stdout.write(f"Data demo: {loaded.created} peserta baru dibuat, {len(loaded.people)} peserta demo seluruhnya.")
        self.stdout.write(f"Login demo ({url}):")
        shown = set()
        for person in loaded.people:
            if (person.batch_name, person.state) in shown:
                continue
            shown.add((person.batch_name, person.state))
            user = User.objects.get(username=person.nip)
            password = "NIP (masuk pertama)" if not user.has_usable_password() else demo.DEMO_PASSWORD
            self.stdout.write(f"  Peserta  {person.nip}  kata sandi: {password}  [{person.state}; {person.batch_name}]")
        self.stdout.write(f"  Admin    {demo.ADMIN_USERNAME}  kata sandi: {demo.ADMIN_PASSWORD}  ({url}admin/)")
        self.stdout.write("Contoh roster untuk impor: " + ", ".join(str(path) for path in written))
        self.stdout.write("")
