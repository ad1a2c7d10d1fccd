from django.urls import reverse

from tests.conftest import client_for


def admin_form(participant, **changes):
    data = {
        "batch": participant.batch_id,
        "version": participant.version,
        "nama": participant.nama,
        "tempat_lahir": participant.tempat_lahir,
        "tanggal_lahir": participant.tanggal_lahir.isoformat(),
        "jenis_kelamin": participant.jenis_kelamin,
        "agama": participant.agama,
        "jabatan": participant.jabatan,
        "pangkat": participant.pangkat,
        "golongan": participant.golongan,
        "email": participant.email,
        "asal_instansi": participant.asal_instansi,
        "alamat_instansi": participant.alamat_instansi,
        "no_telp": participant.no_telp,
        "reopened_until_0": "",
        "reopened_until_1": "",
        "revision_note": "",
    }
    data.update(changes)
    return data


def url_for(participant):
    return reverse("admin:profiles_participant_change", args=[participant.pk])


def test_an_admin_edit_is_checked_by_the_same_rules(superuser, alice):
    client = client_for(superuser)
    response = client.post(url_for(alice), admin_form(alice, email="siti@gmail.com"))
    assert response.status_code == 200
    assert "email_not_official" in [e.code for e in response.context["adminform"].form.errors.as_data()["email"]]


def test_an_admin_edit_is_stored_canonically_with_history(superuser, alice):
    client = client_for(superuser)
    response = client.post(url_for(alice), admin_form(alice, nama="siti rahmawati, se, mm"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.nama == "Siti Rahmawati, S.E., M.M."
    assert alice.history.first().history_user == superuser


def test_an_admin_saving_after_the_participant_gets_a_conflict(superuser, alice, alice_client):
    client = client_for(superuser)
    stale = admin_form(alice, jabatan="Dari Admin")
    alice_client.post(
        reverse("profile_edit"),
        {
            "nama": alice.nama, "tempat_tanggal_lahir": "Jayapura;21-1-1993",
            "jenis_kelamin": alice.jenis_kelamin, "agama": alice.agama, "jabatan": "Dari Peserta",
            "golongan": alice.golongan, "pangkat": alice.pangkat, "email": alice.email,
            "asal_instansi": alice.asal_instansi, "alamat_instansi": alice.alamat_instansi,
            "no_telp": "081234567890", "version": alice.version,
        },
    )
    response = client.post(url_for(alice), stale)
    assert response.status_code == 200
    assert "baru saja diubah oleh orang lain" in response.content.decode()
    alice.refresh_from_db()
    assert alice.jabatan == "Dari Peserta"


def test_an_admin_can_reopen_editing_for_one_participant(superuser, alice):
    client = client_for(superuser)
    response = client.post(
        url_for(alice), admin_form(alice, reopened_until_0="2099-01-31", reopened_until_1="23:59:00")
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.reopened_until is not None and alice.reopened_until.year == 2099
