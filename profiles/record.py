"""One participant record checked field by field and across fields.

The Update Profil form, the admin form and the roster import all call
clean_record, so each rule is written once.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from profiles.birth import parse_birth_date, parse_birth_field
from profiles.birth import normalize_place
from profiles.choices import normalize_agama, normalize_jenis_kelamin
from profiles.contact import DEFAULT_OFFICIAL_EMAIL_SUFFIXES, normalize_email, normalize_no_telp
from profiles.names import normalize_nama
from profiles.nip import check_birth_date_matches_nip, check_gender_matches_nip
from profiles.ranks import (
    check_pangkat_matches_golongan,
    normalize_golongan,
    normalize_pangkat,
    pangkat_for_golongan,
)
from profiles.text import normalize_text

EDITABLE_FIELDS = (
    "nama", "tempat_tanggal_lahir", "jenis_kelamin", "agama", "jabatan", "pangkat",
    "golongan", "email", "asal_instansi", "alamat_instansi", "no_telp",
)
FIELD_LABELS = {
    "nama": "Nama",
    "tempat_tanggal_lahir": "Tempat;Tanggal Lahir",
    "jenis_kelamin": "Jenis Kelamin",
    "agama": "Agama",
    "jabatan": "Jabatan",
    "pangkat": "Pangkat",
    "golongan": "Golongan",
    "email": "Email",
    "asal_instansi": "Asal Instansi",
    "alamat_instansi": "Alamat Instansi",
    "no_telp": "No. Telp",
}
MAX_LENGTHS = {
    "nama": 150, "tempat_lahir": 100, "jabatan": 200, "asal_instansi": 200,
    "alamat_instansi": 300, "email": 254,
}


@dataclass
class RecordResult:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    def add_error(self, name, error):
        self.errors.setdefault(name, []).append(error)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _birth(raw, *, today, lenient, min_age, max_age):
    """From `tempat_tanggal_lahir`, or from two roster columns."""
    if not _blank(raw.get("tempat_tanggal_lahir")):
        return parse_birth_field(
            raw["tempat_tanggal_lahir"], today=today, lenient=lenient, min_age=min_age, max_age=max_age
        )
    if _blank(raw.get("tempat_lahir")) and _blank(raw.get("tanggal_lahir")):
        return None
    return (
        normalize_place(raw.get("tempat_lahir")),
        parse_birth_date(raw.get("tanggal_lahir"), today=today, lenient=lenient, min_age=min_age, max_age=max_age),
    )


def clean_record(nip, raw, *, today, lenient=False, email_suffixes=DEFAULT_OFFICIAL_EMAIL_SUFFIXES,
                 min_age=18, max_age=60):
    result = RecordResult()
    rules = {
        "nama": normalize_nama,
        "jenis_kelamin": normalize_jenis_kelamin,
        "agama": normalize_agama,
        "jabatan": lambda v: normalize_text(v, max_length=MAX_LENGTHS["jabatan"]),
        "golongan": normalize_golongan,
        "pangkat": normalize_pangkat,
        "email": lambda v: normalize_email(v, allowed_suffixes=email_suffixes),
        "asal_instansi": lambda v: normalize_text(v, max_length=MAX_LENGTHS["asal_instansi"]),
        "alamat_instansi": lambda v: normalize_text(v, max_length=MAX_LENGTHS["alamat_instansi"]),
        "no_telp": normalize_no_telp,
    }
    for name, rule in rules.items():
        value = raw.get(name)
        if _blank(value):
            if name == "pangkat" and "golongan" in result.values:
                result.values["pangkat"] = pangkat_for_golongan(result.values["golongan"])
                continue
            result.add_error(name, _required(name))
            continue
        try:
            result.values[name] = rule(value)
        except ValidationError as error:
            result.add_error(name, error)

    try:
        birth = _birth(raw, today=today, lenient=lenient, min_age=min_age, max_age=max_age)
    except ValidationError as error:
        result.add_error("tempat_tanggal_lahir", error)
    else:
        if birth is None:
            result.add_error("tempat_tanggal_lahir", _required("tempat_tanggal_lahir"))
        else:
            result.values["tempat_lahir"], result.values["tanggal_lahir"] = birth

    _cross_check(nip, result)
    return result


def _required(name):
    return ValidationError(f"{FIELD_LABELS[name]} wajib diisi.", code="required")


def _cross_check(nip, result):
    values = result.values
    checks = [
        ("tempat_tanggal_lahir", "tanggal_lahir", lambda: check_birth_date_matches_nip(nip, values["tanggal_lahir"])),
        ("jenis_kelamin", "jenis_kelamin", lambda: check_gender_matches_nip(nip, values["jenis_kelamin"])),
    ]
    if "golongan" in values:
        checks.append(
            ("pangkat", "pangkat", lambda: check_pangkat_matches_golongan(values["pangkat"], values["golongan"]))
        )
    for name, value_key, check in checks:
        if value_key not in values:
            continue
        try:
            check()
        except ValidationError as error:
            result.add_error(name, error)
            values.pop(value_key)
            if name == "tempat_tanggal_lahir":
                values.pop("tempat_lahir", None)
