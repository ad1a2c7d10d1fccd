"""Each staff role against each staff URL: what the role may do opens, the rest is refused.

The review desk (change permission) and the photos it shows agree: whoever may verify a
record may see its photo.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from profiles.models import User
from tests.conftest import client_for
from tests.rosters import give_photo

ROLES = {
    "lihat peserta": ["view_participant"],
    "meja verifikasi": ["change_participant"],
    "impor roster": ["import_roster"],
    "ekspor": ["export_certificates"],
    "dasbor": ["view_dashboard"],
    "staf tanpa izin": [],
}
# URL name -> the roles that may open it.
ALLOWED = {
    "desk": {"meja verifikasi"},
    "desk_record": {"meja verifikasi"},
    "photo": {"lihat peserta", "meja verifikasi"},
    "dashboard": {"dasbor"},
    "export": {"ekspor"},
    "roster_import": {"impor roster"},
    "changelist": {"lihat peserta", "meja verifikasi"},
}


def staff_with(codenames):
    user = User.objects.create_user("staf-" + "-".join(codenames or ["none"]), password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def url_for(name, participant):
    if name == "desk_record":
        return reverse("desk_record", args=[participant.batch_id, participant.user_id])
    if name == "photo":
        return reverse("photo", args=[participant.photo.uuid])
    if name == "changelist":
        return reverse("admin:profiles_participant_changelist")
    return reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ALLOWED)
def test_each_staff_role_opens_only_its_pages(alice, role, name):
    give_photo(alice)
    response = client_for(staff_with(ROLES[role])).get(url_for(name, alice))
    opened = response.status_code in (200, 302) and "/masuk" not in response.get("Location", "") \
        and "admin/login" not in response.get("Location", "")
    assert opened == (role in ALLOWED[name]), (role, name, response.status_code)


def test_the_desk_role_sees_the_photo_it_verifies(alice):
    give_photo(alice)
    desk_staff = staff_with(["change_participant"])
    page = client_for(desk_staff).get(reverse("desk_record", args=[alice.batch_id, alice.user_id]))
    photo_url = reverse("photo", args=[alice.photo.uuid])
    assert photo_url in page.content.decode()
    assert client_for(desk_staff).get(photo_url).status_code == 200
