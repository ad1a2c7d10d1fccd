from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from profiles.models import Participant


def participant_required(view):
    """Passes the signed-in user's own participant record; nobody else's exists here."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            participant = Participant.objects.select_related("batch", "photo").get(
                user=request.user
            )
        except Participant.DoesNotExist:
            if request.user.is_staff:
                return redirect("admin:index")
            return redirect("logout")
        return view(request, participant, *args, **kwargs)

    return wrapper
