"""Golongan and pangkat of PNS (DOMAIN.md table)."""

import re

from django.core.exceptions import ValidationError

GOLONGAN_PANGKAT = (
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
)
GOLONGAN_CHOICES = tuple((g, g) for g, _ in GOLONGAN_PANGKAT)
PANGKAT_CHOICES = tuple((p, p) for _, p in GOLONGAN_PANGKAT)
_PANGKAT_BY_GOLONGAN = dict(GOLONGAN_PANGKAT)
_PANGKAT_BY_KEY = {p.lower(): p for _, p in GOLONGAN_PANGKAT}

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_GOLONGAN_RE = re.compile(r"^(iv|iii|ii|i|[1-4])\s*[/\-.]?\s*([a-e])$")
# SIASN codes the golongan 11..45 (I/a = 11 ... IV/e = 45).
_SIASN_RE = re.compile(r"^([1-4])([1-5])$")


def normalize_golongan(raw):
    text = re.sub(r"\s+", " ", str(raw or "")).strip().lower()
    number = letter = None
    if match := _GOLONGAN_RE.match(text):
        room, letter = match.groups()
        number = int(room) if room.isdigit() else ROMAN[room]
    elif match := _SIASN_RE.match(text):
        number, letter = int(match.group(1)), "abcde"[int(match.group(2)) - 1]
    golongan = f"{'I' * number if number < 4 else 'IV'}/{letter}" if number else None
    if golongan not in _PANGKAT_BY_GOLONGAN:
        raise ValidationError(
            f"Golongan “{raw}” tidak dikenal. Tulis seperti III/a (I/a sampai IV/e).",
            code="golongan_invalid",
        )
    return golongan


def normalize_pangkat(raw):
    text = re.sub(r"\s+", " ", str(raw or "")).strip().lower()
    # "Penata Muda Tk. I", "Tk.I", "TK I" all mean "Tingkat I".
    text = re.sub(r"\btk\.?\s*i\b", "tingkat i", text)
    if text not in _PANGKAT_BY_KEY:
        raise ValidationError(
            f"Pangkat “{raw}” tidak dikenal. Contoh: Penata Muda, Penata Muda Tingkat I.",
            code="pangkat_invalid",
        )
    return _PANGKAT_BY_KEY[text]


def pangkat_for_golongan(golongan):
    return _PANGKAT_BY_GOLONGAN[golongan]


def check_pangkat_matches_golongan(pangkat, golongan):
    expected = _PANGKAT_BY_GOLONGAN.get(golongan)
    if expected and pangkat != expected:
        raise ValidationError(
            f"Golongan {golongan} berpangkat {expected}, bukan {pangkat}. "
            "Periksa kembali golongan atau pangkat Anda sesuai SK.",
            code="pangkat_mismatch",
        )
