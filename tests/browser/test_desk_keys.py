"""The review desk by keyboard for a revision, and on a tablet and a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from profiles.models import Participant, Status
from profiles.rules.revisions import REASONS
from tests.browser.test_desk import sign_in, waiting  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_a_revision_is_sent_with_number_keys_a_note_and_enter(browser, live_server, staff, waiting):  # noqa: F811
    context, page = sign_in(browser, live_server)
    try:
        page.goto(live_server.url + reverse("desk"))
        expect(page.locator("#progress")).to_have_text("1 dari 3")
        page.keyboard.press("r")
        page.keyboard.press("4")
        page.keyboard.press("c")
        page.keyboard.type("Dasi belum terlihat.")
        page.keyboard.press("Enter")
        expect(page.locator("#progress")).to_have_text("1 dari 2")
        flagged = Participant.objects.get(pk=waiting[0].pk)
        assert flagged.status == Status.PERLU_REVISI
        assert flagged.revision_note == f"{REASONS[3].text}\nDasi belum terlihat."
        assert [reason.code for reason in flagged.pending_revision()] == [REASONS[3].code]
    finally:
        context.close()


def test_a_number_key_ticks_and_unticks_its_reason(browser, live_server, staff, waiting):  # noqa: F811
    context, page = sign_in(browser, live_server)
    try:
        page.goto(live_server.url + reverse("desk"))
        page.keyboard.press("r")
        page.keyboard.press("1")
        expect(page.locator("input[data-key='1']")).to_be_checked()
        page.keyboard.press("1")
        expect(page.locator("input[data-key='1']")).not_to_be_checked()
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(768, 1024), (360, 740)], ids=["tablet", "phone"])
def test_the_desk_fits_the_screen_width(browser, live_server, staff, waiting, width, height):  # noqa: F811
    context, page = sign_in(browser, live_server)
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + reverse("desk"))
        expect(page.locator("#progress")).to_have_text("1 dari 3")
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{overflow} px wider than the screen"
        page.locator("#verify").scroll_into_view_if_needed()
        expect(page.locator("#verify")).to_be_in_viewport()
    finally:
        context.close()
