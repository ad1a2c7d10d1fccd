"""Argon2id at OWASP's parameters, older PBKDF2 hashes upgraded at sign-in, one hash per step.

The rest of the suite hashes with MD5 (settings_test); these tests set the real list.
"""

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher, make_password
from django.test import Client
from django.urls import reverse

from profiles.models import User
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_NIP

PRODUCTION_HASHERS = [
    "profiles.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
NEW_PASSWORD = "Merah-Putih-45!"


class CountingHasher(MD5PasswordHasher):
    """MD5 that counts the hashes it computes (verifying a password computes one too)."""

    algorithm = "counted_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture
def counted(settings):
    settings.PASSWORD_HASHERS = ["tests.test_password_hashing.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


@pytest.fixture
def newcomer(batch):
    return create_participant(ALICE_NIP, batch, {"nama": "Siti Rahmawati"})


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_project_hashes_with_argon2id_first_and_keeps_pbkdf2_to_read_older_hashes():
    # settings_test swaps the list for speed; the project's own list is the real one.
    from smartbangkom import settings as base

    assert base.PASSWORD_HASHERS == PRODUCTION_HASHERS
    assert project_settings.PASSWORD_HASHERS != PRODUCTION_HASHERS


def test_a_new_password_is_hashed_with_argon2id_at_owasps_parameters(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password(NEW_PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_older_pbkdf2_hash_is_rewritten_as_argon2id_at_sign_in(settings, newcomer):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = newcomer.user
    # A hash as Django's default wrote it (fewer iterations, to keep the test quick).
    user.password = PBKDF2PasswordHasher().encode(NEW_PASSWORD, "garamlama123", iterations=1000)
    user.save(update_fields=["password"])

    assert sign_in(Client(), ALICE_NIP, NEW_PASSWORD).status_code == 302

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(NEW_PASSWORD)


def test_the_first_sign_in_with_the_nip_computes_no_hash(counted, newcomer):
    assert sign_in(Client(), ALICE_NIP, ALICE_NIP).status_code == 302
    assert counted.computed == 0


def test_the_first_sign_in_with_an_access_code_computes_no_hash(counted, newcomer):
    newcomer.batch.requires_access_code = True
    newcomer.batch.save()
    newcomer.kode_akses = "ABCD2345"
    newcomer.save()
    assert sign_in(Client(), ALICE_NIP, "ABCD-2345").status_code == 302
    assert counted.computed == 0


def test_choosing_the_first_password_computes_one_hash(counted, newcomer):
    client = Client()
    sign_in(client, ALICE_NIP, ALICE_NIP)
    response = client.post(reverse("password_set"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert counted.computed == 1


def test_signing_in_with_the_chosen_password_computes_one_hash(counted, newcomer):
    newcomer.user.set_password(NEW_PASSWORD)
    newcomer.user.save()
    counted.computed = 0
    assert sign_in(Client(), ALICE_NIP, NEW_PASSWORD).status_code == 302
    assert counted.computed == 1


def test_a_wrong_password_costs_one_hash_like_a_right_one(counted, newcomer):
    # Django hashes even for an unusable password, so the answer's timing tells nothing.
    assert sign_in(Client(), ALICE_NIP, "salah-sekali").status_code == 200
    assert counted.computed == 1
    assert not User.objects.get(pk=newcomer.user.pk).has_usable_password()
