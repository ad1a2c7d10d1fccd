import pytest
from django.test import Client
from django.urls import reverse

from profiles.models import User
from profiles.services import create_participant

NIP = "200012312024121001"


@pytest.fixture
def newcomer(batch):
    return create_participant(NIP, batch, {"nama": "Budi Santoso"})


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_new_participant_signs_in_with_the_nip_as_password(newcomer):
    client = Client()
    response = sign_in(client, NIP, NIP)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == newcomer.user.pk


def test_it_tolerates_spaces_in_the_nip(newcomer):
    client = Client()
    response = sign_in(client, "20001231 202412 1 001", "20001231 202412 1 001")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == newcomer.user.pk


def test_creating_a_participant_hashes_no_password(newcomer):
    assert not newcomer.user.has_usable_password()


def test_after_the_first_sign_in_every_page_leads_to_choosing_a_password(newcomer):
    client = Client()
    sign_in(client, NIP, NIP)
    for name in ("profile", "profile_edit", "photo_upload"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("password_set")


def test_choosing_a_password_opens_the_profile_and_retires_the_nip(newcomer):
    client = Client()
    sign_in(client, NIP, NIP)
    response = client.post(
        reverse("password_set"),
        {"new_password1": "Merah-Putih-45!", "new_password2": "Merah-Putih-45!"},
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200

    assert sign_in(Client(), NIP, NIP).status_code == 200  # form again: NIP no longer works
    other = Client()
    assert sign_in(other, NIP, "Merah-Putih-45!").status_code == 302


def test_the_nip_cannot_be_chosen_as_the_new_password(newcomer):
    client = Client()
    sign_in(client, NIP, NIP)
    response = client.post(reverse("password_set"), {"new_password1": NIP, "new_password2": NIP})
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_is_nip")
    assert not User.objects.get(pk=newcomer.user.pk).has_usable_password()


def test_a_wrong_password_gets_an_indonesian_message(newcomer):
    response = sign_in(Client(), NIP, "salah")
    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()


def test_staff_cannot_sign_in_with_their_username_as_password(db):
    user = User.objects.create_user("123456789012345678", is_staff=True)
    user.set_unusable_password()
    user.save()
    # No participant record: the NIP-as-password rule is for participants only.
    assert sign_in(Client(), "123456789012345678", "123456789012345678").status_code == 200


def test_repeated_failures_lock_the_nip_out_with_an_indonesian_message(newcomer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, NIP, "salah")
    response = sign_in(client, NIP, NIP)  # even the right password
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_nip_with_and_without_spaces_together(newcomer, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        username = NIP if attempt % 2 else "20001231 202412 1 001"
        sign_in(client, username, "salah")
    assert sign_in(client, NIP, NIP).status_code == 429


def test_a_lockout_does_not_lock_another_participant(newcomer, alice, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, NIP, "salah")
    assert sign_in(client, alice.nip, "Kata-Sandi-Alice-1").status_code == 302


def test_signing_out_requires_post(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405
    assert alice_client.post(reverse("logout")).status_code == 302
    assert alice_client.get(reverse("profile")).status_code == 302
