from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from profiles.nip import normalize_nip


def normalize_username(username):
    """A NIP typed with spaces (`19900101 201903 1 001`) is the same username."""
    if username is None:
        return None
    compact = normalize_nip(username)
    return compact if compact.isdigit() else username.strip()


def axes_username(request, credentials):
    # django-axes counts failures per username: count the NIP the same way
    # whether it was typed with spaces or not.
    return normalize_username((credentials or {}).get("username"))


class FirstSignInBackend(ModelBackend):
    """Accepts password == NIP only while the account has no usable password.

    The roster import creates thousands of accounts without hashing a password
    for each (PBKDF2 costs ~0.5 s). Once the participant has chosen a password,
    the NIP stops working and ModelBackend takes over.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = normalize_username(username)
        if not username or password is None:
            return None
        if normalize_nip(password) != username:
            return None
        try:
            user = get_user_model()._default_manager.get(username=username)
        except get_user_model().DoesNotExist:
            return None
        if user.has_usable_password() or not hasattr(user, "participant"):
            return None
        return user if self.user_can_authenticate(user) else None
