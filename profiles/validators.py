"""Password rules beyond Django's own, configured in AUTH_PASSWORD_VALIDATORS.

Being settings, they apply to every form that sets a password and to
`manage.py changepassword` and `createsuperuser` alike.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from profiles.rules.nip import normalize_nip


class NotNipValidator:
    """The NIP was the first-sign-in password and is printed on rosters: never a chosen one.

    Refused with or without spaces (`19900101 201903 1 001`): the participant's own NIP, and
    any 18-digit username (a staff account named by a NIP).
    """

    message = "Kata sandi Anda tidak boleh sama dengan NIP (dengan atau tanpa spasi). Pilih kata sandi lain."
    code = "password_is_nip"

    def validate(self, password, user=None):
        if user is None or not password:
            return
        compact = normalize_nip(password)
        if not (len(compact) == 18 and compact.isdigit()):
            return
        participant = getattr(user, "participant", None) if user.pk else None
        nips = {user.get_username(), getattr(participant, "nip", None)}
        if compact in nips:
            raise ValidationError(self.message, code=self.code)

    def get_help_text(self):
        return "Kata sandi Anda tidak boleh sama dengan NIP Anda."


# Django's own rules, in one wording ("Kata sandi Anda"): its Indonesian catalogue says
# "Sandi anda", which the page showed beside ours.


def _reworded(validate, error):
    try:
        validate()
    except ValidationError as raised:
        raise ValidationError(error, code=raised.error_list[0].code) from None


class SimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        _reworded(lambda: super(SimilarityValidator, self).validate(password, user),
                  "Kata sandi Anda terlalu mirip dengan data akun Anda (NIP, nama, atau email).")

    def get_help_text(self):
        return "Kata sandi Anda tidak boleh terlalu mirip dengan data akun Anda."


class LengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        _reworded(lambda: super(LengthValidator, self).validate(password, user),
                  f"Kata sandi Anda terlalu pendek: paling sedikit {self.min_length} karakter.")

    def get_help_text(self):
        return f"Kata sandi Anda paling sedikit {self.min_length} karakter."


class CommonValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        _reworded(lambda: super(CommonValidator, self).validate(password, user),
                  "Kata sandi Anda terlalu umum dan mudah ditebak. Pilih kata sandi lain.")

    def get_help_text(self):
        return "Kata sandi Anda tidak boleh kata sandi yang umum dipakai."


class NotNumericValidator(password_validation.NumericPasswordValidator):
    def validate(self, password, user=None):
        _reworded(lambda: super(NotNumericValidator, self).validate(password, user),
                  "Kata sandi Anda tidak boleh hanya angka.")

    def get_help_text(self):
        return "Kata sandi Anda tidak boleh hanya angka."
