"""Participant pages as a newcomer meets them (issue 17, point 6)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from profiles.models import Participant
from tests.conftest import client_for
from tests.rosters import give_photo
from tests.test_revision_loop import EDIT


def edit(client, participant, **changes):
    participant.refresh_from_db()
    return client.post(reverse("profile_edit"), {**EDIT, "version": participant.version, **changes})


def test_a_date_without_a_place_is_told_the_place_is_missing(alice_client, alice):
    response = edit(alice_client, alice, tempat_tanggal_lahir="21-1-1993")
    body = response.content.decode()
    assert "Tempat lahir belum ada" in body
    assert "JANGAN MENGHAPUS" not in body


def test_a_month_in_words_is_understood(alice_client, alice):
    edit(alice_client, alice, tempat_tanggal_lahir="Makassar, 21 Januari 1993")
    alice.refresh_from_db()
    assert (alice.tempat_lahir, alice.tanggal_lahir.isoformat()) == ("Makassar", "1993-01-21")


def test_the_fill_in_blanks_hint_shows_only_when_something_is_blank(alice_client, alice):
    assert "Isi semua data yang masih kosong" not in alice_client.get(reverse("profile_edit")).content.decode()
    Participant.objects.filter(pk=alice.pk).update(agama="")
    assert "Isi semua data yang masih kosong" in alice_client.get(reverse("profile_edit")).content.decode()


def first_sign_in(participant):
    participant.user.set_unusable_password()
    participant.user.save()
    return client_for(participant.user)


def test_the_password_rules_have_one_wording(alice):
    body = first_sign_in(alice).get(reverse("password_set")).content.decode()
    assert "Sandi anda" not in body and "sandi anda" not in body
    assert body.count("Kata sandi Anda") >= 4


def test_a_too_short_password_is_refused_in_the_same_wording(alice):
    response = first_sign_in(alice).post(reverse("password_set"), {"new_password1": "ab1", "new_password2": "ab1"})
    assert "Kata sandi Anda terlalu pendek" in response.content.decode()


def test_a_participant_past_the_deadline_learns_it_before_choosing_a_password(alice):
    alice.batch.deadline = timezone.now() - timedelta(hours=1)
    alice.batch.save()
    body = first_sign_in(alice).get(reverse("password_set")).content.decode()
    assert 'id="editing-closed"' in body
    assert body.index("Batas waktu pembaruan data sudah lewat") < body.index("Simpan kata sandi")


def test_a_participant_before_the_deadline_is_not_told_it_is_closed(alice):
    body = first_sign_in(alice).get(reverse("password_set")).content.decode()
    assert 'id="editing-closed"' not in body


def test_the_next_step_keeps_its_number(alice_client, alice):
    response = alice_client.get(reverse("profile"))
    number, step = response.context["next_step"]
    assert (number, step.key) == (2, "foto")
    assert [step.key for step in response.context["steps"]] == ["data", "foto", "konfirmasi"]


def test_the_next_step_moves_on_once_the_photo_is_there(alice_client, alice):
    give_photo(alice)
    number, step = alice_client.get(reverse("profile")).context["next_step"]
    assert (number, step.key) == (3, "konfirmasi")
