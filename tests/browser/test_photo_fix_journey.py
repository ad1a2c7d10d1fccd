""""Perbaiki foto otomatis" on a phone: a 3:4 photo on a white wall is refused, fixed in the
background (database queue, a real worker run), accepted, and shown on My profile."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from profiles.models import Participant, Photo, PhotoFix
from tests import walls
from tests.conftest import ALICE_NIP

pytestmark = pytest.mark.browser

PASSWORD = "Kata-Sandi-Alice-1"  # tests/conftest.py, alice


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def loaded(locator, timeout=5000):
    """The image has arrived and decoded (waiting for it, as a person looking at the page would)."""
    try:
        locator.page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=locator.element_handle(), timeout=timeout
        )
    except PlaywrightTimeoutError:
        return False
    return True


def test_a_white_wall_phone_photo_is_refused_fixed_accepted_and_shown(new_context, live_server, alice, settings, tmp_path):
    # A real queue: the page must show progress, then swap in the result by itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = new_context("phone").new_page()
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(ALICE_NIP)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))

    # On a phone the next action is repeated above the steps; the first is what a thumb reaches.
    page.get_by_role("link", name="Upload Photo").first.click()
    phone_photo = tmp_path / "IMG_20240601.jpg"
    phone_photo.write_bytes(walls.phone_photo("white", 1200, 1600, shirt="blue"))
    page.locator("#id_foto").set_input_files(phone_photo)
    page.get_by_role("button", name="Save changes").click()

    # Refused: what failed comes first, with the photo that was refused.
    expect(page.locator('#failed-checks [data-code="ratio"]')).to_be_visible()
    expect(page.locator('#failed-checks [data-code="background"]')).to_be_visible()
    # The worker makes the refused photo's preview; the page shows it once it is there.
    expect(page.locator("#rejected-photo-waiting")).to_be_visible()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    expect(page.locator("#rejected-photo")).to_be_visible(timeout=10_000)
    assert loaded(page.locator("#rejected-photo"))
    expect(page.locator("#rejected-photo-waiting")).to_be_hidden()
    assert_fits_the_screen(page)
    assert not Photo.objects.exists()

    page.locator("#fix-kept-form").get_by_role("button", name="Perbaiki foto otomatis").click()
    fix = PhotoFix.objects.get(participant=alice)
    expect(page).to_have_url(live_server.url + reverse("photo_fix", args=[fix.uuid]))
    expect(page.locator("#fix-progress")).to_be_visible()

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    # The page's script polls and swaps in the result without a reload.
    after = page.locator("#fix-after")
    expect(after).to_be_visible()
    expect(page).to_have_url(live_server.url + reverse("photo_fix", args=[fix.uuid]))
    before = page.locator("#fix-before")
    assert loaded(after) and loaded(before)
    # Side by side at the same scale: the same height on screen.
    before_box, after_box = before.bounding_box(), after.bounding_box()
    assert before_box["height"] == pytest.approx(after_box["height"], abs=1)
    assert before_box["y"] == pytest.approx(after_box["y"], abs=1)
    expect(page.locator("#fix-changes")).to_contain_text("latar diganti merah")
    assert_fits_the_screen(page)
    assert Participant.objects.get(pk=alice.pk).photo is None

    page.get_by_role("button", name="Gunakan foto ini").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))
    expect(page.get_by_text("Berhasil di Update")).to_be_visible()
    photo = Participant.objects.get(pk=alice.pk).photo
    assert photo.auto_fixed
    shown = page.locator(f'img[data-photo-id="{photo.uuid}"]')
    expect(shown).to_be_visible()
    assert loaded(shown)
    assert_fits_the_screen(page)
