"""Which committee a visitor should contact: their own batch's, or the current one's.

A signed-in participant sees their batch's contact. Anonymous pages (sign-in, password
reset, lockout) show the contact of the batch whose deadline comes next, never one looked
up from a typed NIP: that would tell a stranger which batch a NIP belongs to.
"""

from django.db.models import Q
from django.utils import timezone

from profiles.models import Batch, Participant

HAS_CONTACT = ~Q(contact_name="") | ~Q(contact_phone="") | ~Q(contact_email="")


def batch_for_user(user):
    if user is None or not user.is_authenticated:
        return None
    try:
        return Participant.objects.select_related("batch").get(user=user).batch
    except Participant.DoesNotExist:
        return None


def current_batch(now=None):
    now = now or timezone.now()
    with_contact = Batch.objects.filter(HAS_CONTACT)
    return (
        with_contact.filter(deadline__gte=now).order_by("deadline").first()
        or with_contact.order_by("-deadline").first()
    )


def contact_batch(user=None, now=None):
    return batch_for_user(user) or current_batch(now)
