from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from profiles.services import notifications, review
from profiles.models import MailLog, Participant
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_VALUES
from tests.rosters import give_photo, nip_for
from tests.smtp_sink import smtp_server


@pytest.fixture(autouse=True)
def _no_pause(settings):
    settings.REMINDER_PAUSE_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def cohort(alice, bob, staff, batch):
    """alice confirmed (finished), bob unfinished, carol unfinished without an e-mail, dina verified."""
    give_photo(alice)
    review.confirm(alice, by=alice.user, **review.seen(alice))
    carol = create_participant(nip_for(7, gender=2), batch, {"nama": "Carol", "jenis_kelamin": "Perempuan"})
    dina = create_participant(nip_for(8), batch, {**ALICE_VALUES, "nama": "Dina", "email": "dina@lan.go.id"})
    give_photo(dina)
    review.verify(dina, by=staff, **review.seen(dina))
    return alice, bob, carol, dina


def run_command(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_revision_request_mails_the_note_the_link_and_the_reopened_deadline(alice, staff, settings):
    settings.SITE_URL = "https://latsar.example.go.id"
    flagged = review.request_revision(alice, by=staff, note="Latar foto harus merah.")
    log = notifications.send_revision_request(flagged, by=staff)
    log.refresh_from_db()
    assert log.outcome == MailLog.Outcome.SENT
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "Latar foto harus merah." in message.body
    assert "https://latsar.example.go.id/profil/" in message.body
    assert notifications.describe_deadline(flagged.reopened_until) in message.body


def test_the_revision_mail_carries_the_batch_contact(alice, staff, batch):
    batch.contact_phone = "0812-1111-2222"
    batch.save()
    flagged = review.request_revision(alice, by=staff, note="Nama sesuai SK.")
    notifications.send_revision_request(flagged, by=staff)
    assert "0812-1111-2222" in mail.outbox[0].body


def test_no_revision_mail_without_an_email_address(alice, staff):
    Participant.objects.filter(pk=alice.pk).update(email="")
    alice.refresh_from_db()
    assert notifications.send_revision_request(alice, by=staff) is None
    assert mail.outbox == [] and not MailLog.objects.exists()


def test_reminders_go_to_every_unfinished_participant_with_an_email(cohort):
    alice, bob, carol, dina = cohort
    run = notifications.send_reminders(bob.batch, send_now=True)
    assert (run.sent, run.without_email) == (1, 1)
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_a_reminder_says_what_is_missing_and_the_deadline(cohort):
    alice, bob, carol, dina = cohort
    notifications.send_reminders(bob.batch, send_now=True)
    body = mail.outbox[0].body
    assert "Foto" in body
    assert notifications.describe_deadline(bob.batch.deadline) in body


def test_a_second_run_the_same_day_sends_nothing(cohort):
    alice, bob, carol, dina = cohort
    notifications.send_reminders(bob.batch, send_now=True)
    again = notifications.send_reminders(bob.batch, send_now=True)
    assert (again.sent, again.already_today) == (0, 1)
    assert len(mail.outbox) == 1


def test_the_next_day_reminds_again(cohort):
    alice, bob, carol, dina = cohort
    notifications.send_reminders(bob.batch, send_now=True)
    notifications.send_reminders(bob.batch, send_now=True, now=timezone.now() + timedelta(days=1))
    assert len(mail.outbox) == 2


def test_a_run_stops_at_the_limit(cohort, batch):
    for serial in (20, 21, 22):
        create_participant(nip_for(serial), batch, {"nama": "P", "email": f"p{serial}@lan.go.id"})
    run = notifications.send_reminders(batch, send_now=True, limit=2)
    assert (run.sent, run.over_limit) == (2, 2)
    assert len(mail.outbox) == 2


def test_a_dry_run_counts_without_sending(cohort):
    alice, bob, carol, dina = cohort
    run = notifications.send_reminders(bob.batch, dry_run=True)
    assert (run.to_send, run.without_email, run.sent) == (1, 1, 0)
    assert mail.outbox == [] and not MailLog.objects.exists()


def test_every_reminder_is_logged(cohort, staff):
    alice, bob, carol, dina = cohort
    notifications.send_reminders(bob.batch, by=staff, send_now=True)
    log = MailLog.objects.get()
    assert (log.kind, log.participant_id, log.to, log.outcome, log.sent_by_id) == (
        "reminder", bob.pk, bob.email, MailLog.Outcome.SENT, staff.pk)


def test_a_failed_reminder_is_tried_again_the_same_day(cohort, settings):
    alice, bob, carol, dina = cohort
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    first = notifications.send_reminders(bob.batch, send_now=True)
    assert first.failed == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    second = notifications.send_reminders(bob.batch, send_now=True)
    assert second.sent == 1 and len(mail.outbox) == 1


def test_a_participant_flagged_for_revision_is_reminded_with_the_note(cohort, staff):
    alice, bob, carol, dina = cohort
    review.request_revision(alice, by=staff, note="Pakaian tidak sesuai.")
    notifications.send_reminders(alice.batch, send_now=True)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Pakaian tidak sesuai." in bodies[alice.email]


def test_the_command_delivers_through_a_real_smtp_server(cohort, settings):
    alice, bob, carol, dina = cohort
    with smtp_server(settings) as sink:
        output = run_command("--batch", bob.batch.name)
    assert [rcpt for rcpt, _ in sink.messages] == [[bob.email]]
    assert "terkirim: 1" in output and "tanpa email: 1" in output
    assert "Foto" in sink.messages[0][1].get_payload(decode=True).decode()


def test_the_command_dry_run_prints_the_counts(cohort):
    alice, bob, carol, dina = cohort
    run_command("--batch", bob.batch.name)
    output = run_command("--batch", bob.batch.name, "--dry-run")
    assert "akan dikirim: 0" in output
    assert "sudah menerima email dalam 24 jam terakhir: 1" in output
    assert "tanpa email: 1" in output
    assert len(mail.outbox) == 1


def test_the_command_refuses_an_unknown_batch(db):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run_command("--batch", "Tidak Ada")


def test_the_command_fails_loudly_when_mail_cannot_be_sent(cohort, settings):
    alice, bob, carol, dina = cohort
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(CommandError, match="gagal"):
        run_command("--batch", bob.batch.name)
    assert MailLog.objects.get().outcome == MailLog.Outcome.FAILED


def test_reminders_skip_a_batch_whose_deadline_has_passed(cohort, batch):
    alice, bob, carol, dina = cohort
    batch.deadline = timezone.now() - timedelta(hours=1)
    batch.save()
    run = notifications.send_reminders(batch, send_now=True)
    assert mail.outbox == []
    assert run.closed == 4


def test_reminders_still_reach_a_participant_reopened_for_a_revision(cohort, batch, staff):
    alice, bob, carol, dina = cohort
    review.request_revision(bob, by=staff, note="Latar foto harus merah.")
    batch.deadline = timezone.now() - timedelta(hours=1)
    batch.save()
    notifications.send_reminders(batch, send_now=True)
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_no_reminder_within_24_hours_of_a_revision_mail(cohort, staff):
    alice, bob, carol, dina = cohort
    flagged = review.request_revision(bob, by=staff, note="Latar foto harus merah.")
    notifications.send_revision_request(flagged, by=staff)
    run = notifications.send_reminders(bob.batch, send_now=True)
    assert run.recently_mailed == 1 and len(mail.outbox) == 1


def test_a_reminder_is_sent_again_after_24_hours(cohort):
    alice, bob, carol, dina = cohort
    notifications.send_reminders(bob.batch, send_now=True)
    notifications.send_reminders(bob.batch, send_now=True, now=timezone.now() + timedelta(hours=23))
    assert len(mail.outbox) == 1
    notifications.send_reminders(bob.batch, send_now=True, now=timezone.now() + timedelta(hours=25))
    assert len(mail.outbox) == 2


def test_the_dry_run_says_how_many_were_skipped_and_why(cohort):
    alice, bob, carol, dina = cohort
    output = run_command("--batch", bob.batch.name, "--dry-run")
    assert "akan dikirim: 1" in output
    assert "dilewati: 3" in output
    assert "sudah diverifikasi: 1" in output and "sudah konfirmasi: 1" in output and "tanpa email: 1" in output


def test_the_dry_run_names_a_closed_batch(cohort, batch):
    batch.deadline = timezone.now() - timedelta(hours=1)
    batch.save()
    output = run_command("--batch", batch.name, "--dry-run")
    assert "akan dikirim: 0" in output
    assert "batas waktu sudah lewat (pengisian ditutup): 4" in output


def test_mail_links_follow_the_site_address(cohort, settings):
    alice, bob, carol, dina = cohort
    settings.SITE_URL = "http://127.0.0.1:8201"
    notifications.send_reminders(bob.batch, send_now=True)
    assert "http://127.0.0.1:8201/profil/" in mail.outbox[0].body
