"""Imports an editor starts in the admin, run by a worker so that no web request waits for them.

The upload is stored as ordered chunks in the database (any worker of any machine can read it),
a task imports it with the same code as the commands, and the report is kept on the job. While it
runs, how much has been read is kept in the cache, which every process sees, since the import's
own transaction shows nothing to others until it ends.
"""

from __future__ import annotations

import io
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from roadmap.importers.kinds import import_file
from roadmap.importers.permissions import Gate
from roadmap.importers.report import ImportFailed
from roadmap.models import ImportChunk, ImportJob, ImportState

CHUNK_BYTES = 1024 * 1024
PROGRESS_SECONDS = 24 * 60 * 60
logger = logging.getLogger(__name__)


def _progress_key(job_id: int) -> str:
    return f"roadmap:import:{job_id}:progress"


class ChunkReader(io.RawIOBase):
    """A job's file read back from its chunks, one chunk in memory at a time."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.position = 0
        self.buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        if not self.buffer:
            data = (
                ImportChunk.objects.filter(job_id=self.job_id, position=self.position)
                .values_list("data", flat=True)
                .first()
            )
            if data is None:
                return 0
            self.buffer = memoryview(bytes(data))
            self.position += 1
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


@transaction.atomic
def import_job_create(*, kind: str, upload: UploadedFile, options: dict, by: User) -> ImportJob:
    """Store an upload and its options as a job waiting for a worker."""
    job = ImportJob.objects.create(
        kind=kind,
        options=options,
        file_name=(upload.name or "upload")[:255],
        size=upload.size or 0,
        created_by=by,
    )
    upload.seek(0)
    for position, data in enumerate(iter(lambda: upload.read(CHUNK_BYTES), b"")):
        ImportChunk.objects.create(job=job, position=position, data=data)
    return job


@transaction.atomic
def _finish(job_id: int, *, was: str, **outcome) -> None:
    """Record how a job ``was`` (its state then) ended, and drop its file."""
    ImportJob.objects.filter(pk=job_id, state=was).update(finished_at=timezone.now(), **outcome)
    ImportChunk.objects.filter(job_id=job_id).delete()


def import_job_abandon(*, job_id: int, reason: str) -> None:
    """Refuse a job no worker will take (it could not be queued), keeping why."""
    _finish(job_id, was=ImportState.QUEUED, state=ImportState.FAILED, error=reason)


def import_job_progress(job: ImportJob) -> int:
    """How many rules or documents the job has read so far."""
    if job.state == ImportState.RUNNING:
        return cache.get(_progress_key(job.pk)) or 0
    return job.progress


def import_job_run(*, job_id: int) -> ImportJob:
    """Import a waiting job's file as the editor who uploaded it; a job already taken is left to
    whoever took it. Keep the report, or why the file was refused, and drop the file."""
    if not ImportJob.objects.filter(pk=job_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING
    ):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    outcome = {"state": ImportState.FAILED, "report": [], "progress": 0}
    try:
        if job.created_by is None:
            raise ImportFailed("The editor who uploaded the file no longer has an account.")
        report = import_file(
            job.kind,
            io.BufferedReader(ChunkReader(job.pk), CHUNK_BYTES),
            gate=Gate(job.created_by),
            progress=lambda count: cache.set(_progress_key(job.pk), count, PROGRESS_SECONDS),
            **job.options,
        )
        outcome.update(state=ImportState.DONE, report=report.lines(), progress=report.read)
    except ImportFailed as failure:
        outcome["error"] = str(failure).rstrip(". ") + "."
    except SoftTimeLimitExceeded:
        outcome["error"] = "The import took longer than a worker may spend; nothing was kept."
    except Exception:
        logger.exception("import job %s failed", job.pk)
        outcome["error"] = "The import stopped on an error of the tracker's own; it is logged."
    _finish(job.pk, was=ImportState.RUNNING, **outcome)
    cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    return job
