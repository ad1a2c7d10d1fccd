"""The NIP of a civil servant: `YYYYMMDD YYYYMM G NNN` (birth date, TMT CPNS, gender, serial)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from profiles.rules.choices import LAKI_LAKI, PEREMPUAN, normalize_jenis_kelamin

EXAMPLE = "Contoh: 19930121 202012 1 001 (boleh dengan atau tanpa spasi)."
GENDERS = {"1": LAKI_LAKI, "2": PEREMPUAN}


@dataclass(frozen=True)
class NipInfo:
    nip: str
    birth_date: date
    tmt: date  # first day of the TMT CPNS month
    jenis_kelamin: str
    serial: int


def normalize_nip(raw):
    """`19930121 202012 1 001` and `199301212020121001` are the same NIP."""
    # str.split() also splits on NBSP and tabs pasted from spreadsheets.
    return "".join(str(raw if raw is not None else "").split())


def format_nip(nip):
    """`19930121 202012 1 001`: birth date, TMT, gender, serial, as people read a NIP."""
    nip = normalize_nip(nip)
    if not _is_18_digits(nip):
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _is_18_digits(nip):
    return len(nip) == 18 and nip.isascii() and nip.isdigit()


def format_date(d):
    return f"{d.day}-{d.month}-{d.year}"


def nip_birth_date(nip):
    """The birth date in the first 8 digits, or None if they are not a real date."""
    nip = normalize_nip(nip)
    if not _is_18_digits(nip):
        return None
    try:
        return date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None


def parse_nip(raw, *, today):
    nip = normalize_nip(raw)
    if not _is_18_digits(nip):
        problem = (
            f"yang tertulis {len(nip)} angka" if nip.isascii() and (nip.isdigit() or not nip)
            else "hanya angka dan spasi yang boleh dipakai"
        )
        raise ValidationError(f"NIP harus 18 angka; {problem}. {EXAMPLE}", code="nip_format")
    birth = nip_birth_date(nip)
    if birth is None:
        raise ValidationError(
            f"8 angka pertama NIP ({nip[6:8]}-{nip[4:6]}-{nip[0:4]}) bukan tanggal lahir yang "
            f"ada. NIP diawali tanggal lahir dengan urutan tahun, bulan, tanggal. {EXAMPLE}",
            code="nip_birth_date",
        )
    # A PPPK number is YYYYMMDD YYYY 21 G NNN; in a CPNS NIP these two digits are a month.
    if nip[12:14] == "21":
        raise ValidationError(
            "Nomor ini tampaknya nomor PPPK (angka ke-13 dan ke-14 adalah 21), bukan NIP CPNS. "
            f"Latsar CPNS memerlukan NIP CPNS sesuai SK CPNS. {EXAMPLE}",
            code="nip_pppk",
        )
    month = int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            f"Angka ke-9 sampai ke-14 NIP adalah TMT CPNS (tahun dan bulan); bulan {nip[12:14]} "
            f"tidak ada. {EXAMPLE}",
            code="nip_tmt",
        )
    tmt = date(int(nip[8:12]), month, 1)
    # TMT carries only a month: it may fall in the month of the 18th birthday.
    if (tmt.year, tmt.month) < (birth.year + 18, birth.month):
        raise ValidationError(
            f"TMT CPNS dalam NIP ({tmt.month}-{tmt.year}) jatuh sebelum usia 18 tahun "
            f"(lahir {format_date(birth)}). Periksa angka ke-9 sampai ke-14. {EXAMPLE}",
            code="nip_tmt",
        )
    if tmt > today:
        raise ValidationError(
            f"TMT CPNS dalam NIP ({tmt.month}-{tmt.year}) belum terjadi. Periksa angka ke-9 "
            f"sampai ke-14. {EXAMPLE}",
            code="nip_tmt",
        )
    if nip[14] not in GENDERS:
        raise ValidationError(
            f"Angka ke-15 NIP adalah jenis kelamin: 1 untuk laki-laki, 2 untuk perempuan, "
            f"bukan {nip[14]}. {EXAMPLE}",
            code="nip_gender",
        )
    serial = int(nip[15:18])
    if serial == 0:
        raise ValidationError(
            f"Tiga angka terakhir NIP adalah nomor urut, 001 sampai 999, bukan 000. {EXAMPLE}",
            code="nip_serial",
        )
    return NipInfo(nip=nip, birth_date=birth, tmt=tmt, jenis_kelamin=GENDERS[nip[14]], serial=serial)


def check_birth_date_matches_nip(nip, tanggal_lahir):
    expected = nip_birth_date(nip)
    # An unreadable NIP is reported by parse_nip, not here.
    if expected is None or tanggal_lahir is None or tanggal_lahir == expected:
        return
    raise ValidationError(
        f"Tanggal lahir {format_date(tanggal_lahir)} tidak sama dengan tanggal lahir dalam NIP, "
        f"yaitu {format_date(expected)}. Perbaiki tanggal lahir sesuai SK CPNS, misalnya "
        f"Jayapura;{format_date(expected)}, atau hubungi panitia bila NIP Anda keliru.",
        code="nip_birth_mismatch",
    )


def check_gender_matches_nip(nip, jenis_kelamin):
    nip = normalize_nip(nip)
    if not _is_18_digits(nip) or nip[14] not in GENDERS:
        return
    try:
        given = normalize_jenis_kelamin(jenis_kelamin)
    except ValidationError:
        return
    expected = GENDERS[nip[14]]
    if given != expected:
        raise ValidationError(
            f"Jenis kelamin {given} tidak sesuai dengan NIP: angka ke-15 NIP ({nip[14]}) "
            f"berarti {expected}. Pilih {expected}, atau hubungi panitia bila NIP Anda keliru.",
            code="nip_gender_mismatch",
        )
