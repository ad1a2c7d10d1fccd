"""gunicorn's access log without NIPs.

Admin URLs carry the participant's key, which is the NIP (birth date and gender in
18 digits): /admin/profiles/participant/199301212020122004/change/. gunicorn's
access_log_format cannot rewrite a value, so this logger masks every NIP-shaped run of
digits in the logged values (path, request line, query, referrer, any header).
"""

import re

from gunicorn.glogging import Logger

MASK = "[NIP]"
# 18 digits not part of a longer number, also written with (encoded) spaces
# as NIPs often are: 19900101 201903 1 001.
_SEP = r"(?:%20|\+| )?"
NIP_RUN = re.compile(rf"(?<!\d)\d{{8}}{_SEP}\d{{6}}{_SEP}\d{_SEP}\d{{3}}(?!\d)")


def mask_nips(value):
    return NIP_RUN.sub(MASK, value) if isinstance(value, str) else value


class NipMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        return {key: mask_nips(value) for key, value in super().atoms(resp, req, environ, request_time).items()}


class NipMaskingFilter:
    """The same masking for the application's own log records (Django logs the path of a
    404 or 500, and admin paths carry the NIP)."""

    def filter(self, record):
        record.msg = mask_nips(str(record.msg)) if record.msg is not None else record.msg
        if isinstance(record.args, tuple):
            record.args = tuple(mask_nips(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: mask_nips(value) for key, value in record.args.items()}
        return True
