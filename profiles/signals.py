"""Files go with their rows: a deleted participant (and so their photos) leaves no face behind."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from profiles.models import Photo, PhotoFix


def _delete_after_commit(*files):
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    # After the commit: a rolled-back delete must not lose the files.
    transaction.on_commit(delete)


@receiver(post_delete, sender=Photo, dispatch_uid="photo_files")
def delete_photo_files(sender, instance, **kwargs):
    _delete_after_commit(instance.file, instance.original)


@receiver(post_delete, sender=PhotoFix, dispatch_uid="photo_fix_files")
def delete_photo_fix_files(sender, instance, **kwargs):
    _delete_after_commit(instance.source, instance.preview, instance.result)
