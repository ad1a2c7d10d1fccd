import hmac
import secrets

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.utils import timezone

from profiles.rules.nip import normalize_nip


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


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind N reverse proxies (TRUSTED_PROXY_COUNT,
    stored as AXES_IPWARE_PROXY_COUNT) the entry of X-Forwarded-For the outermost one wrote.

    Each proxy appends the address it received the request from, so the last N entries are
    ours and everything left of them is whatever the client sent: the left-most entry is
    never trusted. (django-ipware 8's proxy_count expects an exact number of entries and
    answers None, or the left-most entry, otherwise.)
    """
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not entries:
        return remote
    return entries[-count] if len(entries) >= count else entries[0]


def address_failures(ip_address, now=None):
    """Failed sign-ins from one address across all usernames within the cool-off time."""
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class SignInGuardBackend(AxesStandaloneBackend):
    """django-axes' lock (per NIP and address), plus a limit per address across NIPs.

    Axes locks a username tried from one address; someone trying many NIPs (published
    on rosters) a few times each never reaches it. The address limit is higher than the
    per-NIP one, so a classroom behind one NAT address is not locked by a few typos.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
        if address_failures(ip_address) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("too many failed sign-ins from this address")


ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
ACCESS_CODE_LENGTH = 8


def normalize_access_code(code):
    return "".join(str(code or "").split()).upper().replace("-", "")


def new_access_code():
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def clean_access_code(raw):
    """A code from a roster cell, or "" when the cell is blank or unusable."""
    code = normalize_access_code(raw)
    return code if code.isascii() and code.isalnum() and 4 <= len(code) <= 16 else ""


class FirstSignInBackend(ModelBackend):
    """The first sign-in, while the account has no usable password.

    Password == NIP, as in the guide; or, for a batch that asks for it
    (Batch.requires_access_code), the access code the training centre handed out, so that
    a published NIP alone does not claim an account. The roster import creates thousands
    of accounts without hashing a password for each (PBKDF2 costs ~0.5 s). Once the
    participant has chosen a password, this backend stops answering and ModelBackend
    takes over.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = normalize_username(username)
        if not username or password is None:
            return None
        try:
            user = get_user_model()._default_manager.select_related("participant__batch").get(username=username)
        except get_user_model().DoesNotExist:
            return None
        if user.has_usable_password() or not hasattr(user, "participant"):
            return None
        participant = user.participant
        if participant.batch.requires_access_code:
            expected = normalize_access_code(participant.kode_akses)
            if not expected or not hmac.compare_digest(normalize_access_code(password), expected):
                return None
        elif normalize_nip(password) != username:
            return None
        return user if self.user_can_authenticate(user) else None
