from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from profiles.models import Participant
from profiles.nip import format_nip


def test_it_shows_all_data_of_the_owner(alice_client, alice):
    response = alice_client.get(reverse("profile"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "My profile" in body
    for text in (format_nip(alice.nip), "Siti Rahmawati, S.E.", "Jayapura;21-1-1993", "Penata Muda", "0812-3456-7890"):
        assert text in body


def test_it_shows_the_deadline_with_its_time_zone_and_time_left(alice_client, alice):
    body = alice_client.get(reverse("profile")).content.decode()
    assert "WIB" in body and "WITA" in body and "WIT)" in body
    assert "hari" in body and "lagi" in body


def test_it_lists_what_is_still_missing(alice_client, alice):
    Participant.objects.filter(pk=alice.pk).update(no_telp="", agama="")
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Belum lengkap: Agama, No. Telp." in body
    assert "Belum ada foto." in body


def test_it_shows_a_placeholder_when_there_is_no_photo(alice_client, alice):
    assert "Belum ada foto" in alice_client.get(reverse("profile")).content.decode()


def test_it_shows_the_participant_only_their_own_record(alice_client, alice, bob):
    body = alice_client.get(reverse("profile")).content.decode()
    assert format_nip(alice.nip) in body
    assert bob.nip not in body and format_nip(bob.nip) not in body and "Bob Hartono" not in body


def test_it_sends_anonymous_visitors_to_sign_in(client, alice):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_rejects_post(alice_client):
    assert alice_client.post(reverse("profile")).status_code == 405


def test_staff_without_a_participant_record_go_to_the_admin(staff_client):
    response = staff_client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_after_the_deadline_it_says_the_data_is_read_only(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(minutes=1)
    alice.batch.save()
    body = alice_client.get(reverse("profile")).content.decode()
    assert "sudah lewat" in body
