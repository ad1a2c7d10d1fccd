import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from profiles.models import MailLog, PasswordResetRequest
from profiles.services import password_reset, sealed
from profiles.services.password_reset import RESET_PER_ADDRESS, RESET_PER_NIP
from tests.conftest import ALICE_NIP

FORM = reverse("password_reset")
DONE = reverse("password_reset_done")


def ask(client, nip, address="10.0.0.1"):
    return client.post(FORM, {"nip": nip}, REMOTE_ADDR=address)


def link_in(message):
    return re.search(r"http://testserver(/atur-ulang/\S+/)", message.body).group(1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_the_login_page_offers_lupa_kata_sandi(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "Lupa kata sandi?" in body and FORM in body


def test_it_sends_one_mail_with_a_working_link_to_the_official_address(client, alice, mailoutbox):
    response = ask(client, "19930121 202012 2 004")
    assert response.status_code == 302 and response["Location"] == DONE
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["siti@kemenkeu.go.id"]
    page = client.get(link_in(mailoutbox[0]), follow=True)
    assert "Buat kata sandi baru" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "Baru-Sekali-2024!", "new_password2": "Baru-Sekali-2024!"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    signed_in = client.post(reverse("login"), {"username": ALICE_NIP, "password": "Baru-Sekali-2024!"})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("profile")


def test_the_link_works_only_once(client, alice, mailoutbox):
    ask(client, ALICE_NIP)
    link = link_in(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Baru-Sekali-2024!", "new_password2": "Baru-Sekali-2024!"})
    again = client.get(link, follow=True)
    assert "Tautan tidak berlaku" in again.content.decode()


def test_the_mail_is_logged_with_the_committee_contact(client, alice, mailoutbox):
    alice.batch.contact_name = "Panitia Latsar Uji"
    alice.batch.contact_phone = "0812-0000-1111"
    alice.batch.save()
    ask(client, ALICE_NIP)
    log = MailLog.objects.get(kind="password_reset")
    assert log.participant == alice and log.to == "siti@kemenkeu.go.id"
    assert log.outcome == MailLog.Outcome.SENT
    assert "Panitia Latsar Uji" in mailoutbox[0].body and "0812-0000-1111" in mailoutbox[0].body


def test_the_answer_is_the_same_for_an_unknown_nip(client, alice, mailoutbox):
    known = ask(client, ALICE_NIP)
    unknown = ask(client, "199001012019031001")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mailoutbox) == 1


def test_a_first_sign_in_account_gets_no_mail_and_the_page_says_to_use_the_nip(client, alice, mailoutbox):
    alice.user.set_unusable_password()
    alice.user.save()
    assert ask(client, ALICE_NIP)["Location"] == DONE
    assert mailoutbox == []
    assert "Kata sandi Anda adalah NIP" in client.get(FORM).content.decode()


def test_staff_accounts_get_no_mail(client, staff, mailoutbox):
    staff.email = "staf@lan.go.id"
    staff.save()
    ask(client, "staf")
    assert mailoutbox == []


def test_it_limits_the_requests_per_nip(client, alice, mailoutbox):
    for n in range(RESET_PER_NIP + 2):
        assert ask(client, ALICE_NIP, address=f"10.0.0.{n}")["Location"] == DONE
    assert len(mailoutbox) == RESET_PER_NIP


def test_it_limits_the_requests_per_address(client, alice, mailoutbox):
    for n in range(RESET_PER_ADDRESS):
        ask(client, f"1990010120190310{n:02d}")
    assert ask(client, ALICE_NIP)["Location"] == DONE
    assert mailoutbox == []


def test_the_limit_expires_after_an_hour(client, alice, mailoutbox):
    for _ in range(RESET_PER_NIP):
        ask(client, ALICE_NIP)
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(hours=2))
    ask(client, ALICE_NIP)
    assert len(mailoutbox) == RESET_PER_NIP + 1


def test_it_stores_no_nip_in_the_counter(client, alice):
    ask(client, ALICE_NIP)
    row = PasswordResetRequest.objects.get()
    assert ALICE_NIP not in row.nip_hash


def test_it_asks_for_the_nip(client, db):
    response = client.post(FORM, {"nip": ""})
    assert response.status_code == 200 and "Tulis NIP Anda." in response.content.decode()


def test_the_done_page_points_to_the_committee(client, db):
    assert "hubungi panitia" in client.get(DONE).content.decode()


def test_the_lockout_page_says_how_long_to_wait_in_words(rf, db):
    html = render_to_string(
        "registration/locked_out.html",
        {"cooloff_timedelta": timedelta(minutes=15), "cooloff_time": "PT15M"},
        request=rf.get("/"),
    )
    assert "15 menit" in html and "0:15:00" not in html
    assert FORM in html


@pytest.fixture
def recorded_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


@pytest.mark.parametrize("nip", [ALICE_NIP, "199001012019031001"], ids=["known NIP", "unknown NIP"])
def test_the_request_does_the_same_work_for_any_nip(client, alice, recorded_queue, nip):
    ask(client, nip)
    assert [result.task.name for result in recorded_queue.results] == ["send_reset_task"]
    assert not MailLog.objects.exists()


def test_the_queued_job_mails_only_a_known_nip(alice, mailoutbox):
    password_reset.send_reset_task.call(sealed.seal("199001012019031001"))
    assert mailoutbox == []
    password_reset.send_reset_task.call(sealed.seal(ALICE_NIP))
    assert [m.to for m in mailoutbox] == [[alice.email]]


@pytest.mark.parametrize("nip", [ALICE_NIP, "199001012019031001"], ids=["known NIP", "unknown NIP"])
def test_the_task_table_holds_no_nip(client, alice, settings, nip):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ask(client, nip)
    stored = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert DBTaskResult.objects.count() == 1
    assert nip not in stored and nip[:8] not in stored


# Committed: the real db_worker closes the connection between jobs (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_sealed_job_reaches_the_worker_and_mails(client, alice, settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ask(client, ALICE_NIP)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mailoutbox] == [[alice.email]]


def test_an_altered_or_foreign_job_sends_nothing(alice, mailoutbox, settings):
    token = sealed.seal(ALICE_NIP)
    altered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    password_reset.send_reset_task.call(altered)
    settings.SECRET_KEY = "another key entirely, as after a rotation " * 2
    password_reset.send_reset_task.call(token)
    assert mailoutbox == []
