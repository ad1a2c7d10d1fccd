"""Password rules beyond Django's own, configured in AUTH_PASSWORD_VALIDATORS.

Being settings, they apply to every form that sets a password and to
`manage.py changepassword` and `createsuperuser` alike.
"""

from django.core.exceptions import ValidationError

from profiles.rules.nip import normalize_nip


class NotNipValidator:
    """The NIP was the first-sign-in password and is printed on rosters: never a chosen one.

    Refused with or without spaces (`19900101 201903 1 001`): the participant's own NIP, and
    any 18-digit username (a staff account named by a NIP).
    """

    message = "Kata sandi tidak boleh sama dengan NIP (dengan atau tanpa spasi). Pilih kata sandi lain."
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
        return "Kata sandi tidak boleh sama dengan NIP Anda."
