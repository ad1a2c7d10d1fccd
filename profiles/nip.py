"""NIP (Nomor Induk Pegawai): `YYYYMMDD YYYYMM G NNN` (DOMAIN.md)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from profiles.choices import LAKI_LAKI, PEREMPUAN

GENDER_DIGITS = {"1": LAKI_LAKI, "2": PEREMPUAN}
# PPPK numbers put "21" where a CPNS NIP has the TMT month.
PPPK_MARKER = "21"


@dataclass(frozen=True)
class NipInfo:
    nip: str
    birth_date: date
    tmt: date
    jenis_kelamin: str
    serial: int


def normalize_nip(raw):
    return re.sub(r"\s+", "", str(raw or ""))


def format_date(d):
    return f"{d.day}-{d.month}-{d.year}"


def _birth_date(nip):
    try:
        return date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None


def _add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year + years, day=28)


def parse_nip(raw, *, today):
    nip = normalize_nip(raw)
    if not re.fullmatch(r"[0-9]{18}", nip):
        raise ValidationError(
            "NIP harus 18 angka, misalnya 19900101 201903 1 001 (spasi boleh).",
            code="nip_format",
        )
    birth = _birth_date(nip)
    if birth is None:
        raise ValidationError(
            f"8 angka pertama NIP ({nip[:8]}) bukan tanggal lahir yang ada (format TTTTBBHH).",
            code="nip_birth_date",
        )
    if nip[12:14] == PPPK_MARKER:
        raise ValidationError(
            "Nomor ini tampaknya NI PPPK, bukan NIP CPNS. Latsar CPNS memakai NIP CPNS; "
            "periksa kembali nomor pada SK CPNS Anda.",
            code="nip_pppk",
        )
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            f"Angka 9–14 NIP ({nip[8:14]}) harus tahun dan bulan TMT CPNS; bulan {nip[12:14]} tidak ada.",
            code="nip_tmt",
        )
    tmt = date(year, month, 1)
    if tmt < _add_years(birth, 18).replace(day=1):
        raise ValidationError(
            f"TMT CPNS pada NIP ({month}-{year}) sebelum usia 18 tahun; periksa kembali NIP.",
            code="nip_tmt",
        )
    if tmt > today:
        raise ValidationError(
            f"TMT CPNS pada NIP ({month}-{year}) ada di masa depan; periksa kembali NIP.",
            code="nip_tmt",
        )
    if nip[14] not in GENDER_DIGITS:
        raise ValidationError(
            f"Angka ke-15 NIP adalah kode jenis kelamin (1 laki-laki, 2 perempuan), bukan {nip[14]}.",
            code="nip_gender",
        )
    serial = int(nip[15:18])
    if serial == 0:
        raise ValidationError("Nomor urut NIP (3 angka terakhir) tidak boleh 000.", code="nip_serial")
    return NipInfo(nip, birth, tmt, GENDER_DIGITS[nip[14]], serial)


def check_birth_date_matches_nip(nip, tanggal_lahir):
    nip = normalize_nip(nip)
    birth = _birth_date(nip) if len(nip) == 18 and nip.isdigit() else None
    if birth is not None and tanggal_lahir != birth:
        raise ValidationError(
            f"Tanggal lahir {format_date(tanggal_lahir)} tidak sama dengan tanggal lahir "
            f"dalam NIP ({format_date(birth)}). Periksa kembali sesuai SK CPNS.",
            code="nip_birth_mismatch",
        )


def check_gender_matches_nip(nip, jenis_kelamin):
    nip = normalize_nip(nip)
    expected = GENDER_DIGITS.get(nip[14]) if len(nip) == 18 and nip.isdigit() else None
    if expected is not None and jenis_kelamin != expected:
        raise ValidationError(
            f"Jenis kelamin {jenis_kelamin} tidak sesuai dengan NIP (angka ke-15 menunjukkan "
            f"{expected}). Periksa kembali sesuai SK CPNS.",
            code="nip_gender_mismatch",
        )
