"""The review desk with the keyboard on a 1,366×768 screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from profiles.services import review
from profiles.models import Participant, Status
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_VALUES
from tests.rosters import give_photo, nip_for

pytestmark = pytest.mark.browser

SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def waiting(batch):
    records = []
    for serial, nama in ((21, "Andi Wijaya, S.E."), (22, "Budi Santoso, S.Kom."), (23, "Cici Lestari, S.H.")):
        p = create_participant(nip_for(serial), batch, {**ALICE_VALUES, "nama": nama, "jenis_kelamin": "Laki-laki"})
        give_photo(p, warnings=["eyes_closed"] if serial == 22 else ())
        records.append(review.confirm(p, by=p.user, **review.seen(p)))
    return records


def sign_in(browser, live_server):
    context = browser.new_context(viewport=SCREEN, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill("staf")
    page.locator("#id_password").fill("Kata-Sandi-Staf-1")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    return context, page


def assert_no_scrolling(page):
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
    )
    assert overflow[0] <= 0 and overflow[1] <= 0, f"{page.url} overflows by {overflow}"


def test_staff_verify_a_queue_with_the_keyboard_without_scrolling(browser, live_server, staff, waiting):
    context, page = sign_in(browser, live_server)
    try:
        page.goto(live_server.url + reverse("desk"))
        expect(page.locator("#progress")).to_have_text("1 dari 3")
        assert_no_scrolling(page)
        page.keyboard.press("j")
        expect(page.locator("#progress")).to_have_text("2 dari 3")
        expect(page.get_by_text("Mata terpejam")).to_be_visible()
        page.keyboard.press("k")
        expect(page.locator("#progress")).to_have_text("1 dari 3")
        page.keyboard.press("v")
        expect(page.locator("#progress")).to_have_text("1 dari 2")
        expect(page.get_by_role("heading", name="Budi Santoso")).to_be_visible()
        page.keyboard.press("r")
        expect(page.locator("#revision")).to_have_attribute("open", "")
        assert_no_scrolling(page)
        page.locator("#catatan").fill("v bukan tombol di sini")
        page.get_by_role("button", name="Kirim permintaan revisi").click()
        expect(page.locator("#progress")).to_have_text("1 dari 1")
        assert Participant.objects.get(pk=waiting[0].pk).status == Status.TERVERIFIKASI
        assert Participant.objects.get(pk=waiting[1].pk).status == Status.PERLU_REVISI
    finally:
        context.close()
