"""Values a background job carries that the task table must not show: sealed.

The task table keeps every job's arguments after it ran, and the admin lists them. A NIP
is personal data (UU PDP), and Participant's primary key is the NIP, so a job that works
on participants or on a typed NIP carries them sealed: JSON encrypted and authenticated
(Fernet) with a key derived from SECRET_KEY, readable by any worker of the deployment.
A value sealed under another key (SECRET_KEY changed since it was queued) or altered
unseals to None; the job then does nothing and says so in the log.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac


def _fernet():
    key = salted_hmac("profiles.services.sealed", "job arguments", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value):
    """`value` (anything JSON can hold) as an opaque ASCII token."""
    return _fernet().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode("ascii")


def unseal(token, kind=object):
    """The value sealed in `token`, or None when it was sealed under another key, altered,
    or is not of `kind` (a job queued by code that passed something else)."""
    try:
        value = json.loads(_fernet().decrypt(str(token).encode("ascii")))
    except (InvalidToken, UnicodeError, ValueError):
        return None
    return value if isinstance(value, kind) else None
