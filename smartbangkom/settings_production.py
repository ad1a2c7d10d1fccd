"""Production: the development settings with the smallest override.

Run behind a TLS-terminating reverse proxy (nginx, a load balancer, an ingress)
that serves HTTPS to browsers and forwards to gunicorn over plain HTTP. The proxy
must *overwrite* (not append to) ``X-Forwarded-Proto`` on every request, otherwise
a client could claim HTTPS on a plain connection.
"""

import os
import re

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS, MIDDLEWARE, STORAGES, envbool, envint

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# The same bar as Django's own deploy check (security.W009), raised as an error:
# signing sessions, password-reset links and CSRF tokens with a guessable key
# is not a warning.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to at least 50 random characters in production, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host(s) in production")

# Links in e-mails (revision requests, reminders, password reset) point here: the
# address browsers really use, never a development default.
if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", os.environ.get("SITE_URL", "")):
    raise ImproperlyConfigured(
        "SITE_URL must be the portal's public address in production, e.g. https://smartbangkom.example.go.id"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
# Load balancers probe each server over plain HTTP (profiles.views.health).
SECURE_REDIRECT_EXEMPT = [r"^sehat/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# HSTS: a year, as browsers' preload lists expect. includeSubDomains covers only
# hosts *below* the portal's own name (e.g. *.smartbangkom.<instansi>.go.id),
# which are ours. Preloading is a commitment for the whole registrable domain
# (the institution's go.id domain, not ours to make), so it stays off unless the
# institution asks for it; the deploy check's reminder about it is silenced
# for that reason only.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Files come from collectstatic's output (hashed names, cached for a year).
WHITENOISE_USE_FINDERS = False

INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
# Early, so that redirects and error pages carry the policy as well.
_after = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_after], "csp.middleware.CSPMiddleware", *MIDDLEWARE[_after:]]
# Our templates load only our own static files and run no inline script
# (page data goes through json_script blocks, which are never executed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Issued certificates are signed by the centre's own key, never the demo key of make run.
CERTIFICATE_ALLOW_DEMO_KEY = False
