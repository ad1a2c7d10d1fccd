"""Staff: issue from the desk/dashboard, follow the job, the batch ZIP, revoke, the dashboard, the command, the participant's download."""

import io
import zipfile

from django.core.management import call_command
from django.contrib.auth.models import Permission
from django.urls import reverse

from profiles.models import Certificate
from profiles.services.certificates import issue
from tests.certificates import issued, pdf_bytes, validated
from tests.conftest import client_for


def issuer(staff):
    staff.user_permissions.add(Permission.objects.get(codename="issue_certificates"))
    return client_for(staff)


def test_terbitkan_sertifikat_queues_the_batch_and_shows_the_job(alice, staff):
    validated(alice)
    response = issuer(staff).post(reverse("certificate_issue", args=[alice.batch_id]))
    assert response.status_code == 302
    assert Certificate.objects.get(participant=alice).state == Certificate.State.ISSUED


def test_the_job_page_shows_the_progress(alice, staff):
    validated(alice)
    job = issue.start(alice.batch, by=staff)
    body = issuer(staff).get(reverse("certificate_job", args=[job.uuid])).content.decode()
    assert "1 dari 1" in body


def test_staff_without_the_permission_cannot_issue(alice, staff):
    validated(alice)
    response = client_for(staff).post(reverse("certificate_issue", args=[alice.batch_id]))
    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_the_zip_holds_each_issued_certificate_as_nip_pdf(alice, bob, staff):
    first, second = issued(alice), issued(bob)
    issue.revoke(second, by=staff, reason="Salah")
    response = issuer(staff).get(reverse("certificate_zip", args=[alice.batch_id]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"{alice.nip}.pdf"]
    assert archive.read(f"{alice.nip}.pdf") == pdf_bytes(first)


def test_revoking_from_the_page_needs_a_reason(alice, staff):
    certificate = issued(alice)
    response = issuer(staff).post(reverse("certificate_revoke", args=[certificate.uuid]), {"alasan": ""})
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ISSUED


def test_revoking_from_the_page_revokes(alice, staff):
    certificate = issued(alice)
    issuer(staff).post(reverse("certificate_revoke", args=[certificate.uuid]), {"alasan": "Gelar salah"})
    certificate.refresh_from_db()
    assert (certificate.state, certificate.revoke_reason) == (Certificate.State.REVOKED, "Gelar salah")


def test_the_dashboard_counts_issued_revoked_and_pending(alice, bob, staff):
    issue.revoke(issued(alice), by=staff, reason="Salah")
    issued(bob)
    body = issuer(staff).get(reverse("dashboard_batch", args=[alice.batch_id])).content.decode()
    assert '<tr data-count="issued"><td>Terbit</td><td>1</td>' in body
    assert '<tr data-count="revoked"><td>Dicabut</td><td>1</td>' in body
    assert '<tr data-count="pending"><td>Tervalidasi, belum terbit</td><td>1</td>' in body


def test_the_desk_offers_terbitkan_sertifikat_to_staff_with_the_permission(alice, staff):
    body = issuer(staff).get(reverse("desk") + "?pilih=1").content.decode()
    assert reverse("certificate_issue", args=[alice.batch_id]) in body


def test_the_participant_downloads_their_certificate(alice, alice_client):
    certificate = issued(alice)
    response = alice_client.get(reverse("certificate_download"))
    assert b"".join(response.streaming_content) == pdf_bytes(certificate)


def test_my_profile_offers_unduh_sertifikat_once_issued(alice, alice_client):
    assert "Unduh sertifikat" not in alice_client.get(reverse("profile")).content.decode()
    issued(alice)
    assert "Unduh sertifikat" in alice_client.get(reverse("profile")).content.decode()


def test_a_revoked_certificate_is_no_longer_offered(alice, alice_client, staff):
    issue.revoke(issued(alice), by=staff, reason="Salah")
    assert alice_client.get(reverse("certificate_download")).status_code == 404


def test_the_command_issues_the_batch(alice, bob, capsys):
    validated(alice), validated(bob)
    call_command("issue_certificates", "--batch", alice.batch.name)
    assert "terbit: 2" in capsys.readouterr().out
    assert Certificate.objects.filter(state=Certificate.State.ISSUED).count() == 2


def test_the_command_dry_run_only_counts(alice, capsys):
    validated(alice)
    call_command("issue_certificates", "--batch", alice.batch.name, "--dry-run")
    assert "akan diterbitkan: 1" in capsys.readouterr().out
    assert not Certificate.objects.exists()


def test_the_receipt_shows_the_certificate_number(alice, alice_client):
    from profiles.services import review
    from tests.rosters import give_photo

    give_photo(alice)
    confirmed = review.confirm(alice, by=alice.user, **review.seen(alice))
    certificate = issued(confirmed)
    body = alice_client.get(reverse("receipt", args=[confirmed.confirmation_code])).content.decode()
    assert certificate.number in body


def test_the_admin_action_terbitkan_sertifikat_issues_the_batch(alice, superuser):
    validated(alice)
    response = client_for(superuser).post(
        reverse("admin:profiles_batch_changelist"),
        {"action": "issue_certificates", "_selected_action": [alice.batch_id]},
    )
    assert response.status_code == 302
    assert Certificate.objects.get(participant=alice).state == Certificate.State.ISSUED


def test_the_admin_action_is_not_offered_without_the_permission(alice, staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_batch"))
    body = client_for(staff).get(reverse("admin:profiles_batch_changelist")).content.decode()
    assert "issue_certificates" not in body
