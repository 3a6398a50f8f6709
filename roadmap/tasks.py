"""The roadmap's Celery task: an import an editor started in the admin (watches have theirs in
``roadmap.sources.tasks``). It takes an id and calls one function."""

from celery import shared_task

from roadmap.importers.jobs import import_job_run

# A full edition on a slow database can take minutes: far longer than an email batch.
IMPORT_TIME_LIMIT_SECONDS = 60 * 60


@shared_task(time_limit=IMPORT_TIME_LIMIT_SECONDS, soft_time_limit=IMPORT_TIME_LIMIT_SECONDS - 60)
def run_import_job(job_id: int) -> str:
    """Import the job's file; return the state it ended in."""
    return import_job_run(job_id=job_id).state
