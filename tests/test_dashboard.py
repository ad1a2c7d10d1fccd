import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles.services import review
from profiles.models import Participant, User
from profiles.services.accounts import create_participant
from tests.conftest import client_for
from tests.rosters import give_photo, nip_for

DASHBOARD = reverse("dashboard")


def batch_url(batch):
    return reverse("dashboard_batch", args=[batch.pk])


def csv_url(batch):
    return reverse("dashboard_unfinished_csv", args=[batch.pk])


@pytest.fixture
def cohort(alice, bob, staff):
    """alice: signed in, complete, confirmed; bob: data only; carol: blanks, flagged for revision."""
    give_photo(alice)
    User.objects.filter(pk=alice.user_id).update(last_login=timezone.now())
    review.confirm(alice, by=alice.user, **review.seen(alice))
    carol = create_participant(nip_for(7, gender=2), alice.batch, {"nama": "Carol", "jenis_kelamin": "Perempuan"})
    give_photo(carol)
    review.request_revision(carol, by=staff, note="Lengkapi data.")
    return alice, bob, carol


def counts_of(response):
    return {item["name"]: (item["count"], item["percent"]) for item in response.context["counts"]}


def test_it_counts_each_stage_of_a_batch_with_percentages(staff_client, cohort, batch):
    response = staff_client.get(batch_url(batch))
    assert response.status_code == 200
    assert response.context["total"] == 3
    assert counts_of(response) == {
        "signed_in": (1, 33),
        "data_complete": (2, 67),
        "photo": (2, 67),
        "confirmed": (1, 33),
        "revision": (1, 33),
        "verified": (0, 0),
        "validated": (0, 0),
    }


def test_the_overview_lists_every_batch(staff_client, cohort, batch, closed_batch):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    rows = {row["batch"].pk: row for row in response.context["batches"]}
    assert rows[batch.pk]["total"] == 3 and rows[closed_batch.pk]["total"] == 0
    assert batch_url(batch) in response.content.decode()


def test_after_the_deadline_untouched_records_count_as_validated(staff_client, bob, closed_batch):
    Participant.objects.filter(pk=bob.pk).update(batch=closed_batch)
    response = staff_client.get(batch_url(closed_batch))
    assert counts_of(response)["validated"] == (1, 100)


def test_it_lists_who_has_not_finished(staff_client, cohort, batch):
    alice, bob, carol = cohort
    response = staff_client.get(batch_url(batch))
    listed = {p.nip: p.todo for p in response.context["page"]}
    assert set(listed) == {bob.nip, carol.nip}
    assert listed[bob.nip] == "masuk pertama, unggah foto, konfirmasi"
    assert listed[carol.nip] == "masuk pertama, lengkapi data, revisi, konfirmasi"


def test_the_unfinished_list_downloads_as_csv(staff_client, cohort, batch):
    alice, bob, carol = cohort
    response = staff_client.get(csv_url(batch))
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["NIP", "Nama", "Asal Instansi"]
    assert {row[0] for row in rows[1:]} == {bob.nip, carol.nip}


def test_the_page_needs_no_query_per_participant(staff_client, batch):
    for serial in range(20, 22):
        create_participant(nip_for(serial), batch, {"nama": "Peserta"})
    with CaptureQueriesContext(connection) as few:
        staff_client.get(batch_url(batch))
    for serial in range(30, 40):
        create_participant(nip_for(serial), batch, {"nama": "Peserta"})
    with CaptureQueriesContext(connection) as more:
        staff_client.get(batch_url(batch))
    assert len(more) == len(few)


@pytest.mark.parametrize("url_name", ["dashboard", "dashboard_batch", "dashboard_unfinished_csv"])
def test_it_sends_anonymous_visitors_to_sign_in(client, batch, url_name):
    url = reverse(url_name, args=[] if url_name == "dashboard" else [batch.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["dashboard", "dashboard_batch", "dashboard_unfinished_csv"])
def test_it_forbids_participants(alice_client, batch, url_name):
    url = reverse(url_name, args=[] if url_name == "dashboard" else [batch.pk])
    assert alice_client.get(url).status_code == 403


def test_it_forbids_staff_without_the_dashboard_permission(batch):
    user = User.objects.create_user("staf2", password="Kata-Sandi-Staf-2", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_participant"))
    client = client_for(user)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(csv_url(batch)).status_code == 403


def test_it_answers_404_for_an_unknown_batch(staff_client, batch):
    assert staff_client.get(reverse("dashboard_batch", args=[batch.pk + 99])).status_code == 404


def test_it_rejects_post(staff_client, batch):
    assert staff_client.post(DASHBOARD).status_code == 405


def test_a_superuser_sees_it(superuser, batch):
    assert client_for(superuser).get(DASHBOARD).status_code == 200


def test_the_dashboard_counts_what_the_export_exports(staff_client, cohort, batch, closed_batch):
    Participant.objects.filter(pk__in=[p.pk for p in cohort]).update(batch=closed_batch)
    validated = counts_of(staff_client.get(batch_url(closed_batch)))["validated"][0]
    response = staff_client.post(reverse("export"), {"batch": closed_batch.pk, "format": "csv"})
    exported = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))[1:]
    assert validated == len(exported) == 2


# The honest figures: compared with direct ORM counts for a closed batch with missing photos.

def honest_cohort(closed_batch):
    from tests.conftest import ALICE_VALUES
    people = [create_participant(nip_for(30 + i), closed_batch, {**ALICE_VALUES, "jenis_kelamin": "Laki-laki"}) for i in range(5)]
    give_photo(people[0], warnings=["eyes_closed"])
    give_photo(people[1])
    from profiles.models import Photo
    Photo.objects.filter(pk=people[1].photo_id).update(auto_fixed=True)
    return people


def test_the_figures_equal_the_database_for_a_batch_with_missing_photos(staff_client, closed_batch):
    from profiles.models import Status as S
    honest_cohort(closed_batch)
    response = staff_client.get(batch_url(closed_batch))
    bars = {bar["name"]: bar["count"] for bar in response.context["bars"]}
    flags = {flag["name"]: flag["count"] for flag in response.context["flags"]}
    in_batch = Participant.objects.filter(batch=closed_batch)
    assert bars["photo"] == in_batch.filter(photo__isnull=False).count() == 2
    assert bars["data_complete"] == in_batch.filter(review.data_complete_q()).count()
    assert bars["verified"] == in_batch.filter(status=S.TERVERIFIKASI).count()
    assert flags["validated_no_photo"] == in_batch.validated(timezone.now()).filter(photo__isnull=True).count() == 3
    assert flags["photo_warnings"] == 1 and flags["auto_fixed"] == 1


def test_the_overview_shows_bars_that_link_to_lists_and_queues(staff_client, closed_batch):
    honest_cohort(closed_batch)
    page = staff_client.get(DASHBOARD).content.decode()
    assert "<progress" in page
    assert reverse("desk_queue", args=[closed_batch.pk]) in page
    assert f"batch__id__exact={closed_batch.pk}" in page and "Tervalidasi tanpa foto" in page


def test_the_unfinished_list_sorts_by_name_both_ways(staff_client, cohort, batch):
    names = lambda r: [p.nama for p in r.context["page"]]  # noqa: E731
    up = names(staff_client.get(batch_url(batch) + "?urut=nama"))
    down = names(staff_client.get(batch_url(batch) + "?urut=-nama"))
    assert up == sorted(up) and down == list(reversed(up))


def test_an_unknown_sort_key_falls_back(staff_client, cohort, batch):
    assert staff_client.get(batch_url(batch) + "?urut=password").status_code == 200
