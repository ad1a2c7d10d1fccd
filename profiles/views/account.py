"""The password pages: the first choice after signing in with the NIP, and later changes."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from profiles.models import Participant
from profiles.rules.deadlines import describe_deadline

SAVED = "Kata sandi baru tersimpan. Mulai sekarang masuk dengan kata sandi ini."
CHANGED = "Kata sandi Anda sudah diubah."


class ChoosePasswordForm(SetPasswordForm):
    """The first-sign-in password: anything but the NIP (profiles.validators.NotNipValidator)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Kata sandi baru"
        self.fields["new_password2"].label = "Ulangi kata sandi baru"


class ChangePasswordForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Kata sandi lama salah. Ketik lagi kata sandi yang Anda pakai untuk masuk.",
        "password_mismatch": "Kedua kata sandi baru tidak sama. Ketik ulang keduanya.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "Kata sandi lama"
        self.fields["new_password1"].label = "Kata sandi baru"
        self.fields["new_password2"].label = "Ulangi kata sandi baru"


@login_required
@require_http_methods(["GET", "POST"])
def password_set(request):
    # Only for the first sign-in: setting a password without the old one would let anyone
    # at an open session on a shared computer take the account over for good.
    if request.user.has_usable_password():
        return redirect("password_change")
    form = ChoosePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, SAVED)
        return redirect("home")
    participant = Participant.objects.select_related("batch").filter(user=request.user).first()
    # Told first, before the new password is asked for: past the deadline the portal only shows.
    closed = participant is not None and not participant.can_edit()
    return render(request, "profiles/password_set.html", {
        "form": form, "editing_closed": closed,
        "deadline_text": describe_deadline(participant.batch.deadline) if closed else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    if not request.user.has_usable_password():
        return redirect("password_set")
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, CHANGED)
        return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})
