"""Load baseline: N participants go through the guide at once against gunicorn on loopback.

    .venv/bin/python bench/load.py --db sqlite
    .venv/bin/python bench/load.py --db postgres   # PostgreSQL at 127.0.0.1:5432, user postgres

Starts gunicorn (2 workers) on 127.0.0.1 and a free port against a fresh database (an
SQLite file in a temporary folder, or a dedicated PostgreSQL database that is dropped
afterwards), creates the participants, then runs one journey per participant in
parallel threads: sign-in page, sign in, My profile, Update Profil (GET and POST),
Upload Photo (GET and POST of a ~500 KB JPEG), My profile again and the new photo.
Prints throughput, p50 and p95 per step and overall, and the errors; then checks that
no upload was lost (every accepted upload has its Photo row and a readable file).

Bounded: at most 200 participants, one journey each, and a hard time limit (default
300 s) after which everything it started is stopped. Loopback only.
"""

import argparse
import hashlib
import http.client
import http.cookies
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HOST = "127.0.0.1"
PASSWORD = "Beban-Uji-2026!"
MAX_USERS = 200
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "smartbangkom_load"
STEPS = [
    "login_page", "sign_in", "profile", "edit_form", "edit_save",
    "photo_form", "photo_upload", "profile_after", "photo_get",
]
FIRST_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Rizki", "Nur", "Yusuf"]
LAST_NAMES = ["Santoso", "Rahmawati", "Hidayat", "Lestari", "Saputra", "Wijaya", "Kurniawan"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--photo-kb", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=300, help="hard limit for the whole run, seconds")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be between 1 and {MAX_USERS}")
    return args


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- the population ------------------------------------------------------------------------


def people(count):
    """NIPs that are valid and consistent with the data each participant will type."""
    for number in range(count):
        born = date(1990, 1, 1) + timedelta(days=37 * number)
        nip = f"{born:%Y%m%d}2020121{number + 1:03d}"
        yield {
            "nip": nip,
            "born": born,
            "nama": f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[number % len(LAST_NAMES)]}",
            "no_telp": f"0812{34560000 + number:08d}",
        }


