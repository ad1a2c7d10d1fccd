from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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


def sees_participants(user):
    """Staff who may look at participant records and their photos: those who may view them,
    and those who may change them (the review desk), as Django's admin treats change."""
    return user.is_staff and (
        user.has_perm("profiles.view_participant") or user.has_perm("profiles.change_participant")
    )


def staff_permission_required(perm):
    """Staff holding `perm`; anyone else signed in gets 403, visitors the sign-in page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def admin_context(request, title):
    return {**admin.site.each_context(request), "title": title}
