import pytest

from profiles.rules import statuses
from profiles.models import Status


def steps(**facts):
    base = dict(missing_data=[], has_photo=True, photo_notes=0, confirmed=False,
                confirmation_code=None, status=Status.DIPERBARUI, can_edit=True)
    return {step.key: step for step in statuses.checklist(**{**base, **facts})}


def action(step):
    return step.action.url_name if step.action else None


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_one_sentence(status):
    text = statuses.explain(status)
    assert text and text.endswith(".")
    assert statuses.badge_class(status).startswith("text-bg-")


def test_the_sentences_differ_per_status():
    assert len({statuses.explain(status) for status in Status}) == len(Status)


def test_a_revision_after_the_deadline_points_to_the_committee():
    assert "hubungi panitia" in statuses.explain(Status.PERLU_REVISI, can_edit=False)
    assert "hubungi panitia" not in statuses.explain(Status.PERLU_REVISI, can_edit=True)


def test_it_offers_confirmation_only_when_data_and_photo_are_complete():
    assert action(steps()["konfirmasi"]) == "confirm"
    assert action(steps(missing_data=["Email"])["konfirmasi"]) is None
    assert action(steps(has_photo=False)["konfirmasi"]) is None


def test_it_says_what_confirmation_waits_for():
    assert "data dan foto" in steps(missing_data=["Email"], has_photo=False)["konfirmasi"].text
    assert "foto lengkap" in steps(has_photo=False)["konfirmasi"].text


def test_missing_data_leads_to_update_profil():
    data = steps(missing_data=["Agama", "No. Telp"])["data"]
    assert not data.done and data.action.label == "Update Profil" and data.action.primary
    assert "Agama, No. Telp" in data.text


def test_a_missing_photo_leads_to_upload_photo():
    foto = steps(has_photo=False)["foto"]
    assert not foto.done and foto.action.label == "Upload Photo"


def test_a_stored_photo_offers_ganti_foto_and_counts_its_notes():
    foto = steps(photo_notes=2)["foto"]
    assert foto.done and foto.action.label == "Ganti foto" and "2 catatan" in foto.text


def test_a_confirmed_record_links_its_receipt():
    step = steps(confirmed=True, confirmation_code="ABCD1234", status=Status.DIKONFIRMASI)["konfirmasi"]
    assert step.done and step.action.url_name == "receipt" and step.action.args == ("ABCD1234",)


def test_a_cancelled_confirmation_asks_to_confirm_again():
    step = steps(confirmation_code="ABCD1234")["konfirmasi"]
    assert not step.done and step.action.label == "Konfirmasi ulang"
    assert "dibatalkan" in step.text


def test_a_verified_record_needs_nothing_more():
    step = steps(status=Status.TERVERIFIKASI)["konfirmasi"]
    assert step.done and step.action is None


def test_after_the_deadline_no_step_leads_to_a_form():
    closed = steps(can_edit=False, missing_data=["Email"], has_photo=False, status=Status.DIANGGAP_VALID)
    assert closed["data"].action.url_name == "profile" and closed["data"].action.label == "Lihat data"
    assert closed["foto"].action is None and closed["konfirmasi"].action is None
    assert "dianggap valid" in closed["konfirmasi"].text


def test_after_the_deadline_a_complete_record_is_deemed_valid():
    assert steps(can_edit=False, status=Status.DIANGGAP_VALID)["konfirmasi"].done


def test_the_message_after_a_save_says_what_was_cancelled():
    assert statuses.revoked_message(None) == "Berhasil di Update"
    assert "Konfirmasi Anda dibatalkan" in statuses.revoked_message("confirmed")
    assert "Verifikasi panitia dibatalkan" in statuses.revoked_message("verified")


def test_photo_notes_show_warnings_and_unchecked_but_not_passed_checks():
    report = {"checks": [
        {"code": "ratio", "ok": True, "severity": "error", "message": "Rasio 4:6."},
        {"code": "shirt_not_white", "ok": False, "severity": "warning", "message": "Kemeja tidak putih."},
        {"code": "eyes_missing", "ok": None, "severity": "warning", "message": "Tidak diperiksa."},
    ]}
    assert statuses.photo_notes(report, ["shirt_not_white"]) == [
        ("warning", "Kemeja tidak putih."),
        ("unchecked", "Tidak diperiksa."),
    ]


def test_photo_notes_list_a_warning_code_missing_from_the_report():
    assert statuses.photo_notes({}, ["face_missing"]) == [("warning", "Catatan pemeriksaan foto: face missing.")]
