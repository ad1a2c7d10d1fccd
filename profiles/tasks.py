"""Background jobs (Django's task API via django-tasks, database queue).

Each task is a thin wrapper around a service, so a command or a test can run the
same work in-process. Arguments are primary keys: a job reads the current state
from the database when it runs.
"""

from django_tasks import task

from profiles.services import mail, photo_fixes


@task()
def send_mail_task(log_id):
    mail.deliver(log_id)


@task()
def build_export_task(job_id):
    from profiles.services import export_jobs

    export_jobs.build(job_id)


@task()
def fix_photo_task(fix_id):
    # "Perbaiki foto otomatis": up to seconds of CPU, so never inside the request.
    photo_fixes.run_fix(fix_id)
