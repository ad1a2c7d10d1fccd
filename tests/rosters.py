"""Rosters built in code (CSV in any dialect, XLSX) and photos attached without the upload checks."""

import csv
import hashlib
import io
from datetime import date

import openpyxl
from django.core.files.base import ContentFile
from PIL import Image

from profiles.models import Participant, Photo

HEADER = [
    "No", "NIP", "Nama", "Tempat, Tanggal Lahir", "Jenis Kelamin", "Agama", "Jabatan", "Pangkat",
    "Golongan", "Email", "Asal Instansi", "Alamat Instansi", "No. Telp",
]


def nip_for(serial, gender=1, birth="19930121", tmt="202012"):
    return f"{birth}{tmt}{gender}{serial:03d}"


DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")


def name_for(serial):
    """Names carry no digits: 12 → "peserta satu dua" (stored as "Peserta Satu Dua")."""
    return "peserta " + " ".join(DIGITS[int(d)] for d in str(serial))


def person(serial, gender=1, **changes):
    """A complete, valid row for HEADER; `changes` by field name (nama, ttl, …)."""
    values = {
        "no": str(serial),
        "nip": nip_for(serial, gender),
        "nama": name_for(serial),
        "ttl": "Jayapura;21-1-1993",
        "jenis_kelamin": "Laki-laki" if gender == 1 else "Perempuan",
        "agama": "Islam",
        "jabatan": "Analis Keuangan",
        "pangkat": "Penata Muda",
        "golongan": "III/a",
        "email": f"peserta{serial}@kemenkeu.go.id",
        "asal_instansi": "Kementerian Keuangan",
        "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
        "no_telp": "0812-3456-7890",
    }
    values.update(changes)
    return list(values.values())


def csv_bytes(rows, header=HEADER, delimiter=",", bom=False, encoding="utf-8"):
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + text.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def jpeg_bytes(size=(400, 600), colour=(215, 69, 50)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def give_photo(participant, warnings=(), checks=None):
    """An accepted photo stored as accept_photo would, without running the checks."""
    data = jpeg_bytes()
    checks = checks if checks is not None else [
        {"code": "jpeg", "ok": True, "severity": "error", "value": "JPEG", "message": "File JPEG asli."},
        *[
            {"code": code, "ok": False, "severity": "warning", "value": None, "message": f"Catatan {code}."}
            for code in warnings
        ],
    ]
    photo = Photo(
        participant=participant, width=400, height=600, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        report={"ok": True, "errors": [], "warnings": list(warnings), "checks": checks},
        warnings=list(warnings),
    )
    photo.file.save(f"{photo.uuid.hex}.jpg", ContentFile(data), save=False)
    photo.save()
    Participant.objects.filter(pk=participant.pk).update(photo=photo)
    participant.refresh_from_db()
    return photo


BIRTH = date(1993, 1, 21)
