"""The guide's birth field: `Tempat;Tanggal`, e.g. `Jayapura;29-2-2000`."""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError

from profiles.names import capitalize_words
from profiles.text import collapse_spaces

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
SEMICOLON_REMINDER = (
    "JANGAN MENGHAPUS tanda titik koma (;) yang menghubungkan Tempat dan Tanggal Lahir. "
    "Contoh: Jayapura;29-2-2000"
)
_STRICT = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
# Roster exports also write 29/02/2000, 29.02.2000 and ISO 2000-02-29.
_LENIENT_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_PLACE_PUNCTUATION = set(" .-'()/")


def format_birth_date(d):
    return f"{d.day}-{d.month}-{d.year}"


def format_birth_field(tempat, tanggal):
    date_text = format_birth_date(tanggal) if tanggal else ""
    if not tempat and not date_text:
        return ""
    return f"{tempat or ''};{date_text}"


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _real_date(day, month, year):
    try:
        return date(year, month, day)
    except ValueError:
        month_name = BULAN[month - 1] if 1 <= month <= 12 else f"bulan {month}"
        raise ValidationError(
            f"Tanggal {day} {month_name} {year} tidak ada di kalender. Periksa kembali tanggal lahir.",
            code="birth_date_invalid",
        ) from None


def parse_birth_date(raw, *, today, lenient=False, min_age=18, max_age=60):
    if lenient and isinstance(raw, datetime):
        born = raw.date()
    elif lenient and isinstance(raw, date):
        born = raw
    else:
        text = str(raw or "").strip()
        if match := (_LENIENT_DMY if lenient else _STRICT).match(text):
            day, month, year = (int(part) for part in match.groups())
        elif lenient and (match := _ISO.match(text)):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise ValidationError(
                f"Tanggal lahir “{text}” harus ditulis Tanggal-Bulan-Tahun dengan tahun 4 angka, "
                "misalnya 29-2-2000 atau 09-02-2000.",
                code="birth_date_format",
            )
        born = _real_date(day, month, year)
    if born > today:
        raise ValidationError(
            f"Tanggal lahir {format_birth_date(born)} ada di masa depan.", code="birth_date_future"
        )
    age = _age(born, today)
    if not min_age <= age <= max_age:
        raise ValidationError(
            f"Dengan tanggal lahir {format_birth_date(born)} usia Anda {age} tahun; "
            f"usia peserta Latsar CPNS antara {min_age} dan {max_age} tahun. Periksa tahun lahir.",
            code="birth_age",
        )
    return born


def normalize_place(raw):
    text = collapse_spaces(raw)
    if not text:
        raise ValidationError(
            "Tempat lahir wajib diisi sebelum tanda titik koma. Contoh: Jayapura;29-2-2000",
            code="birth_place_required",
        )
    if not text[0].isalpha() or not all(ch.isalpha() or ch in _PLACE_PUNCTUATION for ch in text):
        raise ValidationError(
            f"Tempat lahir “{text}” hanya boleh berisi huruf, spasi, titik, atau tanda hubung.",
            code="birth_place_invalid",
        )
    return capitalize_words(text)


def parse_birth_field(raw, *, today, lenient=False, min_age=18, max_age=60):
    text = str(raw or "").strip()
    if not text:
        raise ValidationError(
            "Tempat dan tanggal lahir wajib diisi. Contoh: Jayapura;29-2-2000", code="birth_required"
        )
    if ";" not in text and lenient and text.count(",") == 1:
        # "Jayapura, 29-02-2000" in a roster: one comma, unambiguous.
        text = text.replace(",", ";")
    if text.count(";") != 1:
        code = "birth_semicolon" if ";" not in text else "birth_semicolon_extra"
        detail = "" if ";" not in text else "Gunakan tepat satu tanda titik koma. "
        raise ValidationError(f"{detail}{SEMICOLON_REMINDER}", code=code)
    place, date_text = text.split(";")
    tempat = normalize_place(place)
    tanggal = parse_birth_date(date_text, today=today, lenient=lenient, min_age=min_age, max_age=max_age)
    return tempat, tanggal
