"""Writes to participant records: every change goes through here.

Views, admin actions and management commands call these functions, so the
optimistic lock, the status transitions and the audit trail are applied the
same way whoever makes the change.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from profiles.services import review
from profiles.rules.fields import DATA_COLUMNS
from profiles.models import Participant


class EditConflict(Exception):
    """The record changed since the form was opened."""


class EditingClosed(Exception):
    """The deadline has passed and editing was not reopened."""


def save_participant_data(participant, values, *, expected_version, by, reason="", now=None,
                          check_deadline=True):
    """Store validated values; refuse a stale version or a closed deadline.

    The version guard is one conditional UPDATE, so two saves racing on any
    database cannot both pass it.
    """
    now = now or timezone.now()
    if check_deadline and not participant.can_edit(now):
        raise EditingClosed
    with transaction.atomic():
        bumped = Participant.objects.filter(pk=participant.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise EditConflict
        fresh = Participant.objects.select_related("batch").get(pk=participant.pk)
        data_changed = False
        for field, value in values.items():
            if field in DATA_COLUMNS and getattr(fresh, field) != value:
                data_changed = True
            setattr(fresh, field, value)
        if data_changed:
            fresh.revoked = review.revoke_approval(fresh, by_participant=is_participant(by))
        fresh._history_user = by
        fresh._change_reason = reason or ("Update Profil" if by and not by.is_staff else "Admin")
        fresh.save()
    return fresh


def is_participant(user):
    return user is not None and not user.is_staff
