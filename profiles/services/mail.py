"""E-mail to participants: every message is recorded in MailLog, then sent by a task.

queue_mail() is what views, admin actions and commands call; deliver() runs in the
task worker (or inline, for a command that is itself the background job). The
committee's contact of the participant's batch is added to every message.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from profiles.models import MailLog

logger = logging.getLogger(__name__)


def render(kind, context):
    """(subject, body) from templates/mail/<kind>_subject.txt and <kind>.txt."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"mail/{kind}_subject.txt", context).split())
    body = render_to_string(f"mail/{kind}.txt", context)
    return subject, body


def queue_mail(*, kind, to, context, participant=None, by=None, dedupe_key=None, send_now=False):
    """Record a message and send it from the task queue.

    Returns the MailLog, or None when `dedupe_key` was used before (a reminder already
    sent today). With `send_now` it is delivered in this process instead of queued.
    """
    subject, body = render(kind, {"participant": participant, **context})
    try:
        with transaction.atomic():
            log = MailLog.objects.create(
                kind=kind, participant=participant, to=to, subject=subject, body=body,
                sent_by=by, dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    logger.info("mail %s queued (kind %s)", log.pk, kind)
    if send_now:
        return deliver(log.pk)
    send_mail_task.enqueue(log.pk)
    return log


@task()
def send_mail_task(log_id):
    deliver(log_id)


def deliver(log_id):
    """Send one recorded message once; its outcome is stored, never raised."""
    with transaction.atomic():
        log = MailLog.objects.select_for_update().get(pk=log_id)
        if log.outcome != MailLog.Outcome.QUEUED:
            return log
        try:
            send_mail(log.subject, log.body, settings.DEFAULT_FROM_EMAIL, [log.to])
        except (smtplib.SMTPException, OSError) as error:
            log.outcome = MailLog.Outcome.FAILED
            log.error = f"{type(error).__name__}: {error}"[:1000]
            logger.warning("mail %s failed: %s", log.pk, type(error).__name__)
        else:
            log.outcome = MailLog.Outcome.SENT
            log.sent_at = timezone.now()
            logger.info("mail %s sent", log.pk)
        log.save(update_fields=["outcome", "error", "sent_at"])
    return log
