import pytest
from django.test import Client
from django.urls import reverse

from profiles.models import User
from profiles.services.accounts import create_participant

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


# --- the client address behind a proxy ------------------------------------------------------

from axes.models import AccessAttempt  # noqa: E402

from profiles.services import roster  # noqa: E402
from profiles.models import ExportLog, Participant  # noqa: E402
from tests.conftest import client_for  # noqa: E402
from tests.rosters import csv_bytes, nip_for, person  # noqa: E402

PROXY = "198.51.100.1"
CLIENT = "203.0.113.7"


def fail_from(client, username, times=1, **headers):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "salah"}, **headers)


def locked_addresses():
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_without_a_proxy_count_the_forwarded_header_is_ignored(newcomer):
    fail_from(Client(REMOTE_ADDR=PROXY), NIP, HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert locked_addresses() == {PROXY}


def test_behind_one_proxy_the_address_it_appended_is_the_client(newcomer, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    fail_from(Client(REMOTE_ADDR=PROXY), NIP, HTTP_X_FORWARDED_FOR=CLIENT)
    assert locked_addresses() == {CLIENT}


def test_a_spoofed_left_most_forwarded_entry_does_not_change_the_locked_address(newcomer, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR=PROXY)
    for spoof in ("6.6.6.6", "7.7.7.7", "8.8.8.8", "9.9.9.9", "1.1.1.1"):
        fail_from(client, NIP, HTTP_X_FORWARDED_FOR=f"{spoof}, {CLIENT}")
    assert locked_addresses() == {CLIENT}
    response = client.post(reverse("login"), {"username": NIP, "password": NIP},
                           HTTP_X_FORWARDED_FOR=f"5.5.5.5, {CLIENT}")
    assert response.status_code == 429


def test_behind_two_proxies_the_outer_ones_entry_is_the_client(newcomer, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 2
    fail_from(Client(REMOTE_ADDR=PROXY), NIP, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}, 192.0.2.9")
    assert locked_addresses() == {CLIENT}


# --- the address-wide limit -----------------------------------------------------------------

def test_seven_nips_tried_from_one_address_lock_the_address(batch, settings, newcomer):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 7
    client = Client(REMOTE_ADDR=CLIENT)
    for serial in range(1, 8):
        fail_from(client, nip_for(serial))  # one try each: far below the per-NIP limit
    response = client.post(reverse("login"), {"username": NIP, "password": NIP})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_address_limit_counts_failures_across_nips_at_the_default(batch, settings, newcomer):
    client = Client(REMOTE_ADDR=CLIENT)
    per_nip = settings.AXES_FAILURE_LIMIT - 1
    tried = 0
    serial = 1
    while tried < settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
        fail_from(client, nip_for(serial), times=per_nip)
        tried += per_nip
        serial += 1
    assert client.post(reverse("login"), {"username": NIP, "password": NIP}).status_code == 429


def test_the_address_limit_leaves_other_addresses_alone(batch, settings, newcomer):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    fail_from(Client(REMOTE_ADDR=CLIENT), nip_for(1), times=1)
    fail_from(Client(REMOTE_ADDR=CLIENT), nip_for(2), times=1)
    fail_from(Client(REMOTE_ADDR=CLIENT), nip_for(3), times=1)
    assert sign_in(Client(REMOTE_ADDR="192.0.2.77"), NIP, NIP).status_code == 302


def test_below_the_address_limit_sign_in_works(batch, settings, newcomer):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR=CLIENT)
    fail_from(client, nip_for(1))
    fail_from(client, nip_for(2))
    assert sign_in(client, NIP, NIP).status_code == 302


# --- the access code ------------------------------------------------------------------------

@pytest.fixture
def coded_batch(batch):
    batch.requires_access_code = True
    batch.save()
    return batch


def test_a_batch_that_requires_the_code_refuses_nip_as_first_password(coded_batch, newcomer):
    newcomer.kode_akses = "K7M2P9QX"
    newcomer.save()
    assert sign_in(Client(), NIP, NIP).status_code == 200


def test_a_batch_that_requires_the_code_accepts_nip_and_code(coded_batch, newcomer):
    newcomer.kode_akses = "K7M2P9QX"
    newcomer.save()
    assert sign_in(Client(), NIP, "k7m2-p9qx").status_code == 302


def test_without_a_code_on_record_nobody_signs_in_first(coded_batch, newcomer):
    assert sign_in(Client(), NIP, "").status_code == 200
    assert sign_in(Client(), NIP, NIP).status_code == 200


def test_a_batch_without_the_setting_ignores_the_code(newcomer):
    newcomer.kode_akses = "K7M2P9QX"
    newcomer.save()
    assert sign_in(Client(), NIP, "K7M2P9QX").status_code == 200
    assert sign_in(Client(), NIP, NIP).status_code == 302


def test_the_roster_takes_the_code_from_its_column(coded_batch):
    header = [*roster_header(), "Kode Akses"]
    row = [*person(1), "ab3d-ef7h"]
    report = roster.import_roster(csv_bytes([row], header=header), "r.csv", batch=coded_batch)
    assert report.roster.ignored == []
    assert Participant.objects.get(nip=nip_for(1)).kode_akses == "AB3DEF7H"


def test_the_roster_generates_codes_for_a_batch_that_requires_them(coded_batch):
    roster.import_roster(csv_bytes([person(1), person(2)]), "r.csv", batch=coded_batch)
    codes = list(Participant.objects.values_list("kode_akses", flat=True))
    assert all(len(code) == 8 and code.isalnum() for code in codes) and len(set(codes)) == 2
    assert not set("01OI") & set("".join(codes))


def test_the_roster_generates_no_codes_when_the_batch_does_not_require_them(batch):
    roster.import_roster(csv_bytes([person(1)]), "r.csv", batch=batch)
    assert Participant.objects.get().kode_akses == ""


def test_the_code_is_not_kept_in_the_history(coded_batch):
    roster.import_roster(csv_bytes([person(1)]), "r.csv", batch=coded_batch)
    assert not hasattr(Participant.objects.get().history.first(), "kode_akses")


def test_staff_with_the_export_permission_download_the_codes_and_it_is_logged(coded_batch, newcomer, staff):
    response = client_for(staff).get(reverse("access_codes_csv", args=[coded_batch.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    newcomer.refresh_from_db()
    assert newcomer.kode_akses and f"{NIP},Budi Santoso,{newcomer.kode_akses}" in body
    log = ExportLog.objects.get()
    assert (log.scope, log.count, log.user) == ("access_codes", 1, staff)


def test_staff_without_the_export_permission_cannot_download_the_codes(coded_batch, newcomer):
    viewer = User.objects.create_user("lihat", password="x", is_staff=True)
    assert client_for(viewer).get(reverse("access_codes_csv", args=[coded_batch.pk])).status_code == 403
    assert not ExportLog.objects.exists()


def roster_header():
    from tests.rosters import HEADER
    return HEADER
