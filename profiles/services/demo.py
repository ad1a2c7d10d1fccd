"""The demo cohort `make run` loads (manage.py load_demo), and the example roster for staff.

About thirty participants in every state a committee meets: new, data complete, photo with
warnings, auto-fixed, confirmed, verified, revision pending, and a batch past its deadline.
Every state is reached through the services a person would use (confirm, verify,
request_revision, store_photo), so the demo shows what the portal really does. All names,
NIPs and addresses are made up; e-mail domains end in .go.id as the guide requires but
mail goes to the console unless EMAIL_HOST is set.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from profiles.models import Batch, Participant, User
from profiles.rules.birth import format_birth_date
from profiles.services import review
from profiles.services.accounts import create_participant
from profiles.services.photo_versions import store_photo

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

NAMES = [
    ("Ahmad Yani, S.E.", 1), ("Siti Rahmawati", 2), ("Budi Santoso", 1), ("Dewi Lestari, S.Pd.", 2),
    ("Eko Prasetyo, S.T.", 1), ("Fitri Handayani", 2), ("Gilang Ramadhan, S.Kom.", 1),
    ("Hana Pertiwi, S.H.", 2), ("Irfan Hakim", 1), ("Joko Susilo, A.Md.", 1), ("Kartika Sari, S.Ak.", 2),
    ("Lukman Hakim, S.Sos.", 1), ("Maya Anggraini, S.Psi.", 2), ("Nanda Saputra", 1),
    ("Oktaviani Putri, S.Farm.", 2), ("Putu Ardana, S.E., M.M.", 1), ("Qori Amalia", 2),
    ("Rizky Maulana, S.T.", 1), ("Sri Wahyuni, S.E.", 2), ("Teguh Wibowo, M.Si.", 1),
    ("Umi Kalsum, S.Pd.", 2), ("Vino Bastian", 1), ("Wulan Sari, S.Kom.", 2), ("Yusuf Maulana, S.H.", 1),
    ("Zahra Aulia", 2), ("Andi Firmansyah, S.Sos.", 1), ("Bunga Citra, S.Ak.", 2), ("Cahyo Nugroho", 1),
    ("Rudi Hartono, S.T.", 1), ("Intan Permata, S.E.", 2), ("Hendra Gunawan", 1), ("Laras Ayu, S.H.", 2),
]
PLACES = ["Jayapura", "Makassar", "Medan", "Bandung", "Surabaya", "Padang", "Kupang", "Ambon"]
OFFICES = [
    ("Kementerian Keuangan", "kemenkeu.go.id", "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat"),
    ("Lembaga Administrasi Negara", "lan.go.id", "Jl. Veteran No. 10, Jakarta Pusat"),
    ("Kementerian Pekerjaan Umum", "pu.go.id", "Jl. Pattimura No. 20, Jakarta Selatan"),
    ("PPATK", "ppatk.go.id", "Jl. Ir. H. Juanda No. 35, Jakarta Pusat"),
]
JOBS = ["Analis Keuangan", "Pranata Komputer Ahli Pertama", "Analis Kebijakan Ahli Pertama", "Auditor Ahli Pertama"]

# (state, how many): the open batch, in the order the desk and the dashboard list them.
OPEN_STATES = [
    ("baru", 4), ("data lengkap", 4), ("foto dengan catatan", 4), ("diperbaiki otomatis", 3),
    ("dikonfirmasi", 5), ("terverifikasi", 4), ("perlu revisi", 4),
]
# The batch past its deadline: deemed valid, verified, a revision never answered, never opened.
CLOSED_STATES = [("dianggap valid", 2), ("terverifikasi", 1), ("perlu revisi", 1), ("baru", 1)]


@dataclass
class DemoPerson:
    nip: str
    values: dict
    state: str
    batch_name: str


@dataclass
class DemoReport:
    """What store_photo needs of a check report, for a drawn demo portrait."""

    width: int
    height: int
    warnings: list = field(default_factory=list)

    def to_dict(self):
        checks = [
            {"code": "format", "ok": True, "severity": "error", "value": "JPEG", "message": "File JPEG asli."},
            {"code": "ratio", "ok": True, "severity": "error", "value": "4:6", "message": "Rasio 4:6."},
            {"code": "background", "ok": True, "severity": "error", "value": 0.9, "message": "Latar merah."},
            *[{"code": code, "ok": False, "severity": "warning", "value": None,
               "message": WARNING_MESSAGES.get(code, code)} for code in self.warnings],
        ]
        return {"ok": True, "errors": [], "warnings": list(self.warnings), "checks": checks}


WARNING_MESSAGES = {
    "eyes_closed": "Mata tampak terpejam: pastikan kedua mata terbuka.",
    "shirt_not_white": "Kemeja di bawah wajah tidak tampak putih.",
    "head_too_small": "Wajah tampak kecil: foto dari kepala sampai dada.",
}


def portrait(seed=0, size=(400, 600)):
    """A drawn 4:6 portrait on red: head, white shirt and a tie (no real person)."""
    width, height = size
    image = Image.new("RGB", size, (215, 40 + seed % 20, 45))
    draw = ImageDraw.Draw(image)
    skin = [(224, 172, 105), (198, 134, 66), (141, 85, 36), (241, 194, 125)][seed % 4]
    draw.rounded_rectangle((60, 390, width - 60, height + 40), radius=80, fill=(250, 250, 250))
    draw.polygon([(width // 2 - 14, 400), (width // 2 + 14, 400), (width // 2 + 10, 560), (width // 2, 580),
                  (width // 2 - 10, 560)], fill=[(30, 50, 120), (120, 20, 30), (20, 20, 20)][seed % 3])
    draw.ellipse((125, 120, width - 125, 400), fill=skin)
    draw.ellipse((120, 90, width - 120, 220), fill=(25, 20, 20))
    for x in (165, 235):
        draw.ellipse((x - 12, 245, x + 12, 262), fill=(40, 30, 30))
    draw.arc((170, 300, 230, 340), start=20, end=160, fill=(120, 40, 40), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _person(index, state, batch_name):
    nama, gender = NAMES[index % len(NAMES)]
    birth = date(1990 + index % 8, 1 + index % 12, 1 + (index * 3) % 28)
    tmt = f"{2020 + index % 5}{1 + index % 12:02d}"
    nip = f"{birth:%Y%m%d}{tmt}{gender}{index + 1:03d}"
    office, domain, address = OFFICES[index % len(OFFICES)]
    local = nama.split(",")[0].lower().replace(" ", ".")
    values = {
        "nama": nama, "tempat_lahir": PLACES[index % len(PLACES)], "tanggal_lahir": birth,
        "jenis_kelamin": "Laki-laki" if gender == 1 else "Perempuan", "agama": "Islam",
        "jabatan": JOBS[index % len(JOBS)], "pangkat": "Penata Muda", "golongan": "III/a",
        "email": f"{local}@{domain}", "asal_instansi": office, "alamat_instansi": address,
        "no_telp": f"+62812{index:04d}{(index * 7) % 10000:04d}",
    }
    if state == "baru":
        # As a roster arrives: some fields left for the participant (the name in capitals).
        values = {**values, "nama": nama.split(",")[0].upper(), "agama": "", "email": "", "no_telp": "",
                  "alamat_instansi": ""}
    return DemoPerson(nip, values, state, batch_name)


def cohort():
    people, index = [], 0
    for batch_name, states in ((OPEN_BATCH, OPEN_STATES), (CLOSED_BATCH, CLOSED_STATES)):
        for state, count in states:
            for _ in range(count):
                people.append(_person(index, state, batch_name))
                index += 1
    return people


REVISIONS = [(["pakaian"], "Dasi belum terlihat."), (["nama"], ""), (["latar", "lahir"], ""),
             ([], "Mohon periksa kembali jabatan sesuai SK.")]


DEMO_PASSWORD = "Peserta-Demo-2026"


def _bring_to_state(person, participant, *, admin, now, serial, password_hash):
    state = person.state
    if state == "baru":
        return
    # One shared password, hashed once: hashing costs about half a second each.
    participant.user.password = password_hash
    participant.user.save(update_fields=["password"])
    if state == "data lengkap":
        Participant.objects.filter(pk=participant.pk).update(status="diperbarui")
        return
    warnings = ["eyes_closed", "shirt_not_white"][: 1 + serial % 2] if state == "foto dengan catatan" else []
    data = portrait(serial)
    fixed = state == "diperbaiki otomatis"
    store_photo(
        participant, data, DemoReport(400, 600, warnings), by=participant.user, now=now, auto_fixed=fixed,
        original=portrait(serial + 1, size=(500, 600)) if fixed else None,
        pipeline_version="demo" if fixed else "",
        changes=["Latar diganti merah", "Dipotong 4:6"] if fixed else (),
    )
    participant.refresh_from_db()
    if state in ("foto dengan catatan", "diperbaiki otomatis"):
        return
    participant = review.confirm(participant, by=participant.user, **review.seen(participant), now=now)
    if state == "terverifikasi":
        review.verify(participant, by=admin, **review.seen(participant), now=now)
    elif state == "perlu revisi":
        reasons, note = REVISIONS[serial % len(REVISIONS)]
        review.request_revision(participant, by=admin, reasons=reasons, note=note, now=now, days=0)


@dataclass
class DemoLoad:
    created: int
    people: list


# The certificate's signatory block for both demo batches (issue 18).
DEMO_SIGNATORY = {
    "organizer": "Pusat Pengembangan Sumber Daya Manusia (DEMO)",
    "signatory_name": "Dr. Ahmad Yani, S.E., M.M.",
    "signatory_position": "Kepala Pusat",
    "signatory_nip": "197001012000031001",
    "certificate_place": "Jakarta",
}


@transaction.atomic
def load_demo(now=None):
    """Create what is missing of the demo (safe to run again); returns what it made."""
    now = now or timezone.now()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_USERNAME, "admin@lan.go.id", ADMIN_PASSWORD)
    open_batch, _ = Batch.objects.get_or_create(name=OPEN_BATCH, defaults={
        "deadline": timezone.localtime(now + timedelta(days=14)).replace(hour=23, minute=59, second=0, microsecond=0),
        **DEMO_CONTACT, **DEMO_SIGNATORY, "certificate_code": "I",
    })
    # The closed batch is filled while still open, then closed, as a real cohort would be.
    closed_batch, closed_new = Batch.objects.get_or_create(
        name=CLOSED_BATCH, defaults={"deadline": now + timedelta(days=1), **DEMO_CONTACT, **DEMO_SIGNATORY,
                                     "certificate_code": "II"}
    )
    batches = {OPEN_BATCH: open_batch, CLOSED_BATCH: closed_batch}
    people = cohort()
    existing = set(Participant.objects.filter(nip__in=[p.nip for p in people]).values_list("nip", flat=True))
    created = 0
    password_hash = make_password(DEMO_PASSWORD)
    for serial, person in enumerate(people):
        if person.nip in existing:
            continue
        participant = create_participant(person.nip, batches[person.batch_name], dict(person.values), by=admin)
        _bring_to_state(person, participant, admin=admin, now=now, serial=serial, password_hash=password_hash)
        created += 1
    if closed_new:
        Batch.objects.filter(pk=closed_batch.pk).update(deadline=now - timedelta(days=1))
        # Its revision was asked and never answered: the reopening has run out as well.
        Participant.objects.filter(batch=closed_batch).update(reopened_until=None)
        review.mark_deemed_valid(now=now, batch=closed_batch, by=admin)
    return DemoLoad(created, people)


# The example roster -----------------------------------------------------------------------

ROSTER_HEADER = [
    "No", "NIP", "Nama", "Tempat, Tanggal Lahir", "Jenis Kelamin", "Agama", "Jabatan", "Pangkat",
    "Golongan", "Email", "Asal Instansi", "Alamat Instansi", "No. Telp",
]


def example_roster_rows(count=8):
    """Rows as a training centre sends them: Tempat;Tanggal joined, some cells left blank."""
    rows = []
    for index, person in enumerate(_person(100 + i, "baru" if i % 3 == 2 else "lengkap", OPEN_BATCH)
                                   for i in range(count)):
        v = person.values
        nip = person.nip
        rows.append([
            str(index + 1), f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", v["nama"],
            f"{v['tempat_lahir']};{format_birth_date(v['tanggal_lahir'])}", v["jenis_kelamin"], v["agama"],
            v["jabatan"], v["pangkat"], v["golongan"], v["email"], v["asal_instansi"], v["alamat_instansi"],
            v["no_telp"].replace("+62", "0"),
        ])
    return rows


def example_roster_csv():
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(ROSTER_HEADER)
    writer.writerows(example_roster_rows())
    # With a BOM, so Excel opens the accents and dashes as UTF-8.
    return "\ufeff" + text.getvalue()


def example_roster_xlsx():
    """The same rows as an Excel sheet, every cell text (a NIP must not become 1.99E+17)."""
    import openpyxl  # heavy (numpy): loaded only when a sheet is written

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    for row in [ROSTER_HEADER, *example_roster_rows()]:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.number_format = "@"
    for column, width in zip("ABCDEFGHIJKLM", (4, 22, 26, 24, 13, 8, 30, 14, 9, 30, 30, 46, 16)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_example_roster(folder):
    """Write contoh-roster.csv and contoh-roster.xlsx into `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / "contoh-roster.csv", folder / "contoh-roster.xlsx"
    csv_path.write_text(example_roster_csv(), encoding="utf-8", newline="")
    xlsx_path.write_bytes(example_roster_xlsx())
    return [csv_path, xlsx_path]
