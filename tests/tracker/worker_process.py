"""A Celery worker for the real-worker tests: ``python -m tests.tracker.worker_process QUEUE ARGS``.

It consumes ``QUEUE`` only, and what its tasks queue in turn (a subscribe request's confirmation
email, say) goes on ``QUEUE`` too, as what the test's own process queues does; ``ARGS`` are
``celery worker`` options.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.celery import app

queue = sys.argv[1]
app.conf.task_default_queue = queue
app.worker_main(["worker", "-Q", queue, *sys.argv[2:]])
