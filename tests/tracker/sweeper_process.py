"""A sweeper in a process of its own: ``python -m tests.tracker.sweeper_process QUEUE START_AT``.

It sets Django up, waits until the wall-clock moment ``START_AT`` (seconds since the epoch), so
that two of them sweep at the same instant, runs ``tasks.sweep()`` once and prints how many
deliveries it re-queued onto ``QUEUE``.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from config.celery import app  # noqa: E402
from tracker import tasks  # noqa: E402

app.conf.task_default_queue = sys.argv[1]
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(tasks.sweep(), flush=True)
