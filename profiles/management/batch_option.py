"""The --batch option the commands share."""

from django.core.management.base import CommandError

from profiles.services import batches


def batch_named(name):
    try:
        return batches.find_batch(name)
    except batches.BatchNotFound as error:
        raise CommandError(str(error)) from None
