"""E-mail to participants from staff: the revision request and the reminders.

Both go through profiles.services.mail.queue_mail (recorded in MailLog, sent by a task) to the
official address on record. Reminders go only where they help: not to a participant whose
editing has closed (they could do nothing), nor to a verified or confirmed record, nor to
anyone who got any mail from the portal in the last 24 hours (a revision request
included). The MailLog dedupe key (participant and local date) keeps two runs racing
from both sending; a send that failed may be tried again.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from profiles.services import review
from profiles.rules.deadlines import describe_deadline
from profiles.services.mail import queue_mail
from profiles.models import Batch, MailLog, Participant, Status

# A participant mailed within this window is not reminded (any kind of mail).
QUIET = timedelta(hours=24)


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
    # Skipped, by reason.
    closed: int = 0  # editing has closed for them (deadline passed, no reopening)
    verified: int = 0
    confirmed: int = 0
    recently_mailed: int = 0  # any mail from the portal in the last 24 hours
    without_email: int = 0
    over_limit: int = 0
    sent: int = 0
    queued: int = 0
    failed: int = 0
    nips_failed: list = field(default_factory=list)

    @property
    def already_today(self):
        return self.recently_mailed

    def add(self, other):
        for name in ("to_send", "closed", "verified", "confirmed", "recently_mailed", "without_email",
                     "over_limit", "sent", "queued", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def skipped(self):
        """(count, why) for each reason a participant was not reminded, in Indonesian."""
        reasons = [
            (self.closed, "batas waktu sudah lewat (pengisian ditutup)"),
            (self.verified, "sudah diverifikasi"),
            (self.confirmed, "sudah konfirmasi"),
            (self.recently_mailed, "sudah menerima email dalam 24 jam terakhir"),
            (self.without_email, "tanpa email"),
            (self.over_limit, "melebihi batas sekali kirim (jalankan lagi nanti)"),
        ]
        return [(count, why) for count, why in reasons if count]


def send_reminders(batch, *, by=None, dry_run=False, now=None, send_now=False, queryset=None,
                   limit=None, pause=None):
    """One reminder to every participant of `batch` who still has something to do and can do it.

    Skipped, and counted by reason: editing closed, verified, confirmed, mailed in the last
    24 hours, no e-mail, over the limit. `queryset` narrows the participants (the admin
    action's selection). With `send_now` the mail is delivered in this process (the command
    is itself the background job); otherwise it is queued. At most `limit`
    (REMINDER_MAX_PER_RUN) a run.
    """
    now = now or timezone.now()
    limit = max_per_run() if limit is None else limit
    pause = pause_seconds() if pause is None else pause
    everyone = (queryset if queryset is not None else Participant.objects.all()).filter(batch=batch)
    editable = Participant.objects.editable_q(now)
    run = ReminderRun(dry_run=dry_run)
    run.closed = everyone.exclude(editable).count()
    still_open = everyone.filter(editable)
    run.verified = still_open.filter(status=Status.TERVERIFIKASI).count()
    run.confirmed = still_open.exclude(status=Status.TERVERIFIKASI).filter(confirmed_at__isnull=False).count()
    recent_mail = MailLog.objects.filter(participant=OuterRef("pk"), created_at__gt=now - QUIET).exclude(
        outcome=MailLog.Outcome.FAILED
    )
    participants = (
        still_open.filter(unfinished_q())
        .annotate(mailed_recently=Exists(recent_mail))
        .select_related("batch")
        .order_by("nama", "nip")
    )
    first = True
    for participant in participants.iterator(chunk_size=500):
        if participant.mailed_recently:
            run.recently_mailed += 1
            continue
        if not participant.email:
            run.without_email += 1
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
        log = _send_reminder(participant, by=by, key=reminder_key(participant, now), send_now=send_now)
        if log is None:
            run.recently_mailed += 1
            run.to_send -= 1
        elif log.outcome == MailLog.Outcome.SENT:
            run.sent += 1
        elif log.outcome == MailLog.Outcome.FAILED:
            run.failed += 1
        else:
            run.queued += 1
    return run


def remind_selection(queryset, *, by):
    """The admin action: reminders for a selection across batches, one cap for the whole run.

    The worker sends queued mail one at a time, so the queue needs no pause of its own;
    what protects the mail server is the cap, and it holds for the whole selection.
    """
    total = ReminderRun(dry_run=False)
    remaining = max_per_run()
    for batch in Batch.objects.filter(pk__in=queryset.values("batch")).order_by("pk"):
        run = send_reminders(batch, by=by, queryset=queryset, limit=remaining)
        remaining -= run.to_send
        total.add(run)
    return total


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


MAIL_KINDS = {"reminder": "Pengingat", "revision_request": "Permintaan revisi", "password_reset": "Atur ulang kata sandi"}


def mail_rows(participant, limit=20):
    """The last mails to a participant, in words: (when, kind, to, outcome)."""
    rows = []
    for log in MailLog.objects.filter(participant=participant).order_by("-created_at")[:limit]:
        when = timezone.localtime(log.sent_at or log.created_at).strftime("%d-%m-%Y %H.%M WIB")
        outcome = log.get_outcome_display() + (f" ({log.error[:80]})" if log.error else "")
        rows.append((when, MAIL_KINDS.get(log.kind, log.kind), log.to, outcome))
    return rows
