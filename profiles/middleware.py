from django.db import OperationalError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.http import HttpResponse
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """After signing in with the NIP, nothing else opens until a password is chosen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("password_set"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_set")
        return self.get_response(request)


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PrivacyHeadersMiddleware:
    """Pages with personal data stay out of shared caches and the browser's disk cache.

    Every response to a signed-in user (and the sign-in page, which holds a NIP as it is
    typed) is `private, no-store`: on a shared computer, Back after signing out must not
    show someone's data. Every response also names the browser features we never use.
    Uploads use the file picker, so the camera stays off too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path == reverse("login"):
            response["Cache-Control"] = "private, no-store"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# What SQLite and PostgreSQL say when another writer holds what a request needs.
BUSY_MESSAGES = (
    "database is locked", "database table is locked", "could not obtain lock", "lock timeout",
    "deadlock detected",
)
BUSY_RETRY_SECONDS = 5


def is_database_busy(error):
    return isinstance(error, OperationalError) and any(text in str(error).lower() for text in BUSY_MESSAGES)


class DatabaseBusyMiddleware:
    """A busy database (a long write elsewhere, e.g. a roster import on SQLite) answers with
    a clear Indonesian "coba lagi" page and 503, never a 500. The page is rendered without
    the request's context processors: they would query the busy database again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        response = HttpResponse(
            render_to_string("busy.html", {"retry_seconds": BUSY_RETRY_SECONDS}), status=503,
        )
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
