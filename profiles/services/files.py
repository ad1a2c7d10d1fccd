"""The private file storage (settings.STORAGES, FILE_STORAGE=local|s3): what it raises.

A local disk raises OSError; S3 (django-storages, boto3) raises botocore's errors, which
are not OSErrors. Code that must turn a storage failure into a clear outcome (a failed
job, an unhealthy server) catches STORAGE_ERRORS.
"""

from botocore.exceptions import BotoCoreError, ClientError

STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
