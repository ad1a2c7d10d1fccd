"""Account operations staff perform for a participant."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from profiles.models import Participant, User


def end_sessions(user):
    """Delete every session signed in as `user`; returns how many."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def reset_to_nip(participant, *, by):
    """Back to first sign-in (password = NIP), recorded in the history, all sessions ended."""
    with transaction.atomic():
        user = participant.user
        user.set_unusable_password()
        user.save(update_fields=["password"])
        participant._history_user = by
        participant._change_reason = "Reset ke NIP (masuk pertama dengan NIP)"
        participant.save(update_fields=["updated_at"])
        return end_sessions(user)


def reset_many_to_nip(participants, *, by):
    """reset_to_nip for each; returns (how many accounts, how many sessions ended)."""
    count = ended = 0
    for participant in participants:
        ended += reset_to_nip(participant, by=by)
        count += 1
    return count, ended


def create_participant(nip, batch, values, *, by=None):
    """One participant and its account, first sign-in with the NIP (no hash computed)."""
    with transaction.atomic():
        user = User(username=nip)
        user.set_unusable_password()
        user.save()
        participant = Participant(nip=nip, user=user, batch=batch, **values)
        participant._history_user = by
        participant._change_reason = "Dibuat"
        participant.save()
    return participant
