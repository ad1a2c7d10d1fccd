"""Settings for the Smartbangkom participant portal.

One file, read from the environment. The defaults are for development on a bare
machine (SQLite, photos on the local disk); production overrides live in
``smartbangkom/settings_production.py``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}")


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# A fixed development key; production refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "profiles.middleware.PasswordChangeRequiredMiddleware",
    "profiles.middleware.PrivacyHeadersMiddleware",
    "profiles.middleware.DatabaseBusyMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartbangkom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "smartbangkom.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write at the deadline rush: wait for the lock
    # instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

AUTH_USER_MODEL = "profiles.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out username never reaches the others.
    "profiles.backends.SignInGuardBackend",
    "profiles.backends.FirstSignInBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Argon2id (profiles.hashers); hashes made by PBKDF2, Django's default before, still
# verify and are rewritten as Argon2id at the next sign-in.
PASSWORD_HASHERS = [
    "profiles.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    # Django's rules, worded once ("Kata sandi Anda") by profiles.validators.
    {"NAME": "profiles.validators.SimilarityValidator"},
    {"NAME": "profiles.validators.LengthValidator"},
    {"NAME": "profiles.validators.CommonValidator"},
    {"NAME": "profiles.validators.NotNumericValidator"},
    {"NAME": "profiles.validators.NotNipValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "profile"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after two hours without activity and when the browser closes:
# participants often sign in on shared computers.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# django-axes: lock on username and IP together, so one classroom behind one
# NAT address is not locked out by a single participant's typos.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "profiles.backends.axes_username"
# The client address (README, "Behind a reverse proxy"): REMOTE_ADDR by default; behind
# N reverse proxies that each append to X-Forwarded-For, the entry the outermost wrote.
# The left-most entry is the client's own claim and is never used.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
# django-ipware's setting name, read by profiles.backends.client_ip: ipware 8 itself
# answers None (or the left-most entry) when the header has more or fewer entries.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "profiles.backends.client_ip"
# Failed sign-ins from one address across all NIPs within AXES_COOLOFF_TIME before the
# address is locked (profiles.backends.SignInGuardBackend). Higher than the per-NIP
# limit: a classroom shares one address.
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20)
AXES_VERBOSE = False

LANGUAGE_CODE = "id"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# Serve straight from static/ without collectstatic (make run, tests); the
# production settings collect and compress instead.
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Photos are personal data: never given a public URL, always served by a view
# that checks who is asking (profiles.views.participant.photo).
MEDIA_URL = "/no-public-url/"

# Every file the app writes: photos, the uploads they were made from, refused uploads
# kept for the fixer, the fixer's results, export ZIPs, roster previews, certificates.
# FILE_STORAGE=s3 puts all of them in one private bucket, so any app server and any
# worker reads what another wrote; nothing is served from a server's own disk.
# PHOTO_STORAGE is the older name of the same switch and still works.
FILE_STORAGE = os.environ.get("FILE_STORAGE") or os.environ.get("PHOTO_STORAGE") or "local"
if os.environ.get("FILE_STORAGE") and os.environ.get("PHOTO_STORAGE") and (
    os.environ["FILE_STORAGE"] != os.environ["PHOTO_STORAGE"]
):
    raise ImproperlyConfigured("FILE_STORAGE and its older name PHOTO_STORAGE disagree: set only FILE_STORAGE")
if FILE_STORAGE == "s3":
    _private_files = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", "smartbangkom-photos"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # "path" for S3 servers addressed by IP or without wildcard DNS.
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            # Every photo version gets a new key; never overwrite one.
            "file_overwrite": False,
        },
    }
    _files = _photos = _private_files
elif FILE_STORAGE == "local":
    _files = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/no-public-url/"},
    }
    _photos = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "photos", "base_url": "/no-public-url/"},
    }
else:
    raise ImproperlyConfigured("FILE_STORAGE (or PHOTO_STORAGE) must be 'local' or 's3'")

STORAGES = {
    # Export ZIPs, roster previews and other private files; photos have their own alias
    # (on the local disk a folder of their own, on S3 the same bucket).
    "default": _files,
    "photos": _photos,
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads are refused above this size before they reach the photo checks.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Official (kedinasan) e-mail domains: a domain must end in one of these.
OFFICIAL_EMAIL_SUFFIXES = envlist("OFFICIAL_EMAIL_SUFFIXES", [".go.id", ".ac.id", ".mil.id"])

# Plausible age of a CPNS participant, in whole years, on the day of the check.
PARTICIPANT_MIN_AGE = envint("PARTICIPANT_MIN_AGE", 18)
PARTICIPANT_MAX_AGE = envint("PARTICIPANT_MAX_AGE", 60)

# Thresholds of the photo checks; see profiles/photos/config.py for the meaning
# and origin of each. Any key given here overrides the default.
PHOTO_CHECKS = {}
# Settings of "Perbaiki foto otomatis" (profiles/photos/config.py, FixConfig): e.g.
# {"background": "#d74532", "output_width": 827, "output_height": 1240,
#  "max_bytes": 204_800} for a portal that wants photos under 200 KB.
PHOTO_FIX = {}
# Uploads a participant may make in an hour, refused ones included (each costs a decode
# and the face checks). services.UploadLimitReached past it.
PHOTO_UPLOADS_PER_HOUR = envint("PHOTO_UPLOADS_PER_HOUR", 20)

# Roster files (profiles.services.roster.parse): refused at once over any of these, so an
# import stays under about 300 MB of memory whatever the file (a zip bomb included).
ROSTER_MAX_UPLOAD_BYTES = envint("ROSTER_MAX_UPLOAD_MB", 40) * 1024 * 1024
ROSTER_MAX_UNCOMPRESSED_BYTES = envint("ROSTER_MAX_UNCOMPRESSED_MB", 300) * 1024 * 1024
ROSTER_MAX_SHARED_STRINGS_BYTES = envint("ROSTER_MAX_SHARED_STRINGS_MB", 48) * 1024 * 1024
ROSTER_MAX_ROWS = envint("ROSTER_MAX_ROWS", 200_000)
ROSTER_MAX_COLUMNS = envint("ROSTER_MAX_COLUMNS", 100)
# Photo versions kept per participant besides the current and the confirmed one
# (manage.py prune_photos).
PHOTO_VERSIONS_KEPT = envint("PHOTO_VERSIONS_KEPT", 3)

# Background work (photo fixing, e-mail, big exports): Django's task API through the
# django-tasks backport, queued in the database. `manage.py worker` (db_worker plus the
# recovery of jobs whose worker died, services/jobs.py) runs the jobs;
# on PostgreSQL any number of workers share the queue (rows are claimed with
# SELECT ... FOR UPDATE SKIP LOCKED), SQLite serves one machine.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A queued job no worker has picked up after this many seconds is reported to the
# participant, who can try again.
TASK_PICKUP_TIMEOUT = envint("TASK_PICKUP_TIMEOUT", 60)

# A running job's lease (profiles/services/jobs.py): its worker renews it every third of
# this; a job whose lease ran out (its worker died) is retried once, then marked failed.
JOB_LEASE_SECONDS = envint("JOB_LEASE_SECONDS", 60)
if JOB_LEASE_SECONDS < 3:
    raise ImproperlyConfigured("JOB_LEASE_SECONDS must be at least 3")

# Mail: SMTP when EMAIL_HOST is set, otherwise printed on the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Smartbangkom <noreply@smartbangkom.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails (reminders, revision requests, password reset) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The key that signs issued certificates (profiles/services/certificates/sign.py): a
# PKCS#12 file and its password. `make run` creates a demo key at the default path when
# none exists; production names a real one (or a PKCS#11 token, below).
CERTIFICATE_SIGNING_P12 = os.environ.get(
    "CERTIFICATE_SIGNING_P12", str(BASE_DIR / "var" / "signing" / "demo-signing.p12")
)
CERTIFICATE_SIGNING_PASSWORD = os.environ.get("CERTIFICATE_SIGNING_PASSWORD", "demo-bukan-rahasia")
# The demo key make run creates signs only where this is on (off in settings_production).
CERTIFICATE_ALLOW_DEMO_KEY = envbool("CERTIFICATE_ALLOW_DEMO_KEY", True)
# A token or HSM instead of the file: the PKCS#11 module (.so), token label and key label;
# CERTIFICATE_SIGNING_PASSWORD is then the user PIN.
CERTIFICATE_SIGNING_PKCS11_MODULE = os.environ.get("CERTIFICATE_SIGNING_PKCS11_MODULE", "")
CERTIFICATE_SIGNING_PKCS11_TOKEN = os.environ.get("CERTIFICATE_SIGNING_PKCS11_TOKEN", "")
CERTIFICATE_SIGNING_PKCS11_KEY = os.environ.get("CERTIFICATE_SIGNING_PKCS11_KEY", "")
# Requests to the public verification page (/v/<code>/) per address per ten minutes;
# uploaded PDFs count against a lower limit (each is a signature validation).
VERIFY_REQUESTS_PER_10_MIN = envint("VERIFY_REQUESTS_PER_10_MIN", 60)
VERIFY_UPLOADS_PER_10_MIN = envint("VERIFY_UPLOADS_PER_10_MIN", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No NIP in the logs: Django logs the path of a 404 or 500, and admin paths carry it.
    "filters": {"no_nip": {"()": "smartbangkom.access_log.NipMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_nip"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The certificate template (WeasyPrint) and its font subset (fontTools) log every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
