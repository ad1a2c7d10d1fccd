"""The password pages: /kata-sandi/ only at the first sign-in; later changes need the old password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from profiles.models import User
from profiles.validators import NotNipValidator
from tests.conftest import ALICE_NIP, client_for

SPACED_NIP = "19930121 202012 2 004"


def test_the_first_password_page_is_closed_once_a_password_was_chosen(alice, alice_client):
    response = alice_client.post(reverse("password_set"), {"new_password1": "Takeover-Baru-9", "new_password2": "Takeover-Baru-9"})
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert User.objects.get(pk=alice.user.pk).check_password("Kata-Sandi-Alice-1")


def test_staff_cannot_set_a_password_without_the_old_one(staff, staff_client):
    staff_client.post(reverse("password_set"), {"new_password1": "Takeover-Baru-9", "new_password2": "Takeover-Baru-9"})
    assert User.objects.get(pk=staff.pk).check_password("Kata-Sandi-Staf-1")


def test_changing_the_password_asks_for_the_old_one(alice, alice_client):
    response = alice_client.post(reverse("password_change"), {
        "old_password": "salah", "new_password1": "Merah-Putih-45!", "new_password2": "Merah-Putih-45!",
    })
    assert response.status_code == 200
    assert response.context["form"].has_error("old_password", "password_incorrect")
    assert "Kata sandi lama salah" in response.content.decode()
    assert User.objects.get(pk=alice.user.pk).check_password("Kata-Sandi-Alice-1")


def test_changing_the_password_with_the_old_one_keeps_the_session(alice, alice_client):
    response = alice_client.post(reverse("password_change"), {
        "old_password": "Kata-Sandi-Alice-1", "new_password1": "Merah-Putih-45!", "new_password2": "Merah-Putih-45!",
    })
    assert response.status_code == 302
    assert User.objects.get(pk=alice.user.pk).check_password("Merah-Putih-45!")
    assert alice_client.get(reverse("profile")).status_code == 200


def test_the_change_page_is_in_indonesian(alice_client):
    body = alice_client.get(reverse("password_change")).content.decode()
    assert "Kata sandi lama" in body and "Ulangi kata sandi baru" in body


def test_the_change_page_refuses_the_nip_with_spaces(alice, alice_client):
    response = alice_client.post(reverse("password_change"), {
        "old_password": "Kata-Sandi-Alice-1", "new_password1": SPACED_NIP, "new_password2": SPACED_NIP,
    })
    assert response.context["form"].has_error("new_password2", "password_is_nip")


def test_the_change_page_sends_a_newcomer_to_the_first_password_page(batch):
    from profiles.services.accounts import create_participant
    newcomer = create_participant("200012312024121001", batch, {})
    response = client_for(newcomer.user).get(reverse("password_change"))
    assert response["Location"] == reverse("password_set")


@pytest.mark.parametrize("password", [ALICE_NIP, SPACED_NIP, f" {ALICE_NIP} "])
def test_the_validator_refuses_the_participants_own_nip(alice, password):
    with pytest.raises(ValidationError) as raised:
        NotNipValidator().validate(password, alice.user)
    assert raised.value.code == "password_is_nip"


def test_the_validator_refuses_an_18_digit_username_of_a_staff_account(db):
    user = User.objects.create_user("123456789012345678", is_staff=True)
    with pytest.raises(ValidationError):
        NotNipValidator().validate("123456789 012345678", user)


def test_the_validator_accepts_another_18_digit_number(alice):
    NotNipValidator().validate("199301212020121001", alice.user)


def test_the_validator_is_configured_for_every_form_and_command(alice):
    with pytest.raises(ValidationError) as raised:
        validate_password(SPACED_NIP, alice.user)
    assert "password_is_nip" in [error.code for error in raised.value.error_list]


def test_changepassword_applies_the_validator(alice, monkeypatch):
    answers = iter([SPACED_NIP, SPACED_NIP] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises((CommandError, StopIteration)):
        call_command("changepassword", ALICE_NIP, stdout=open("/dev/null", "w"))
    assert User.objects.get(pk=alice.user.pk).check_password("Kata-Sandi-Alice-1")
