"""Jenis kelamin and agama, with the spellings rosters use (DOMAIN.md)."""

import re

from django.core.exceptions import ValidationError

LAKI_LAKI = "Laki-laki"
PEREMPUAN = "Perempuan"
JENIS_KELAMIN_CHOICES = ((LAKI_LAKI, LAKI_LAKI), (PEREMPUAN, PEREMPUAN))

KEPERCAYAAN = "Kepercayaan terhadap Tuhan YME"
AGAMA = ("Islam", "Kristen", "Katolik", "Hindu", "Buddha", "Konghucu", KEPERCAYAAN)
AGAMA_CHOICES = tuple((a, a) for a in AGAMA)


def _key(raw):
    # Compare letters only: "LAKI - LAKI", "laki laki" and "Laki-laki" are one spelling.
    return re.sub(r"[^a-z]", "", str(raw if raw is not None else "").lower())


_JENIS_KELAMIN = {
    "lakilaki": LAKI_LAKI, "laki": LAKI_LAKI, "pria": LAKI_LAKI, "l": LAKI_LAKI, "lk": LAKI_LAKI,
    "perempuan": PEREMPUAN, "wanita": PEREMPUAN, "p": PEREMPUAN, "pr": PEREMPUAN,
}

_AGAMA = {_key(a): a for a in AGAMA} | {
    "kristenprotestan": "Kristen",
    "protestan": "Kristen",
    "kristenkatolik": "Katolik",
    "katholik": "Katolik",
    "kristenkatholik": "Katolik",
    "katolikroma": "Katolik",
    "budha": "Buddha",
    "budda": "Buddha",
    "khonghucu": "Konghucu",
    "konghuchu": "Konghucu",
    "khonghuchu": "Konghucu",
    "kepercayaan": KEPERCAYAAN,
    "penghayatkepercayaan": KEPERCAYAAN,
    "kepercayaanterhadaptuhanyangmahaesa": KEPERCAYAAN,
    # Older rosters said "Lainnya" before the belief systems had their own entry.
    "lainnya": KEPERCAYAAN,
}


def normalize_jenis_kelamin(raw):
    try:
        return _JENIS_KELAMIN[_key(raw)]
    except KeyError:
        raise ValidationError(
            f"Jenis kelamin “{raw}” tidak dikenal. Pilih Laki-laki atau Perempuan.",
            code="jenis_kelamin_invalid",
        ) from None


def normalize_agama(raw):
    try:
        return _AGAMA[_key(raw)]
    except KeyError:
        raise ValidationError(
            f"Agama “{raw}” tidak dikenal. Pilih salah satu: {', '.join(AGAMA)}.",
            code="agama_invalid",
        ) from None
