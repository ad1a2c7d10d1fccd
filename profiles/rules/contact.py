"""Official e-mail and personal mobile number."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# Kedinasan addresses (MenPAN-RB circular 06/2013), state universities and the military.
DEFAULT_OFFICIAL_EMAIL_SUFFIXES = (".go.id", ".ac.id", ".mil.id")

# In the ID metadata mobile numbers are 08[1-35-9]...; FIXED_LINE_OR_MOBILE is kept in case
# a future metadata release cannot tell them apart for some range.
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)
PHONE_EXAMPLE = "Contoh: 0812-3456-7890 atau +62 812-3456-7890."
_validate_email = EmailValidator()


def _text(raw):
    return str(raw if raw is not None else "").strip()


def normalize_email(raw, *, allowed_suffixes=DEFAULT_OFFICIAL_EMAIL_SUFFIXES):
    email = _text(raw).lower()
    try:
        _validate_email(email)
    except ValidationError:
        raise ValidationError(
            f"Alamat email “{_text(raw)}” tidak valid. Tulis satu alamat lengkap tanpa spasi, "
            "contoh: nama@kemenkeu.go.id.",
            code="email_invalid",
        ) from None
    domain = email.rsplit("@", 1)[1]
    # The leading dot keeps the match on a label boundary: evilgo.id is not go.id.
    suffixes = [s.lower() if s.startswith(".") else f".{s.lower()}" for s in allowed_suffixes]
    if not any(domain.endswith(suffix) for suffix in suffixes):
        raise ValidationError(
            f"Gunakan email kedinasan: domain harus berakhiran {', '.join(suffixes)}, "
            f"bukan {domain}. Contoh: nama@kemenkeu.go.id atau nama@mail.go.id.",
            code="email_not_official",
        )
    return email


# 0812-3456-7890, +62 812 3456 7890: what phonenumbers.parse would read as +62 and the
# digits after the prefix, without its general parser (a roster checks 100,000 of them).
_PLAIN_MOBILE = re.compile(r"(?:\+62|0)(8\d{7,12})")


def _plain_mobile(text):
    """E.164 for a plainly written Indonesian number, or None to take the general path.

    Valid and mobile as phonenumbers decides: is_valid_number for a +62 number is its
    number type not being UNKNOWN, so one number_type call answers both.
    """
    match = _PLAIN_MOBILE.fullmatch(text.replace("-", "").replace(" ", ""))
    if match is None:
        return None
    kind = phonenumbers.number_type(phonenumbers.PhoneNumber(country_code=62, national_number=int(match[1])))
    if kind not in _MOBILE_TYPES:
        return None  # the general path gives the message
    return "+62" + match[1]


def normalize_no_telp(raw):
    """Any way an Indonesian mobile number is written → E.164 (+6281234567890)."""
    # A spreadsheet cell may hold 081234567890 as the number 81234567890: still readable.
    text = _text(raw)
    fast = _plain_mobile(text)
    if fast is not None:
        return fast
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    # Letters or an "extension" mean a typo or two numbers in one field.
    if number is None or number.extension or re.search(r"[^\W\d_]", text):
        raise ValidationError(
            f"Nomor HP “{text}” tidak terbaca. Tulis satu nomor HP saja, hanya angka. "
            f"{PHONE_EXAMPLE}",
            code="phone_invalid",
        )
    if number.country_code != 62:
        raise ValidationError(
            f"Nomor “{text}” bukan nomor Indonesia. Isi nomor HP Indonesia yang diawali 08 "
            f"atau +62 8. {PHONE_EXAMPLE}",
            code="phone_not_indonesian",
        )
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"Nomor HP “{text}” tidak valid: jumlah angka atau awalannya keliru. {PHONE_EXAMPLE}",
            code="phone_invalid",
        )
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(
            f"Nomor “{text}” bukan nomor HP (tampaknya telepon kantor atau rumah). "
            f"Isi nomor HP pribadi yang diawali 08. {PHONE_EXAMPLE}",
            code="phone_not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_STORED_MOBILE = re.compile(r"\+62(8\d{7,12})")
# For an Indonesian number phonenumbers picks the grouping by its first digits (at most
# three in the metadata) and its length: learnt once per (first four digits, length) from
# phonenumbers itself, then applied by slicing (the export formats 100,000 of them).
_GROUPINGS = {}


def _grouping(national):
    key = (national[:4], len(national))
    grouping = _GROUPINGS.get(key)
    if grouping is None:
        shown = phonenumbers.format_number(phonenumbers.PhoneNumber(country_code=62, national_number=int(national)),
                                           phonenumbers.PhoneNumberFormat.NATIONAL)
        grouping = _GROUPINGS[key] = _as_grouping(shown, national)
    return grouping


def _as_grouping(shown, national):
    """(prefix, [(start, end, separator after)]) when `shown` is `national` with a prefix and separators."""
    digits_at = [i for i, ch in enumerate(shown) if ch.isdigit()]
    prefix_len = len(digits_at) - len(national)
    if prefix_len < 0 or "".join(shown[i] for i in digits_at[prefix_len:]) != national:
        return None
    prefix = shown[:digits_at[prefix_len]]
    pieces, start = [], prefix_len
    for index in range(prefix_len, len(digits_at)):
        last = index == len(digits_at) - 1
        if last or digits_at[index + 1] != digits_at[index] + 1:
            end = digits_at[index] + 1
            separator = "" if last else shown[end:digits_at[index + 1]]
            pieces.append((start - prefix_len, index + 1 - prefix_len, separator))
            start = index + 1
    return prefix, pieces


def format_no_telp(e164):
    """+6281234567890 → 0812-3456-7890, as participants write it."""
    if not e164:
        return ""
    match = _STORED_MOBILE.fullmatch(e164)
    if match:
        national = match[1]
        grouping = _grouping(national)
        if grouping is not None:
            prefix, pieces = grouping
            return prefix + "".join(national[start:end] + separator for start, end, separator in pieces)
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
