from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from profiles.services import review
from profiles.backends import FirstSignInBackend
from profiles.models import Batch, MailLog, User
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_VALUES, client_for
from tests.rosters import give_photo, nip_for

CHANGELIST = reverse("admin:profiles_participant_changelist")


def act(client, action, *participants):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in participants]})


def test_the_admin_index_speaks_indonesian_and_links_the_desk(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert ">Peserta Latsar<" in page and ">Profiles<" not in page
    assert reverse("desk") in page and reverse("dashboard") in page


def test_the_participant_list_shows_warning_words_and_a_status_badge(staff_client, alice):
    give_photo(alice, warnings=["mouth_open"])
    page = staff_client.get(CHANGELIST).content.decode()
    assert "Mulut terbuka" in page and ">mouth_open<" not in page
    assert 'class="badge badge-diperbarui"' in page or "badge badge-" in page
    assert "UPDATED AT" not in page.upper() and reverse("desk") in page


def test_the_photo_check_table_names_checks_in_words(staff_client, alice):
    give_photo(alice, warnings=["head_tilted"])
    page = staff_client.get(reverse("admin:profiles_participant_change", args=[alice.pk])).content.decode()
    assert "Kepala miring" in page


def test_reset_to_nip_returns_to_first_sign_in_and_ends_sessions(staff_client, alice, staff):
    client_for(alice.user)
    assert any(s.get_decoded().get(SESSION_KEY) == str(alice.user_id) for s in Session.objects.all())
    act(staff_client, "reset_to_nip", alice)
    user = User.objects.get(pk=alice.user_id)
    assert not user.has_usable_password()
    assert not any(s.get_decoded().get(SESSION_KEY) == str(alice.user_id) for s in Session.objects.all())
    assert alice.history.first().history_change_reason.startswith("Reset ke NIP")
    assert alice.history.first().history_user == staff
    assert FirstSignInBackend().authenticate(None, username=alice.nip, password=alice.nip) == user


def test_reset_to_nip_keeps_staff_sessions(staff_client, alice):
    act(staff_client, "reset_to_nip", alice)
    assert staff_client.get(CHANGELIST).status_code == 200


def test_the_reminder_action_queues_mail_for_unfinished_selected_participants(staff_client, alice, bob, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_PAUSE_SECONDS = 0
    give_photo(alice)
    review.confirm(alice, by=alice.user, **review.seen(alice))
    act(staff_client, "send_reminders", alice, bob)
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert MailLog.objects.get().kind == "reminder"


def test_the_reminder_action_caps_the_whole_selection_not_each_batch(staff_client, bob, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_MAX_PER_RUN = 1
    other = Batch.objects.create(name="Latsar Lain", deadline=bob.batch.deadline)
    carol = create_participant(nip_for(31), other, {**ALICE_VALUES, "email": "carol@kemenkeu.go.id"})
    response = act(staff_client, "send_reminders", bob, carol)
    assert len(mail.outbox) == 1 and MailLog.objects.count() == 1
    assert "1 melebihi batas sekali kirim" in staff_client.get(response.url).content.decode()


def test_the_change_page_lists_the_mail_sent(staff_client, bob, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_PAUSE_SECONDS = 0
    act(staff_client, "send_reminders", bob)
    page = staff_client.get(reverse("admin:profiles_participant_change", args=[bob.pk])).content.decode()
    assert "Pengingat" in page and "Terkirim" in page and bob.email in page


def test_a_viewer_without_change_permission_cannot_reset(alice, db):
    from django.contrib.auth.models import Permission
    viewer = User.objects.create_user("lihat", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_participant"))
    act(client_for(viewer), "reset_to_nip", alice)
    assert User.objects.get(pk=alice.user_id).has_usable_password()
