"""Lupa kata sandi?: a reset link to the official e-mail on record, by NIP.

Django's password-reset views do the token work; this module decides who gets a mail.
The answer page is the same whether or not the NIP exists, has a password, or was
rate-limited. Limits (counted in the database, PasswordResetRequest rows, so they hold
across processes): at most RESET_PER_NIP requests per NIP and RESET_PER_ADDRESS per
client address within an hour. Accounts still on their first sign-in (no usable
password) get no mail: their password is the NIP, and the page says so.

The request does the same work whatever the NIP: it counts the request and puts one job
on the task queue (send_reset_task). Looking the NIP up, making the token and queueing
the mail happen in the worker, so the answer time tells nothing about accounts. The job
carries the typed NIP sealed (services/sealed.py), so the task table, which keeps finished
jobs, holds no NIP, not even one of a stranger typed by mistake.
"""

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from profiles.backends import normalize_username
from profiles.services import sealed
from profiles.services.mail import queue_mail
from profiles.models import Participant, PasswordResetRequest

logger = logging.getLogger(__name__)

RESET_PER_NIP = 3
RESET_PER_ADDRESS = 20
WINDOW = timedelta(hours=1)


def nip_hash(nip):
    return salted_hmac("profiles.services.password_reset", nip).hexdigest()


def client_address(request):
    # The address django-axes resolved (ipware, configured proxy count), else the socket's.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "") or ""


def allowed(nip, address, now):
    """Record the request; False when this NIP or this address asked too often."""
    since = now - WINDOW
    key = nip_hash(nip)
    by_nip = PasswordResetRequest.objects.filter(nip_hash=key, created_at__gte=since).count()
    by_address = PasswordResetRequest.objects.filter(ip_address=address, created_at__gte=since).count()
    PasswordResetRequest.objects.create(nip_hash=key, ip_address=address[:45], created_at=now)
    # Old rows count for nothing; drop them here instead of in a separate job.
    PasswordResetRequest.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return by_nip < RESET_PER_NIP and by_address < RESET_PER_ADDRESS


def reset_link(user):
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


def request_reset(nip, *, address, now=None):
    """Count the request and, within the limits, queue the job that may send a link.

    The same work for every NIP, known or not; the visitor learns nothing from it.
    """
    now = now or timezone.now()
    if not allowed(nip, address, now):
        logger.info("password reset refused by the rate limit")
        return
    send_reset_task.enqueue(sealed.seal(nip))


@task()
def send_reset_task(sealed_nip):
    nip = sealed.unseal(sealed_nip, str)
    if nip is None:
        # SECRET_KEY changed since it was queued (or the row was edited): the visitor asks again.
        logger.warning("password reset job unreadable; dropped")
        return
    send_reset(nip)


def send_reset(nip):
    """Send the link when the NIP names a participant with a password and an e-mail.

    Returns the MailLog or None. Runs in the worker (send_reset_task).
    """
    participant = (
        Participant.objects.select_related("user", "batch").filter(nip=nip, user__is_active=True).first()
    )
    if participant is None or not participant.user.has_usable_password() or not participant.email:
        return None
    return queue_mail(
        kind="password_reset",
        to=participant.email,
        participant=participant,
        context={"batch": participant.batch, "reset_link": reset_link(participant.user),
                 "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        # Already in the worker: deliver here rather than queue a second job.
        send_now=True,
    )


class NipPasswordResetForm(forms.Form):
    nip = forms.CharField(
        label="NIP",
        max_length=40,
        help_text="18 angka; boleh dengan spasi, contoh 19900101 201903 1 001.",
        error_messages={"required": "Tulis NIP Anda."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )

    def clean_nip(self):
        return normalize_username(self.cleaned_data["nip"])

    def save(self, request=None, **kwargs):
        # Django's PasswordResetView calls save(); the mail goes through queue_mail (logged).
        request_reset(self.cleaned_data["nip"], address=client_address(request) if request else "")


class NewPasswordForm(SetPasswordForm):
    """The reset-confirm page, in Indonesian; the password validators come from settings."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Kata sandi baru"
        self.fields["new_password2"].label = "Ulangi kata sandi baru"
