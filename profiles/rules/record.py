"""One participant record checked field by field and across fields.

The Update Profil form, the admin form and the roster import all call
clean_record, so each rule is written once.
"""

from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError

from profiles.rules.birth import normalize_place, parse_birth_date, split_birth_field
from profiles.rules.choices import normalize_agama, normalize_jenis_kelamin
from profiles.rules.contact import DEFAULT_OFFICIAL_EMAIL_SUFFIXES, normalize_email, normalize_no_telp
from profiles.rules.fields import BIRTH, BY_NAME, LABELS, PLACE_MAX_LENGTH
from profiles.rules.names import normalize_nama
from profiles.rules.nip import check_birth_date_matches_nip, check_gender_matches_nip
from profiles.rules.ranks import (
    check_pangkat_matches_golongan,
    normalize_golongan,
    normalize_pangkat,
    pangkat_for_golongan,
)
from profiles.rules.text import normalize_text

def _max_length(name):
    return PLACE_MAX_LENGTH if name == "tempat_lahir" else BY_NAME[name].max_length


@dataclass
class RecordResult:
    values: dict = field(default_factory=dict)  # model field name → canonical value
    errors: dict = field(default_factory=dict)  # input field name → [ValidationError]

    @property
    def ok(self):
        return not self.errors

    def add_error(self, name, error):
        self.errors.setdefault(name, []).append(error)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _required(label):
    return ValidationError(f"{label} wajib diisi.", code="required")


def _limit(value, max_length):
    if len(value) > max_length:
        raise ValidationError(
            f"Terlalu panjang: {len(value)} karakter, paling banyak {max_length} karakter.",
            code="text_too_long",
        )
    return value


def _rules(email_suffixes):
    def text(name):
        return lambda raw: normalize_text(raw, max_length=_max_length(name))

    return {
        "nama": lambda raw: _limit(normalize_nama(raw), _max_length("nama")),
        "jenis_kelamin": normalize_jenis_kelamin,
        "agama": normalize_agama,
        "jabatan": text("jabatan"),
        "golongan": normalize_golongan,
        "pangkat": normalize_pangkat,
        "email": lambda raw: _limit(
            normalize_email(raw, allowed_suffixes=email_suffixes), _max_length("email")
        ),
        "asal_instansi": text("asal_instansi"),
        "alamat_instansi": text("alamat_instansi"),
        "no_telp": normalize_no_telp,
    }


def _birth_parts(raw, result, *, lenient):
    """The raw place and date, from `tempat_tanggal_lahir` or from two roster columns.

    Returns None when nothing usable was given (the error is already recorded). A blank
    column of the two is `required` (an admin may leave it for the participant) and None.
    """
    if not _blank(raw.get(BIRTH)):
        try:
            return split_birth_field(raw[BIRTH], lenient=lenient)
        except ValidationError as error:
            result.add_error(BIRTH, error)
            return None
    place, tanggal = raw.get("tempat_lahir"), raw.get("tanggal_lahir")
    if _blank(place) and _blank(tanggal):
        result.add_error(BIRTH, _required(LABELS[BIRTH]))
        return None
    if _blank(place):
        result.add_error(BIRTH, _required("Tempat lahir"))
        place = None
    if _blank(tanggal):
        result.add_error(BIRTH, _required("Tanggal lahir"))
        tanggal = None
    return place, tanggal


def _clean_birth(raw, result, *, today, lenient, min_age, max_age, memo=None):
    parts = _birth_parts(raw, result, lenient=lenient)
    if parts is None:
        return
    place, tanggal = parts
    rules = _with_memo({
        "tempat_lahir": lambda v: _limit(normalize_place(v), _max_length("tempat_lahir")),
        "tanggal_lahir": lambda v: parse_birth_date(v, today=today, lenient=lenient, min_age=min_age,
                                                    max_age=max_age),
    }, memo)
    for name, value in (("tempat_lahir", place), ("tanggal_lahir", tanggal)):
        rule = rules[name]
        if value is None:
            continue  # a blank column, reported above
        try:
            result.values[name] = rule(value)
        except ValidationError as error:
            result.add_error(BIRTH, error)


def _cross_check(nip, result):
    values = result.values

    def run(name, value_key, check, *args):
        try:
            check(*args)
        except ValidationError as error:
            result.add_error(name, error)
            del values[value_key]  # only values that passed every rule are returned

    if "tanggal_lahir" in values:
        run(BIRTH, "tanggal_lahir", check_birth_date_matches_nip, nip, values["tanggal_lahir"])
    if "jenis_kelamin" in values:
        run("jenis_kelamin", "jenis_kelamin", check_gender_matches_nip, nip, values["jenis_kelamin"])
    if "pangkat" in values and "golongan" in values:
        run("pangkat", "pangkat", check_pangkat_matches_golongan, values["pangkat"],
            values["golongan"])


# Fields whose values repeat down a roster (the same rank, office or religion on many
# rows): with a memo, each distinct value is checked once.
_REPEATING = frozenset({"jenis_kelamin", "agama", "jabatan", "golongan", "pangkat", "asal_instansi",
                        "alamat_instansi", "tempat_lahir", "tanggal_lahir"})


def _remembered(memo, name, rule, raw):
    key = (name, raw)
    outcome = memo.get(key)
    if outcome is None:
        try:
            outcome = memo[key] = (True, rule(raw))
        except ValidationError as error:
            outcome = memo[key] = (False, error)
    ok, value = outcome
    if ok:
        return value
    # A fresh error each time: a raised instance collects the traceback of every raise.
    raise ValidationError(value.message, code=value.code, params=value.params)


def _with_memo(rules, memo):
    if memo is None:
        return rules
    return {name: partial(_remembered, memo, name, rule) if name in _REPEATING else rule
            for name, rule in rules.items()}


def clean_record(nip, raw, *, today, lenient=False,
                 email_suffixes=DEFAULT_OFFICIAL_EMAIL_SUFFIXES, min_age=18, max_age=60, memo=None):
    """Field rules, then the cross-checks against the NIP and the golongan.

    `values` holds model field names (tempat_lahir, tanggal_lahir); `errors` input field
    names, with every birth error under `tempat_tanggal_lahir`, even from two columns.
    `memo` (a dict kept across the rows of one import, same `today`) remembers the
    outcome of the rules of repeating fields.
    """
    result = RecordResult()
    for name, rule in _with_memo(_rules(email_suffixes), memo).items():
        value = raw.get(name)
        if _blank(value):
            if name == "pangkat" and "golongan" in result.values:
                # The pangkat follows from the golongan: the form fills it in.
                result.values["pangkat"] = pangkat_for_golongan(result.values["golongan"])
            else:
                result.add_error(name, _required(LABELS[name]))
            continue
        try:
            result.values[name] = rule(value)
        except ValidationError as error:
            result.add_error(name, error)
    _clean_birth(raw, result, today=today, lenient=lenient, min_age=min_age, max_age=max_age, memo=memo)
    _cross_check(nip, result)
    return result
