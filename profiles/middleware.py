from django.shortcuts import redirect
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
