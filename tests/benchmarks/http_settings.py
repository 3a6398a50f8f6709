"""Production settings plus one trivial view, for the HTTP benchmark's gunicorn only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.http_urls"
