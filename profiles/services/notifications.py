"""E-mail to participants from staff: the revision request and the reminders.

Both go through profiles.services.mail.queue_mail (recorded in MailLog, sent by a task) to the
official address on record. Reminders are idempotent within a day: the MailLog
dedupe key names the participant and the local date, so a second run the same day
sends nothing new; a send that failed may be tried again.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from profiles.services import review
from profiles.rules.deadlines import describe_deadline
from profiles.services.mail import queue_mail
from profiles.models import MailLog, Participant, Status


def profile_url():
    return settings.SITE_URL + reverse("profile")


def send_revision_request(participant, *, by, send_now=False):
    """The note, the link to My profile and the date editing is reopened to; None without an e-mail."""
    if not participant.email:
        return None
    reopened = participant.reopened_until or participant.batch.deadline
    return queue_mail(
        kind="revision_request",
        to=participant.email,
        context={
            "batch": participant.batch,
            "note": participant.revision_note,
            "profile_url": profile_url(),
            "reopened_until": describe_deadline(reopened),
        },
        participant=participant,
        by=by,
        send_now=send_now,
    )


def max_per_run():
    return getattr(settings, "REMINDER_MAX_PER_RUN", 200)


def pause_seconds():
    # Between two in-process sends, so a cohort of 500 does not hit the mail server at once.
    return getattr(settings, "REMINDER_PAUSE_SECONDS", 0.2)


def reminder_key(participant, now):
    return f"reminder:{participant.pk}:{timezone.localdate(now).isoformat()}"


def unfinished_q():
    """Not confirmed and not verified: the participant still has something to do."""
    return Q(confirmed_at__isnull=True) & ~Q(status=Status.TERVERIFIKASI)


@dataclass
class ReminderRun:
    dry_run: bool
    to_send: int = 0
    already_today: int = 0
    without_email: int = 0
    over_limit: int = 0
    sent: int = 0
    queued: int = 0
    failed: int = 0
    nips_failed: list = field(default_factory=list)


def send_reminders(batch, *, by=None, dry_run=False, now=None, send_now=False, queryset=None,
                   limit=None, pause=None):
    """One reminder today to every unfinished participant of `batch` with an e-mail.

    `queryset` narrows the participants (the admin action's selection). With `send_now`
    the mail is delivered in this process (the command is itself the background job);
    otherwise it is queued. At most `limit` (REMINDER_MAX_PER_RUN) a run.
    """
    now = now or timezone.now()
    limit = max_per_run() if limit is None else limit
    pause = pause_seconds() if pause is None else pause
    participants = (queryset if queryset is not None else Participant.objects.all()).filter(
        unfinished_q(), batch=batch
    )
    participants = participants.select_related("batch").order_by("nama", "nip")
    run = ReminderRun(dry_run=dry_run)
    sent_keys = set(
        MailLog.objects.filter(dedupe_key__startswith="reminder:", dedupe_key__endswith=f":{timezone.localdate(now)}")
        .exclude(outcome=MailLog.Outcome.FAILED)
        .values_list("dedupe_key", flat=True)
    )
    first = True
    for participant in participants.iterator(chunk_size=500):
        if not participant.email:
            run.without_email += 1
            continue
        key = reminder_key(participant, now)
        if key in sent_keys:
            run.already_today += 1
            continue
        if run.to_send >= limit:
            run.over_limit += 1
            continue
        run.to_send += 1
        if dry_run:
            continue
        if not first and send_now and pause:
            time.sleep(pause)
        first = False
        log = _send_reminder(participant, by=by, key=key, send_now=send_now)
        if log is None:
            run.already_today += 1
            run.to_send -= 1
        elif log.outcome == MailLog.Outcome.SENT:
            run.sent += 1
        elif log.outcome == MailLog.Outcome.FAILED:
            run.failed += 1
        else:
            run.queued += 1
    return run


def _send_reminder(participant, *, by, key, send_now):
    # A failed reminder gives its key up, so today's next run tries again.
    MailLog.objects.filter(dedupe_key=key, outcome=MailLog.Outcome.FAILED).update(dedupe_key=None)
    return queue_mail(
        kind="reminder",
        to=participant.email,
        context={
            "batch": participant.batch,
            "missing": review.missing_items(participant),
            "revision": participant.status == Status.PERLU_REVISI,
            "note": participant.revision_note,
            "deadline": describe_deadline(_editing_deadline(participant)),
            "profile_url": profile_url(),
        },
        participant=participant,
        by=by,
        dedupe_key=key,
        send_now=send_now,
    )


def _editing_deadline(participant):
    reopened = participant.reopened_until
    return reopened if reopened and reopened > participant.batch.deadline else participant.batch.deadline
