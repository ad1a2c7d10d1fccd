"""The review desk in Chromium: a staff member verifies N prepared records with the keyboard.

    .venv/bin/python bench/review_desk.py                # 50 records, 1,366×768
    .venv/bin/python bench/review_desk.py --records 10

On a bare machine: a throw-away SQLite database and media folder in a temporary directory
(DATABASE_URL, MEDIA_ROOT), `migrate`, one batch, N complete participants whose photo went
through uploads.receive_upload (one generated red-background 4:6 JPEG, checked for each)
and who confirmed (review.confirm), and a staff user with the change permission. The site
runs as `manage.py runserver --noreload` in a child process with the same environment.
Chromium signs in once through the admin login page (PBKDF2 is slow by design), opens the
desk and presses `v` on each record, waiting each time for the next record's progress
("1 dari M": the verified record leaves the queue). Prints seconds, requests, page loads
and keys per record; target: one page load and at most two keys a record.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREEN = {"width": 1366, "height": 768}
STAFF = ("staf-bench", "Kata-Sandi-Bench-1")
TARGET_LOADS, TARGET_KEYS = 1, 2

VALUES = {
    "tempat_lahir": "Jayapura",
    "tanggal_lahir": date(1993, 1, 21),
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": "Analis Keuangan",
    "pangkat": "Penata Muda",
    "golongan": "III/a",
    "asal_instansi": "Kementerian Keuangan",
    "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
    "no_telp": "+6281234567890",
}


def environment(workdir):
    return {
        "DJANGO_SETTINGS_MODULE": "smartbangkom.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "PHOTO_STORAGE": "local",
        "DEBUG": "false",
        # Console mail, and no mail server asked: verifying sends nothing anyway.
        "EMAIL_HOST": "",
    }


def prepare(count):
    """Migrate, then the batch, N confirmed participants with photos and the staff user."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from profiles.services import accounts, review, uploads
    from profiles.models import Batch, Status, User
    from tests.photo_factory import make_id_photo
    from tests.rosters import name_for, nip_for

    batch = Batch.objects.create(name="Bench Meja Verifikasi", deadline=timezone.now() + timedelta(days=30))
    photo = make_id_photo()
    for serial in range(1, count + 1):
        participant = accounts.create_participant(
            nip_for(serial), batch,
            {**VALUES, "nama": f"{name_for(serial).title()}, S.E.", "email": f"peserta{serial}@kemenkeu.go.id"},
        )
        outcome = uploads.receive_upload(participant, photo, by=participant.user)
        if not outcome.stored:
            sys.exit(f"the generated photo was refused: {outcome.report.errors}")
        review.confirm(participant, by=participant.user, **review.seen(participant))
    waiting = batch.participants.filter(status=Status.DIKONFIRMASI).count()
    if waiting != count:
        sys.exit(f"{waiting} of {count} records are waiting for verification")
    staff = User.objects.create_user(STAFF[0], password=STAFF[1], is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(
        codename__in=["view_participant", "change_participant", "view_photo", "view_dashboard"],
    ))
    return batch


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env, port, log):
    server = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"runserver exited with {server.returncode}; see {log.name}")
        try:
            urllib.request.urlopen(url + "/admin/login/", timeout=2).close()
            return server, url
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.terminate()
    sys.exit("runserver did not answer within 60 s")


def review_queue(url, count):
    """Sign in, open the desk, verify every record with `v`. Returns the measurements."""
    from playwright.sync_api import expect, sync_playwright

    requests, loads, keys, waits = Counter(), [0], [0], {"POST": [], "GET": []}

    def on_request(request):
        if request.resource_type == "document" and request.frame == page.main_frame:
            requests[f"document {request.method}"] += 1
        else:
            requests[request.resource_type] += 1

    def on_finished(request):
        # Time to first byte of the verification POST and of the next record's page: the server's share.
        if request.resource_type == "document" and request.frame == page.main_frame:
            timing = request.timing
            if timing["responseStart"] >= 0 and timing["requestStart"] >= 0:
                waits[request.method].append((timing["responseStart"] - timing["requestStart"]) / 1000)

    def on_load(_page):
        loads[0] += 1

    def press(key):
        keys[0] += 1
        page.keyboard.press(key)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=SCREEN, locale="id-ID", timezone_id="Asia/Jakarta")
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.goto(url + "/admin/login/?next=/staf/verifikasi/")
            page.locator("#id_username").fill(STAFF[0])
            page.locator("#id_password").fill(STAFF[1])
            page.locator("#id_password").press("Enter")
            progress = page.locator("#progress")
            expect(progress).to_have_text(f"1 dari {count}")
            # The first record's own load event must not count as the first verification's.
            page.wait_for_load_state("load")

            page.on("request", on_request)
            page.on("requestfinished", on_finished)
            page.on("load", on_load)
            started = time.perf_counter()
            for left in range(count, 0, -1):
                expect(progress).to_have_text(f"1 dari {left}")
                with page.expect_navigation():
                    press("v")
                if left > 1:
                    expect(progress).to_have_text(f"1 dari {left - 1}")
            page.wait_for_load_state()
            elapsed = time.perf_counter() - started
            final_url = page.url
        finally:
            browser.close()
    return elapsed, requests, loads[0], keys[0], final_url, waits


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50)
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")

    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp:
        workdir = Path(tmp)
        env = environment(workdir)
        os.environ.update(env)
        started = time.perf_counter()
        batch = prepare(args.records)
        print(f"{args.records} confirmed records with checked photos prepared in {time.perf_counter() - started:.1f} s")

        with open(workdir / "runserver.log", "w") as log:
            server, url = start_server(env, free_port(), log)
            try:
                elapsed, requests, loads, keys, final_url, waits = review_queue(url, args.records)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()

        # Playwright's event loop is gone; the ORM may run in this thread again.
        from profiles.models import Status
        verified = batch.participants.filter(status=Status.TERVERIFIKASI).count()

    n = args.records
    documents = {kind: total for kind, total in requests.items() if kind.startswith("document")}
    others = {kind: total for kind, total in requests.items() if not kind.startswith("document")}
    print(f"verified {verified} of {n} records; the desk ended on {final_url.split('?')[0].replace(url, '')}")
    print(f"total {elapsed:.2f} s, {elapsed / n:.3f} s per record")
    print(
        f"requests per record: {sum(requests.values()) / n:.2f} "
        f"(documents {sum(documents.values()) / n:.2f}: "
        + ", ".join(f"{kind.split()[1]} {total / n:.2f}" for kind, total in sorted(documents.items()))
        + f"; other {sum(others.values()) / n:.2f}"
        + ("".join(f", {kind} {total / n:.2f}" for kind, total in sorted(others.items())) if others else "")
        + ")"
    )
    print(
        "server time to first byte, median: "
        + ", ".join(f"{method} {statistics.median(values):.3f} s" for method, values in waits.items() if values)
    )
    print(f"page loads per record: {loads / n:.2f}; keys per record: {keys / n:.2f}")
    met = verified == n and loads / n <= TARGET_LOADS and keys / n <= TARGET_KEYS
    print(
        f"target (every record verified, ≤ {TARGET_LOADS} page load and ≤ {TARGET_KEYS} keys a record): "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
