"""Official e-mail and personal mobile number."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# Kedinasan addresses (MenPAN-RB circular 06/2013) and state universities.
DEFAULT_OFFICIAL_EMAIL_SUFFIXES = (".go.id", ".ac.id", ".mil.id")

_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
_validate_email = EmailValidator()


def normalize_email(raw, *, allowed_suffixes=DEFAULT_OFFICIAL_EMAIL_SUFFIXES):
    email = str(raw or "").strip().lower()
    try:
        _validate_email(email)
    except ValidationError:
        raise ValidationError(
            f"Alamat email “{str(raw).strip()}” tidak valid. Contoh: nama@kemenkeu.go.id.",
            code="email_invalid",
        ) from None
    domain = email.rsplit("@", 1)[1]
    suffixes = [s if s.startswith(".") else f".{s}" for s in allowed_suffixes]
    if not any(domain.endswith(suffix.lower()) for suffix in suffixes):
        raise ValidationError(
            f"Gunakan email kedinasan: domain harus berakhiran {', '.join(suffixes)} "
            f"(bukan {domain}). Contoh: nama@kemenkeu.go.id.",
            code="email_not_official",
        )
    return email


def normalize_no_telp(raw):
    text = str(raw or "").strip()
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"Nomor HP “{text}” tidak valid. Contoh: 0812-3456-7890 atau +62 812-3456-7890.",
            code="phone_invalid",
        )
    if number.country_code != 62:
        raise ValidationError(
            "Gunakan nomor HP Indonesia (diawali 08 atau +62 8).", code="phone_not_indonesian"
        )
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(
            "Nomor ini bukan nomor HP (tampaknya telepon kantor/rumah). "
            "Isi nomor HP pribadi, diawali 08.",
            code="phone_not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_no_telp(e164):
    """+6281234567890 → 0812-3456-7890, as participants write it."""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
