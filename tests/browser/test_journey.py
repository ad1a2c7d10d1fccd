"""The whole journey of the guide in a real browser, on a desktop and on a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from profiles.models import Participant, Photo, Status
from profiles.services.accounts import create_participant
from tests.photo_factory import make_id_photo

pytestmark = pytest.mark.browser

NIP = "200012312024121001"
NIP_AS_TYPED = "20001231 202412 1 001"
NEW_PASSWORD = "Merah-Putih-45!"
ADMIN_PASSWORD = "Kata-Sandi-Admin-1"  # tests/conftest.py, superuser


@pytest.fixture
def newcomer(batch):
    # As the roster import leaves a record: some fields blank, no password chosen yet.
    return create_participant(
        NIP, batch, {"nama": "Budi Santoso", "jenis_kelamin": "Laki-laki", "agama": "Islam"}
    )


def assert_fits_the_screen(page):
    # No sideways scrolling on a 360 px phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def sign_in_with_the_nip(page, live_server):
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(NIP_AS_TYPED)
    page.locator("#id_password").fill(NIP)
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Sign in").click()


def choose_a_password(page, live_server):
    expect(page).to_have_url(live_server.url + reverse("password_set"))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))
    expect(page.get_by_text("Kata sandi baru tersimpan")).to_be_visible()


def update_profil(page, live_server):
    # On a phone the next action is repeated above the steps; the first is what a thumb reaches.
    page.get_by_role("link", name="Update Profil").first.click()
    expect(page).to_have_url(live_server.url + reverse("profile_edit"))
    assert_fits_the_screen(page)
    page.locator("#id_nama").fill("budi santoso, se")
    # A birth date that differs from the one inside the NIP (31-12-2000).
    page.locator("#id_tempat_tanggal_lahir").fill("Jayapura;1-12-2000")
    page.locator("#id_jabatan").fill("Analis Keuangan Ahli Pertama")
    page.locator("#id_golongan").select_option("III/a")
    # Our script fills the matching pangkat.
    expect(page.locator("#id_pangkat")).to_have_value("Penata Muda")
    page.locator("#id_email").fill("budi.santoso@kemenkeu.go.id")
    page.locator("#id_asal_instansi").fill("Kementerian Keuangan")
    page.locator("#id_alamat_instansi").fill("Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat")
    page.locator("#id_no_telp").fill("0812 3456 7890")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_text("tidak sama dengan tanggal lahir dalam NIP").first).to_be_visible()
    expect(page.locator("#id_tempat_tanggal_lahir")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert_fits_the_screen(page)
    assert Participant.objects.get(pk=NIP).tanggal_lahir is None

    page.locator("#id_tempat_tanggal_lahir").fill("Jayapura;31-12-2000")
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))
    expect(page.get_by_text("Berhasil di Update")).to_be_visible()
    expect(page.get_by_text("Budi Santoso, S.E.").first).to_be_visible()
    expect(page.get_by_text("Jayapura;31-12-2000")).to_be_visible()


def upload_photos(page, live_server, tmp_path):
    # On a phone the next action is repeated above the steps; the first is what a thumb reaches.
    page.get_by_role("link", name="Upload Photo").first.click()
    expect(page).to_have_url(live_server.url + reverse("photo_upload"))
    assert_fits_the_screen(page)

    landscape = tmp_path / "foto-miring.jpg"
    landscape.write_bytes(make_id_photo(width=900, height=600))
    page.locator("#id_foto").set_input_files(landscape)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator('#photo-report [data-code="ratio"][data-ok="0"]')).to_be_visible()
    expect(page.get_by_text("Foto belum disimpan")).to_be_visible()
    assert_fits_the_screen(page)
    assert not Photo.objects.filter(participant_id=NIP).exists()

    good = tmp_path / "foto.jpg"
    good.write_bytes(make_id_photo(width=600, height=900))
    page.locator("#id_foto").set_input_files(good)
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))
    expect(page.get_by_text("Berhasil di Update")).to_be_visible()


def assert_the_new_photo_is_shown(page):
    stored = Participant.objects.select_related("photo").get(pk=NIP).photo
    assert stored is not None
    image = page.locator("img.profile-photo")
    expect(image).to_have_attribute("data-photo-id", str(stored.uuid))
    handle = image.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    size = page.evaluate("img => [img.naturalWidth, img.naturalHeight]", handle)
    assert size == [stored.width, stored.height]
    # The very bytes the page shows, fetched with the page's own session.
    content_type, digest = page.evaluate(
        """async img => {
            const response = await fetch(img.currentSrc);
            const bytes = await response.arrayBuffer();
            const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
            return [response.headers.get("content-type"),
                    Array.from(hash, b => b.toString(16).padStart(2, "0")).join("")];
        }""",
        handle,
    )
    assert content_type == "image/jpeg"
    assert digest == stored.sha256


def confirm(page, live_server):
    page.goto(live_server.url + reverse("profile"))
    page.get_by_role("link", name="Konfirmasi").first.click()
    expect(page).to_have_url(live_server.url + reverse("confirm"))
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Konfirmasi").click()
    # Not yet: the statement must be ticked first, and the page says so in Indonesian.
    expect(page.get_by_text("Centang pernyataan ini")).to_be_visible()
    page.get_by_label("Saya menyatakan data dan foto di atas sudah benar").check()
    page.get_by_role("button", name="Konfirmasi").click()

    participant = Participant.objects.get(pk=NIP)
    assert participant.status == Status.DIKONFIRMASI
    assert participant.confirmed_at is not None
    expect(page).to_have_url(live_server.url + reverse("receipt", args=[participant.confirmation_code]))
    expect(page.locator("main")).to_contain_text(participant.confirmation_code)
    assert_fits_the_screen(page)


def sign_out(page, live_server):
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(live_server.url + reverse("login"))
    page.goto(live_server.url + reverse("profile"))
    expect(page).to_have_url(live_server.url + reverse("login") + "?next=" + reverse("profile"))


def verify_in_the_admin(new_context, live_server, superuser):
    page = new_context("desktop").new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.locator("#id_username").fill(superuser.username)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(live_server.url + reverse("admin:profiles_participant_changelist"))
    page.locator(f'input.action-select[value="{NIP}"]').check()
    page.locator('select[name="action"]').select_option("verify_selected")
    page.locator('button[name="index"]').click()
    # The action first shows the records as they are; that exact version is verified.
    page.locator('input[type=submit][value="Verifikasi 1 peserta"]').click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 peserta diverifikasi")

    participant = Participant.objects.get(pk=NIP)
    assert participant.status == Status.TERVERIFIKASI
    assert participant.verified_by_id == superuser.pk
    assert participant.verified_at is not None


def test_a_new_participant_completes_the_guide_and_an_admin_verifies(
    page, new_context, live_server, newcomer, superuser, tmp_path
):
    sign_in_with_the_nip(page, live_server)
    choose_a_password(page, live_server)
    update_profil(page, live_server)
    upload_photos(page, live_server, tmp_path)
    assert_the_new_photo_is_shown(page)
    confirm(page, live_server)
    sign_out(page, live_server)
    verify_in_the_admin(new_context, live_server, superuser)