def create_participants(count):
    """Participants as the roster import makes them, each with one known password."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from profiles.models import Batch, User
    from profiles.services.accounts import create_participant

    batch = Batch.objects.create(name="Latsar Beban", deadline=timezone.now() + timedelta(days=7))
    population = list(people(count))
    for person in population:
        create_participant(person["nip"], batch, {"nama": person["nama"]})
    # One PBKDF2 hash shared by all (half a second each otherwise); signing in still
    # costs the server one full check per participant, as in real life.
    User.objects.filter(username__in=[p["nip"] for p in population]).update(password=make_password(PASSWORD))
    return population


# --- the photo -----------------------------------------------------------------------------


def make_photo(size_kb):
    """A valid 4:6 ID photo on red, with sensor-like noise so that it weighs what a phone
    photo does (~480 kB at 1200x1800), topped up with a JPEG comment to size_kb."""
    from tests.photo_factory import make_id_photo, pad_to_size

    jpeg = make_id_photo(width=1200, height=1800, quality=90, noise=6)
    target = size_kb * 1000
    return pad_to_size(jpeg, target) if len(jpeg) < target else jpeg


# --- a participant's browser -----------------------------------------------------------------


class Browser:
    """Cookies and one connection; gunicorn's sync workers close it after each response."""

    def __init__(self, port, timeout):
        self.port = port
        self.timeout = timeout
        self.cookies = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def request(self, method, path, body=None, content_type=None):
        headers = {"Host": f"{HOST}:{self.port}", "Accept": "text/html,image/jpeg,*/*"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()  # the server closed a kept connection: reopen once
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response, data

    def close(self):
        self.connection.close()


def csrf_token(html):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise StepFailed("no CSRF token in the page")
    return match.group(1).decode()


def form_encode(fields):
    from urllib.parse import urlencode

    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


def multipart(fields, file_field, filename, content, file_type="image/jpeg"):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: {file_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class StepFailed(Exception):
    pass


def expect(status, wanted, data, step):
    if status != wanted:
        snippet = re.sub(rb"\s+", b" ", re.sub(rb"<[^>]+>", b" ", data))[:300].decode(errors="replace")
        raise StepFailed(f"{step}: HTTP {status} (wanted {wanted}) {snippet.strip()}")


def profile_fields(person, version, token):
    return {
        "csrfmiddlewaretoken": token,
        "nama": person["nama"].lower(),  # typed carelessly; the form writes it canonically
        "tempat_tanggal_lahir": f"Jakarta;{person['born'].day}-{person['born'].month}-{person['born'].year}",
        "jenis_kelamin": "Laki-laki",
        "agama": "Islam",
        "jabatan": "Analis Kebijakan Ahli Pertama",
        "golongan": "III/a",
        "pangkat": "Penata Muda",
        "email": f"{person['nip']}@lan.go.id",
        "asal_instansi": "Lembaga Administrasi Negara",
        "alamat_instansi": "Jl. Veteran No. 10, Jakarta Pusat",
        "no_telp": person["no_telp"],
        "version": version,
    }


def journey(person, port, photo, start, results, timeout):
    browser = Browser(port, timeout)
    timings = []
    outcome = {"nip": person["nip"], "timings": timings, "error": None, "uploaded": False}

    def step(name, method, path, body=None, content_type=None):
        began = time.perf_counter()
        status, response, data = browser.request(method, path, body, content_type)
        timings.append((name, time.perf_counter() - began))
        return status, response, data

    start.wait()
    try:
        status, _, page = step("login_page", "GET", "/masuk/")
        expect(status, 200, page, "login_page")
        body, kind = form_encode(
            {"csrfmiddlewaretoken": csrf_token(page), "username": person["nip"], "password": PASSWORD, "next": ""}
        )
        status, response, page = step("sign_in", "POST", "/masuk/", body, kind)
        expect(status, 302, page, "sign_in")

        status, _, page = step("profile", "GET", "/profil/")
        expect(status, 200, page, "profile")

        status, _, page = step("edit_form", "GET", "/profil/ubah/")
        expect(status, 200, page, "edit_form")
        version = re.search(rb'name="version" value="(\d+)"', page).group(1).decode()
        body, kind = form_encode(profile_fields(person, version, csrf_token(page)))
        status, response, page = step("edit_save", "POST", "/profil/ubah/", body, kind)
        expect(status, 302, page, "edit_save")

        status, _, page = step("photo_form", "GET", "/profil/foto/")
        expect(status, 200, page, "photo_form")
        body, kind = multipart({"csrfmiddlewaretoken": csrf_token(page)}, "foto", "foto.jpg", photo)
        status, response, page = step("photo_upload", "POST", "/profil/foto/", body, kind)
        expect(status, 302, page, "photo_upload")
        outcome["uploaded"] = True

        status, _, page = step("profile_after", "GET", "/profil/")
        expect(status, 200, page, "profile_after")
        if b"Berhasil di Update" not in page:
            raise StepFailed("profile_after: no 'Berhasil di Update'")
        source = re.search(rb'src="(/foto/[0-9a-f-]+\.jpg)"', page)
        if not source:
            raise StepFailed("profile_after: the new photo is not shown")
        status, response, image = step("photo_get", "GET", source.group(1).decode())
        expect(status, 200, image, "photo_get")
        if response.getheader("Content-Type") != "image/jpeg" or not image.startswith(b"\xff\xd8"):
            raise StepFailed("photo_get: not a JPEG")
        outcome["shown_photo"] = source.group(1).decode()
    except (StepFailed, OSError, http.client.HTTPException, AttributeError) as error:
        outcome["error"] = f"{type(error).__name__}: {error}"
    finally:
        browser.close()
        results.append(outcome)


# --- the server ------------------------------------------------------------------------------


def server_environment(args, workdir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartbangkom.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "MEDIA_ROOT": str(workdir / "media"),
        "PHOTO_STORAGE": "local",
        "LOG_LEVEL": "WARNING",
        # gunicorn >= 25 opens a control socket in XDG_RUNTIME_DIR or ~/.gunicorn:
        # keep ours apart from any other gunicorn on the machine.
        "XDG_RUNTIME_DIR": str(workdir),
        "GUNICORN_BIND": f"{HOST}:{args.port}",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
    }
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    else:
        base = args.pg_admin_url.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{PG_DATABASE}"
    return env


def create_postgres_database(admin_url):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def drop_postgres_database(admin_url):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def start_gunicorn(env, workdir):
    log = open(workdir / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py"), "smartbangkom.wsgi:application"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return process


def stop_gunicorn(process):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # our own gunicorn master only; it stops its workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session, started above
        process.wait(timeout=10)


def wait_until_ready(port, process, deadline):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up; see gunicorn.log")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/masuk/", headers={"Host": f"{HOST}:{port}"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


# --- figures ---------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(args, results, wall, photo_size):
    by_step = defaultdict(list)
    for outcome in results:
        for name, seconds in outcome["timings"]:
            by_step[name].append(seconds)
    every = [seconds for values in by_step.values() for seconds in values]
    errors = [outcome for outcome in results if outcome["error"]]
    journeys = [sum(s for _, s in o["timings"]) for o in results if not o["error"]]

    print(f"\n== {args.db}: {args.users} participants, {args.workers} gunicorn workers, "
          f"photo {photo_size / 1000:.0f} kB, wall {wall:.1f} s ==")
    print(f"{'step':<14}{'count':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name in STEPS:
        values = by_step.get(name, [])
        if values:
            print(f"{name:<14}{len(values):>6}{percentile(values, .5) * 1000:>10.0f}"
                  f"{percentile(values, .95) * 1000:>10.0f}{max(values) * 1000:>10.0f}")
    print(f"{'all requests':<14}{len(every):>6}{percentile(every, .5) * 1000:>10.0f}"
          f"{percentile(every, .95) * 1000:>10.0f}{max(every, default=0) * 1000:>10.0f}")
    if journeys:
        print(f"{'journey':<14}{len(journeys):>6}{percentile(journeys, .5) * 1000:>10.0f}"
              f"{percentile(journeys, .95) * 1000:>10.0f}{max(journeys) * 1000:>10.0f}")
    print(f"throughput: {len(every) / wall:.1f} requests/s, {len(journeys) / wall:.2f} journeys/s, "
          f"{sum(1 for o in results if o['uploaded']) / wall:.2f} uploads/s")
    print(f"errors: {len(errors)}")
    for outcome in errors[:10]:
        print(f"  {outcome['nip']}: {outcome['error']}")
    return len(errors)


def verify_uploads(results, workdir):
    """Every accepted upload has its Photo row, and the file decodes from storage."""
    from axes.models import AccessAttempt
    from PIL import Image

    from profiles.models import Participant, Photo, Status

    lost = []
    accepted = [o for o in results if o["uploaded"]]
    for outcome in accepted:
        participant = Participant.objects.select_related("photo").get(pk=outcome["nip"])
        photo = participant.photo
        if photo is None:
            lost.append(f"{outcome['nip']}: no photo on the record")
            continue
        try:
            with photo.file.open("rb") as handle:
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != photo.sha256:
                lost.append(f"{outcome['nip']}: stored bytes differ from the recorded hash")
            image = Image.open(io.BytesIO(data))
            image.load()
            if image.size != (photo.width, photo.height):
                lost.append(f"{outcome['nip']}: {image.size} != {(photo.width, photo.height)}")
        except (OSError, ValueError) as error:
            lost.append(f"{outcome['nip']}: {error}")
        if outcome.get("shown_photo") and outcome["shown_photo"] != f"/foto/{photo.uuid}.jpg":
            lost.append(f"{outcome['nip']}: the profile showed another photo")
    rows = Photo.objects.count()
    files = [p for p in (workdir / "media" / "photos").rglob("*") if p.is_file()]
    updated = Participant.objects.filter(status=Status.DIPERBARUI).count()
    print(f"uploads accepted: {len(accepted)}, Photo rows: {rows}, files in storage: {len(files)}, "
          f"records updated: {updated}")
    print(f"lost uploads: {len(lost)}")
    for line in lost[:10]:
        print(f"  {line}")
    if rows != len(accepted) or len(files) != rows:
        print("  MISMATCH between accepted uploads, Photo rows and stored files")
        lost.append("count mismatch")
    attempts = AccessAttempt.objects.count()
    print(f"django-axes failed-attempt records: {attempts}")
    return len(lost), attempts


def scan_server_log(workdir):
    text = (workdir / "gunicorn.log").read_text(errors="replace")
    problems = {
        pattern: text.count(pattern)
        for pattern in ("database is locked", "Traceback", "WORKER TIMEOUT", "OperationalError")
    }
    found = {pattern: count for pattern, count in problems.items() if count}
    print(f"server log: {found or 'clean'}")
    return found


# --- main ------------------------------------------------------------------------------------


def main():
    args = parse_args()
    args.port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix=f"smartbangkom-load-{args.db}-"))
    env = server_environment(args, workdir)
    deadline = time.monotonic() + args.timeout
    process = None

    def abort():
        print(f"\nHARD TIMEOUT after {args.timeout:.0f} s: stopping", flush=True)
        if process is not None:
            stop_gunicorn(process)
        os._exit(3)

    watchdog = threading.Timer(args.timeout, abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        if args.db == "postgres":
            create_postgres_database(args.pg_admin_url)
        # This process uses the same database to create the people and to check afterwards.
        for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "PHOTO_STORAGE", "LOG_LEVEL", "DEBUG"):
            os.environ[name] = env[name]
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        population = create_participants(args.users)
        photo = make_photo(args.photo_kb)
        connections.close_all()

        process = start_gunicorn(env, workdir)
        wait_until_ready(args.port, process, deadline)

        results = []
        start = threading.Event()
        request_timeout = max(10.0, min(120.0, deadline - time.monotonic()))
        threads = [
            threading.Thread(target=journey, args=(person, args.port, photo, start, results, request_timeout))
            for person in population
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        start.set()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
        wall = time.perf_counter() - began
        if any(thread.is_alive() for thread in threads):
            print("some journeys did not finish before the time limit")

        stop_gunicorn(process)
        errors = report(args, results, wall, len(photo))
        lost, attempts = verify_uploads(results, workdir)
        log_problems = scan_server_log(workdir)
        connections.close_all()
    finally:
        watchdog.cancel()
        if process is not None:
            stop_gunicorn(process)
        if args.db == "postgres":
            try:
                from django.db import connections

                connections.close_all()
            except ImportError:
                pass
            drop_postgres_database(args.pg_admin_url)
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    ok = not errors and not lost and not attempts and not log_problems
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
